"""Time collection: 10,000 folder articles collected, cleaned and deduplicated; 1,000 from a local feed.

Run: .venv/bin/python bench/collect.py [--articles 10000] [--feed 1000]

Prints articles per second and peak memory (ru_maxrss) for each part, and times dedupe alone on
10k, 20k and 40k articles to show how it grows. The articles are synthetic reports generated here.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import opencc

from weeklydigest.build import understand
from weeklydigest.collect import collect_into
from weeklydigest.config import HttpSettings, SourceConfig
from weeklydigest.model import CITIES, Article
from weeklydigest.store import Store
from weeklydigest.understand.dedupe import dedupe
from weeklydigest.week import parse_week

TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "志远海川启明立言振邦文涛宏图远航国栋承志嘉树建中宪平晓岚思远明轩家豪永胜"
PLACES = ("高新区", "经开区", "港区", "新城", "老城区", "产业园", "滨海新区", "南部片区", "北部山区", "中心镇")
TOPICS = ("百千万工程", "城中村改造", "科技创新", "制造业当家", "文旅融合", "生态保护", "港口建设", "乡村振兴",
          "安全生产", "营商环境", "教育医疗", "低空经济", "海洋经济", "水利建设", "交通枢纽", "基层治理")
SEEN = ("察看", "走访", "听取", "了解", "检查", "调研")
THINGS = ("生产线", "研发中心", "安置房项目", "学校建设", "医院扩建", "物流园区", "码头作业", "农田水利",
          "村容村貌", "服务中心", "展示馆", "冷链仓储", "污水处理厂", "智慧平台", "养老机构", "产业基地")
VERBS = ("推进", "加快", "深化", "统筹", "强化", "落实", "完善", "提升", "打造", "培育", "优化", "壮大")
AIMS = ("产业体系", "城乡融合", "公共服务", "民生保障", "绿色发展", "开放合作", "改革创新", "基础设施",
        "人才引育", "数字转型", "县域经济", "区域协调", "风险防控", "市场主体", "消费潜力", "要素保障")


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(VERBS)}{rng.choice(AIMS)}{rng.randint(2, 99)}项重点任务，"
            f"{rng.choice(VERBS)}{rng.choice(AIMS)}和{rng.choice(AIMS)}，{rng.choice(SEEN)}{rng.choice(THINGS)}"
            f"{rng.randint(1, 9)}处。")


def report(n: int, rng: random.Random, *, per_day: int) -> dict[str, Any]:
    """One synthetic report: a city, its secretary, a day, a lead, body sentences and a key line."""
    city = CITIES[n % len(CITIES)]
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 2) % (len(GIVEN) - 1): (n * 2) % (len(GIVEN) - 1) + 2]
    day = date(2025, 1, 1) + timedelta(days=n // (per_day * len(CITIES)))
    topic = rng.choice(TOPICS)
    lead = (f"{day.month}月{day.day}日，{city}市委书记{name}到{rng.choice(PLACES)}调研{topic}工作，"
            f"{rng.choice(SEEN)}{rng.choice(THINGS)}和{rng.choice(THINGS)}。")
    body = [_sentence(rng) + _sentence(rng) for _ in range(rng.randint(4, 7))]
    key = f"{name}强调，要{rng.choice(VERBS)}{rng.choice(AIMS)}，{rng.choice(VERBS)}{topic}，{_sentence(rng)}"
    return {"title": f"{name}调研{topic}工作（{n}）", "day": day, "paragraphs": [lead, *body, key], "city": city}


def generate_folder(folder: Path, count: int, *, seed: int = 1) -> int:
    """Write `count` Markdown reports; about 1 in 20 is a repost and 1 in 50 a Traditional mirror."""
    rng = random.Random(seed)
    hant = opencc.OpenCC("s2hk")
    planted = 0
    written: list[dict[str, Any]] = []
    for n in range(count):
        if written and n % 20 == 7:
            item = dict(rng.choice(written[-200:]))
            item["paragraphs"] = ["原标题：" + item["title"], *item["paragraphs"], "责任编辑：某某"]
            planted += 1
        elif written and n % 50 == 13:
            item = dict(rng.choice(written[-200:]))
            item["title"] = hant.convert(item["title"])
            item["paragraphs"] = [hant.convert(p) for p in item["paragraphs"]]
            planted += 1
        else:
            item = report(n, rng, per_day=4)
            written.append(item)
        published = datetime.combine(item["day"], datetime.min.time(), TZ) + timedelta(hours=19)
        front = (f"---\ntitle: \"{item['title']}\"\ndate: {published.isoformat()}\n"
                 f"url: http://bench.example.cn/{n}.html\nsource: 某日报\n---\n\n")
        (folder / f"{n:05d}.md").write_text(front + "\n\n".join(item["paragraphs"]) + "\n", encoding="utf-8")
    return planted


def synthetic_articles(count: int, *, per_day: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        item = report(n, rng, per_day=per_day)
        articles.append(Article(id=str(n), title=item["title"], url="", source="bench", origin=str(n),
                                published=None, text="\n".join(item["paragraphs"]), city=item["city"],
                                event_date=item["day"]))
    return articles


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn: Callable[[], Any], *, items: int | None = None) -> Any:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    rate = f", {items / seconds:,.0f} articles/s" if items else ""
    print(f"  {label:<34} {seconds:7.2f} s{rate}")
    return result


def serve_feed(entries: int, *, pages: bool) -> tuple[ThreadingHTTPServer, str]:
    """Serve one feed of `entries` reports on 127.0.0.1 (full text, or summaries linking to pages)."""
    rng = random.Random(5)
    items = [report(n, rng, per_day=4) for n in range(entries)]
    documents: dict[str, bytes] = {}
    parts = []
    for n, item in enumerate(items):
        html = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
        when = format_datetime(datetime.combine(item["day"], datetime.min.time(), TZ) + timedelta(hours=19))
        text = (f"<description>{escape(item['paragraphs'][0][:30])}</description>" if pages
                else f"<description><![CDATA[{html}]]></description>")
        parts.append(f"<item><title>{escape(item['title'])}</title><link>{{base}}/p/{n}.html</link>"
                     f"<pubDate>{when}</pubDate>{text}</item>")
        documents[f"/p/{n}.html"] = (
            f"<html><head><meta charset='utf-8'><title>{escape(item['title'])}</title></head><body>"
            f"<div class='nav'>首页 | 时政 | 民生</div><div class='article'><h1>{escape(item['title'])}</h1>"
            f"{html}</div><div class='footer'>版权所有</div></body></html>").encode()
    feed_template = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>某日报</title>'
                     + "".join(parts) + "</channel></rss>")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feed.encode() if self.path == "/feed.xml" else documents.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml" if self.path == "/feed.xml" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_port}"
    feed = feed_template.replace("{base}", base)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"{base}/feed.xml"


def bench_folder(count: int, work: Path) -> list[Article]:
    folder = work / "articles"
    folder.mkdir()
    planted = timed(f"generate {count:,} files", lambda: generate_folder(folder, count))
    source = SourceConfig(name="bench", kind="folder", path=folder)
    start = time.perf_counter()
    with Store(work / "store.sqlite") as store:
        collection = timed("collect into the store (+ clean)",
                           lambda: collect_into(store, (source,), tz=TZ, http=HttpSettings()), items=count)
        start_of_time = datetime(1970, 1, 1, tzinfo=UTC)
        everything = {"published_from": start_of_time, "published_to": datetime(2100, 1, 1, tzinfo=UTC),
                      "seen_from": start_of_time}
        documents = timed("read back from the store", lambda: store.candidates(**everything), items=count)
    articles, _ = timed("clean + extract", lambda: understand(documents, week=parse_week("2025-W46")), items=count)
    _kept, merged = timed("dedupe", lambda: dedupe(articles), items=count)
    total = time.perf_counter() - start
    print(f"  {collection.runs[0].new:,} stored; {merged} merged as duplicates ({planted} planted)")
    print(f"  total collect + clean + dedupe: {total:.2f} s = {count / total:,.0f} articles/s; "
          f"peak memory {peak_mb():.0f} MB")
    return articles


def bench_feed(entries: int, work: Path, *, pages: bool) -> None:
    server, url = serve_feed(entries, pages=pages)
    source = SourceConfig(name="feed", kind="feed", url=url, fetch_pages=pages)
    try:
        with Store(work / f"feed-{pages}.sqlite") as store:
            what = f"{entries:,} summaries + pages" if pages else f"{entries:,} full entries"
            # The feed is served on 127.0.0.1, which the address policy refuses unless allowed.
            collection = timed(f"collect {what}", lambda: collect_into(
                store, (source,), tz=TZ, http=HttpSettings(max_bytes=50_000_000, allow_private=True)), items=entries)
    finally:
        server.shutdown()
    run = collection.runs[0]
    print(f"  {run.new:,} stored, {run.skipped} skipped, error: {run.error}; peak memory {peak_mb():.0f} MB")


def bench_dedupe_growth() -> None:
    print("dedupe alone on synthetic articles (4 per city per day):")
    for count in (10_000, 20_000, 40_000):
        articles = synthetic_articles(count, per_day=4, seed=count)
        start = time.perf_counter()
        dedupe(articles)
        print(f"  {count:>6,} articles over {count // 84:>3} days   {time.perf_counter() - start:6.2f} s")
    print("dedupe alone, the same 119 days growing denser:")
    for count, per_day in ((10_000, 4), (20_000, 8)):
        articles = synthetic_articles(count, per_day=per_day, seed=count + 1)
        start = time.perf_counter()
        dedupe(articles)
        print(f"  {count:>6,} articles, {per_day} per city per day   {time.perf_counter() - start:6.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--feed", type=int, default=1_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"folder of {args.articles:,} articles:")
        bench_folder(args.articles, work)
        print(f"local feed of {args.feed:,} entries:")
        bench_feed(args.feed, work, pages=False)
        bench_feed(args.feed, work, pages=True)
    bench_dedupe_growth()
    print(f"peak memory of the whole run: {peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
