"""The review app started as the README says: `weeklydigest review` in a folder laid out like the checkout."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from weeklydigest.cli import main

from .review_env import ISSUE, PASSWORDS, SECRET, checkout_config, checkout_copy, review_server, save_draft


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token"
    return match[1]


def test_the_review_command_serves_the_readme_setup_with_waitress(tmp_path: Path) -> None:
    folder = checkout_copy(tmp_path)
    save_draft(checkout_config(folder))
    with review_server(folder) as base:
        browser = opener()
        response = browser.open(f"{base}/login", timeout=30)
        page = response.read().decode("utf-8")
        assert response.status == 200 and "<h1>登录</h1>" in page
        assert response.headers["Server"] == "waitress"
        form = {"name": "王编辑", "password": PASSWORDS["王编辑"], "csrf_token": csrf(page)}
        response = browser.open(f"{base}/login?next=/issues/{ISSUE}", data=urllib.parse.urlencode(form).encode(),
                                timeout=30)
        page = response.read().decode("utf-8")
        assert response.status == 200 and response.url == f"{base}/issues/{ISSUE}"
        assert page.count('class="card item') == 39
        response = browser.open(f"{base}/issues/{ISSUE}/preview.html", timeout=60)
        assert response.status == 200 and "关键词：十五运会和残特奥会" in response.read().decode("utf-8")
    assert len(list((folder / "output" / ".previews" / ISSUE).glob("*.html"))) == 1  # the working folder's output/


def test_the_review_command_refuses_a_wrong_password_with_401(tmp_path: Path) -> None:
    folder = checkout_copy(tmp_path)
    with review_server(folder) as base:
        browser = opener()
        page = browser.open(f"{base}/login", timeout=30).read().decode("utf-8")
        form = {"name": "王编辑", "password": "not-it", "csrf_token": csrf(page)}
        with pytest.raises(urllib.error.HTTPError) as refused:
            browser.open(f"{base}/login", data=urllib.parse.urlencode(form).encode(), timeout=30)
        assert refused.value.code == 401


def test_the_review_command_without_its_templates_says_so_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = checkout_copy(tmp_path)
    shutil.rmtree(folder / "templates" / "review")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("WEEKLYDIGEST_REVIEW_SECRET", SECRET)
    assert main(["review", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no review templates in ") and err.count("\n") == 1


def test_the_review_command_without_its_secret_says_so_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(checkout_copy(tmp_path))
    monkeypatch.delenv("WEEKLYDIGEST_REVIEW_SECRET", raising=False)
    assert main(["review", "--port", "0"]) == 1
    assert capsys.readouterr().err == ("error: set WEEKLYDIGEST_REVIEW_SECRET to a random secret of at least 16 "
                                       "characters (it signs the login cookies)\n")
