"""Editions sharing one store, and the store's per-edition parts, on both backends.

Articles are shared; review edits, events, revisions, learning examples, subscribers, deliveries
and runs belong to the edition that made them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from weeklydigest.model import Delivery, RawDocument, Subscriber
from weeklydigest.store import DEFAULT_EDITION, Store
from weeklydigest.store.runlog import finish_run, last_runs, start_run

from .content import EPOCH, FAR, TZ

T0 = datetime(2025, 11, 17, 0, 0, tzinfo=UTC)
ISSUE = "2025-W46"
DOC = RawDocument(origin="http://example.cn/gz.html", source="南粤时政网", title="林志远调研城中村改造",
                  url="http://example.cn/gz.html", published=datetime(2025, 11, 12, 19, 0, tzinfo=TZ),
                  body="<p>正文。</p>", fmt="html")


def test_editions_read_the_same_articles(store_location):
    with Store(store_location, edition="省版") as provincial:
        provincial.put(DOC, text="正文。", now=T0)
    with Store(store_location, edition="广州版") as city:
        (found,) = city.candidates(published_from=EPOCH, published_to=FAR, seen_from=EPOCH)
        assert found.url == DOC.url
        assert city.has(DOC.url)


def test_each_edition_has_its_own_edits_history_and_revisions_of_an_issue(store_location):
    with Store(store_location) as default, Store(store_location, edition="广州版") as city:
        default.add_edit(ISSUE, {"op": "drop", "article": "a"}, by="王编辑", now=T0)
        city_edit = city.add_edit(ISSUE, {"op": "move", "article": "b", "section": "百千万工程"}, by="李编辑", now=T0)
        city.add_event(ISSUE, "approved", revision=0, by="李编辑", now=T0)
        city.save_revision(ISSUE, 1, draft="{}", published="{}", correction="", by="李主编", now=T0)
        assert [e for _, e, _, _ in default.edits(ISSUE)] == [{"op": "drop", "article": "a"}]
        assert [(i, e["article"]) for i, e, _, _ in city.edits(ISSUE)] == [(city_edit, "b")]
        assert default.events(ISSUE) == [] and default.revisions(ISSUE) == []
        assert [status for status, *_ in city.events(ISSUE)] == ["approved", "published"]
        assert [revision for revision, *_ in city.revisions(ISSUE)] == [1]
        # An edit is removed only by the edition that made it.
        assert not default.remove_edit(ISSUE, city_edit)
        assert city.remove_edit(ISSUE, city_edit) and city.edits(ISSUE) == []


def test_learning_examples_belong_to_the_edition_whose_editors_made_them(store_location):
    with Store(store_location) as default, Store(store_location, edition="广州版") as city:
        default.add_example(article="a", issue="2025-W45", text="甲", section="十五运会", by="王", now=T0)
        city.add_example(article="a", issue="2025-W45", text="甲", section="百千万工程", by="李", now=T0)
        city.add_example(article="a", issue="2025-W45", text="甲", section="城市更新", by="李", now=T0)
        assert default.examples() == [("甲", "十五运会")]
        assert city.examples(before="2025-W46") == [("甲", "城市更新")]
        assert city.examples(before="2025-W45") == []


def test_subscribers_and_deliveries_are_per_edition_and_addresses_ignore_case(store_location):
    with Store(store_location) as default, Store(store_location, edition="广州版") as city:
        assert default.add_subscriber(Subscriber("reader@example.cn", name="甲"), now=T0)
        assert not default.add_subscriber(Subscriber("Reader@example.cn"), now=T0)
        assert city.add_subscriber(Subscriber("reader@example.cn", sections=("百千万工程",)), now=T0)
        assert [s.sections for s in city.subscribers()] == [("百千万工程",)]
        assert city.set_subscriber_status("READER@example.cn", "unsubscribed", now=T0)
        assert default.subscriber("reader@example.cn").status == "active"
        assert city.subscribers(status="active") == []
        default.record_delivery(Delivery(ISSUE, "reader@example.cn", "accepted", 1, "<m@x>"), now=T0)
        assert city.deliveries(ISSUE) == {}
        assert default.deliveries(ISSUE)["reader@example.cn"].status == "accepted"
        assert default.remove_subscriber("READER@EXAMPLE.CN") and default.subscribers() == []
        assert [s.address for s in city.subscribers()] == ["reader@example.cn"]


def test_the_run_log_keeps_each_editions_runs_newest_first(store_location):
    started = datetime(2025, 11, 17, 8, 0, tzinfo=TZ)
    first = start_run(store_location, kind="build", trigger="schedule", issue=ISSUE, started=started)
    second = start_run(store_location, kind="collect", trigger="manual", issue=None,
                       started=started + timedelta(minutes=1))
    other = start_run(store_location, kind="build", trigger="manual", issue=ISSUE, started=started,
                      edition="广州版")
    finish_run(store_location, first, ended=started + timedelta(minutes=2), outcome="ok", counts={"items": 12})
    runs = last_runs(store_location)
    assert [(r["id"], r["kind"], r["outcome"]) for r in runs] == [(second, "collect", "running"),
                                                                  (first, "build", "ok")]
    assert runs[1]["counts"] == {"items": 12} and runs[1]["ended"] == "2025-11-17T08:02:00+08:00"
    assert [r["id"] for r in last_runs(store_location, edition="广州版")] == [other]
    assert len(last_runs(store_location, limit=1)) == 1


def test_the_store_lists_its_editions_with_their_issues_and_subscribers(store_location):
    with Store(store_location) as default, Store(store_location, edition="广州版") as city:
        default.register_edition(title="省周报", output="output", now=T0)
        city.register_edition(title="广州周报", output="output-gz", now=T0)
        city.register_edition(title="广州周报（新）", output="output-gz", now=T0 + timedelta(days=1))
        city.add_subscriber(Subscriber("reader@example.cn"), now=T0)
        city.save_revision(ISSUE, 1, draft="{}", published="{}", correction="", by="李主编", now=T0)
        run = city.start_run(kind="build", trigger="manual", issue=ISSUE, started=T0)
        city.finish_run(run, ended=T0, outcome="ok")
        listed = {e.name: e for e in default.editions()}
    assert sorted(listed) == [DEFAULT_EDITION, "广州版"]
    assert (listed["广州版"].title, listed["广州版"].output) == ("广州周报（新）", "output-gz")
    assert listed["广州版"].first_used == T0.isoformat(timespec="microseconds")
    assert (listed["广州版"].drafted, listed["广州版"].published, listed["广州版"].subscribers) == (1, 1, 1)
    assert (listed[DEFAULT_EDITION].drafted, listed[DEFAULT_EDITION].subscribers) == (0, 0)
    assert listed[DEFAULT_EDITION].last_build is None


def test_a_review_login_belongs_to_the_edition_it_was_made_in_and_ends_there(store_location):
    with Store(store_location) as default, Store(store_location, edition="广州版") as city:
        city.add_session("hash-a", user="李编辑", now=T0)
        city.add_session("hash-old", user="李编辑", now=T0 - timedelta(days=30))
        default.add_session("hash-b", user="王编辑", now=T0 - timedelta(days=30))
        assert city.session_user("hash-a", since=T0 - timedelta(hours=1)) == "李编辑"
        assert default.session_user("hash-a", since=T0 - timedelta(hours=1)) is None
        assert city.session_user("hash-old", since=T0 - timedelta(days=1)) is None, "expired"
        city.end_session("hash-a", expired_before=T0 - timedelta(days=1))
        assert city.session_user("hash-a", since=T0 - timedelta(hours=1)) is None
        assert city.session_user("hash-old", since=T0 - timedelta(days=60)) is None, "expired ones are forgotten"
        assert default.session_user("hash-b", since=T0 - timedelta(days=60)) == "王编辑", "another edition's stay"
