"""Whether an official named in a report acts in it, read from the words around the name.

A leader acts unless the clause says otherwise: their instructions are relayed
(`贯彻落实省委书记黄坤明…指示要求`), their words quoted (`正如…所说`), they delegated the task
(`受市委书记…委托`), they held the post before (`原…市委书记`, `曾任…`), or they accompany another
leader (`…陪同`; they take part, but the event is not theirs); a post someone is appointed to or
removed from (`担任…市委书记`, `免去…市委书记职务`) is personnel news, not an activity. Each check
reads a window of at most a clause around the name, so the whole is linear in the text.
"""

from __future__ import annotations

import re

ACTS, ACCOMPANIES, RELAYED, QUOTED, DELEGATED, FORMER = "", "accompanies", "relayed", "quoted", "delegated", "former"
OTHER_PROVINCE, COUNTY, APPOINTED = "other province", "county", "appointed or removed"
UNPLACED = "no Guangdong city"  # a city's title in a text that names no place of Guangdong

_CLAUSE_START = re.compile(r"[，。；！？：:,;!?\n][^，。；！？：:,;!?\n]*$")
_CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_RELAY_VERB = re.compile(r"贯彻|落实|传达|学习|按照|根据|遵照|依照|遵循|领会|对照|统一到|牢记|践行|对标|落到")
_RELAY_NOUN = re.compile(r"讲话|指示|批示|要求|精神|部署|嘱托|讲授|报告|重要论述|寄语|回信|署名文章|意见")
_QUOTE_BEFORE = re.compile(r"正如|诚如|正像|如同|引用|借用|用")
_QUOTE_AFTER = re.compile(
    r"^(?:同志)?(?:[^，。；]{0,12}?(?:所说|所言|所讲|所指出|所强调|说过|讲过)|的话|曾(?:经)?(?:说|指出|强调|表示))"
)
_DELEGATE_AFTER = re.compile(r"^(?:同志)?(?:的)?委托")
_FORMER_BEFORE = re.compile(r"(?:^|[，、。；\s的])(?:原|前任|前)(?:中共)?$|曾任|曾担任|历任|先后任|时任|卸任")
_POST_CHANGE_BEFORE = re.compile(
    r"担任|出任|任命|接任|升任|调任|转任|拟任|免去|不再担任|当选为?|提名为?|(?:同志|^|[，、。；\s])任$"
)
_POST_CHANGE_AFTER = re.compile(r"^(?:同志)?的?(?:职务|一职)")
_ACCOMPANY_AFTER = re.compile(r"^[^，。；]{0,8}?陪同")
_ACCOMPANY_UNDER = re.compile(r"[^。；]{0,40}?陪同下")


def role_of(text: str, *, start: int, end: int) -> str:
    """Return why the official named in `text[start:end]` (title and name) does not act, or ACTS."""
    window = text[max(0, start - 40):start]
    clause = _CLAUSE_START.search(window)
    before = window[clause.start() + 1:] if clause else window
    stop = _CLAUSE_END.search(text, end, min(len(text), end + 40))
    after = text[end:stop.start() if stop else min(len(text), end + 40)]
    if _DELEGATE_AFTER.match(after):
        return DELEGATED  # 受…委托, or …委托 another
    if _FORMER_BEFORE.search(before):
        return FORMER
    if _POST_CHANGE_BEFORE.search(before) or _POST_CHANGE_AFTER.match(after):
        return APPOINTED
    if _RELAY_VERB.search(before) and _RELAY_NOUN.search(after):
        return RELAYED
    quoted = _QUOTE_AFTER.match(after)
    if quoted and (_QUOTE_BEFORE.search(before) or "曾" in after[:4]):
        return QUOTED
    if _ACCOMPANY_AFTER.match(after):
        return ACCOMPANIES
    sentence = _SENTENCE_END.split(text[max(0, start - 60):start])[-1]
    if "在" in sentence and _ACCOMPANY_UNDER.match(text, end):
        return ACCOMPANIES  # 在…和…陪同下
    return ACTS
