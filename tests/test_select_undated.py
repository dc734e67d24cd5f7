"""The select step: a report whose year the page does not give is placed only when the store saw it fresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from weeklydigest.build import build_issue
from weeklydigest.model import RawDocument
from weeklydigest.store import Store
from weeklydigest.week import parse_week

TZ = ZoneInfo("Asia/Shanghai")
UNDATED = RawDocument(
    origin="/folder/zj-1114.md", source="折页", title="林某某到雷州调研“百千万工程”", url="", published=None,
    body=("11月14日上午，湛江市委书记林某某到雷州市，调研“百千万工程”推进情况，察看典型镇建设和乡村风貌提升。\n\n"
          "林某某强调，要以“百千万工程”为总抓手，推动县镇村高质量发展。"),
    fmt="markdown", outlet="湛江日报")


def _config(config, tmp_path):
    return replace(config, store=tmp_path / "store.sqlite", sources=())


def _items(digest):
    return [i for s in digest.sections for i in s.items]


def _seen(store: Store, *moments: datetime) -> None:
    """Put the undated report into the store as a folder source re-reads it at each moment."""
    for moment in moments:
        store.put(UNDATED, text=UNDATED.body, now=moment)


def test_undated_report_first_seen_fresh_is_placed_with_a_warning(config, tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        _seen(store, datetime(2023, 11, 15, 9, 0, tzinfo=TZ))
    digest = build_issue(_config(config, tmp_path), week=parse_week("2023-W46"),
                         now=datetime(2023, 11, 20, 8, 0, tzinfo=TZ))
    (item,) = _items(digest)
    assert (item.city, item.officials, item.dates) == ("湛江", ("林某某",), ("2023-11-14",))
    assert item.warnings == ("year not on the page: 11月14日上午 read as 2023-11-14 (first seen 2023-11-15)",)


def test_an_undated_2023_report_is_not_placed_in_the_same_week_of_later_years(config, tmp_path):
    first = datetime(2023, 11, 15, 9, 0, tzinfo=TZ)
    with Store(tmp_path / "store.sqlite") as store:
        _seen(store, first, datetime(2024, 11, 18, 7, 0, tzinfo=TZ), datetime(2025, 11, 17, 7, 0, tzinfo=TZ))
    for issue, built in (("2024-W46", datetime(2024, 11, 18, 8, 0, tzinfo=TZ)),
                         ("2025-W46", datetime(2025, 11, 17, 8, 0, tzinfo=TZ))):
        digest = build_issue(_config(config, tmp_path), week=parse_week(issue), now=built)
        assert _items(digest) == [], issue
        assert digest.unassigned == (), issue  # it is the 2023 week's report, read by when it was first seen


def test_an_undated_report_first_seen_long_after_its_day_is_not_placed(config, tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        _seen(store, datetime(2025, 11, 25, 9, 0, tzinfo=TZ))
    digest = build_issue(_config(config, tmp_path), week=parse_week("2025-W46"),
                         now=datetime(2025, 11, 26, 8, 0, tzinfo=TZ))
    assert _items(digest) == []
    assert [(u.title, u.reason) for u in digest.unassigned] == [
        (UNDATED.title, "year of 11月14日上午 not on the page; first seen 2025-11-25, too late to tell the year")]


def test_an_undated_report_whose_url_dates_it_otherwise_is_not_placed(config, tmp_path):
    old_copy = replace(UNDATED, url="http://example.cn/news/content/2023-11/14/content_1.htm")
    with Store(tmp_path / "store.sqlite") as store:
        store.put(old_copy, text=old_copy.body, now=datetime(2025, 11, 15, 9, 0, tzinfo=TZ))
    digest = build_issue(_config(config, tmp_path), week=parse_week("2025-W46"),
                         now=datetime(2025, 11, 17, 8, 0, tzinfo=TZ))
    assert _items(digest) == []
    assert digest.unassigned[0].reason == "year of 11月14日上午 not on the page; its URL dates it 2023-11-14"


def test_store_candidates_carry_the_first_seen_time(tmp_path):
    first = datetime(2023, 11, 15, 9, 0, tzinfo=TZ)
    with Store(tmp_path / "store.sqlite") as store:
        _seen(store, first, datetime(2024, 11, 18, 7, 0, tzinfo=TZ))
        (document,) = store.candidates(published_from=first, published_to=first, seen_from=first)
    assert document.first_seen == first


def test_a_one_off_build_reads_its_folder_as_seen_now(config, tmp_path):
    from weeklydigest.config import SourceConfig

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "zj-1114.md").write_text(f"---\ntitle: {UNDATED.title}\n---\n\n{UNDATED.body}\n", encoding="utf-8")
    sources = (SourceConfig(name="折页", kind="folder", path=folder),)
    fresh = build_issue(config, week=parse_week("2025-W46"), sources=sources,
                        now=datetime(2025, 11, 17, 8, 0, tzinfo=TZ))
    assert [i.dates for i in _items(fresh)] == [("2025-11-14",)]
    late = build_issue(config, week=parse_week("2025-W46"), sources=sources,
                       now=datetime(2026, 11, 17, 8, 0, tzinfo=TZ))
    assert _items(late) == []  # seen in 2026: a 2026 report, not this week's
