"""Throughput of the understanding stages (clean + extract + classify) on synthetic articles.

    .venv/bin/python bench/understand.py [--articles 10000]

Builds city news reports from templates (plain text, Markdown and HTML; some Traditional mirrors
with pasted spam, pinyin annotations and hidden text), then times each stage on one core: wall time
and CPU time (`time.process_time`), and articles per CPU-second, which a loaded machine does not skew.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weeklydigest.build import reading_aids  # noqa: E402
from weeklydigest.config import load_config  # noqa: E402
from weeklydigest.model import RawDocument  # noqa: E402
from weeklydigest.understand.clean import clean  # noqa: E402
from weeklydigest.understand.extract import extract  # noqa: E402
from weeklydigest.understand.sections import score_sections  # noqa: E402

T = TypeVar("T")
TZ = ZoneInfo("Asia/Shanghai")
LEADERS = [("广州", "郭永航", "天河区"), ("深圳", "孟凡利", "龙岗区"), ("韶关", "陈少荣", "乳源瑶族自治县"),
           ("梅州", "马正勇", "蕉岭县"), ("湛江", "余钢", "雷州市"), ("云浮", "卢荣春", "新兴县"),
           ("潮州", "何晓军", "饶平县"), ("茂名", "庄悦群", "电白区")]
TOPICS = [("调研“百千万工程”推进情况", "要抓好典型镇、典型村培育，做强县域经济"),
          ("宣讲党的二十届四中全会精神", "要推动全会精神进企业、进社区，用群众听得懂的话讲清楚新部署"),
          ("检查十五运会赛事服务保障工作", "要以最高标准抓好赛事保障，确保赛会安全、精彩、顺利")]
DATES = ["{m}月{d}日", "{m}月{d}日上午", "{d}日", "{m}月{d}日至{d2}日", "昨天", "十一月十{d1}日"]
FILLER = ("在一家企业，{name}察看了智能化生产线，了解企业研发投入和市场拓展情况，鼓励企业加快技术攻关。"
          "在村党群服务中心，他与村干部和群众交流，了解集体经济发展和群众增收情况。")


def make_documents(count: int, *, seed: int = 7) -> list[RawDocument]:
    """Return `count` synthetic reports."""
    rng = random.Random(seed)
    documents = []
    for i in range(count):
        city, name, place = rng.choice(LEADERS)
        topic, line = rng.choice(TOPICS)
        day = rng.randint(10, 18)
        when = rng.choice(DATES).format(m=11, d=day, d2=day + 1, d1=str(day - 10) if day > 10 else "")
        published = datetime(2025, 11, 19, 20, 0, tzinfo=TZ) - timedelta(hours=rng.randint(0, 48))
        paragraphs = [
            f"{when}，市委书记{name}到{place}{topic}。",
            FILLER.format(name=name) * rng.randint(1, 3),
            f"{name}强调，要深入学习贯彻习近平总书记视察广东和出席第十五届全国运动会开幕式重要讲话重要指示精神，{line}。",
            f"{name}要求，各级各部门要压实责任，推动各项工作落地见效。",
        ]
        kind = i % 5
        title = f"{name}到{place}{topic}"
        outlet = f"{city}日报"
        if kind == 3:  # a mirror: pasted product words, a fiction sentence, pinyin
            paragraphs[1] = (paragraphs[1].replace("技术攻关", "技术攻德系车零件关")
                             + "她把金色信用卡推过柜台，说今晚由她来结。")
            paragraphs[2] = paragraphs[2].replace("书记", "书(shū)记")
        if kind == 4:
            body = "<html><body><div class='content'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + \
                   "<p style='display:none'>汽车配件批发</p></div><div class='share'>分享到：微信</div></body></html>"
            documents.append(RawDocument(f"bench/{i}.html", "bench", title, "", published, body, "html", outlet))
        elif kind in (1, 3):
            body = "\n\n".join(paragraphs) + "\n\n责任编辑：张三"
            documents.append(RawDocument(f"bench/{i}.md", "bench", title, "", published, body, "markdown", outlet))
        else:
            documents.append(RawDocument(f"bench/{i}.txt", "bench", title, "", published, "\n\n".join(paragraphs),
                                         "text", outlet))
    return documents


def _timed(stage: str, work: Callable[[], T], stages: list[tuple[str, float, float]]) -> T:
    """Run `work`, recording its wall and CPU seconds under `stage`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    stages.append((stage, time.perf_counter() - wall, time.process_time() - cpu))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    config = load_config(ROOT / "config" / "digest.yaml")
    rules, roster = reading_aids(config)
    documents = make_documents(args.articles)
    chars = sum(len(d.body) for d in documents)
    clean(documents[0], spam=rules)  # warm the converters and the segmenter

    stages: list[tuple[str, float, float]] = []  # (stage, wall seconds, CPU seconds)
    articles = _timed("clean", lambda: [clean(d, spam=rules) for d in documents], stages)
    articles = _timed("extract", lambda: [extract(a, fallback=date(2025, 11, 23), roster=roster) for a in articles],
                      stages)
    _timed("classify", lambda: [score_sections(a, config.sections, set_phrases=config.set_phrases,
                                               set_patterns=config.set_patterns) for a in articles], stages)

    count = len(documents)
    wall_total, cpu_total = sum(s[1] for s in stages), sum(s[2] for s in stages)
    print(f"{count} articles, {chars / 1e6:.1f} M characters; one core; wall time swings with the machine's load,"
          " CPU time does not")
    print(f"  {'stage':<9} {'wall s':>7} {'articles/s':>11} {'CPU s':>7} {'articles/CPU-s':>15}")
    for stage, wall, cpu in (*stages, ("total", wall_total, cpu_total)):
        print(f"  {stage:<9} {wall:7.2f} {count / wall:11.0f} {cpu:7.2f} {count / cpu:15.0f}")
    print(f"  {chars / cpu_total / 1e6:.2f} M characters per CPU-second")
    removed = sum(len(a.removed) for a in articles)
    print(f"  removed {removed} pieces; {sum(1 for a in articles if a.city)} articles with a city")


if __name__ == "__main__":
    main()
