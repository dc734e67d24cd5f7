"""What readers get: the Markdown (golden), the HTML's structure and the PDF as text and fonts."""

import difflib
import os
import re
import subprocess

from lxml import html as lxml_html

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "sample-week.md"


def _mask(text: str) -> str:
    """Blank the fields that change from run to run."""
    return re.sub(r"^date: .*$", "date: <masked>", text, flags=re.M)


def test_markdown_matches_the_golden_file(sample_outputs):
    actual = _mask(sample_outputs["md"].read_text(encoding="utf-8"))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "actual", lineterm=""))
    assert actual == expected, f"digest.md differs from {GOLDEN.name} (UPDATE_GOLDEN=1 to accept):\n{diff}"


def test_markdown_uses_the_columns_inline_conventions(sample_outputs):
    text = sample_outputs["md"].read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ")
    assert "tags:\n  - \"十五运会和残特奥会\"\n  - \"宣讲党的二十届四中全会精神\"\n  - \"百千万工程\"" in text
    assert "\n### 关键词：十五运会和残特奥会\n" in text
    assert "<strong>广州</strong>" in text
    assert '<font color="#ff0000">十五运会</font>' in text
    assert '<span style="background:#fff88f">' in text


def _tree(sample_outputs):
    return lxml_html.fromstring(sample_outputs["html"].read_bytes())


def test_html_sections_hold_their_cities_with_source_links(sample_outputs, sample_digest):
    tree = _tree(sample_outputs)
    assert tree.get("lang") == "zh-CN"
    sections = tree.xpath("//section[contains(@class,'section') and not(contains(@class,'theme'))]")
    assert [s.xpath("string(h2)") for s in sections] == [f"关键词：{s.title}" for s in sample_digest.sections]
    for element, section in zip(sections, sample_digest.sections, strict=True):
        assert element.xpath("article/h3/text()") == [i.city for i in section.items]
        for article in element.xpath("article"):
            refs = article.xpath(".//a[@class='noteref']/@href")
            assert refs, "every item links to its sources"
            for ref in refs:
                assert tree.xpath(f"//li[@id='{ref[1:]}']"), f"note {ref} exists"


def test_html_is_self_contained(sample_outputs):
    tree = _tree(sample_outputs)
    assert tree.xpath("//script") == []
    assert tree.xpath("//link[@rel='stylesheet']") == []
    assert "@import" not in sample_outputs["html"].read_text(encoding="utf-8")
    assert tree.xpath("//style")


def test_html_marks_terms_and_highlights_key_clauses(sample_outputs, sample_digest):
    tree = _tree(sample_outputs)
    assert "十五运会" in tree.xpath("//span[@class='term']/text()")
    first = tree.xpath("//section[contains(@class,'section') and not(contains(@class,'theme'))]")[0]
    marks = first.xpath(".//mark[@class='key']")
    assert len(sample_digest.sections[0].items) // 2 <= len(marks) <= len(sample_digest.sections[0].items)


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_text_has_every_section_city_and_the_page_footer(sample_outputs, sample_digest):
    text = _pdftotext(sample_outputs["pdf"])
    flat = re.sub(r"\s+", "", text)
    for section in sample_digest.sections:
        assert f"关键词：{section.title}" in flat
        for item in section.items:
            assert item.city in flat
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(sample_outputs["pdf"])], capture_output=True, text=True, check=True).stdout)[1])
    assert pages >= 2
    footers = re.findall(r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页", text)
    assert footers == [(str(n), str(pages)) for n in range(1, pages + 1)]


def test_pdf_embeds_subset_cjk_sc_fonts(sample_outputs):
    fonts = subprocess.run(["pdffonts", str(sample_outputs["pdf"])], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts
    names = [line.split()[0] for line in fonts]
    assert any("Noto-Serif-CJK-SC" in n for n in names)
    assert any("Noto-Sans-CJK-SC" in n for n in names)
    for line in fonts:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert re.match(r"^[A-Z]{6}\+", name), f"{name} is subset"
        assert (emb, sub) == ("yes", "yes"), line


def test_pdf_has_one_bookmark_per_section(sample_outputs, sample_digest):
    from pypdf import PdfReader

    outline = PdfReader(str(sample_outputs["pdf"])).outline
    top = [entry.title for entry in outline if not isinstance(entry, list)]
    # Besides the sections, the contents, the commentary and the sources have a bookmark of their own.
    assert [t for t in top if t.startswith("关键词：")] == [f"关键词：{s.title}" for s in sample_digest.sections]
    themes = [t.title for t in sample_digest.themes]
    assert [t for t in top if not t.startswith("关键词：")] == ["政观谈", "目录", *themes, sample_digest.title, "来源"]
