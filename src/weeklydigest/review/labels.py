"""Chinese for the editors: the machine's reasons, warnings and messages, translated when a page shows them.

digest.json keeps the English strings (tools and tests read them); the review pages show these. A string
no pattern knows is shown as it is, so a new reason is never hidden, only untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

REMOVED = {"spam": "垃圾广告", "hidden": "隐藏文字", "pinyin": "拼音注音", "boilerplate": "版面杂项"}

EDIT_OPS = {
    "drop": "删除条目", "restore": "恢复条目", "move": "移动条目", "order": "调整条目顺序",
    "order_sections": "调整栏目顺序", "summary": "改写概述", "merge": "合并条目", "add": "加入报道",
    "commentary": "撰写政观谈", "lede": "撰写导语", "headline": "撰写标题", "accept": "采用草拟",
    "theme_accept": "采用专题", "theme_rename": "专题改名", "theme_drop": "删除专题",
}
DRAFTED = {"headline": "标题", "lede": "导语"}

_Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _rules(*pairs: tuple[str, str | Callable[[re.Match[str]], str]]) -> tuple[_Rule, ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in pairs)


def _learned(match: re.Match[str]) -> str:
    return f"参照编辑的 {match[1]} 次归类更正（{match[2]}；相似度 {match[3]}）"


# Why an item went to its section (understand/sections.py, learn.py, the review's own edits).
_WHY = _rules(
    (r"^merged: (.*)$", lambda m: f"合并：{why(m[1])}"),
    (r"^keyword (.+) in title$", r"标题含关键词 \1"),
    (r"^keyword (.+) in lead sentence$", r"首句含关键词 \1"),
    (r"^keyword (.+) in the opening \((\d+)x\)$", r"开头（领导活动之前）含关键词 \1（\2 次）"),
    (r"^keyword (.+) where the leader acts or speaks \((\d+)x\)$", r"领导活动或讲话处含关键词 \1（\2 次）"),
    (r"^keyword (.+) says what the place visited is$", r"关键词 \1 点明所到之处"),
    (r"^keyword (.+) as one of several listed topics \((\d+)x\)$", r"关键词 \1 只是所列多项议题之一（\2 次）"),
    (r"^topic words (.+) in (\d+) of (\d+) sentences$", r"主题词 \1 出现在 \3 句中的 \2 句"),
    (r"^keywords (\d+)x in body$", r"正文含关键词 \1 次"),
    (r"^subject of the article \((\d+) of (\d+) sentences\)$", r"全文主题（\2 句中有 \1 句谈到）"),
    (r"^required word (.+) missing$", r"缺少必需词 \1"),
    (r"^excluded word (.+) present$", r"含排除词 \1"),
    (r"^keyword (.+) only in set phrases$", r"关键词 \1 只出现在固定提法中"),
    (r"^no section keyword$", "不含任何栏目关键词"),
    (r"^learned from (\d+) editor corrections? \((.*); (\d+%) alike\)$", _learned),
    (r"^added by (.+) from the unassigned articles$", r"\1 从未归类的报道中加入"),
)

# Why an article is not in the issue (build.py).
_UNASSIGNED = _rules(
    (r"^no section keyword$", "不含任何栏目关键词"),
    (r"^best section (.+) scored (\S+)$", r"最接近的栏目“\1”只得 \2 分"),
    (r"^no date found$", "找不到日期"),
    (r"^no city found$", "找不到所属城市"),
    (r"^no party secretary or provincial leader named$", "未提到市委书记、省委书记或省长"),
)

# Warnings on items (understand/roster.py).
_WARNINGS = _rules(
    (r"^roster: (.+?) on (\S+) is (.+); the text gives no name$",
     lambda m: f"名单核对：报道没有写名字；{_day(m[2])}的{m[1]}按名单是{m[3]}"),
    (r"^roster: (.+?) on (\S+) is (.+), the article says (.+)$",
     lambda m: f"名单核对：{_day(m[2])}的{m[1]}是{m[3]}，报道写的是{m[4]}"),
    (r"^template text \(XX placeholders\): no event date$", "模板文字（含 XX 占位）：没有事件日期"),
    (r"^year not established: the event is (.+) of an unknown year$", r"年份不明：事件日期“\1”无法确定是哪一年"),
)

# Why an edit found no target (review/edits.py).
_ORPHANS = _rules(
    (r"^the item is dropped$", "条目已被删除"),
    (r"^no item with article (.+)$", r"本期没有含报道 \1 的条目"),
    (r"^no dropped item with article (.+)$", r"没有含报道 \1 的已删除条目"),
    (r"^no section (.+)$", r"本期没有栏目“\1”"),
    (r"^article (.+) is not among the unassigned$", r"报道 \1 不在未归类的报道中"),
    (r"^no machine draft of the (\w+)$", lambda m: f"没有机器草拟的{DRAFTED.get(m[1], m[1])}"),
    (r"^no theme (.+)$", r"本期没有提法为“\1”的专题"),
)

# What the workflow says when it refuses (review/workflow.py, review/edits.py).
_MESSAGES = _rules(
    (r"^\S+ is already published; publish a correction.*$", "本期已发布；如需修改，请发布更正"),
    (r"^\S+ is already approved$", "本期已审定"),
    (r"^\S+ is not approved yet.*$", "本期尚未审定，审定后才能发布"),
    (r"^\S+ is not published yet; a correction is only for a published issue$",
     "本期尚未发布，只有已发布的期刊才能更正"),
    (r"^\S+: a correction needs its note \(更正\) text$", "请填写更正说明"),
    (r"^\S+: no draft yet.*$", "本期还没有草稿：请先生成（weeklydigest build）"),
    (r"^\S+: no edit (\d+)$", r"没有第 \1 号修改"),
    (r"^\S+: no item with article (.+)$", r"本期没有含报道 \1 的条目"),
    (r"^\S+: no section (.+)$", r"本期没有栏目“\1”"),
    (r"^\S+: unknown edit (.+): expected one of .*$", r"无法识别的修改 \1"),
    (r"^\S+: (\w+): '(\w+)' is required$", lambda m: f"{EDIT_OPS.get(m[1], m[1])}：请填写{_FIELD.get(m[2], m[2])}"),
    (r"^\S+: (\w+): '(\w+)' must be a non-empty list of strings$",
     lambda m: f"{EDIT_OPS.get(m[1], m[1])}：请填写{_FIELD.get(m[2], m[2])}"),
    (r"^\S+: add: unknown city (.+)$", r"未知的城市 \1"),
    (r"^\S+: merge: an item cannot be merged into itself$", "条目不能并入它自己"),
    (r"^\S+: accept: 'field' must be one of .*$", "只能采用草拟的标题或导语"),
    (r"^\S+ is being built by another process.*$", "本期正在由另一个进程生成，请稍后再试"),
)
_FIELD = {"article": "报道", "section": "栏目", "into": "并入的条目", "city": "城市", "text": "文字",
          "articles": "条目", "sections": "栏目"}


@lru_cache(maxsize=4096)  # a page repeats the same few reasons many times
def _translate(text: str, rules: tuple[_Rule, ...]) -> str:
    for pattern, replacement in rules:
        match = pattern.match(text)
        if match:
            return replacement(match) if callable(replacement) else match.expand(replacement)
    return text


def why(text: str) -> str:
    """Return a reason from an item's `why` in Chinese."""
    return _translate(text, _WHY)


def unassigned(text: str) -> str:
    """Return why an article is not in the issue, in Chinese."""
    return _translate(text, _UNASSIGNED)


def warning(text: str) -> str:
    """Return an item's warning in Chinese."""
    return _translate(text, _WARNINGS)


def orphan(text: str) -> str:
    """Return why an edit found no target, in Chinese."""
    return _translate(text, _ORPHANS)


def message(text: str) -> str:
    """Return a refusal of the workflow in Chinese."""
    return _translate(text, _MESSAGES)


def removed(reason: str) -> str:
    """Return the name of a kind of removed text."""
    return REMOVED.get(reason, reason)


def edit_op(op: str) -> str:
    return EDIT_OPS.get(op, op)


def local_time(text: str | None, tz: ZoneInfo, *, seconds: bool = False) -> str:
    """Return an ISO 8601 moment as `2025-11-17 08:00` in the configured time zone ('' if there is none)."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _day(text: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    return f"{match[1]}年{int(match[2])}月{int(match[3])}日" if match else ("今天" if text == "now" else text)
