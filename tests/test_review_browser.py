"""The review app in real headless Chromium: log in, edit, approve, publish; screenshots for people to look at.

The app runs as `weeklydigest review` in a copy of the checkout's layout. Screenshots go to
$WEEKLYDIGEST_SCREENSHOTS (default: a new temporary folder).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

from .render_fixtures import pdf_pages_text, saved_digest
from .review_env import ISSUE, PASSWORDS, checkout_config, checkout_copy, review_server, save_draft

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# Screenshots for people to look at: WEEKLYDIGEST_SCREENSHOTS names a folder to keep them in.
SHOTS = Path(os.environ.get("WEEKLYDIGEST_SCREENSHOTS") or tempfile.mkdtemp(prefix="weeklydigest-screenshots-"))
GZ_GAMES, SZ_GAMES, ZH_GAMES = "d8ec8c7be51d67a6", "bb43695dce2df572", "1051ece76af3417b"
VILLAGES = "百千万工程"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (scripts/setup-system.sh)")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    folder = checkout_copy(tmp_path)
    config = checkout_config(folder)
    save_draft(config)
    with review_server(folder) as base:
        yield base, config


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('期刊')")


def item(page, article: str):
    return page.locator(f"#i-{article}")


def test_editors_edit_approve_and_publish_in_a_browser(server, browser) -> None:
    base, config = server
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    log_in(page, base, "王编辑")
    page.click(f"a[href='/issues/{ISSUE}']")
    # Drop 广州's games item.
    item(page, GZ_GAMES).locator("button[data-op=drop]").click()
    page.wait_for_selector(".flash.ok")
    assert item(page, GZ_GAMES).count() == 0
    # Move 珠海 to 百千万工程.
    item(page, ZH_GAMES).locator("select[name=section]").select_option(VILLAGES)
    item(page, ZH_GAMES).locator("button[data-op=move]").click()
    page.wait_for_selector(".flash.ok")
    assert item(page, ZH_GAMES).get_attribute("data-city") == "珠海"
    assert page.locator(f"section[data-section='{VILLAGES}'] #i-{ZH_GAMES}").count() == 1
    # Rewrite 深圳's summary.
    card = item(page, SZ_GAMES)
    card.locator("details.rewrite summary").click()
    card.locator("textarea[name=text]").fill("深圳市委书记在赛区调研，编辑改写的概述。")
    card.locator("button[data-op=summary]").click()
    page.wait_for_selector(".flash.ok")
    assert "王编辑 改写" in item(page, SZ_GAMES).inner_text()
    # Commentary.
    page.fill("input[name=title]", "赛事之后看担当")
    page.locator("form:has(input[name=op][value=commentary]) textarea").fill("编辑部的评论段落。")
    page.locator("form:has(input[name=op][value=commentary]) button").click()
    page.wait_for_selector(".flash.ok")
    item(page, SZ_GAMES).locator("details:not(.rewrite) summary").click()
    shoot(page, "review-desktop.png")
    item(page, SZ_GAMES).screenshot(path=str(SHOTS / "review-item-desktop.png"))
    page.click("#approve")
    page.wait_for_selector("#status:has-text('已审定')")
    assert page.locator("#publish").count() == 0  # an editor cannot publish
    # The chief publishes.
    chief = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    log_in(chief, base, "李主编")
    chief.goto(f"{base}/issues/{ISSUE}")
    shoot(chief, "review-phone.png")
    # No lede yet: the chief is warned and must confirm.
    assert "本期还没有导语" in chief.inner_text("#incomplete")
    chief.locator("#incomplete").scroll_into_view_if_needed()
    shoot(chief, "review-phone-publish-warning.png", full_page=False)
    chief.click("#publish")
    assert chief.locator("#status").inner_text().startswith("已审定")  # the browser asks for the tick first
    chief.check("input[name=incomplete_ok]")
    chief.click("#publish")
    chief.wait_for_selector("#status:has-text('已发布')")
    shoot(chief, "review-phone-published.png", full_page=False)

    folder = config.output / ISSUE
    tree = lxml_html.document_fromstring((folder / "digest.html").read_bytes())
    sections = {s.xpath("string(h2)").removeprefix("关键词："): s.xpath(".//article/@data-city")
                for s in tree.xpath("//main/section[@class='section']")}
    assert "广州" not in sections["十五运会和残特奥会"]
    assert "珠海" not in sections["十五运会和残特奥会"] and sections[VILLAGES][-1] == "珠海"
    shenzhen = tree.xpath("//main/section[1]//article[@data-city='深圳']")[0].text_content()
    assert "编辑改写的概述" in shenzhen and "编辑改写〕" in shenzhen
    assert tree.xpath("string(//aside[@id='commentary']/h2)") == "政观谈：赛事之后看担当"
    assert tree.xpath("//p[@class='dek']/span[@class='status']") == []  # no draft badge once published
    pdf = "".join(pdf_pages_text(folder / "digest.pdf", mode="-raw")).replace("\n", "")
    assert "编辑改写的概述" in pdf and "赛事之后看担当" in pdf and "编辑部的评论段落" in pdf
    dropped = next(i for i in saved_digest().sections[0].items if i.city == "广州").sentences[0].text
    assert dropped[:20] in machine_pdf_text(config) and dropped[:20] not in pdf


def test_the_decision_filter_in_a_browser(server, browser) -> None:
    base, config = server
    digest = saved_digest()
    villages = digest.sections[2]
    close = replace(villages.items[4], score=3.5)  # a close call of the section scorer (the line is 2)
    save_draft(config, replace(digest, sections=(*digest.sections[:2], replace(villages, items=(
        *villages.items[:4], close, *villages.items[5:])))))
    pages = {}
    for width, height, name in ((1200, 900, "desktop"), (390, 844, "phone")):
        page = pages[name] = browser.new_page(viewport={"width": width, "height": height})
        log_in(page, base, "王编辑")
        page.goto(f"{base}/issues/{ISSUE}")
        page.click("nav.filters a[data-filter=decide]")
        page.wait_for_selector("nav.filters a.current[data-filter=decide]")
        cards = page.locator("article.item")
        assert cards.count() == 1 and "归类把握不大" in cards.first.inner_text()
        shoot(page, f"review-decide-{name}.png", full_page=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # An edit from the filtered view comes back to it; the edited view then lists the item.
    page = pages["desktop"]
    card = page.locator("article.item").first
    card.locator("details.rewrite summary").click()
    card.locator("textarea[name=text]").fill("编辑核对后的概述。")
    card.locator("button[data-op=summary]").click()
    page.wait_for_selector(".flash.ok")
    assert "show=decide" in page.url and page.locator("article.item").count() == 0
    page.click("nav.filters a[data-filter=edited]")
    page.wait_for_selector("nav.filters a.current[data-filter=edited]")
    assert "编辑核对后的概述" in page.locator("article.item").first.inner_text()
    shoot(page, "review-edited-desktop.png")
    pages["phone"].goto(f"{base}/issues/{ISSUE}?show=edited")
    shoot(pages["phone"], "review-edited-phone.png")


def test_screenshots_of_the_login_and_issue_list(server, browser) -> None:
    base, _ = server
    for width, height, name in ((1200, 800, "desktop"), (390, 844, "phone")):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{base}/")
        assert page.locator("input[name=password]").count() == 1
        shoot(page, f"login-{name}.png", full_page=False)
        log_in(page, base, "王编辑")
        shoot(page, f"issues-{name}.png", full_page=False)
        # Nothing is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(f"{base}/issues/{ISSUE}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def machine_pdf_text(config) -> str:
    """Return the text of the machine's draft as a PDF, for comparison."""
    from weeklydigest.render.pdf import render_pdf

    path = config.output / "machine.pdf"
    path.write_bytes(render_pdf(saved_digest(), config))
    return "".join(pdf_pages_text(path, mode="-raw")).replace("\n", "")


def shoot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 0
