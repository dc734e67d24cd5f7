"""Synthetic city reports (written for these tests) and the feeds, pages and configs that carry them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from weeklydigest.config import Config, load_config

TZ = ZoneInfo("Asia/Shanghai")
EPOCH = datetime(1970, 1, 1, tzinfo=TZ)  # a window that holds every stored article
FAR = datetime(2100, 1, 1, tzinfo=TZ)
WEEK = "2025-W46"  # 10 to 16 November 2025


@dataclass(frozen=True)
class Report:
    slug: str
    city: str
    official: str
    day: date
    title: str
    paragraphs: tuple[str, ...]

    @property
    def published(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 19, 30, tzinfo=TZ)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _report(slug: str, city: str, official: str, day: int, title: str, *paragraphs: str) -> Report:
    return Report(slug, city, official, date(2025, 11, day), title, paragraphs)


REPORTS = (
    _report("gz-1110", "广州", "林志远", 10, "林志远调研城中村改造工作",
            "11月10日，广州市委书记林志远到海珠区调研城中村改造工作，察看安置房建设和配套学校施工进度。",
            "林志远强调，要坚持以人民为中心，稳妥有序推进城中村改造，加快补齐公共服务短板，让群众早日住上好房子。"),
    _report("sz-1111", "深圳", "周海川", 11, "周海川调研低空经济发展",
            "11月11日，深圳市委书记周海川到龙岗区调研低空经济发展，察看无人机物流航线和起降场建设情况。",
            "周海川指出，要抢抓低空经济发展机遇，完善基础设施和飞行服务体系，打造低空经济产业高地。"),
    _report("zh-1112", "珠海", "陈启明", 12, "陈启明检查港珠澳大桥口岸通关保障",
            "11月12日，珠海市委书记陈启明到港珠澳大桥珠海公路口岸检查通关保障工作，了解客流车流和查验设备运行情况。",
            "陈启明要求，要持续提升通关便利化水平，优化旅客服务，保障口岸安全高效运行。"),
    _report("st-1113", "汕头", "黄立言", 13, "黄立言调研华侨试验区建设",
            "11月13日，汕头市委书记黄立言到华侨经济文化合作试验区调研，走访侨资企业和文化交流中心。",
            "黄立言强调，要用好侨乡资源，深化对外交流合作，推动试验区建设取得新突破。"),
    _report("fs-1114", "佛山", "吴振邦", 14, "吴振邦调研陶瓷产业转型升级",
            "11月14日，佛山市委书记吴振邦到禅城区调研陶瓷产业转型升级，察看智能生产线和设计研发中心。",
            "吴振邦指出，要推动传统优势产业高端化智能化绿色化发展，擦亮佛山制造品牌。"),
    _report("sg-1115", "韶关", "罗建中", 15, "罗建中调研丹霞山生态保护和文旅融合",
            "11月15日，韶关市委书记罗建中到丹霞山调研生态保护和文旅融合发展，察看地质遗迹保护和游客服务设施。",
            "罗建中强调，要坚持生态优先、绿色发展，统筹抓好保护和利用，打造世界级旅游目的地。"),
    _report("hy-1116", "河源", "谢承志", 16, "谢承志调研万绿湖水源保护工作",
            "11月16日，河源市委书记谢承志到万绿湖调研水源保护工作，察看水质监测站和库区生态修复项目。",
            "谢承志要求，要守护好一库清水，压实保护责任，确保水质安全。"),
    _report("mz-1112", "梅州", "曾宪平", 12, "曾宪平调研柚果产业发展",
            "11月12日，梅州市委书记曾宪平到梅县区调研柚果产业发展，走进果园和冷链仓储中心，了解销售渠道和品牌建设情况。",
            "曾宪平指出，要延长产业链、提升价值链，带动果农持续增收。"),
)


def by_slug(slug: str) -> Report:
    return next(r for r in REPORTS if r.slug == slug)


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def rss2(reports: list[Report], *, site: str, mode: str = "content", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 feed; `mode` puts the text in content:encoded, description, or only a summary."""
    items = []
    for r in reports:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in r.paragraphs)
        if mode == "content":
            body = f"<description>{escape(r.paragraphs[0][:30])}</description>" \
                   f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
        elif mode == "description":
            body = f"<description><![CDATA[{paragraphs}]]></description>"
        else:
            body = f"<description>{escape(r.paragraphs[0][:20])}…</description>"
        items.append(f"<item><title>{escape(r.title)}</title><link>{site}/{r.slug}.html</link>"
                     f"<guid>{site}/{r.slug}.html</guid><pubDate>{_rfc822(r.published)}</pubDate>{body}</item>")
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>南粤时政日报</title><link>{site}/</link><description>城市要闻</description>"
            + "".join(items) + "</channel></rss>").encode(encoding)


def atom(reports: list[Report], *, site: str) -> bytes:
    entries = "".join(
        f"<entry><title>{escape(r.title)}</title><link href=\"{site}/{r.slug}.html\"/>"
        f"<id>tag:example,2025:{r.slug}</id><updated>{r.published.isoformat()}</updated>"
        f"<content type=\"html\">{escape(''.join(f'<p>{p}</p>' for p in r.paragraphs))}</content></entry>"
        for r in reports
    )
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>湾区观察</title><id>tag:example,2025:feed</id><updated>2025-11-16T20:00:00+08:00</updated>"
            f"{entries}</feed>").encode()


def rss1(reports: list[Report], *, site: str) -> bytes:
    items = "".join(
        f'<item rdf:about="{site}/{r.slug}.html"><title>{escape(r.title)}</title><link>{site}/{r.slug}.html</link>'
        f"<dc:date>{r.published.isoformat()}</dc:date><description>{escape(r.text)}</description></item>"
        for r in reports
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{site}/rdf"><title>粤东新闻</title><link>{site}/</link><description>d</description>'
            f"</channel>{items}</rdf:RDF>").encode()


def rss091(reports: list[Report], *, site: str) -> bytes:
    items = "".join(
        f"<item><title>{escape(r.title)}</title><link>{site}/{r.slug}.html</link>"
        f"<description>{escape(r.text)}</description></item>"
        for r in reports
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="0.91"><channel><title>粤北快讯</title>'
            f"<link>{site}/</link><description>d</description><language>zh-cn</language>{items}</channel></rss>").encode()


def page(report: Report, *, charset: str = "utf-8", meta_charset: bool = True, date_in: str = "meta",
         extra: str = "") -> str:
    """An article page with navigation, a byline, the report and a footer."""
    meta = f'<meta charset="{charset}">' if meta_charset else ""
    when = report.published.strftime("%Y-%m-%d %H:%M")
    date_meta = f'<meta name="publishdate" content="{when}">' if date_in == "meta" else ""
    date_time = f'<time datetime="{report.published.isoformat()}">{when}</time>' if date_in == "time" else ""
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in report.paragraphs)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{escape(report.title)} - 南粤时政网</title>{date_meta}"
            f'<meta name="source" content="南粤时政网"></head><body>'
            '<div class="nav"><a href="/">首页</a> | <a href="/sz">时政</a> | <a href="/ms">民生</a> | '
            '<a href="/ty">体育</a></div>'
            f'<div class="article"><h1>{escape(report.title)}</h1><div class="info">{date_time} 来源：南粤时政网</div>'
            f"{paragraphs}{extra}</div>"
            '<div class="related"><h3>相关新闻</h3><ul><li><a href="/x1.html">省内多地开展秋季植树活动</a></li>'
            '<li><a href="/x2.html">全省中小学开展安全教育周活动</a></li></ul></div>'
            '<div class="footer">版权所有 南粤时政网 备案号示例</div></body></html>')


def listing(links: list[str]) -> str:
    items = "".join(f'<li><a href="{href}">条目{i}</a></li>' for i, href in enumerate(links))
    return f'<html><head><meta charset="utf-8"><title>时政要闻</title></head><body><ul>{items}</ul></body></html>'


def write_config(tmp_path: Path, sources: list[dict[str, object]], **extra: object) -> Config:
    """Write a config with these sources, a store under `tmp_path` and short HTTP timeouts; load it."""
    data: dict[str, object] = {
        "store": str(tmp_path / "store.sqlite"),
        "output": str(tmp_path / "out"),
        # The test servers listen on 127.0.0.1: the address policy refuses loopback unless told otherwise.
        "http": {"timeout": 0.5, "connect_timeout": 0.5, "retries": 1, "backoff": 0.01, "allow_private": True},
        "sources": sources,
        "sections": [
            {"title": "百千万工程", "keywords": ["百千万工程", "典型镇", "县域经济"]},
            {"title": "城市发展", "keywords": ["调研", "检查"]},
        ],
        "min_score": 1,
    }
    data.update(extra)
    path = tmp_path / "digest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)
