"""Read the facts of an article: sentences, dates, cities and officials."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from .model import CITIES, PROVINCE, Article, DateSpan, Official, Sentence
from .roster import Roster
from .spam import is_word

# --- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n")


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` with their offsets; a paragraph end also ends a sentence."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0) != "\n" else match.start()
        _add_sentence(text, start, end, sentences)
        start = match.end()
    _add_sentence(text, start, len(text), sentences)
    return sentences


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start] in " \n":
        start += 1
    while end > start and text[end - 1] in " \n":
        end -= 1
    if end > start:
        out.append(Sentence(text=text[start:end], start=start, end=end))


# --- dates -----------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_TIME_OF_DAY = r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间|晚|早)?"
_RANGE_SEP = r"(?:至|到|—|－|–|-|~|～|和|及|、)"
_DATE = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM}(?:[、，,]{_NUM})*)[日号]"
    rf"{_TIME_OF_DAY}"
    rf"(?:(?P<sep>{_RANGE_SEP})(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号]?{_TIME_OF_DAY})?"
)
# A bare day ("20日", "18、19日", "十三日") takes the month of the date before it, else of publication.
# Chinese-numeral bare days need two characters (十三日), so that 一日三餐 is not a date.
_BARE_NUM = r"(?:\d{1,2}|[二三]?十[一二三四五六七八九]?)"
_BARE_DAY = re.compile(
    rf"(?<![月\d年第初每])(?P<d>{_BARE_NUM}(?:[、，,]{_BARE_NUM})*)"
    rf"(?:[日号]{_TIME_OF_DAY})?(?:(?P<sep>{_RANGE_SEP})(?P<d2>{_BARE_NUM}))?[日号](?![电讯报])"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Words that date an event relative to publication; 日前 and 近日 ("recently") are read as the day of publication.
_RELATIVE = {"日前": 0, "近日": 0, "今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2}
_RELATIVE_RE = re.compile(
    r"(?<![每一两三四几])(?P<week>上|本|这|下)?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天])"
    r"|(?P<lastweek>上周|上星期)(?![一二三四五六日天])"
    r"|(?P<same>当天|当日|同日|同一天)"
    r"|" + "|".join(_RELATIVE)
)
VAGUE = ("日前", "近日")  # relative words that give only an approximate day


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):  # 二〇二五
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    if text.startswith("十"):
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _infer_year(month: int, day: int, anchor: date) -> date | None:
    """Return the nearest date with this month/day not after `anchor` (the publication date)."""
    for year in (anchor.year, anchor.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= anchor + timedelta(days=1):  # a late-evening report may be stamped early
            return candidate
    return None


def _make(year: int | None, month: int, day: int, anchor: date) -> date | None:
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return _infer_year(month, day, anchor)


def _bare_day(day: int, base: date | None, anchor: date) -> date | None:
    """Return the date of a bare day: in the month of `base`, else the latest such day not after `anchor`."""
    if base is not None:
        try:
            return date(base.year, base.month, day)
        except ValueError:
            return None
    for back in range(0, 3):
        month = (anchor.month - 1 - back) % 12 + 1
        year = anchor.year - (1 if anchor.month - back <= 0 else 0)
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= anchor + timedelta(days=1):
            return candidate
    return None


def find_dates(text: str, *, published: datetime | None, fallback: date) -> list[DateSpan]:
    """Return every date and date range in `text`, years inferred from the publication date."""
    anchor = published.date() if published else fallback
    spans: list[DateSpan] = []
    covered: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        year = _number(match["y"]) if match["y"] else None
        month = _number(match["m"])
        days = [_number(d) for d in re.split(r"[、，,]", match["d"])]
        start = _make(year, month, days[0], anchor)
        if start is None:
            continue
        end = _make(year if year else start.year, month, days[-1], anchor + timedelta(days=400)) or start
        if match["d2"]:
            month2 = _number(match["m2"]) if match["m2"] else month
            end = _make(year if year else start.year, month2, _number(match["d2"]), anchor + timedelta(days=400)) or end
            if end < start:  # 12月30日至1月2日
                end = _make(start.year + 1, month2, _number(match["d2"]), anchor + timedelta(days=400)) or start
        spans.append(DateSpan(text=match.group(0), start=start, end=max(start, end), offset=match.start()))
        covered.append(match.span())
    for match in _BARE_DAY.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        before = [s for s in spans if s.offset < match.start()]
        base = before[-1].start if before else None
        days = [_number(d) for d in re.split(r"[、，,]", match["d"])]
        if match["d2"]:
            days.append(_number(match["d2"]))
        if not all(1 <= d <= 31 for d in days):
            continue
        first = _bare_day(days[0], base, anchor)
        last = _bare_day(days[-1], first, anchor) if first else None
        if first is None or last is None:
            continue
        spans.append(DateSpan(text=match.group(0), start=first, end=max(first, last), offset=match.start()))
        covered.append(match.span())
    for match in _RELATIVE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        found = _relative(match, anchor, spans, known=published is not None)
        if found:
            spans.append(DateSpan(text=match.group(0), start=found[0], end=found[1], offset=match.start()))
    return sorted(spans, key=lambda s: s.offset)


def _relative(
    match: re.Match[str], anchor: date, spans: list[DateSpan], *, known: bool,
) -> tuple[date, date] | None:
    """Resolve a relative date word against the publication date (or the date before it for 当天)."""
    if match["same"]:
        before = [s for s in spans if s.offset < match.start()]
        return (before[-1].start, before[-1].start) if before else None
    if not known:
        return None  # without a publication date, "yesterday" means nothing
    monday = anchor - timedelta(days=anchor.weekday())
    if match["lastweek"]:
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if match["weekday"]:
        week = {"上": -7, "下": 7}.get(match["week"] or "", 0)
        day = monday + timedelta(days=week + _WEEKDAYS[match["weekday"]])
        if not match["week"] and day > anchor:
            day -= timedelta(days=7)  # a bare 周五 in a report means the last one
        return day, day
    day = anchor + timedelta(days=_RELATIVE[match.group(0)])
    return day, day


# --- cities ----------------------------------------------------------------------------------

PLACES_FILE = Path(__file__).resolve().parents[2] / "config" / "places.yaml"

# Words that contain a place's name but are not the place.
_ROADS = "(?:北|南|东|西|一|二|三|四|五|六|七|八)?路"
_PLACE_TRAPS = {
    "中山": rf"(?<!孙)(?<!逸仙)中山(?!大学|大道|{_ROADS}|装|公园|纪念|先生|舰|陵|医院|医|图书馆|堂|广场|街|中学|小学)",
    "江门": r"(?<!湛)江门",
    "河源": r"(?<!黄)河源",
    "南沙": r"南沙(?!群岛)",
    "新会": r"新会(?!员|址|场|议|标|长|徽|旗)",
    "四会": r"(?<!第)四会(?!议|谈|场)",
    "天河": r"(?<!银)天河",
    "连山": r"连山(?!越岭)",
    "南澳": r"南澳(?!大利亚)",
    "开平": r"开平(?!台|局|稳)",
    "河套": r"河套(?!地区|平原)",
}


@dataclass(frozen=True)
class Gazetteer:
    """The 21 cities and their districts and counties, each name mapped to its city."""

    places: dict[str, str]
    pattern: re.Pattern[str]  # every name, longest first, traps guarded (for other modules' use)
    automaton: ahocorasick.Automaton = field(compare=False)
    traps: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)

    def count(self, text: str) -> Counter[str]:
        """Return how often each city is named in `text`, directly or by one of its places."""
        counts: Counter[str] = Counter()
        taken = -1
        # Leftmost, then longest match; a name guarded against look-alike words must pass its guard.
        found = sorted(((end - len(name) + 1, -len(name), name) for end, name in self.automaton.iter(text)))
        for start, size, name in found:
            if start < taken:
                continue
            trap = self.traps.get(name)
            if trap is not None and not trap.match(text, start):
                continue
            counts[self.places[name]] += 1
            taken = start - size
        return counts


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    """Load the places file (city: [district, county, …]); the cities themselves are built in."""
    places = {city: city for city in CITIES}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for city, names in data.items():
            if city in CITIES and isinstance(names, list):
                places.update({str(name): city for name in names})
    names = sorted(places, key=len, reverse=True)
    alternatives = [_PLACE_TRAPS.get(n, re.escape(n)) for n in names]
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, name)
    automaton.make_automaton()
    traps = {name: re.compile(pattern) for name, pattern in _PLACE_TRAPS.items() if name in places}
    return Gazetteer(places=places, pattern=re.compile("|".join(alternatives)), automaton=automaton, traps=traps)


def find_cities(text: str) -> Counter[str]:
    """Return how often each of the 21 cities is named in `text` (districts and counties count)."""
    return load_gazetteer().count(text)


# --- officials -------------------------------------------------------------------------------

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘"
    "池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠"
    "豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰"
    "赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富"
    "尧闭由"
)
# Words that follow a name and so end it ("余钢在…", "陈勇调研…"), or start a non-name.
_AFTER_NAME = (
    "到", "在", "主持", "出席", "参加", "率", "带队", "调研", "指出", "强调", "表示", "要求", "会见", "一行",
    "深入", "前往", "赴", "来到", "走进", "召开", "宣讲", "作", "以", "对", "为", "同", "与", "等", "代表",
    "讲话", "介绍", "察看", "检查", "督导", "看望", "慰问", "接待", "陪同", "现场", "先后", "分别", "还", "也",
    "同志", "并", "专程", "一同", "和", "及", "说", "就", "围绕", "听取", "主讲", "致辞", "讲授", "作出",
    "沿着", "实地", "详细", "带领", "率领", "会同", "亲切", "首先", "随后", "认真", "结合", "高度", "主动",
)
_TITLE = re.compile(
    r"(?P<place>广东|" + "|".join(CITIES) + r")?(?P<title>省委书记|省长|市委副书记|市委书记|(?<!副)市长)"
)
# Further posts held by the same person, listed after the title: "市委书记、市人大常委会主任何国森".
_POST_END = re.compile(
    r"主任|团长|组长|书记|市长|指挥长|主席|委员|政委|总指挥|会长|河长|林长|湖长|局长|校长|司令员|召集人|社长"
)
_CLAUSE_STOP = re.compile(r"[，。；：！？,;:\n]")


_NOT_IN_NAME = frozenset("全市省县区镇村委会要的在和与了是为对将把被等各该此其度这那个们")
_ACTOR_TITLES = ("省委书记", "省长", "市委书记")


def find_officials(
    text: str, *, home_city: str, roster: Roster | None = None, day: date | None = None,
) -> list[Official]:
    """Return officials named as title + name, first mention of each name, in text order.

    The city is the title's own (`茂名市委书记`), else the roster's for that name, else the
    article's home city. A title without a name (`市委书记在会上强调`) takes the roster's holder.
    """
    found: dict[str, Official] = {}
    nameless: list[tuple[str, str, int]] = []
    names = roster.names() if roster else frozenset()
    for match in _TITLE.finditer(text):
        title = match["title"]
        name = _name_after(text, match.end(), names)
        place = match["place"] if match["place"] and match["place"] != PROVINCE else ""
        if title.startswith("省"):
            city = PROVINCE
        else:
            city = place or (roster.city_of(name, title, day) if roster and name else "") or home_city
        if not name:
            nameless.append((title, city, match.start()))
        elif name not in found:
            found[name] = Official(name=name, title=title, city=city, offset=match.start())
    for title, city, offset in nameless:
        if not roster or any(o.title == title and o.city == city for o in found.values()):
            continue
        holder = roster.holder(city, title, day)
        if holder and holder not in found:
            found[holder] = Official(name=holder, title=title, city=city, offset=offset, note="name from roster")
    return sorted(found.values(), key=lambda o: o.offset)


def _name_after(text: str, end: int, known: frozenset[str] = frozenset()) -> str:
    """Return the name that follows a title, directly or after a chain of further posts."""
    name = _trim_name(text, end, known) if end < len(text) else ""
    if name or not text.startswith("、", end):
        return name
    stop = _CLAUSE_STOP.search(text, end)
    limit = min(stop.start() if stop else len(text), end + 80)
    for post in _POST_END.finditer(text, end, limit):
        name = _trim_name(text, post.end(), known) if post.end() < len(text) else ""
        if name:
            return name
    return ""


def _trim_name(text: str, start: int, known: frozenset[str] = frozenset()) -> str:
    """Return the 2- or 3-character name starting at `start`, or '' if it is not a name.

    A roster name wins. Otherwise a name starts with a surname, is not a dictionary word, holds none
    of the characters names never hold (市, 要, 的…), and ends where a verb or punctuation starts or
    recurs in the text.
    """
    for size in (3, 2):
        if text[start:start + size] in known:
            return text[start:start + size]
    if text[start] not in _SURNAMES or text.startswith(_AFTER_NAME, start):
        return ""
    valid = {}
    for size in (3, 2):
        name = text[start:start + size]
        if len(name) < size or not all(_is_han(c) for c in name) or set(name[1:]) & _NOT_IN_NAME:
            continue
        if is_word(name) or text.startswith(_AFTER_NAME, start + size - 1):
            continue
        end = start + size
        follows = end >= len(text) or not _is_han(text[end]) or text.startswith(_AFTER_NAME, end)
        valid[size] = (name, follows, text.count(name) >= 2)
    for size in (3, 2):
        if size in valid and (valid[size][1] or valid[size][2]):
            return valid[size][0]
    return valid[3][0] if 3 in valid else valid[2][0] if 2 in valid else ""


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


# --- the article -----------------------------------------------------------------------------

_OUTLET_CITY = re.compile("|".join(CITIES))
_OUTLETS = {"西江日报": "肇庆", "珠江时报": "佛山"}  # city papers whose name does not say the city


def home_city(article: Article, counts: Counter[str]) -> str:
    """Return the city the article is about: its outlet's, its title's, else the most named."""
    outlet = _OUTLET_CITY.search(article.outlet)
    if outlet:
        return outlet.group(0)
    if article.outlet in _OUTLETS:
        return _OUTLETS[article.outlet]
    in_title = find_cities(article.title)
    if in_title:
        return in_title.most_common(1)[0][0]
    return counts.most_common(1)[0][0] if counts else ""


def extract(article: Article, *, fallback: date, roster: Roster | None = None) -> Article:
    """Return the article with dates, cities, officials, acting city and event date filled in."""
    counts = find_cities(article.title + "\n" + article.text)
    home = home_city(article, counts)
    dates = find_dates(article.text, published=article.published, fallback=fallback)
    event = _event_dates(dates, article.published, article.text)
    day = event[0] if event else (article.published.date() if article.published else None)
    head = article.title + "\n"
    officials = find_officials(head + article.text, home_city=home, roster=roster, day=day)
    officials = [replace(o, offset=max(-1, o.offset - len(head))) for o in officials]
    warnings = []
    if roster:
        for official in officials:
            if official.title in _ACTOR_TITLES and not official.note:
                warning = roster.check(official.name, official.title, official.city, day)
                if warning:
                    warnings.append(warning)
    return replace(
        article,
        dates=tuple(dates),
        cities=tuple(c for c, _ in counts.most_common()),
        officials=tuple(officials),
        city=_actor_city(officials, article.text) or home,
        event_date=day,
        event_end=event[1] if event else None,
        warnings=tuple(warnings),
    )


def _actor_city(officials: list[Official], text: str) -> str:
    """Return the city of the acting official: the first leader who is not only accompanying another."""
    actors = [o for o in officials if o.title in _ACTOR_TITLES and o.city]
    for official in actors:
        after = text[official.offset:official.offset + len(official.title) + len(official.name) + 40]
        if "陪同" not in after.split("，")[0]:
            return official.city
    return actors[0].city if actors else ""


_BACKGROUND_AFTER = re.compile(r"^[^，。；]{0,4}(?:以来|起|开始|之前|前夕|期间|至今|截至)")
_FUTURE_BEFORE = re.compile(r"(?:将于|将在|定于|计划于|预计|将|截至|截止|自|从|于)$")


def _event_dates(
    dates: list[DateSpan], published: datetime | None, text: str = "",
) -> tuple[date, date] | None:
    """Return the event's dates: the best-placed date the text gives that is not after publication.

    A date in the lead counts most; dates that open a background clause (以来, 截至) or announce
    something to come (将于) count least; 日前/近日 give way to any explicit date.
    """
    limit = published.date() + timedelta(days=1) if published else None
    lead_end = _lead_end(text)
    best: tuple[float, int, DateSpan] | None = None
    for span in dates:
        if limit is not None and span.start > limit:
            continue
        score = 0.0
        if span.offset < lead_end:
            score += 3
        if span.text in VAGUE:
            score -= 2
        after = text[span.offset + len(span.text):span.offset + len(span.text) + 8]
        before = text[max(0, span.offset - 4):span.offset]
        if _BACKGROUND_AFTER.match(after) or _FUTURE_BEFORE.search(before):
            score -= 4
        if published and (published.date() - span.start).days > 45:
            score -= 3
        key = (score, -span.offset, span)
        if best is None or key[:2] > best[:2]:
            best = key
    return (best[2].start, best[2].end) if best else None


def _lead_end(text: str) -> int:
    match = re.search(r"[。！？\n]", text)
    return match.end() if match else len(text)
