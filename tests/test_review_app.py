"""The review app through Flask's test client: login, CSRF, roles, escaping, path-like ids, edits by form."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from weeklydigest.errors import DigestError
from weeklydigest.model import RemovedNote, SentenceRef
from weeklydigest.review.app import create_app, secret_key
from weeklydigest.review.workflow import Review

from .render_fixtures import saved_digest
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
