"""Find the officials an article names: title + name, title chains, and name-less titles filled from the roster."""

from __future__ import annotations

import re
from datetime import date

from ..model import CITIES, PROVINCE, Official
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
_TITLE = re.compile(
    r"(?P<place>广东|" + "|".join(CITIES) + r")?(?P<title>省委书记|省长|市委副书记|市委书记|(?<!副)市长)"
)
# Further posts held by the same person, listed after the title: "市委书记、市人大常委会主任何国森".
_POST_END = re.compile(
    r"主任|团长|组长|书记|市长|指挥长|主席|委员|政委|总指挥|会长|河长|林长|湖长|局长|校长|司令员|召集人|社长"
)
_CLAUSE_STOP = re.compile(r"[，。；：！？,;:\n]")


_NOT_IN_NAME = frozenset("全市省县区镇村委会要的在和与了是为对将把被等各该此其度这那个们")
ACTOR_TITLES = ("省委书记", "省长", "市委书记")


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
