"""Read the facts of an article: sentences, dates, cities and officials."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from .model import CITIES, PROVINCE, Article, DateSpan, Official, Sentence

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
_TIME_OF_DAY = r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|凌晨|夜间|晚)?"
_DATE = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM}(?:[、，,]{_NUM})*)[日号]"
    rf"{_TIME_OF_DAY}"
    rf"(?:(?P<sep>至|到|—|－|–|-|~|～|和|及|、)(?:(?P<m2>{_NUM})月)?(?P<d2>{_NUM})[日号]?{_TIME_OF_DAY})?"
)
# A bare day ("20日") inherits the month of the date before it.
_BARE_DAY = re.compile(rf"(?<![月\d年第])(?P<d>{_NUM})[日号](?![电讯报])")
_RELATIVE = {"日前": 0, "近日": 0, "今天": 0, "今日": 0, "昨天": -1, "昨日": -1}
_RELATIVE_RE = re.compile("|".join(_RELATIVE))


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
        end = _make(year, month, days[-1], anchor) or start
        if match["d2"]:
            month2 = _number(match["m2"]) if match["m2"] else month
            end = _make(year if year else start.year, month2, _number(match["d2"]), anchor) or end
            if end < start:  # 12月30日至1月2日
                end = _make(start.year + 1, month2, _number(match["d2"]), anchor + timedelta(days=400)) or start
        spans.append(DateSpan(text=match.group(0), start=start, end=max(start, end), offset=match.start()))
        covered.append(match.span())
    for match in _BARE_DAY.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            continue
        before = [s for s in spans if s.offset < match.start()]
        base = before[-1].start if before else anchor
        day = _number(match["d"])
        try:
            found = date(base.year, base.month, day)
        except ValueError:
            continue
        spans.append(DateSpan(text=match.group(0), start=found, end=found, offset=match.start()))
    if published:
        for match in _RELATIVE_RE.finditer(text):
            day = anchor + timedelta(days=_RELATIVE[match.group(0)])
            spans.append(DateSpan(text=match.group(0), start=day, end=day, offset=match.start()))
    return sorted(spans, key=lambda s: s.offset)


# --- cities ----------------------------------------------------------------------------------

PLACES_FILE = Path(__file__).resolve().parents[2] / "config" / "places.yaml"

# Words that contain a city's name but are not the city.
_CITY_TRAPS = {
    "中山": r"(?<!孙)中山(?!大学|大道|路|装|公园|纪念|先生|舰|陵)",
    "江门": r"(?<!湛)江门",
}


@dataclass(frozen=True)
class Gazetteer:
    """The 21 cities and their districts and counties, each name mapped to its city."""

    places: dict[str, str]
    pattern: re.Pattern[str]

    def count(self, text: str) -> Counter[str]:
        """Return how often each city is named in `text`, directly or by one of its places."""
        counts: Counter[str] = Counter()
        for match in self.pattern.finditer(text):
            counts[self.places[match.group(0)]] += 1
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
    names = sorted((n for n in places if n not in CITIES), key=len, reverse=True)
    alternatives = [re.escape(n) for n in names] + [_CITY_TRAPS.get(c, c) for c in CITIES]
    return Gazetteer(places=places, pattern=re.compile("|".join(alternatives)))


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
)
_TITLE = re.compile(
    r"(?P<place>广东|" + "|".join(CITIES) + r")?(?P<title>省委书记|省长|市委副书记|市委书记|(?<!副)市长)"
)
# Further posts held by the same person, listed after the title: "市委书记、市人大常委会主任何国森".
_POST_END = re.compile(r"主任|团长|组长|书记|市长|指挥长|主席|委员|政委|总指挥|会长")
_CLAUSE_STOP = re.compile(r"[，。；：！？,;:\n]")


def find_officials(text: str, *, home_city: str) -> list[Official]:
    """Return officials named as title + name, first mention of each name, in text order."""
    found: dict[str, Official] = {}
    for match in _TITLE.finditer(text):
        name = _name_after(text, match.end())
        if not name or name in found:
            continue
        title = match["title"]
        if title.startswith("省"):
            city = PROVINCE
        else:
            city = match["place"] if match["place"] and match["place"] != PROVINCE else home_city
        found[name] = Official(name=name, title=title, city=city, offset=match.start())
    return list(found.values())


def _name_after(text: str, end: int) -> str:
    """Return the name that follows a title, directly or after a chain of further posts."""
    name = _trim_name(text, end) if end < len(text) else ""
    if name or not text.startswith("、", end):
        return name
    stop = _CLAUSE_STOP.search(text, end)
    limit = min(stop.start() if stop else len(text), end + 80)
    for post in _POST_END.finditer(text, end, limit):
        name = _trim_name(text, post.end()) if post.end() < len(text) else ""
        if name:
            return name
    return ""


def _trim_name(text: str, start: int) -> str:
    """Return the 2- or 3-character name starting at `start`, or '' if it is not a name."""
    if text[start] not in _SURNAMES or text.startswith(_AFTER_NAME, start):
        return ""
    three = text[start:start + 3]
    if len(three) < 3 or text.startswith(_AFTER_NAME, start + 2) or not _is_han(three[2]):
        return text[start:start + 2] if len(text) >= start + 2 and _is_han(text[start + 1]) else ""
    return three


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


# --- the article -----------------------------------------------------------------------------

_OUTLET_CITY = re.compile("|".join(CITIES))
_OUTLETS = {"西江日报": "肇庆", "珠江时报": "佛山"}  # city papers whose name does not say the city


def home_city(article: Article, counts: Counter[str]) -> str:
    """Return the city the article is about: its title's, its outlet's, else the most named."""
    in_title = find_cities(article.title)
    if in_title:
        return in_title.most_common(1)[0][0]
    outlet = _OUTLET_CITY.search(article.outlet)
    if outlet:
        return outlet.group(0)
    if article.outlet in _OUTLETS:
        return _OUTLETS[article.outlet]
    return counts.most_common(1)[0][0] if counts else ""


def extract(article: Article, *, fallback: date) -> Article:
    """Return the article with dates, cities, officials, acting city and event date filled in."""
    counts = find_cities(article.title + "\n" + article.text)
    home = home_city(article, counts)
    officials = find_officials(article.title + "\n" + article.text, home_city=home)
    officials = [replace(o, offset=o.offset - len(article.title) - 1) for o in officials]
    dates = find_dates(article.text, published=article.published, fallback=fallback)
    actors = [o for o in officials if o.title in ("省委书记", "省长", "市委书记")]
    city = actors[0].city if actors and actors[0].city else home
    event = _event_dates(dates, article.published)
    return replace(
        article,
        dates=tuple(dates),
        cities=tuple(c for c, _ in counts.most_common()),
        officials=tuple(officials),
        city=city,
        event_date=event[0] if event else (article.published.date() if article.published else None),
        event_end=event[1] if event else None,
    )


def _event_dates(dates: list[DateSpan], published: datetime | None) -> tuple[date, date] | None:
    """Return the event's dates: the first date the text gives that is not after publication."""
    limit = published.date() + timedelta(days=1) if published else None
    for span in dates:
        if limit is None or span.start <= limit:
            return span.start, span.end
    return None
