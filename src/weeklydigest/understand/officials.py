"""Find the officials an article names and whether each acts in it.

Title + name (`茂名市委书记庄悦群`), title chains read whole (`省委副书记、省长，深圳市委书记孟凡利`),
a name-less title or a bare name completed from the roster when the roster knows who held the post
on the event day and the text names that person. Each mention gets a role (`roles.py`): those who
act, accompany, or only stand in the text (relayed, quoted, delegated, former, of another province,
of a county). Linear in the length of the text (each title looks at a bounded window).
"""

from __future__ import annotations

import re
from datetime import date

from ..model import CITIES, PROVINCE, Official
from .places import load_gazetteer
from .roles import ACCOMPANIES, ACTS, COUNTY, OTHER_PROVINCE, UNPLACED, role_of
from .roster import Roster
from .spam import is_word

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
# What a person does right after being named: a bare roster name followed by one of these acts.
_ACTION = re.compile(
    r"(?:同志)?(?:主持|出席|参加|讲话|强调|指出|要求|调研|带队|率队|率领|率|到|在|来到|深入|前往|走进|察看|看望|慰问"
    r"|会见|宣读|宣讲|致辞|作|听取|检查|督导|表示|代表)"
)
_TITLE = re.compile(r"省委书记|(?<!副)省长(?!助理)|市委副书记|市委书记|(?<!副)市长(?!助理)")
# Further posts held by the same person, listed after the title: "市委书记、市人大常委会主任何国森".
_POST_END = re.compile(
    r"(?:主任|团长|组长|书记|市长|省长|指挥长|总指挥|主席|委员|政委|会长|河长|林长|湖长|局长|校长|司令员|召集人|社长|部长)"
    r"(?:候选人|人选)?"
)
_CHAIN_SEP = "、，,"
_PLURAL = re.compile(r"各|以上|地级|全省|有关|部分|多位|们")
_SEGMENT_STOP = re.compile(r"[、，,。；：;:！？!?\n]")
_NOT_IN_NAME = frozenset("全市省县区镇村委会要的在和与了是为对将把被等各该此其度这那个们")
ACTOR_TITLES = ("省委书记", "省长", "市委书记")


def find_officials(
    text: str, *, home_city: str, roster: Roster | None = None, day: date | None = None,
) -> list[Official]:
    """Return every official named, first mention of each name, in text order, each with its role.

    The city is the title's own (`茂名市委书记`), else that of the title before it in the same list
    (`佛山市委书记郑轲，市长白涛`), else the roster's for that name, else the article's home city.
    A person acts when any mention of them does. The roster adds only names the text contains.
    """
    found, nameless = read_mentions(text, home_city=home_city, roster=roster, day=day)
    return complete_from_roster(text, found, nameless, roster=roster, day=day)[0]


def read_mentions(
    text: str, *, home_city: str, roster: Roster | None = None, day: date | None = None,
    in_guangdong: bool | None = None,
) -> tuple[list[Official], list[Official]]:
    """Return the named officials (one per name) and the titles without a name, each with its role.

    A title whose place the text does not write (`市委书记蔡奇`) belongs to a Guangdong city only in
    a text about one (`in_guangdong`: a home city, a city or 广东 named), or when the roster gives
    that very name that very post on the day; elsewhere it is another place's post (role UNPLACED).
    """
    names = roster.names() if roster else frozenset()
    if in_guangdong is None:
        in_guangdong = bool(home_city) or "广东" in text or bool(load_gazetteer().count(text))
    mentions: list[Official] = []
    nameless: list[Official] = []
    last_place: tuple[int, str] = (-1, "")
    for match in _TITLE.finditer(text):
        title = match.group(0)
        place, kind, place_start = _place(text, match.start(), title)
        if not place and kind == ACTS and not title.startswith("省"):
            since, city = last_place
            if city and 0 <= match.start() - since <= 40 and "。" not in text[since:match.start()]:
                place = city
        if place and place != PROVINCE:
            last_place = (match.end(), place)
        name, name_end = _name_after(text, match.end(), names)
        role = kind if kind != ACTS else role_of(text, start=place_start, end=name_end or match.end())
        unplaced = kind == ACTS and not place and not in_guangdong
        if unplaced and roster and name and not title.startswith("省"):
            place = roster.city_on(name, title, day)
            unplaced = not place
        if unplaced:
            city, role = "", UNPLACED if role == ACTS else role
        elif title.startswith("省"):
            city = PROVINCE if kind == ACTS else ""
        elif kind != ACTS:
            city = ""
        else:
            city = place or (roster.city_of(name, title, day) if roster and name else "") or home_city
        if kind == COUNTY:
            title = text[place_start:match.start()] + title
        official = Official(name=name, title=title, city=city, offset=place_start, role=role)
        (mentions if name else nameless).append(official)
    return _merge(mentions), nameless


def complete_from_roster(
    text: str, found: list[Official], nameless: list[Official], *, roster: Roster | None, day: date | None,
) -> tuple[list[Official], list[Official]]:
    """Return the officials, with those the roster identifies on `day` added, and the acting titles left unnamed.

    An unnamed title (`市委书记出席会议并讲话`) keeps an empty name: the roster never puts a name into an
    item that the text does not contain. Its `note` says whom the roster lists for the post that day,
    for the editor to check.
    """
    added, unnamed = _from_roster(text, found, nameless, roster, day) if roster and day is not None else ([], [])
    if not (roster and day is not None):
        unnamed = [o for o in nameless if _acts_alone(text, o, found)]
    return sorted(found + added, key=lambda o: o.offset), unnamed


def _acts_alone(text: str, official: Official, found: list[Official]) -> bool:
    """Return whether a name-less title is one person who acts, and no named official holds it."""
    if official.role != ACTS or not official.city or official.title not in ACTOR_TITLES:
        return False
    if any(o.title == official.title and o.city == official.city for o in found):
        return False
    return not _PLURAL.search(text, max(0, official.offset - 6), max(0, official.offset))  # 各地级以上市市委书记


def _merge(mentions: list[Official]) -> list[Official]:
    """Return one official per name: their first acting mention, else their first mention."""
    by_name: dict[str, Official] = {}
    for official in mentions:
        kept = by_name.get(official.name)
        if kept is None or (kept.role not in (ACTS, ACCOMPANIES) and official.role in (ACTS, ACCOMPANIES)):
            by_name[official.name] = official
        elif kept.role == ACCOMPANIES and official.role == ACTS:
            by_name[official.name] = Official(kept.name, kept.title, kept.city, kept.offset, kept.note, ACTS)
    return list(by_name.values())


def _from_roster(
    text: str, found: list[Official], nameless: list[Official], roster: Roster, day: date,
) -> tuple[list[Official], list[Official]]:
    """Return the officials the roster identifies on `day` (only people the text names), and the unnamed titles.

    A name-less title that acts (`市委书记出席会议`, not `曾任…市委书记`) takes the holder of the post
    that day when the text names that person elsewhere; otherwise it stays unnamed, its note naming
    the roster's holder. A name the text gives without a title takes the post the roster says that
    person held that day, when the name is followed by what they do (`郭永航主持会议`).
    """
    known = {o.name for o in found}
    added: list[Official] = []
    unnamed: list[Official] = []
    for official in nameless:
        if not _acts_alone(text, official, found):
            continue
        holder = roster.holder(official.city, official.title, day)
        if holder and holder not in known and holder in text:
            known.add(holder)
            added.append(Official(holder, official.title, official.city, official.offset, "name from roster"))
        elif not holder or holder not in known:
            note = f"roster: {official.city}{official.title} on {day.isoformat()} is {holder}" if holder else ""
            unnamed.append(Official("", official.title, official.city, official.offset, note))
    for post in roster.dated:
        if post.title not in ACTOR_TITLES or post.name in known or not post.held_on(day):
            continue
        at = text.find(post.name)
        while at >= 0:
            end = at + len(post.name)
            if _ACTION.match(text, end) and role_of(text, start=at, end=end) == ACTS:
                known.add(post.name)
                added.append(Official(post.name, post.title, post.city, at, "title from roster"))
                break
            at = text.find(post.name, end)
    return added, unnamed


def _place(text: str, start: int, title: str) -> tuple[str, str, int]:
    """Return the place written before a title, what kind of office that makes it, and where the place starts.

    `广东省委书记`, `茂名市委书记`: the province, a city. `英德市委书记`: a county-level city's
    secretary, not a city's. `台州市委书记`, `浙江省委书记`: another province's. A title with no
    place before it (`，市委书记`, `省委常委、市委书记`) has no place of its own.
    """
    gazetteer = load_gazetteer()
    head = start
    if title.startswith("省"):
        if text.endswith("省", 0, head):
            head -= 1
        if text.endswith("广东", 0, head):
            return PROVINCE, ACTS, head - 2
        for size in (3, 2):
            if head >= size and text[head - size:head] in gazetteer.elsewhere:
                return "", OTHER_PROVINCE, head - size
        return "", ACTS, start
    if text.endswith("市", 0, head) and not text.endswith("该市", 0, head):
        head -= 1  # 湛江市市委书记
    for city in CITIES:
        if text.endswith(city, 0, head):
            return city, ACTS, head - len(city) - (2 if text.endswith("中共", 0, head - len(city)) else 0)
    for size in (4, 3, 2):
        if head < size:
            continue
        if text[head - size:head] in gazetteer.places:
            return "", COUNTY, head - size
        if text[head - size:head] in gazetteer.elsewhere:
            return "", OTHER_PROVINCE, head - size
    return "", ACTS, start


def _name_after(text: str, end: int, known: frozenset[str] = frozenset()) -> tuple[str, int]:
    """Return the name that follows a title, directly or after a chain of further posts, and where it ends.

    A chain runs over `、` and `，` as long as each piece ends with a post (`主任`, `总指挥`, `市委书记`).
    """
    name = _trim_name(text, end, known) if end < len(text) else ""
    if name:
        return name, end + len(name)
    position, limit = end, min(len(text), end + 120)
    while position < limit and text[position] in _CHAIN_SEP:
        stop = _SEGMENT_STOP.search(text, position + 1)
        segment_end = stop.start() if stop else len(text)
        if segment_end - position > 60:
            return "", 0
        posts = list(_POST_END.finditer(text, position + 1, segment_end))
        if not posts:
            return "", 0
        for post in posts:
            name = _trim_name(text, post.end(), known) if post.end() < len(text) else ""
            if name:
                return name, post.end() + len(name)
        if posts[-1].end() != segment_end:
            return "", 0
        position = segment_end
    return "", 0


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
