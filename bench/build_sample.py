"""Time the sample week: the whole build (collect → digest), each output, and the PDF render alone.

Run: .venv/bin/python bench/build_sample.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Return the median wall time of `repeat` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.chdir(ROOT)

    start = time.perf_counter()
    from weeklydigest.build import build_issue
    from weeklydigest.config import load_config
    from weeklydigest.render import render_json
    from weeklydigest.render.html import render_html
    from weeklydigest.render.markdown import render_markdown
    from weeklydigest.render.pdf import render_pdf
    from weeklydigest.week import parse_week

    import_time = time.perf_counter() - start
    from benchconfig import write_config  # the project's config with a store and output of the run's own

    work = Path(tempfile.mkdtemp(prefix="bench-sample-"))
    config = load_config(write_config(work))
    week = parse_week("2025-W46")

    first_build, digest = timed(lambda: build_issue(config, week=week), 1)
    build_time, digest = timed(lambda: build_issue(config, week=week), args.repeat)
    first_pdf, pdf = timed(lambda: render_pdf(digest, config), 1)
    pdf_time, pdf = timed(lambda: render_pdf(digest, config), args.repeat)
    html_time, _ = timed(lambda: render_html(digest, config), args.repeat)
    md_time, _ = timed(lambda: render_markdown(digest, config), args.repeat)
    json_time, _ = timed(lambda: render_json(digest), args.repeat)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        pages = os.popen(f"pdfinfo {handle.name}").read()
    page_count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"sample week: {digest.stats['articles_seen']} articles, {digest.stats['items']} items")
    print(f"imports                          {import_time * 1000:8.0f} ms")
    print(f"build (collect→digest), first    {first_build * 1000:8.0f} ms")
    print(f"build (collect→digest), median   {build_time * 1000:8.0f} ms  (n={args.repeat})")
    print(f"PDF render, first (cold fonts)   {first_pdf * 1000:8.0f} ms")
    size = f"{page_count} pages, {len(pdf) / 1024:.0f} KiB"
    print(f"PDF render alone, median         {pdf_time * 1000:8.0f} ms  ({size})")
    print(f"HTML render, median              {html_time * 1000:8.1f} ms")
    print(f"Markdown render, median          {md_time * 1000:8.1f} ms")
    print(f"JSON render, median              {json_time * 1000:8.1f} ms")
    print(f"peak memory (max RSS)            {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MiB")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
