"""The PDF, read back the way a reader meets it: text, pages, fonts, metadata, bookmarks, links; and what it fetches."""

from __future__ import annotations

import http.server
import logging
import os
import re
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader

from weeklydigest.errors import RenderError
from weeklydigest.render.pdf import html_to_pdf, render_pdf

from .conftest import ROOT
from .render_fixtures import pdf_pages_text, poppler, saved_digest

WEEKLYDIGEST = str(Path(sys.executable).with_name("weeklydigest"))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, config) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "digest.pdf"
    path.write_bytes(render_pdf(saved_digest(), config))
    return path


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return pdf_pages_text(pdf)


def _info(pdf: Path) -> dict[str, str]:
    return dict(re.findall(r"^([\w ]+):\s+(.*)$", poppler("pdfinfo", "-isodates", str(pdf)), flags=re.M))


def test_document_metadata_names_title_author_keywords_and_dates(pdf):
    info = _info(pdf)
    assert info["Title"] == "上周，市委书记们关注了哪些内容？｜第1期 · 2025年第46周"
    assert info["Author"] == "周报编辑部"
    assert info["Keywords"] == "十五运会和残特奥会, 宣讲党的二十届四中全会精神, 百千万工程"
    assert info["Subject"] == "上周，市委书记们关注了哪些内容？（2025年11月10日—11月16日）"
    assert info["CreationDate"].startswith("2025-11-17T08:00:00+08")
    assert info["Page size"].endswith("(A4)")


def test_fonts_are_noto_cjk_serif_and_sans_embedded_and_subset(pdf):
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    fonts = [row.split() for row in rows]
    names = [f[0] for f in fonts]
    assert any("Noto-Serif-CJK-SC" in n for n in names) and any("Noto-Sans-CJK-SC" in n for n in names)
    for font in fonts:
        emb, sub, uni = font[-5], font[-4], font[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), font
        assert re.match(r"^[A-Z]{6}\+", font[0]), font  # subset tag


def test_text_copies_and_searches_as_chinese(pages):
    body = "".join(re.sub(r"\s+", "", p) for p in pages)
    assert "他强调，要以更高标准、更严要求、更实举措，全力以赴办好两个赛会" in body
    assert "关键词：宣讲党的二十届四中全会精神" in body


def test_every_page_has_the_footer_with_page_and_total(pdf):
    pages = pdf_pages_text(pdf, mode="-raw")
    total = len(pages)
    assert total >= 5
    for number, text in enumerate(pages, start=1):
        assert text.strip().splitlines()[-1] == f"第 {number} 页 / 共 {total} 页"


def test_running_header_names_the_issue_on_every_page_but_the_cover(pages):
    assert "第1期 · 2025年第46周" in pages[0]  # the masthead itself
    for text in pages[1:]:
        head = text.strip().splitlines()[0]
        assert "上周，市委书记们关注了哪些内容？" in head and "第1期 · 2025年第46周" in head


def test_table_of_contents_gives_the_page_of_each_section(pages):
    toc = {m[1]: int(m[2]) for m in re.finditer(r"关键词：([^\s.]+)[\s.]*?\.{3,}\s*(\d+)", pages[0])}
    assert set(toc) == {"十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程"}
    for title, page in toc.items():
        assert f"关键词：{title}" in re.sub(r"\s+", "", pages[page - 1])
    assert re.search(r"来源[\s.]*\.{3,}\s*(\d+)", pages[0])


def test_the_first_page_reads_as_a_column_with_a_compact_contents(pdf, pages):
    digest = saved_digest()
    first = re.sub(r"\s+", "", pages[0])
    parts = (digest.headline or digest.title, digest.lede, "政观谈", "本期概览", "目录")
    order = [first.index(re.sub(r"\s+", "", part)[:10]) for part in parts if part]
    assert order == sorted(order), "masthead, lede, 政观谈, overview, then the contents"
    contents = pages[0][pages[0].index("目录"):].split("\n\n")[0]
    assert len([line for line in contents.splitlines() if line.strip()]) <= 5, "the contents take a few lines"
    assert not any(item.city + "　" in contents for s in digest.sections for item in s.items), "no city lists"
    body = digest.themes[0].title if digest.themes else f"关键词：{digest.sections[0].title}"
    assert re.sub(r"\s+", "", body)[:8] in first, "the column itself starts on the first page"


def test_bookmarks_hold_each_section_with_its_cities_in_order(pdf):
    reader = PdfReader(str(pdf))
    outline = reader.outline
    tops = [e for e in outline if not isinstance(e, list)]
    titles = [e.title for e in tops]
    assert titles == ["政观谈", "目录", "关键词：十五运会和残特奥会", "关键词：宣讲党的二十届四中全会精神",
                      "关键词：百千万工程", "来源"]
    digest = saved_digest()
    for section in digest.sections:
        index = outline.index(next(e for e in tops if e.title == f"关键词：{section.title}"))
        children = outline[index + 1]
        assert [c.title for c in children] == [i.city for i in section.items]
        pages = [reader.get_destination_page_number(c) for c in children]
        assert pages == sorted(pages) and pages[0] >= reader.get_destination_page_number(outline[index])


def test_source_links_are_live(pdf):
    reader = PdfReader(str(pdf))
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get("/URI"):
                uris.add(str(action["/URI"]))
    expected = {s.url for sec in saved_digest().sections for i in sec.items for s in i.sources
                if s.url.startswith("http")}
    assert expected and uris == expected


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


def _png() -> bytes:
    """Return a 1×1 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _images(pdf_bytes: bytes, tmp_path: Path) -> int:
    path = tmp_path / "probe.pdf"
    path.write_bytes(pdf_bytes)
    return len(poppler("pdfimages", "-list", str(path)).splitlines()[2:])


def test_renderer_fetches_nothing_from_the_network_nor_files_outside_the_templates(recorder, tmp_path, caplog):
    base, requests = recorder
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "ok.png").write_bytes(_png())
    (tmp_path / "secret.png").write_bytes(_png())
    html = f"""<html lang="zh-CN"><head>
      <link rel="stylesheet" href="{base}/linked.css">
      <style>@import url({base}/imported.css);
        @font-face {{ font-family: Remote; src: url({base}/font.woff); }}
        body {{ font-family: Remote, "Noto Serif CJK SC"; background: url({base}/bg.png); }}</style></head>
      <body><p>正文</p><img src="{base}/pixel.png"><img src="file://{tmp_path}/secret.png">
      <img src="../secret.png"><img src="ok.png"></body></html>"""
    with caplog.at_level(logging.WARNING, logger="weeklydigest.render.pdf"):
        pdf = html_to_pdf(html, folder=folder)
    assert requests == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    for what in ("linked.css", "imported.css", "font.woff", "bg.png", "pixel.png", f"{tmp_path}/secret.png"):
        assert what in refused
    # The one image inside the template folder is the only one embedded.
    assert _images(pdf, tmp_path) == 1


def test_an_image_in_an_article_is_not_fetched_when_the_issue_is_built(recorder, tmp_path):
    base, requests = recorder
    source = tmp_path / "week"
    source.mkdir()
    article = (ROOT / "examples" / "sample-week" / "zj-yg-1113.html").read_text(encoding="utf-8")
    article = article.replace("<p>余钢在致辞中", f'<p><img src="{base}/tracker.png" onerror="alert(1)">'
                              f'<a href="javascript:alert(2)">&lt;script&gt;alert(3)&lt;/script&gt;</a>余钢在致辞中')
    article = article.replace("</body>", f'<img src="{base}/footer.png"><script>alert(4)</script></body>')
    (source / "article.html").write_text(article, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [WEEKLYDIGEST, "build", "--config", str(ROOT / "config" / "digest.yaml"),
         "--week", "2025-W46", "--source", str(source), "--out", str(out), "--format", "html,pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert requests == []
    page = (out / "2025-W46" / "digest.html").read_text(encoding="utf-8")
    assert "余钢" in page and "<script" not in page.lower() and "javascript:" not in page
    assert "onerror" not in page and "tracker.png" not in page
    assert (out / "2025-W46" / "digest.pdf").read_bytes().startswith(b"%PDF")


def test_missing_cjk_font_is_a_clear_one_line_error(tmp_path, desk):
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><dir>{tmp_path}</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    result = subprocess.run(
        [WEEKLYDIGEST, "build", "--week", "2025-W46", "--out", str(tmp_path / "out"), "--format", "pdf"],
        cwd=desk, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: CJK font missing (Noto Serif CJK SC, Noto Sans CJK SC): "
                      "install Debian's fonts-noto-cjk"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "2025-W46" / "digest.pdf").exists()


def test_render_error_is_raised_in_process_too(monkeypatch, config):
    from weeklydigest.render import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "missing_cjk_fonts", lambda: ("Noto Sans CJK SC",))
    with pytest.raises(RenderError, match=r"^CJK font missing \(Noto Sans CJK SC\)"):
        render_pdf(saved_digest(), config)
