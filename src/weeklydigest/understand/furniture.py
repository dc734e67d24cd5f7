"""Page furniture: the lines and line pieces of a web page that are not the report.

A scraped page carries its site around the report: breadcrumbs, navigation and widget lines,
font and print controls, share buttons, date widgets, e-paper navigation, the headline again,
publication and source lines, datelines and bylines, photo file names, captions and credits,
editor lines and lists of related links. They are recognised by the *shape* of a line rather
than by any site's wording:

- a line without a sentence (short, no sentence punctuation) that uses the vocabulary of page
  widgets, or is a chain of short items joined by separators (`首页 > 要闻 > 正文`);
- its position: the lines above the report's first sentence and below its last one are the
  page's head and foot, where short lines without a sentence are furniture;
- metadata labels (`来源：`, `发布时间：`, `浏览次数：`) whose values fill the line;
- the repeated headline, a repeated lead, and pieces glued to a line's start or end (a dateline
  `XX网讯`, a byline `（记者 …）`, a photo credit `记者 XX 摄`, a trailer `分享到 …`).

Every piece taken out is kept as `Removed(text, "boilerplate", detail)`; the details `dateline`
and `publication line` mark the pieces that are evidence of the publication date, `date widget`
marks today's-date widgets that are not. One pass over the lines: linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Removed

BOILERPLATE = "boilerplate"
DATELINE, PUBLICATION, DATE_WIDGET = "dateline", "publication line", "date widget"

_SENTENCE_END = re.compile(r"[。！？!?；;]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LEAD_GOES_ON = re.compile(r"[\u3400-\u9fff，,。！？；、]")
# A title that opens as a report's lead does (`11月13日上午，…`) is its first sentence, not a headline.
_DATED_LEAD = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日[上中下午晚夜间]{0,3}[，,]")
_CJK_8, _CJK_10, _CJK_50 = (re.compile(rf"(?:[^\u3400-\u9fff]*[\u3400-\u9fff]){{{n}}}") for n in (8, 10, 50))
_DATE = r"(?:\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}-\d{1,2}\b)"
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?)"
_HAS_DATE = re.compile(_DATE)

# Words of page widgets: controls, navigation, accounts, versions of the site, counters.
_WIDGET = re.compile(
    r"打印|字体|字號|字号|字體|背景颜色|背景色|关闭窗口|关闭本页|【关闭】|默认\s*超大|放大|缩小|大\s*中\s*小|\[大\]"
    r"|无障碍|长者|关爱版|适老|读屏|语音播报|繁体|简体|繁體|简|English|搜索|登录|注册|设为首页|加入收藏|收藏本[页站]"
    r"|网站地图|网站导航|网站支持|IPv6|客户端|APP|扫一扫|扫码|二维码|分享到|分享至|分享给|朋友圈|微信|微博|QQ空间|公众号|抖音"
    r"|上一篇|下一篇|上一条|下一条|返回顶部|返回首页|返回列表|点击进入|阅读原文|点赞|在看|浏览次数|浏览量|阅读量|点击数|访问量"
    r"|热搜|热点|热门|推荐阅读|相关阅读|相关新闻|相关链接|相关文章|延伸阅读|更多|专题|栏目|频道|首页|主页|导航|扩展\s*收缩",
    re.I,
)
_WIDGET_LINE_MAX = 60  # characters: widget lines are short; a sentence that names a widget is not one
_SEPARATOR = re.compile(r"\s*(?:>{1,2}|»|›|→|＞{1,2}|\|{1,2}|｜|\s-\s|·|•|/)\s*")
_SEPARATOR_HINT = re.compile(r"[>»›→＞|｜·•/]|\s-\s")
_BREADCRUMB = re.compile(r"(?:您|你)?(?:当前|现在|所在)的?(?:位置|位置是)|首页\s*(?:>|»|›|＞|→)")
_BULLET = re.compile(r"^[•·●○◎◆◇■□▪▶►~\-—–_=*\s]+")
# A line of today's date (a widget of the page, not the publication date).
_DATE_WIDGET = re.compile(
    rf"(?:今天是|今日|今天)\s*[:：]?\s*{_DATE}|{_DATE}\s*(?:星期|周)[一二三四五六日天]|农历|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年"
)
# E-paper navigation and imprint.
_EPAPER = re.compile(
    r"上一?版|下一?版|版面概览|版面导航|版面目录|往期|\b[A-Z]?\d{1,2}版|第[\d一二三四五六七八九十]+版|新闻热线|报料热线|热线电话"
    r"|统一刊号|刊号|邮发代号|代号\s*[:：]|\bCN\s*\d{2}-\d{4}|Email|E-mail|邮箱|新闻列表|本版责编|本版编辑"
)
_IMAGE_FILE = re.compile(r"^[^\s。，]{0,60}\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.I)
# Metadata labels: the line is furniture when these label:value pairs fill it.
_LABEL = (r"(?:发布时间|发布日期|发表时间|发稿时间|更新时间|更新日期|时间|日期|信息来源|文章来源|新闻来源"
          r"|稿件来源|来源|稿源|出处|作者|撰稿|执笔|文字|文|图|摄影|编辑|责任编辑|责编|值班编辑|审核|审校|校对|终审|浏览次数|浏览|阅读|点击|访问"
          r"|字数|分类|栏目|所属栏目|类别|标签|关键词|转载|供稿|发布者|发布人|发布机构|索引号|文号)")
_VALUE = r"(?:[^【\[（(:：]|(?<=\d)[:：](?=\d))*?"  # a value may hold a time of day (17:43:20)
_LABELLED = re.compile(
    rf"[【\[（(]?\s*{_LABEL}\s*[:：|｜]\s*{_VALUE}[】\]）)]?(?=\s*[【\[（(]?\s*{_LABEL}\s*[:：|｜]|$)"
)
_LABEL_HINT = re.compile(r"[:：|｜]|\d")
_LABEL_SEPARATOR = re.compile("[:：|｜]")
_CONTROLS = re.compile(r"[【】\[\]（）()]|打印|字体|字體|关闭|[大中小]")
_PUBLICATION_LABEL = re.compile(r"发布|发表|发稿|更新|时间|日期")
_PUBLISHED = re.compile(r"(?:发布|更新)(?:时间|日期)")
# A label or an outlet's name right before a date and time: `转载2025-01-02 08:00`, `某某日报2025-01-02 08:00:00`.
_BARE_STAMP = re.compile(rf"^[^\s。，,]{{0,12}}?\s*{_DATE}\s*{_TIME}?(?:\s*[A-Z]{{2,4}})?$")
# Datelines: `本报讯`, `XX新闻网2025年3月21日讯`, `新华社广州11月13日电`, each with an optional byline.
_OUTLET = r"[\u4e00-\u9fffA-Za-z0-9·+＋&\s]{0,24}?(?:报|网|台|社|端|号|刊|新闻|融媒|客户端|传媒|\+|＋)"
_DATELINE = re.compile(
    rf"\s*[【\[]?(?:本报|本网|本台|本刊|{_OUTLET}(?:[\u4e00-\u9fff]{{2,4}})?\s*(?:{_DATE})?)\s*(?:讯|电)[】\]]?"
    r"|\s*[\u4e00-\u9fff]{2,4}讯(?=\s+|记者|通讯员)"  # a short outlet name: `某都讯 记者…`
)
_BYLINE_ROLE = (r"(?:首席记者|融媒记者|特约记者|见习记者|实习记者|记者|通讯员|实习生|特约通讯员|编辑|报道员|摄影|撰文"
                r"|文/图|文图)")
_ROLE_HINT = re.compile(r"记者|通讯员|实习生|编辑|报道员|摄影|撰文|文/图|文图")
_BYLINE_BRACKET = re.compile(rf"\s*[（(][^（）()]{{0,24}}?{_BYLINE_ROLE}[^（）()]{{0,60}}[)）]")
_NAMES = r"[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,4}"
_BYLINE_REPORTS = re.compile(rf"\s*[\u4e00-\u9fff]{{0,16}}?{_BYLINE_ROLE}\s*{_NAMES}\s*报道\s*[:：]?")
_BYLINE_DATED = re.compile(rf"\s*{_BYLINE_ROLE}\s*{_NAMES}\s*(?={_DATE})")  # `记者 XX 3月2日，…`
_SOURCE_TAIL = re.compile(
    r"[（(【\[]\s*(?:(?:来源|稿源|信息来源|文章来源|编辑|责任编辑|责编)\s*[:：]|取材自|摘编自|摘自|转载自|转自|选自)"
    r"[^（）()【】\[\]]{1,40}[)）】\]]\s*$"
)
# A byline in brackets closing a paragraph: `…圆满举办。（记者 XX）`.
_BYLINE_TAIL = re.compile(rf"(?<=[。！？”])\s*[（(][^（）()]{{0,16}}?{_BYLINE_ROLE}[^（）()。！？]{{0,40}}[)）]\s*$")
_BYLINE_LINE = re.compile(
    rf"^[◎●■]?[（(]?\s*(?:[\u4e00-\u9fff&＆·+《》、]{{0,16}}?{_BYLINE_ROLE}|(?:本文)?责编|执笔|统筹|策划|监制|出品|海报|设计"
    r"|视频|制图|剪辑)\s*[|｜:：/]?\s*[\u4e00-\u9fff·]{2,4}(?:[\s、，,;；/|｜]+[\u4e00-\u9fff·]{2,4}){0,6}"
    r"(?:\s*发自[\u4e00-\u9fff]{2,6})?\s*[)）]?$"
)
# An author line with its time stamp and no label colon: `作者 XX;XX 2025-06-13 10:07`.
_AUTHOR_STAMP = re.compile(
    rf"^(?:作者|记者|文|撰文|来源)\s*[\u4e00-\u9fff·]{{2,4}}(?:\s*[;；、，,]\s*[\u4e00-\u9fff·]{{2,4}}){{0,4}}\s+{_DATE}\s*{_TIME}?$"
)
# Photo credits and captions.
_CREDIT = re.compile(
    rf"(?:[\u4e00-\u9fff&＆·+]{{0,16}}?(?:{_BYLINE_ROLE}|摄影记者)\s*[\u4e00-\u9fff·?]{{2,4}}(?:[\s、，,]+[\u4e00-\u9fff·?]{{2,4}}){{0,3}}"
    r"|[\u4e00-\u9fff·]{2,4})\s*[?？]?\s*摄(?![\u4e00-\u9fff])[)）]?"
    r"|(?:图片来源|图源|图片|供图|摄影)\s*[:：]\s*[^。！？\s]{1,20}$|[^。！？\s]{1,16}供图"
)
_CAPTION_START = re.compile(r"^(?:图为|图[:：]|图片[:：]|▲|△|↑|[（(]图|上图|下图|左图|右图)")
_CAPTION_MAX = 160
# A photo's caption left standing alone: a leader and what they do, no clause or date (`市委书记林某某致辞。`).
_SPEAKER_CAPTION = re.compile(
    r"^[\u4e00-\u9fff·、]{0,12}(?:书记|市长|省长|主任|主席|部长)[\u4e00-\u9fff·]{2,4}(?:同志)?"
    r"(?:致辞|讲话|发言|作报告|作动员讲话|主持会议)。?$"
)
# The occasion line under a speech's or report's title: `——2025年1月5日在市委全会上的讲话`.
_OCCASION = re.compile(rf"^\s*[—–]{{1,2}}\s*(?:{_DATE}\s*)?在[\u4e00-\u9fff“”《》\d]{{2,}}")
_OCCASION_REACH = 4  # lines: the occasion, the speaker, the salutation, before the first sentence
# A numbered heading of the text's outline (`一、…`, `（二）…`): the document's, never the page's.
_OUTLINE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])\s*[\u4e00-\u9fff“_]"
)
_SUMMARY_LABEL = re.compile(r"\s*[【\[]?(?:摘要|导读|核心提示|内容提要|提要|简介)[】\]]?\s*[:：]?\s*")
# Lines after which the report has ended (an editor line, an end mark, a link to the original).
_END_MARK = re.compile(
    r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|值班编辑|审核|校对|终审|原文链接|原标题|新闻结尾|（完）|\(完\)|完)\s*[:：】\]）)]|"
    r"^[（(]完[)）]$|^新闻结尾|^原文链接"
    r"|^(?:责任编辑|责编|校对|审校|终审)\s*[\u4e00-\u9fff·]{2,3}(?:[\s、，,]+[\u4e00-\u9fff·]{2,3}){0,2}$"  # `校对 XX`
)
# Furniture glued after the last sentence of a paragraph.
_TRAILER = re.compile(
    r"(?<=[。！？”])\s*[【\[（(]?(?:分享到|分享至|责任编辑|责编[:：]|编辑[:：]|发布留言|发表留言|发表评论|打印本页"
    r"|关闭窗口|字体[:：]|扫一扫|点击进入|返回顶部|新闻结尾|原文链接)[\s\S]*$"
)
_OLD_LINES = re.compile(
    r"^[【\[（(]?(?:分享到|分享至|责任编辑|责编|编辑[:：]|审核[:：]|校对[:：]|版权所有|copyright|©|打印本页|关闭窗口"
    r"|发布留言|发表留言|发表评论|网友评论|上一篇|下一篇|相关阅读|相关新闻|相关链接|返回顶部|返回首页|原标题[:：]"
    r"|阅读原文|收藏本页|本文来源|requestid\b|request_id\b|traceid\b|window\.|var\s)",
    re.I,
)
_TRACKING = re.compile(r"^[A-Za-z_][\w-]*\s*[:=]\s*[0-9a-fA-F-]{8,}$")
_PUNCT = re.compile(r"[\s\W_]+")
_WHITESPACE = re.compile(r"\s+")
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")  # full-width letters and digits


def _norm(text: str) -> str:
    if not text.isascii() and _WIDE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return _PUNCT.sub("", text)


@dataclass
class _Cuts:
    removed: list[Removed] = field(default_factory=list)

    def add(self, text: str, detail: str) -> None:
        text = _WHITESPACE.sub(" ", text).strip()
        if text:
            self.removed.append(Removed(text=text[:200], reason=BOILERPLATE, detail=detail))


def is_sentence(line: str) -> bool:
    """Return whether a line holds a sentence of report text (sentence punctuation and enough words)."""
    return (bool(_SENTENCE_END.search(line)) and bool(_CJK_8.match(line))) or bool(_CJK_50.match(line))


def line_furniture(line: str) -> str:
    """Return what kind of furniture a whole line is (the detail to record), or "" for text."""
    text = line.strip()
    if not text:
        return ""
    if _TRACKING.match(text) or _OLD_LINES.match(text):
        return "page furniture"
    if "." in text[-6:] and _IMAGE_FILE.match(text):
        return "image file name"
    sentence = bool(_SENTENCE_END.search(text))
    length = len(text)
    if length <= 120 and ("位置" in text or "首页" in text) and _BREADCRUMB.search(text) and not sentence:
        return "breadcrumb"
    if _chain(text) and not sentence:
        return "breadcrumb" if re.search(r">|»|›|＞|→", text) else "site navigation"
    metadata = _metadata(text)
    if metadata:
        return metadata
    if (length <= 80 and _widget_date_words(text) and _DATE_WIDGET.search(text)
            and (not sentence or text.startswith("今天"))):
        return DATE_WIDGET
    if length <= 120 and not sentence and _EPAPER.search(text):
        return "epaper navigation"
    if _caption(text):
        return "image caption"
    if length <= 40 and _BYLINE_LINE.match(text):
        return "byline"
    if length <= _WIDGET_LINE_MAX and not sentence and _widget_line(text):
        return "page controls"
    return ""


def _widget_date_words(text: str) -> bool:
    """Return whether the line has a word every date widget has (今, 星期 or 周, 农历, 年): a cheap test first."""
    return "今" in text or "周" in text or "星期" in text or "农历" in text or "年" in text


def _chain(text: str) -> bool:
    """Return whether the line is a chain of short items joined by separators (menus, breadcrumbs)."""
    if len(text) > 160 or not _SEPARATOR_HINT.search(text):
        return False
    parts = [p for p in _SEPARATOR.split(text) if p.strip()]
    separators = len(_SEPARATOR.findall(text))
    if separators < 2 or len(parts) < 3:
        return bool(separators == 1 and re.search(r">|»|›|＞", text) and all(len(p) <= 12 for p in parts)
                    and len(parts) == 2)
    return all(len(p.strip()) <= 20 for p in parts) and sum(len(p) for p in parts) / len(parts) <= 12


def _widget_line(text: str) -> bool:
    """Return whether a short line is made of widget words (most of its characters)."""
    body = _BULLET.sub("", text)
    if not body:
        return True
    covered = sum(len(m.group(0)) for m in _WIDGET.finditer(body))
    words = [w for w in re.split(r"[\s【】\[\]（）()|｜:：,，]+", body) if w]
    return covered >= 2 and (covered >= 0.4 * len(_norm(body)) or (len(words) >= 3 and all(len(w) <= 6 for w in words)))


def _metadata(text: str) -> str:
    """Return `publication line` or `source line` when label:value pairs (or a bare stamp) fill the line."""
    if len(text) > 160 or not _LABEL_HINT.search(text):
        return ""
    # A label is followed by its separator: a line without one has no pairs (and is asked no more).
    pairs = list(_LABELLED.finditer(text)) if _LABEL_SEPARATOR.search(text) else []
    if pairs and not _CJK.search(rest := _rest(text, pairs)) and not re.search(r"\w{4,}", rest):
        timed = any(_PUBLICATION_LABEL.match(m.group(0).lstrip("【[（( ")) for m in pairs)
        if _HAS_DATE.search(text) or (timed and re.search(r"\d", text)) or _PUBLISHED.search(text):
            return PUBLICATION
        return "source line"
    if (_BARE_STAMP.match(text) and not _SENTENCE_END.search(text)) or _AUTHOR_STAMP.match(text):
        return PUBLICATION
    return ""


def _rest(text: str, pairs: list[re.Match[str]]) -> str:
    """Return the line without its label:value pairs and the controls printed beside them."""
    parts, last = [], 0
    for pair in pairs:
        parts.append(text[last:pair.start()])
        last = pair.end()
    parts.append(text[last:])
    return _CONTROLS.sub("", "".join(parts)).strip(" :：|｜-—·")


def _caption(text: str) -> bool:
    if len(text) > _CAPTION_MAX:
        return False
    if _CAPTION_START.match(text) or (len(text) <= 32 and _SPEAKER_CAPTION.match(text)):
        return True
    credit = _credit_at_end(text)
    if credit is None:
        return False
    before = text[:credit]
    # A caption is a sentence or two before the credit, or nothing at all.
    return len(_SENTENCE_END.findall(before)) <= 2


def _credit_at_end(text: str) -> int | None:
    """Return where a photo credit that ends the line starts, or None."""
    if "摄" not in text and "图" not in text:
        return None
    for match in _CREDIT.finditer(text):
        if match.end() >= len(text.rstrip()) - 1 and (match.start() == 0 or not _CJK.match(text[match.start() - 1])
                                                      or text[match.start() - 1] in "。！？"
                                                      or _credit_prefix_ok(text, match.start())):
            return match.start()
    return None


def _credit_prefix_ok(text: str, start: int) -> bool:
    """Return whether the credit at `start` follows a caption sentence (it ends with 。 or a space)."""
    head = text[:start].rstrip()
    return head.endswith(("。", "！", "？")) or text[start - 1].isspace()


def _title_parts(title: str) -> tuple[str, bool]:
    norm = _norm(title)
    # A title that is a whole lead sentence (the page had no headline) is report text when repeated.
    stripped = title.strip()
    lead_like = (bool(_SENTENCE_END.search(stripped[:-1])) or stripped.endswith(("。", "！", "？"))
                 or len(re.findall("[，,]", title)) >= 2 or len(norm) > 60 or bool(_DATED_LEAD.match(stripped)))
    return norm, lead_like


def strip_furniture(
    lines: list[str], *, title: str, probes: list[str] | None = None,
) -> tuple[list[str], list[Removed]]:
    """Return the report's lines without the page furniture, and the pieces taken out.

    `probes` are the lines in Simplified form, where furniture is recognised (the lines stay as written).
    """
    cuts = _Cuts()
    probes = [p if len(p) == len(line) else line for line, p in zip(lines, probes or lines, strict=True)]
    kinds = [line_furniture(p) for p in probes]
    title_norm, lead_title = _title_parts(title)
    headline = title_norm if not lead_title else ""
    norms = [_norm(p) for p in probes]
    body = [i for i, p in enumerate(probes) if not kinds[i] and is_sentence(p)
            and not (headline and headline[:4] in norms[i] and _headline_line(norms[i], headline, p))
            and not (lead_title and not _SENTENCE_END.search(p) and _repeats_title(norms[i], title_norm, head=False))]
    # The page's head ends at the report's first sentence, its foot starts after the last line that reads as one.
    tail = [i for i, p in enumerate(probes) if not kinds[i] and _sentence_like(p)]
    first, last = (body[0], max(tail + body)) if body else (0, len(lines))  # no sentence at all: no head, no foot
    # A speech starts at its occasion line: it, the speaker and the salutation are the text's.
    first = next((i for i in range(max(0, first - _OCCASION_REACH), first) if _OCCASION.match(probes[i])), first)
    kept: list[str] = []
    kept_norms: list[str] = []
    seen_norms: set[str] = set()
    ended = False
    for index, (line, seen) in enumerate(zip(lines, probes, strict=True)):
        head, foot = index < first, index > last
        norm = norms[index]
        if not norm:
            continue
        sentence = bool(_SENTENCE_END.search(seen) and ("，" in seen or "," in seen))  # a lead may hold the headline
        if headline and (norm == headline or (not sentence and (
                _repeats_title(norm, headline, head=head) or _headline_line(norm, headline, seen)))):
            cuts.add(line, "headline repeated")
            continue
        if (headline and norm.startswith(headline) and len(norm) > len(headline)
                and not _truncated_lead(seen, at := _offset_after(seen, headline), title)):
            # The headline glued to what follows it on the page (a publication line, a dateline, the lead).
            cuts.add(line[:at], "headline repeated")
            line, seen = line[at:].strip(), seen[at:].strip()
            kinds[index], norm = line_furniture(seen), _norm(seen)
        if _END_MARK.match(seen) and not is_sentence(seen):
            cuts.add(line, "editor line")
            ended = ended or index > first
            continue
        if kinds[index]:
            cuts.add(line, kinds[index])
            continue
        if ended and len(seen) <= 80:
            cuts.add(line, "related links")
            continue
        if (head or foot) and not _sentence_like(seen) and len(seen) <= 80 and not _OUTLINE.match(seen):
            cuts.add(line, "page head" if head else "page foot")
            continue
        glued = _strip_glued(line, seen, cuts)
        if glued[1] is not seen:
            line, seen = glued
            norm = _norm(seen)
        if not norm:
            continue
        if norm in seen_norms:
            cuts.add(line, "repeated paragraph")
            continue
        if kept_norms and len(kept_norms[-1]) >= 20 and norm.startswith(kept_norms[-1]):
            # A lead printed twice: in a summary box, then as the text's first paragraph.
            cuts.add(kept[-1], "repeated paragraph")
            kept.pop()
            kept_norms.pop()
        kept.append(line)
        kept_norms.append(norm)
        seen_norms.add(norm)
    return kept, cuts.removed


def _sentence_like(text: str) -> bool:
    """Return whether a line reads as (part of) a sentence: sentence punctuation, or clauses with commas."""
    return bool(_SENTENCE_END.search(text)) or (("，" in text or "," in text) and bool(_CJK_10.match(text)))


def _repeats_title(norm: str, title_norm: str, *, head: bool) -> bool:
    """Return whether the line is the headline again (whole, a part of it at the page head, or it with a tag)."""
    if norm == title_norm:
        return True
    if head and len(norm) >= 6 and norm in title_norm:
        return True
    # The headline with a few characters of site name or SEO tag glued on.
    return title_norm in norm and len(norm) - len(title_norm) <= 16 and len(title_norm) >= 8


def _headline_line(norm: str, headline: str, line: str) -> bool:
    """Return whether the line is the headline with page furniture or a site's tags around it, no sentence."""
    at = norm.find(headline)
    if at < 0 or len(headline) < 8 or len(norm) - len(headline) > 80:
        return False
    start = _offset_after(line, norm[:at]) if at else 0
    end = _offset_after(line, norm[:at + len(headline)])
    before, after = line[:start], line[end:].strip("。！？!? ")
    return not any(_sentence_like(piece) for piece in (before, after) if piece)


def _truncated_lead(line: str, at: int, title: str) -> bool:
    """Return whether the title is the line's first clauses cut off mid-sentence (a page titled by its lead).

    Such a title has a clause comma and the line goes on in the same word or clause where the title
    stops, so taking the title out would cut the lead sentence in two.
    """
    return bool(re.search("[，,]", title)) and at < len(line) and bool(_LEAD_GOES_ON.match(line[at]))


def _offset_after(line: str, norm_prefix: str) -> int:
    """Return the offset in `line` just after the characters forming `norm_prefix` (its first one, if empty)."""
    found = _counted(max(1, len(norm_prefix))).match(line)
    return found.end() if found else len(line)


@lru_cache(maxsize=256)
def _counted(count: int) -> re.Pattern[str]:
    """Return a pattern matching up to and including the `count`th character that is not punctuation or space."""
    return re.compile(rf"(?:[\s\W_]*+[^\s\W_]){{{count}}}")


def _strip_glued(line: str, seen: str, cuts: _Cuts) -> tuple[str, str]:
    """Return the line without furniture glued to its start or end (dateline, byline, credit, trailer)."""
    start = 0
    label = _SUMMARY_LABEL.match(seen)
    if label and label.end() < len(seen):
        cuts.add(line[: label.end()], "summary label")
        start = label.end()
    dateline = _DATELINE.match(seen, start) if ("讯" in seen[:64] or "电" in seen[:64]) else None
    if dateline and _dateline_ok(seen, dateline):
        cuts.add(line[start:dateline.end()], DATELINE)
        start = dateline.end()
    for pattern, detail in ((_BYLINE_BRACKET, "byline"), (_BYLINE_REPORTS, "byline"), (_BYLINE_DATED, "byline")):
        if not _ROLE_HINT.search(seen, start, start + 48):
            break
        match = pattern.match(seen, start)
        if match and match.end() < len(seen):
            cuts.add(line[start:match.end()], detail)
            start = match.end()
    # A photo credit glued to the front of the text that follows it: `记者 XX 摄11月15日，…`.
    credit = _CREDIT.match(seen, start) if "摄" in seen[start:start + 40] else None
    if credit and credit.end() < len(seen) and "摄" in credit.group(0):
        cuts.add(line[start:credit.end()], "image caption")
        start = credit.end()
    end = len(seen)
    tail = _SOURCE_TAIL.search(seen, start) if seen.rstrip().endswith((")", "）", "】", "]")) else None
    if tail:
        cuts.add(line[tail.start():], "source line")
        end = tail.start()
    byline = _BYLINE_TAIL.search(seen, start, end) if seen[:end].rstrip().endswith((")", "）")) else None
    if byline:
        cuts.add(line[byline.start():end], "byline")
        end = byline.start()
    trailer = _TRAILER.search(seen, start, end)
    if trailer:
        cuts.add(line[trailer.start():end], "page furniture after the text")
        end = trailer.start()
    if start == 0 and end == len(seen):
        return line, seen
    return line[start:end].strip(), seen[start:end].strip()


def _dateline_ok(seen: str, match: re.Match[str]) -> bool:
    """Return whether a `…讯`/`…电` prefix is a dateline: an outlet's name, not the start of a sentence."""
    text = match.group(0)
    if re.search(r"[，。,、；：:]", text):
        return False
    rest = seen[match.end():match.end() + 1]
    return not rest or not re.match(r"[息号话费脑视影]", rest)
