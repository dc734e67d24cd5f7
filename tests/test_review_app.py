"""The review app through Flask's test client: login, CSRF, roles, escaping, path-like ids, edits by form."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from weeklydigest.errors import DigestError
from weeklydigest.model import RemovedNote, SentenceRef
from weeklydigest.review.app import create_app, secret_key
from weeklydigest.review.guard import LoginThrottle
from weeklydigest.review.workflow import Review
from weeklydigest.store import Store

from .render_fixtures import pdf_pages_text, saved_digest
from .review_env import ISSUE, PASSWORDS, SECRET, checkout_copy, review_config, save_draft

GZ_GAMES, SZ_GAMES = "d8ec8c7be51d67a6", "bb43695dce2df572"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # As the README runs it: from the checkout's folder, with the relative `templates` of its config.
    monkeypatch.chdir(checkout_copy(tmp_path))
    config = review_config(tmp_path)
    save_draft(config)
    app = create_app(config, secret=SECRET)
    app.testing = True
    return config, app


def token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, name: str = "王编辑") -> None:
    response = client.post("/login", data={"name": name, "password": PASSWORDS[name], "csrf_token": token(client)})
    assert response.status_code == 302


def test_every_page_needs_a_login(setup) -> None:
    _, app = setup
    client = app.test_client()
    for path in ("/", f"/issues/{ISSUE}", f"/issues/{ISSUE}/preview.html", f"/issues/{ISSUE}/preview.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = client.post(f"/issues/{ISSUE}/approve", data={"csrf_token": token(client)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert Review(setup[0]).state(ISSUE).status == "draft"


def test_a_wrong_password_is_refused(setup) -> None:
    _, app = setup
    client = app.test_client()
    response = client.post("/login", data={"name": "王编辑", "password": "nope", "csrf_token": token(client)})
    assert response.status_code == 401 and "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_form_without_the_csrf_token_is_refused(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    for data in ({"op": "drop", "article": GZ_GAMES}, {"op": "drop", "article": GZ_GAMES, "csrf_token": "forged"}):
        response = client.post(f"/issues/{ISSUE}/edit", data=data)
        assert response.status_code == 400
        assert "安全令牌缺失或已失效" in response.get_data(as_text=True)
    assert Review(config).state(ISSUE).edits == ()


def test_a_login_form_without_the_csrf_token_is_refused(setup) -> None:
    _, app = setup
    response = app.test_client().post("/login", data={"name": "王编辑", "password": PASSWORDS["王编辑"]})
    assert response.status_code == 400


def test_an_editor_edits_by_form_and_sees_the_diff(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    csrf = token(client, f"/issues/{ISSUE}")
    for data in ({"op": "drop", "article": GZ_GAMES},
                 {"op": "up", "article": SZ_GAMES},
                 {"op": "summary", "article": SZ_GAMES, "text": "新写的概述。"}):
        assert client.post(f"/issues/{ISSUE}/edit", data=data | {"csrf_token": csrf}).status_code == 302
    state = Review(config).state(ISSUE)
    games = state.edited.sections[0].items
    assert [i.city for i in games[:2]] == ["深圳", "广东"]
    assert (games[0].summary, games[0].edited_by) == ("新写的概述。", "王编辑")
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}").data)
    assert "+[深圳] 新写的概述。（王编辑 改写）" in page.xpath("string(//pre[@class='diff'])")
    assert [li.xpath("string(span[@class='what'])") for li in page.xpath("//ol[contains(@class,'edits')]/li")] == [
        "删除条目：广州（十五运会和残特奥会）", "调整条目顺序：十五运会和残特奥会，深圳（十五运会和残特奥会） 上移",
        "改写概述：深圳（十五运会和残特奥会）"]


def test_only_the_chief_may_publish(setup) -> None:
    config, app = setup
    Review(config).approve(ISSUE, by="王编辑")
    editor = app.test_client()
    login(editor)
    page = editor.get(f"/issues/{ISSUE}").get_data(as_text=True)
    assert 'id="publish"' not in page
    response = editor.post(f"/issues/{ISSUE}/publish", data={"csrf_token": token(editor, f"/issues/{ISSUE}")})
    assert response.status_code == 403
    assert Review(config).state(ISSUE).status == "approved"
    chief = app.test_client()
    login(chief, "李主编")
    assert chief.post(f"/issues/{ISSUE}/publish", data={"csrf_token": token(chief, f"/issues/{ISSUE}"),
                                                        "incomplete_ok": "1"}).status_code == 302
    assert Review(config).state(ISSUE).status == "published"


@pytest.mark.parametrize("path", ["/issues/..%2Fx", "/issues/../x", "/issues/..", "/issues/2025-W46x",
                                  "/issues/..%2F..%2Fetc/preview.html"])
def test_path_like_issue_ids_are_not_found(setup, path: str) -> None:
    _, app = setup
    client = app.test_client()
    login(client)
    assert client.get(path).status_code in (302, 404)
    assert client.get(path, follow_redirects=True).status_code == 404


def test_script_in_an_article_or_in_an_editors_text_is_inert(setup) -> None:
    config, app = setup
    digest = saved_digest()
    item = digest.sections[0].items[0]
    poisoned = replace(item, summary=SCRIPT, sentences=(SentenceRef(SCRIPT, item.sources[0].id, 0, len(SCRIPT)),),
                       sources=(replace(item.sources[0], title=SCRIPT, url="javascript:alert(1)"),))
    save_draft(config, replace(digest, sections=(replace(digest.sections[0], items=(poisoned,
                                                                                     *digest.sections[0].items[1:])),
                                                 *digest.sections[1:])))
    client = app.test_client()
    login(client)
    csrf = token(client, f"/issues/{ISSUE}")
    client.post(f"/issues/{ISSUE}/edit", data={"op": "summary", "article": SZ_GAMES, "text": SCRIPT,
                                               "csrf_token": csrf})
    client.post(f"/issues/{ISSUE}/edit", data={"op": "commentary", "title": SCRIPT, "text": SCRIPT,
                                               "csrf_token": csrf})
    for path in (f"/issues/{ISSUE}", f"/issues/{ISSUE}/preview.html"):
        response = client.get(path)
        page = lxml_html.document_fromstring(response.data)
        assert page.xpath("//script") == [] and page.xpath("//img[@onerror]") == []
        assert page.xpath("//a[starts-with(@href, 'javascript:')]") == []
        assert "<script>" in page.text_content()  # shown as text, not run
        assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none' covers it


def test_an_item_shows_its_sources_score_why_and_removed_text(setup) -> None:
    config, app = setup
    digest = saved_digest()
    item = digest.sections[0].items[1]
    noted = replace(item, removed=(RemovedNote(item.sources[0].id, "扫码下载客户端领红包", "spam"),))
    save_draft(config, replace(digest, sections=(replace(digest.sections[0], items=(
        digest.sections[0].items[0], noted, *digest.sections[0].items[2:])), *digest.sections[1:])))
    client = app.test_client()
    login(client)
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}").data)
    card = page.xpath(f"//article[@id='i-{GZ_GAMES}']")[0]
    text = card.text_content()
    assert "栏目得分 12" in text and "置信度" not in text and "垃圾广告 扫码下载客户端领红包" in text
    assert card.xpath(".//ol[@class='sources']/li/a/@href") == [s.url for s in item.sources]
    assert [li.text_content() for li in card.xpath(".//ul[@class='why']/li")] == [
        "标题含关键词 十五运会、赛区", "首句含关键词 十五运会、赛区、赛事", "正文含关键词 5 次",
        "标题含关键词 残特奥会、赛区", "首句含关键词 十五运会、残特奥会、特殊奥林匹克运动会、赛区"]
    assert item.why[0] == "keyword 十五运会、赛区 in title"  # digest.json keeps the machine's English


def test_the_app_needs_users_and_a_secret(tmp_path: Path, monkeypatch) -> None:
    config = review_config(tmp_path)
    with pytest.raises(DigestError, match="no review users"):
        create_app(replace(config, review=replace(config.review, users=())), secret=SECRET)
    monkeypatch.delenv("WEEKLYDIGEST_REVIEW_SECRET", raising=False)
    with pytest.raises(DigestError, match="set WEEKLYDIGEST_REVIEW_SECRET to a random secret"):
        secret_key(config)
    monkeypatch.setenv("WEEKLYDIGEST_REVIEW_SECRET", SECRET)
    assert secret_key(config) == SECRET


def test_the_preview_pdf_is_a_pdf_of_the_edited_issue(setup) -> None:
    _, app = setup
    client = app.test_client()
    login(client)
    response = client.get(f"/issues/{ISSUE}/preview.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_forms_add_merge_restore_reorder_sections_and_undo(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    csrf = token(client, f"/issues/{ISSUE}")
    unassigned = saved_digest().unassigned[0]
    posts = [
        {"op": "add", "article": unassigned.id, "section": "百千万工程", "city": "广州", "text": "编辑补写的条目。"},
        {"op": "merge", "article": "d5cb0f0f23f1bc90", "into": SZ_GAMES},
        {"op": "drop", "article": GZ_GAMES},
        {"op": "restore", "article": GZ_GAMES},
        {"op": "section_up", "section": "百千万工程"},
        {"op": "lede", "text": "本周导语。"},
    ]
    for data in posts:
        assert client.post(f"/issues/{ISSUE}/edit", data=data | {"csrf_token": csrf}).status_code == 302
    state = Review(config).state(ISSUE)
    assert state.orphaned == () and state.dropped == ()
    assert [s.title for s in state.edited.sections] == [
        "十五运会和残特奥会", "百千万工程", "宣讲党的二十届四中全会精神"]
    added = state.edited.sections[1].items[-1]
    assert (added.city, added.summary, added.edited_by) == ("广州", "编辑补写的条目。", "王编辑")
    shenzhen = next(i for i in state.edited.sections[0].items if i.city == "深圳")
    assert [s.id for s in shenzhen.sources] == [SZ_GAMES, "d5cb0f0f23f1bc90"]
    assert state.edited.lede == "本周导语。"
    # Undo the lede: the last edit.
    last = state.edits[-1].id
    assert client.post(f"/issues/{ISSUE}/undo/{last}", data={"csrf_token": csrf}).status_code == 302
    assert Review(config).state(ISSUE).edited.lede == ""


def test_a_malformed_edit_gets_a_message_not_an_error_page(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    csrf = token(client, f"/issues/{ISSUE}")
    response = client.post(f"/issues/{ISSUE}/edit", data={"op": "explode", "csrf_token": csrf},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "无法识别的修改 &#39;explode&#39;" in response.get_data(as_text=True)
    assert Review(config).state(ISSUE).edits == ()


@pytest.mark.parametrize(("target", "landing"), [(f"/issues/{ISSUE}", f"/issues/{ISSUE}"), ("//evil.example/", "/"),
                                                 ("/\\evil.example/", "/"), ("https://evil.example/", "/")])
def test_login_returns_only_to_pages_of_this_site(setup, target: str, landing: str) -> None:
    _, app = setup
    client = app.test_client()
    response = client.post("/login", query_string={"next": target},
                           data={"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": token(client)})
    assert response.headers["Location"] == landing


def test_orphaned_edits_are_listed_on_the_page(setup) -> None:
    config, app = setup
    Review(config).edit(ISSUE, {"op": "move", "article": "gone-article", "section": "百千万工程"}, by="王编辑")
    client = app.test_client()
    login(client)
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}").data)
    assert [li.text_content() for li in page.xpath("//section[contains(@class,'orphans')]//li")] == [
        "移动条目：本期没有含报道 gone-article 的条目"]


# --- who gets in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["next=/%09/evil.example/", "next=/%0a/evil.example/", "next=/%0d/evil.example/",
                                   "next=/%0d%0aSet-Cookie:%20x=1", "next=%2F%2Fevil.example%2F",
                                   "next=/%5Cevil.example/", "next=https://evil.example/", "next=javascript:alert(1)",
                                   "next=/%7F/evil.example/", "next=%09//evil.example/", "next=evil.example"])
def test_login_never_redirects_off_the_site(setup, query: str) -> None:
    _, app = setup
    client = app.test_client()
    response = client.post(f"/login?{query}",
                           data={"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_returns_to_a_page_of_this_site_with_its_query(setup) -> None:
    _, app = setup
    client = app.test_client()
    response = client.get(f"/issues/{ISSUE}?show=decide")
    assert response.headers["Location"] == f"/login?next=/issues/{ISSUE}?show%3Ddecide"
    response = client.post(f"/login?next=/issues/{ISSUE}%3Fshow%3Ddecide",
                           data={"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": token(client)})
    assert response.headers["Location"] == f"/issues/{ISSUE}?show=decide"


def wrong(client: FlaskClient, name: str = "王编辑", password: str = "wrong-password") -> Any:
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token(client)})


def test_thirty_wrong_passwords_then_the_right_one_are_not_all_served(setup, caplog) -> None:
    _, app = setup
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="weeklydigest.review.app"):
        codes = [wrong(client).status_code for _ in range(30)]
        right = wrong(client, password=PASSWORDS["王编辑"])
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert "尝试次数过多" in right.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    assert any("locked for 30 seconds" in r.getMessage() and "'王编辑'" in r.getMessage() for r in caplog.records)


def test_one_address_guessing_many_names_is_locked_out_but_not_the_editors_elsewhere(setup) -> None:
    _, app = setup
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    codes = [wrong(guesser, name=f"user{n}").status_code for n in range(8)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 3
    assert wrong(guesser, password=PASSWORDS["王编辑"]).status_code == 429
    editor = app.test_client()
    editor.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    login(editor)
    assert editor.get("/").status_code == 200


def test_the_lockout_doubles_with_each_wrong_password_and_ends() -> None:
    now = [1000.0]
    throttle = LoginThrottle(free=2, backoff=30, longest=300, clock=lambda: now[0])
    who = {"user": "王编辑", "address": "192.0.2.1"}
    assert [throttle.failed(**who) for _ in range(2)] == [0, 0] and throttle.retry_after(**who) == 0
    assert throttle.failed(**who) == 30 and throttle.retry_after(**who) == 30
    now[0] += 30
    assert throttle.retry_after(**who) == 0
    assert throttle.failed(**who) == 60
    now[0] += 60
    assert throttle.failed(**who) == 120
    now[0] += 120
    assert throttle.failed(**who) == 240
    now[0] += 240
    assert throttle.failed(**who) == 300  # at most `longest`
    throttle.succeeded(**who)
    assert throttle.retry_after(**who) == 0 and throttle.failed(**who) == 0
    now[0] += 301  # counts are forgotten after `longest` without a wrong password
    assert [throttle.failed(**who) for _ in range(2)] == [0, 0]


def test_a_logged_out_cookie_no_longer_works(setup) -> None:
    _, app = setup
    client = app.test_client()
    login(client)
    assert client.get("/").status_code == 200
    cookie = client.get_cookie("session").value
    csrf = token(client, "/")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get(f"/issues/{ISSUE}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = replay.post(f"/issues/{ISSUE}/approve", data={"csrf_token": csrf})
    assert response.status_code in (302, 400) and Review(setup[0]).state(ISSUE).status == "draft"


def test_a_session_of_another_login_stays_valid_after_one_logs_out(setup) -> None:
    _, app = setup
    phone, desk = app.test_client(), app.test_client()
    login(phone)
    login(desk)
    phone.post("/logout", data={"csrf_token": token(phone, "/")})
    assert phone.get("/").status_code == 302 and desk.get("/").status_code == 200


def test_a_session_cookie_without_a_login_in_the_store_is_refused(setup) -> None:
    _, app = setup
    forged = app.test_client()
    with forged.session_transaction() as session:  # signed with the right key, but no login behind it
        session["user"] = "李主编"
        session["sid"] = "made-up"
    assert forged.get("/").status_code == 302


def test_a_login_ends_after_the_session_lifetime(setup, monkeypatch) -> None:
    config, _ = setup
    app = create_app(replace(config, review=replace(config.review, session_lifetime=3600)), secret=SECRET)
    client = app.test_client()
    monkeypatch.setenv("WEEKLYDIGEST_NOW", "2025-11-17T08:00:00+08:00")
    login(client)
    assert client.get("/").status_code == 200
    monkeypatch.setenv("WEEKLYDIGEST_NOW", "2025-11-17T09:00:01+08:00")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("base_url", "setting", "secure"), [
    ("https://example.org/digest/", None, True), ("http://example.org/", None, False), (None, None, False),
    ("https://example.org/digest/", False, False), (None, True, True)])
def test_the_session_cookie_is_secure_when_base_url_is_https_or_the_config_says(
        setup, base_url: str | None, setting: bool | None, secure: bool) -> None:
    config, _ = setup
    app = create_app(replace(config, base_url=base_url, review=replace(config.review, cookie_secure=setting)),
                     secret=SECRET)
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/login", data={"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": csrf},
                           base_url="https://localhost", headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie.split("; ")) is secure
    # Over HTTPS Flask-WTF wants the Referer of a form: the app's own pages must let browsers send it.
    assert response.headers["Referrer-Policy"] == "same-origin"
    if secure:
        page = client.get("/", base_url="https://localhost").get_data(as_text=True)
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        assert client.post("/logout", data={"csrf_token": fresh}, base_url="https://localhost").status_code == 400
        assert client.post("/logout", data={"csrf_token": fresh}, base_url="https://localhost",
                           headers={"Referer": "https://localhost/"}).status_code == 302


def test_review_cookie_secure_is_read_from_the_config() -> None:
    from weeklydigest.config import parse_config

    def review(**keys: Any):
        data = {"sections": [{"title": "百千万工程", "keywords": ["百千万工程"]}], "review": keys}
        return parse_config(data, path=Path("digest.yaml")).review

    assert review().cookie_secure is None and review(cookie_secure=True).cookie_secure is True
    assert (review(login_backoff="1m").login_backoff, review(session_lifetime="2h").session_lifetime) == (60, 7200)
    with pytest.raises(DigestError) as raised:
        review(cookie_secure="yes", login_attempts=0, login_backoff="soon")
    assert str(raised.value).split('; ') == [
        "Config value 'review.cookie_secure': expected true or false, got str 'yes'",
        "Config value 'review.login_attempts': expected a whole number >= 1, got int 0",
        "Config value 'review.login_backoff': expected a duration like '90s', '30m', '2h' or '1d', got str 'soon'"]


# --- what editors see --------------------------------------------------------------------------------

ENGLISH = re.compile(r"\b(?:keywords?|title|lead|body|section|boilerplate|hidden|spam|pinyin|roster|summary|drop|"
                     r"order|move|merge|no|the|is|of|UTC)\b")


def visible_text(page: Any) -> str:
    """Return the page's text as a reader sees it: no ids, no form values, no CSS."""
    for node in page.xpath("//code|//style|//textarea|//select|//input"):
        node.drop_tree()
    return page.text_content()


def test_the_issue_page_speaks_chinese_and_keeps_english_in_digest_json(setup, monkeypatch) -> None:
    config, app = setup
    digest = saved_digest()
    games = digest.sections[0]
    warned = replace(games.items[1], warnings=("roster: 深圳市委书记 on 2025-11-13 is 孟凡利, the article says 张三",),
                     removed=(RemovedNote(games.items[1].sources[0].id, "分享到微信", "boilerplate"),))
    save_draft(config, replace(digest, sections=(replace(games, items=(games.items[0], warned, *games.items[2:])),
                                                 *digest.sections[1:])))
    review = Review(config)
    review.edit(ISSUE, {"op": "summary", "article": SZ_GAMES, "text": "编辑的概述。", "by": "王编辑"}, by="王编辑")
    review.edit(ISSUE, {"op": "move", "article": "gone-article", "section": "百千万工程"}, by="王编辑")
    client = app.test_client()
    login(client)
    text = visible_text(lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}").data))
    assert ENGLISH.findall(text) == []
    assert "名单核对：2025年11月13日的深圳市委书记是孟凡利，报道写的是张三" in text
    assert "不含任何栏目关键词" in text and "版面杂项 35 处、隐藏文字 7 处" in text
    assert "改写概述：深圳（十五运会和残特奥会）" in text
    assert json.loads((config.output / ISSUE / "digest.json").read_text())["unassigned"][0]["reason"] == \
        "no section keyword"


def test_times_are_shown_in_the_configured_time_zone(setup, monkeypatch) -> None:
    config, app = setup
    monkeypatch.setenv("WEEKLYDIGEST_NOW", "2025-11-17T09:30:00+08:00")
    review = Review(config)
    review.edit(ISSUE, {"op": "lede", "text": "本周导语。"}, by="王编辑")
    review.approve(ISSUE, by="王编辑")
    with Store(config.store) as store:
        approved, edited = store.events(ISSUE)[0][3], store.edits(ISSUE)[0][3]
    assert approved.startswith("2025-11-17T01:")  # kept in UTC (the clock runs on from WEEKLYDIGEST_NOW)

    def shanghai(moment: str) -> str:
        return datetime.fromisoformat(moment).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")

    assert shanghai(approved).startswith("2025-11-17 09:")
    client = app.test_client()
    login(client)
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}").data)
    assert page.xpath("string(//ol[contains(@class,'history')]/li)") == f"已审定 · 王编辑 · {shanghai(approved)}"
    assert f"· 王编辑 · {shanghai(edited)}" in page.xpath("string(//ol[contains(@class,'edits')]/li)")
    assert "生成于 2025-11-17 08:00" in page.text_content()
    assert "UTC" not in visible_text(page) and "时间均为 Asia/Shanghai 时间" in page.text_content()


def cards(client: FlaskClient, show: str = "") -> list[str]:
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}", query_string={"show": show} if show else {})
                                         .data)
    return page.xpath("//article[contains(@class,'item')]/@data-article")


def test_the_filters_show_what_needs_a_decision_and_what_was_edited(setup) -> None:
    config, app = setup
    digest = saved_digest()
    assert all(i.score >= 2 * config.min_score for s in digest.sections for i in s.items)
    games = digest.sections[0]
    warned = replace(games.items[2], warnings=("roster: 珠海市委书记 on 2025-11-13 is 某甲, the article says 某乙",))
    close = replace(games.items[3], score=2 * config.min_score - 0.1)  # a close call of the section scorer
    weak = [close]
    save_draft(config, replace(digest, sections=(replace(games, items=(*games.items[:2], warned, close,
                                                                       *games.items[4:])), *digest.sections[1:])))
    client = app.test_client()
    login(client)
    everything = cards(client)
    assert len(everything) == 39
    assert set(cards(client, "decide")) == {warned.sources[0].id, weak[0].sources[0].id}
    assert cards(client, "edited") == []
    csrf = token(client, f"/issues/{ISSUE}")
    response = client.post(f"/issues/{ISSUE}/edit", data={"op": "up", "article": SZ_GAMES, "show": "edited",
                                                          "csrf_token": csrf})
    assert response.headers["Location"] == f"/issues/{ISSUE}?show=edited#i-{SZ_GAMES}"  # back to the same view
    client.post(f"/issues/{ISSUE}/edit",
                data={"op": "summary", "article": GZ_GAMES, "text": "改写。", "csrf_token": csrf})
    assert set(cards(client, "edited")) == {SZ_GAMES, GZ_GAMES}
    page = lxml_html.document_fromstring(client.get(f"/issues/{ISSUE}", query_string={"show": "decide"}).data)
    counts = {a.get("data-filter"): a.xpath("string(span)") for a in page.xpath("//nav[@class='filters']/a")}
    assert counts == {"decide": "2", "edited": "2", "all": "39"}
    assert page.xpath("//nav[@class='filters']/a[@aria-current]/@data-filter") == ["decide"]
    assert page.xpath("//section[contains(@class,'unassigned')]")  # unassigned articles need a decision too
    assert cards(client, "nonsense") == cards(client)


def test_publishing_without_lede_or_commentary_warns_and_asks_to_confirm(setup) -> None:
    config, app = setup
    review = Review(config)
    review.approve(ISSUE, by="王编辑")
    chief = app.test_client()
    login(chief, "李主编")
    page = lxml_html.document_fromstring(chief.get(f"/issues/{ISSUE}").data)
    assert "本期还没有导语和政观谈" in page.xpath("string(//*[@id='incomplete'])")
    assert len(page.xpath("//form[@id='publish-form']//input[@name='incomplete_ok' and @required]")) == 1
    csrf = token(chief, f"/issues/{ISSUE}")
    response = chief.post(f"/issues/{ISSUE}/publish", data={"csrf_token": csrf}, follow_redirects=True)
    assert "本期还没有导语和政观谈" in response.get_data(as_text=True)
    assert review.state(ISSUE).status == "approved"
    # With the lede and the commentary written there is nothing to confirm.
    review.edit(ISSUE, {"op": "lede", "text": "本周导语。"}, by="王编辑")
    review.edit(ISSUE, {"op": "commentary", "title": "看担当", "text": "评论。"}, by="王编辑")
    review.approve(ISSUE, by="王编辑")
    page = lxml_html.document_fromstring(chief.get(f"/issues/{ISSUE}").data)
    assert page.xpath("//*[@id='incomplete']") == [] and page.xpath("//input[@name='incomplete_ok']") == []
    assert chief.post(f"/issues/{ISSUE}/publish", data={"csrf_token": csrf}).status_code == 302
    assert review.state(ISSUE).status == "published"


def test_a_lede_alone_still_warns_about_the_missing_commentary(setup) -> None:
    config, app = setup
    review = Review(config)
    review.edit(ISSUE, {"op": "lede", "text": "本周导语。"}, by="王编辑")
    review.approve(ISSUE, by="王编辑")
    chief = app.test_client()
    login(chief, "李主编")
    page = lxml_html.document_fromstring(chief.get(f"/issues/{ISSUE}").data)
    assert page.xpath("string(//*[@id='incomplete'])").startswith("⚠ 本期还没有政观谈")


# --- previews ---------------------------------------------------------------------------------------


def preview_files(config, fmt: str) -> list[Path]:
    return sorted((config.output / ".previews" / ISSUE).glob(f"*.{fmt}"))


def test_a_preview_is_rendered_once_and_an_edit_renders_it_again(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    first = client.get(f"/issues/{ISSUE}/preview.html").get_data(as_text=True)
    [cached] = preview_files(config, "html")
    stamp = cached.stat().st_mtime_ns
    assert client.get(f"/issues/{ISSUE}/preview.html").get_data(as_text=True) == first
    assert preview_files(config, "html") == [cached] and cached.stat().st_mtime_ns == stamp  # served, not rendered
    csrf = token(client, f"/issues/{ISSUE}")
    client.post(f"/issues/{ISSUE}/edit", data={"op": "summary", "article": SZ_GAMES, "text": "编辑改写的预览文字。",
                                               "csrf_token": csrf})
    edited = client.get(f"/issues/{ISSUE}/preview.html").get_data(as_text=True)
    assert "编辑改写的预览文字" in edited and "编辑改写的预览文字" not in first
    [fresh] = preview_files(config, "html")
    assert fresh != cached and not cached.exists()
    # Undoing the edit brings the first state back: its preview is the first one again.
    last = Review(config).state(ISSUE).edits[-1].id
    client.post(f"/issues/{ISSUE}/undo/{last}", data={"csrf_token": csrf})
    assert client.get(f"/issues/{ISSUE}/preview.html").get_data(as_text=True) == first


def test_a_rebuild_and_an_approval_render_the_preview_again(setup) -> None:
    config, app = setup
    client = app.test_client()
    login(client)
    client.get(f"/issues/{ISSUE}/preview.html")
    [before] = preview_files(config, "html")
    digest = saved_digest()
    save_draft(config, replace(digest, sections=digest.sections[1:]))  # a rebuild with other items
    page = client.get(f"/issues/{ISSUE}/preview.html").get_data(as_text=True)
    assert "十五运会和残特奥会" not in page
    [rebuilt] = preview_files(config, "html")
    Review(config).approve(ISSUE, by="王编辑")
    client.get(f"/issues/{ISSUE}/preview.html")
    assert len({before, rebuilt, *preview_files(config, "html")}) == 3


def test_an_edit_renders_the_pdf_preview_in_the_background(setup) -> None:
    config, _ = setup
    app = create_app(config, secret=SECRET, warm_previews=True)
    client = app.test_client()
    login(client)
    client.post(f"/issues/{ISSUE}/edit", data={"op": "lede", "text": "后台渲染的导语。",
                                               "csrf_token": token(client, f"/issues/{ISSUE}")})
    app.extensions["weeklydigest.previews"].close()  # wait for the background render
    [pdf] = preview_files(config, "pdf")
    stamp = pdf.stat().st_mtime_ns
    response = client.get(f"/issues/{ISSUE}/preview.pdf")
    assert response.data == pdf.read_bytes() and pdf.stat().st_mtime_ns == stamp
    assert "后台渲染的导语" in "".join(pdf_pages_text(pdf, mode="-raw")).replace("\n", "")
