"""Emerging terms are measured against the store's earlier weeks."""

from dataclasses import replace
from zoneinfo import ZoneInfo

from weeklydigest.build import build_issue
from weeklydigest.collect import collect_into
from weeklydigest.config import SourceConfig
from weeklydigest.store import Store
from weeklydigest.week import parse_week

from .conftest import FIXED_NOW, SAMPLE

EARLIER = """---
title: 市里召开赛事服务保障工作会议 第{n}次
date: 2025-10-{day:02d}T18:00:00+08:00
url: http://news.example-gz.cn/2025-10/{day:02d}/c_{n}.htm
---

10月{day}日，市委书记郭永航主持召开赛事服务保障工作会议，听取赛事筹备、赛事安保和赛事交通情况汇报。

郭永航强调，赛事保障要细之又细，各部门要对照赛事清单逐项落实，确保赛事服务万无一失。
"""


def _terms(config, tmp_path, *, with_history: bool) -> list[str]:
    store_path = tmp_path / ("with" if with_history else "without") / "store.sqlite"
    sample = SourceConfig(name="样例周", kind="folder", path=SAMPLE)
    if with_history:
        history = tmp_path / "october"
        history.mkdir(exist_ok=True)
        for n, day in enumerate(range(6, 27), start=1):
            (history / f"oct-{n}.md").write_text(EARLIER.format(n=n, day=day), encoding="utf-8")
        with Store(store_path) as store:
            collect_into(store, (SourceConfig(name="十月", kind="folder", path=history),),
                         tz=ZoneInfo("Asia/Shanghai"), http=config.http)
    digest = build_issue(replace(config, store=store_path, sources=(sample,)), week=parse_week("2025-W46"),
                         now=FIXED_NOW)
    return [t["term"] for t in digest.stats["emerging_terms"]]


def test_a_term_common_in_earlier_weeks_is_not_emerging(config, tmp_path):
    without = _terms(config, tmp_path, with_history=False)
    with_history = _terms(config, tmp_path, with_history=True)
    assert "赛事" in without[:3]
    assert "赛事" not in with_history
