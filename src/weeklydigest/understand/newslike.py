"""How news-like a sentence is, and whether it belongs to the report around it.

A sentence pasted into a mirrored report from a novel or an advert is *foreign*: it shares no
characters' words with the rest of the report and none of the vocabulary of reporting. Being
foreign is not enough: a report's own descriptive lines (a landscape, a classical quotation, a
villager's words) are often foreign too. A sentence is judged injected only when, besides, it
reads like another register: the marks of narration (她, 你, an unquoted `，说`, a person's name the
report never uses) or of selling and gambling. Each judgement names the evidence it rests on.

Linear in the text: the report's character pairs are counted once; each sentence is looked at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import add

import rjieba

_STOP = frozenset("的了和与及在是有为对把被将就也都而或之于以从向到并等个这那着著过吗呢啊吧一不")
# Vocabulary of political and economic reporting: a sentence using any of it belongs to the report.
REGISTER = (
    "发展", "工作", "推进", "推动", "建设", "调研", "书记", "市委", "省委", "县委", "市长", "省长", "要求", "强调",
    "指出", "表示", "全市", "全省", "全县", "全区", "会议", "项目", "企业", "群众", "干部", "精神", "部署", "落实",
    "服务", "保障", "赛事", "比赛", "赛区", "运动", "乡村", "县域", "镇村", "经济", "产业", "改革", "创新", "安全",
    "治理", "政策", "规划", "领导", "党", "政府", "部门", "民生", "文化", "旅游", "游客", "生态", "环境", "现场",
    "活动", "宣讲", "学习", "贯彻", "全会", "十五五", "十四五", "城市", "区域", "协同", "合作", "园区", "基层",
    "社区", "考察", "检查", "督导", "慰问", "志愿", "运动员", "农业", "农村", "人民", "高质量", "现代化", "任务",
    "目标", "责任", "机制", "体系", "措施", "举措", "实施", "统筹", "市场", "投资", "招商", "科技", "人才", "教育",
    "医疗", "交通", "水利", "防汛", "应急", "村民", "居民", "同志", "主任", "负责人", "汇报", "情况", "副市长",
    "市政府", "人大", "政协", "常委", "国家", "中央", "总书记", "习近平", "主席", "指示", "讲话", "报告",
    "市民", "天气", "气温", "消费", "规定", "出行", "交流", "座谈", "调度", "签约", "开幕", "闭幕", "举行",
)
REGISTER_RE = re.compile("|".join(sorted(REGISTER, key=len, reverse=True)))
# Marks of narration outside quotation marks: pronouns of a story, reported speech without quotes.
_NARRATION = re.compile(r"她们?|(?<![我])你们?|我(?![国省市区县镇村们])|[，,]\s*说(?=[^，,。]{2})|咱")
# Marks of selling and gambling.
_SELLING = re.compile(
    r"价格|优惠|特价|下单|客服|包邮|发货|咨询热线|批发|促销|折扣|抢购|团购|充值|下注|投注|彩金|娱乐城|博彩|赌场|棋牌"
    r"|注册送|注册即送|官网|官方网站|开户|首存|返水|代理加盟|加微信|点击购买|点击咨询"
)
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RUN = re.compile("[^" + "".join(sorted(_STOP)) + r"\W\da-zA-Z_]{2,}")
SHARED_PAIRS = 2  # a sentence sharing this many of its character pairs with the report belongs to it
COMMON_PAIR = 20000  # a pair this frequent as a word of the dictionary says nothing about the topic


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence is injected, and the evidence."""

    injected: bool
    why: str = ""


def pairs(text: str) -> list[str]:
    """Return the character pairs of `text` that can carry its topic (no function characters, not punctuation)."""
    return list(_pairs_of_runs(text))


def _pairs_of_runs(text: str) -> Iterator[str]:
    return chain.from_iterable(map(add, run, run[1:]) for run in _RUN.findall(text))


def report_pairs(texts: list[str]) -> Counter[str]:
    """Return how often each character pair occurs in the report (title and paragraphs)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_pairs_of_runs(text))
    return counts


@lru_cache(maxsize=65536)
def _topical(pair: str) -> bool:
    return not (rjieba.has_word(pair) and rjieba.suggest_freq(pair) > COMMON_PAIR)


def judge(sentence: str, counts: Counter[str], *, context: re.Pattern[str] | None = None,
          blocked: bool = False) -> Verdict:
    """Return whether `sentence` was pasted into the report whose character pairs are `counts`."""
    if not foreign(sentence, counts, context=context):
        return Verdict(False)
    marks = other_register(sentence, counts)
    if blocked:
        marks.append("blocklisted words")
    if not marks:
        return Verdict(False)
    return Verdict(True, "sentence foreign to the report, not news-like: " + ", ".join(marks))


def foreign(sentence: str, counts: Counter[str], *, context: re.Pattern[str] | None = None) -> bool:
    """Return whether a sentence shares no topical character pairs with the report and none of its register."""
    if REGISTER_RE.search(sentence) or (context is not None and context.search(sentence)):
        return False
    if len(_CJK.findall(sentence)) < 10:
        return False
    own = Counter(pairs(sentence))
    return sum(1 for p, n in own.items() if counts.get(p, 0) > n and _topical(p)) < SHARED_PAIRS


def other_register(sentence: str, counts: Counter[str]) -> list[str]:
    """Return the marks of narration or selling in `sentence` (outside its quotations)."""
    outside = _QUOTED.sub("", sentence)
    marks = []
    narration = _NARRATION.search(outside)
    if narration:
        marks.append(f"narration ({narration.group(0).strip('，, ')})")
    tokens = rjieba.tokenize(sentence)
    starts, ends = {t[1] for t in tokens}, {t[2] for t in tokens}
    selling = next((m for m in _SELLING.finditer(sentence) if m.start() in starts and m.end() in ends), None)
    if selling:  # a word of the sentence, not the halves of two others
        marks.append(f"selling ({selling.group(0)})")
    for word, tag in rjieba.tag(outside):
        # An unknown word read as a name (the dictionary's own names are mostly places and things).
        if tag == "nr" and 2 <= len(word) <= 3 and _CJK.match(word) and not rjieba.has_word(word) and not any(
                counts.get(p, 0) > outside.count(p) for p in pairs(word)):
            marks.append(f"a name the report never uses ({word})")
            break
    return marks
