"""What the store keeps so that nothing is done twice: analyses per version, deliveries' hashes, files as read.

Every test runs on both backends: an SQLite file and a fresh PostgreSQL database (skipped, saying
why, when no server is given).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from weeklydigest.model import RawDocument
from weeklydigest.store import NEW, UNCHANGED, UPDATED, FileRecord, Store, Window, delivery_hash

from .content import TZ

T0 = datetime(2025, 11, 13, 12, 0, tzinfo=UTC)
DOC = RawDocument(
    origin="http://example.cn/b.html", source="南粤时政网", title="陈立言调研典型镇建设",
    url="http://example.cn/b.html", published=datetime(2025, 11, 11, 9, 0, tzinfo=TZ),
    body="<p>11月11日，韶关市委书记陈立言到乳源调研典型镇建设。</p>", fmt="html", outlet="南粤时政网",
)
TEXT = "11月11日，韶关市委书记陈立言到乳源调研典型镇建设。"
ANALYSIS = (("article", "code-1/stamp", b'{"title": "a"}'), ("sketch", "code-1/stamp", b"\x00\x01\xff"))


def test_an_analysis_put_with_a_new_version_is_read_back_per_stage_and_replaced_only_by_its_own_stage(
        store_location):
    with Store(store_location) as store:
        assert store.put(DOC, text=TEXT, now=T0, body_hash=delivery_hash(DOC), derived=ANALYSIS) == NEW
        ref = (DOC.url, 1)
        assert store.derived([ref], ("article", "sketch")) == {
            ref: {"article": ("code-1/stamp", b'{"title": "a"}'), "sketch": ("code-1/stamp", b"\x00\x01\xff")}}
        partly = store.derived([ref], ("article", "sketch"), with_data=("sketch",))[ref]
        assert partly["article"] == ("code-1/stamp", b""), "a stage's data is read only when asked for"
        store.save_derived([(DOC.url, 1, "article", "code-2/stamp", b'{"title": "b"}')])
        kept = store.derived([ref, (DOC.url, 2)], ("article", "sketch"))
        assert kept == {ref: {"article": ("code-2/stamp", b'{"title": "b"}'),
                              "sketch": ("code-1/stamp", b"\x00\x01\xff")}}
        assert store.derived([(DOC.url, 2), ("http://example.cn/none.html", 1)], ("article",)) == {}


def test_the_same_delivery_again_is_found_by_its_hash_and_a_changed_one_is_not(store_location):
    with Store(store_location) as store:
        store.put(DOC, text=TEXT, now=T0)  # kept before deliveries were hashed
        assert store.find_delivery(DOC) == 1, "compared by what was delivered"
        assert store.latest_delivery(DOC.url) == (1, None, store.latest_delivery(DOC.url)[2])
        # The same delivery: its hash is recorded, and its analysis kept since the version had none.
        assert store.put(DOC, text=TEXT, now=T0 + timedelta(hours=1), body_hash=delivery_hash(DOC),
                         derived=ANALYSIS) == UNCHANGED
        assert store.latest_delivery(DOC.url)[:2] == (1, delivery_hash(DOC))
        assert set(store.derived([(DOC.url, 1)], ("article", "sketch"))[DOC.url, 1]) == {"article", "sketch"}
        changed = replace(DOC, body=DOC.body.replace("乳源", "仁化"))
        assert store.find_delivery(changed) is None
        assert store.put(changed, text=TEXT.replace("乳源", "仁化"), now=T0 + timedelta(hours=2),
                         body_hash=delivery_hash(changed)) == UPDATED
        assert store.find_delivery(changed) == 2 and store.find_delivery(DOC) == 1
        assert store.latest_delivery("http://example.cn/none.html") is None


def test_a_folder_files_record_is_kept_replaced_and_listed_by_its_source_only(store_location):
    record = FileRecord("合成周/城市/广州.md", 120, 1_763_000_000_123_456_789, "ab12", "reader-1", ("k1", "k2"),
                        (("合成周/城市/广州.md#3", "no title"),))
    with Store(store_location) as store:
        store.save_file(record, now=T0)
        store.save_file(replace(record, path="合成周x/a.md"), now=T0)
        store.save_file(replace(record, path="合成/a.md"), now=T0)
        assert store.file_record(record.path) == record
        assert set(store.file_rows("合成周/")) == {record.path}, "a source's files, not a source named alike"
        store.save_file(replace(record, size=121, keys=("k3",), skipped=()), now=T0 + timedelta(seconds=5))
        assert store.file_record(record.path) == replace(record, size=121, keys=("k3",), skipped=())
        assert store.file_record("合成周/none.md") is None


def test_the_window_lists_the_latest_versions_first_seen_first_and_undated_ones_seen_since(store_location):
    undated = replace(DOC, url="", origin="合成周/undated.md", published=None)
    with Store(store_location) as store:
        store.put(DOC, text=TEXT, now=T0)
        store.put(replace(DOC, body=DOC.body + "<p>更正。</p>"), text=TEXT + "更正。", now=T0 + timedelta(minutes=1))
        store.put(undated, text=TEXT, now=T0 + timedelta(minutes=2))
        store.put(replace(DOC, url="http://example.cn/old.html", origin="http://example.cn/old.html",
                          published=datetime(2025, 9, 1, tzinfo=TZ)), text=TEXT, now=T0)
        week = Window(published_from=datetime(2025, 11, 8, tzinfo=TZ), published_to=datetime(2025, 11, 20, tzinfo=TZ))
        assert store.window_refs(week) == [(DOC.url, 2)]
        since = replace(week, seen_from=T0)
        assert store.window_refs(since) == [(DOC.url, 2), ("合成周/undated.md", 1)]
        assert store.window_refs(replace(week, seen_from=T0 + timedelta(hours=1))) == [(DOC.url, 2)]
        store.touch_many(["合成周/undated.md"], now=T0 + timedelta(hours=2))
        assert store.window_refs(replace(week, seen_from=T0 + timedelta(hours=1))) == [
            (DOC.url, 2), ("合成周/undated.md", 1)], "seen again since"
        assert store.first_seen([DOC.url, "合成周/undated.md"]) == {
            DOC.url: T0, "合成周/undated.md": T0 + timedelta(minutes=2)}
        assert store.version_texts([(DOC.url, 1)]) == {(DOC.url, 1): (DOC.title, TEXT)}
        assert store.documents([(DOC.url, 2)])[DOC.url, 2].body == DOC.body + "<p>更正。</p>"
