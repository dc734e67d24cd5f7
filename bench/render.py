"""Time the PDF renderer against headless Chromium on the same HTML, and our in-process render alone.

    .venv/bin/python bench/render.py [--runs 5] [--pages 30]

Two issues: the sample week (2025-W46) and a synthetic issue of about 30 pages made from it. For each:

- whole process, ours: a fresh `python` that loads the saved digest.json and writes the PDF
  (for the sample also the real command, `weeklydigest build --week 2025-W46 --format pdf`, which
  collects and digests the sample folder first);
- whole process, Chromium: Debian's `chromium --headless --print-to-pdf` of the very HTML WeasyPrint lays out;
- in process: layout + write of that HTML by WeasyPrint in this process, fonts warm;
- floor: the same text as bare paragraphs (no masthead, chart, table of contents, colours, notes
  links or running headers), same fonts, size and page, in process: what WeasyPrint needs for
  the words alone on this machine, so the cost of the design can be told from the cost of the text.

Runs are interleaved (ours, Chromium, ours, …) and the medians compared. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from html import escape
from pathlib import Path

from benchconfig import write_config  # a store and output of the run's own

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weeklydigest.build import build_issue  # noqa: E402
from weeklydigest.config import load_config  # noqa: E402
from weeklydigest.model import Digest  # noqa: E402
from weeklydigest.render.html import render_html  # noqa: E402
from weeklydigest.render.pdf import html_to_pdf, import_weasyprint  # noqa: E402
from weeklydigest.render.view import template_folder  # noqa: E402
from weeklydigest.week import parse_week  # noqa: E402

BIN = Path(sys.executable).parent
RENDER_ONE = (
    "import json, sys; from pathlib import Path; "
    "from weeklydigest.config import load_config; from weeklydigest.model import digest_from_json; "
    "from weeklydigest.render.pdf import render_pdf; "
    "config = load_config(Path(sys.argv[1])); "
    "digest = digest_from_json(json.loads(Path(sys.argv[2]).read_text(encoding='utf-8'))); "
    "Path(sys.argv[3]).write_bytes(render_pdf(digest, config))"
)
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
)


def synthetic(digest: Digest, *, copies: int) -> Digest:
    """Return a longer issue: the sample's sections repeated `copies` times under numbered titles."""
    sections = []
    for n in range(copies):
        for section in digest.sections:
            title = section.title if n == 0 else f"{section.title}（{n + 1}）"
            sections.append(replace(section, title=title))
    return replace(digest, sections=tuple(sections))


def bare_text(html: str) -> str:
    """Return the text of `html`'s blocks as bare paragraphs in one serif face: the floor of the layout."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html)
    for drop in root.xpath("//style | //svg | //script"):
        drop.drop_tree()
    blocks = [" ".join(b.text_content().split()) for b in root.xpath("//body//*[self::p or self::li or self::h1 "
                                                                      "or self::h2 or self::h3]")]
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in blocks if text)
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
            "@page { size: A4; margin: 20mm 19mm; } body { margin: 0; font: 10.5pt/1.8 'Noto Serif CJK SC'; }"
            f"p {{ margin: 0 0 4pt; }}</style></head><body>{paragraphs}</body></html>")


def time_in_process(markup: str, folder: Path, runs: int) -> float:
    """Return the median layout + write time of `markup`, after one warm-up render."""
    html_to_pdf(markup, folder=folder)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        html_to_pdf(markup, folder=folder)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def run(command: list[str], *, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=600)
    return time.perf_counter() - started


def pdf_facts(path: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))
    return pages, path.stat().st_size


def chromium_command(html: Path, out: Path, profile: Path) -> list[str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    return [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", html.as_uri()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=30, help="rough length of the synthetic issue")
    args = parser.parse_args()
    os.chdir(ROOT)
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    bench_config = write_config(work)
    config = load_config(bench_config)
    sample = build_issue(config, week=parse_week("2025-W46", week_starts=config.week_starts))
    folder = template_folder(config).resolve()

    # Size the synthetic issue from the sample's page count.
    first = work / "probe.pdf"
    first.write_bytes(html_to_pdf(render_html(sample, config, for_print=True), folder=folder))
    sample_pages, _ = pdf_facts(first)
    copies = max(2, int(args.pages / max(sample_pages - 1, 1)))  # the cover is not repeated
    issues = {"sample": sample, "synthetic": synthetic(sample, copies=copies)}

    print(f"machine: {os.cpu_count()} cores; runs per figure: {args.runs}; medians in seconds")
    print(f"{'issue':<10} {'pages':>5} {'ours KB':>8} {'chromium KB':>11} {'ours':>7} {'chromium':>9} "
          f"{'ratio':>6} {'in-process':>11}   (ours = fresh python rendering digest.json)")
    chromium_medians: dict[str, float] = {}
    floors: dict[str, float] = {}
    for name, digest in issues.items():
        saved = work / f"{name}.json"
        saved.write_text(json.dumps(digest.to_json(), ensure_ascii=False), encoding="utf-8")
        html = work / f"{name}.html"
        html.write_text(render_html(digest, config, for_print=True), encoding="utf-8")
        ours_pdf, chrome_pdf = work / f"{name}.pdf", work / f"{name}-chromium.pdf"
        ours_cmd = [sys.executable, "-c", RENDER_ONE, str(bench_config), str(saved), str(ours_pdf)]
        ours, chrome = [], []
        for i in range(args.runs):
            ours.append(run(ours_cmd, cwd=ROOT))
            command = chromium_command(html, chrome_pdf, work / f"profile-{name}-{i}")
            if command:
                chrome.append(run(command, cwd=work))
        # In process: layout + write of the same HTML, fonts warm; then the bare text of it.
        markup = html.read_text(encoding="utf-8")
        import_weasyprint()
        inside_m = time_in_process(markup, folder, args.runs)
        floors[name] = time_in_process(bare_text(markup), folder, args.runs)
        pages, size = pdf_facts(ours_pdf)
        ours_m = statistics.median(ours)
        if chrome:
            chrome_m = chromium_medians[name] = statistics.median(chrome)
            c_pages, c_size = pdf_facts(chrome_pdf)
            print(f"{name:<10} {pages:>5} {size // 1024:>8} {c_size // 1024:>8} ({c_pages}p) {ours_m:>7.2f} "
                  f"{chrome_m:>9.2f} {ours_m / chrome_m:>6.2f} {inside_m:>11.3f}")
        else:
            print(f"{name:<10} {pages:>5} {size // 1024:>8} {'-':>11} {ours_m:>7.2f} {'(no chromium)':>9} "
                  f"{'-':>6} {inside_m:>11.3f}")

    for name, floor in floors.items():
        print(f"floor, {name}: the same text as bare paragraphs lays out and writes in {floor:.3f} s in process")

    # The real command on the sample: collect, digest and write the PDF.
    build = [str(BIN / "weeklydigest"), "build", "--config", str(bench_config), "--week", "2025-W46",
             "--format", "pdf", "--out", str(work / "out")]
    timings = [run(build, cwd=ROOT) for _ in range(args.runs)]
    median = statistics.median(timings)
    ratio = f", {median / chromium_medians['sample']:.2f}x Chromium" if "sample" in chromium_medians else ""
    print(f"sample via `weeklydigest build --format pdf` (collect + digest + PDF): median {median:.2f} s{ratio}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
