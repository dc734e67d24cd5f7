"""Time the review app as editors use it: `weeklydigest review` serving the sample issue over HTTP.

Lays out a temporary folder like the checkout (config, templates, the sample week), drafts the sample
issue with `weeklydigest build`, starts `weeklydigest review --port 0` there, logs in and times:

- the issue page (median of --repeat requests),
- the first preview.pdf and preview.html of a fresh process (nothing rendered yet),
- the first preview.pdf after an edit (the app starts rendering it in the background when the edit is saved),
- a cached preview.pdf and preview.html (median of --repeat requests),
- and, for comparison in the same run, WeasyPrint rendering the same issue in this process.

Targets (issue 15): cached preview.pdf <= 0.3 s, first render of the sample issue <= 1.5 s, issue page <= 100 ms.

Run: .venv/bin/python bench/review.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).with_name("weeklydigest")
SECRET = "a-bench-secret-that-is-long-enough"
PASSWORD = "bench-password-1"


def run(*args: str, cwd: Path, stdin: str = "") -> str:
    return subprocess.run([str(BIN), *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          check=True).stdout


def lay_out(folder: Path) -> None:
    """Copy the checkout's layout and add one chief editor to the config."""
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copytree(ROOT / "examples" / "sample-week", folder / "examples" / "sample-week")
    password_hash = run("hash-password", "--password-stdin", cwd=folder, stdin=PASSWORD + "\n").strip()
    with (folder / "config" / "digest.yaml").open("a", encoding="utf-8") as config:
        config.write(f'\nreview:\n  users:\n    - {{name: bench, password_hash: "{password_hash}", role: chief}}\n')


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeat))


class Session:
    """A logged-in browser: cookies, the CSRF token of the last page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as response:
            body = response.read()
        match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if match:
            self.csrf = match[1].decode()
        return body

    def post(self, path: str, **form: str) -> bytes:
        data = urllib.parse.urlencode({**form, "csrf_token": self.csrf}).encode()
        with self.opener.open(self.base + path, data=data, timeout=120) as response:
            return response.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="weeklydigest-bench-review-"))
    try:
        lay_out(folder)
        run("build", "--week", "2025-W46", "--format", "json", cwd=folder)
        renderer = render_alone(folder)
        env = {**os.environ, "WEEKLYDIGEST_REVIEW_SECRET": SECRET}
        server = subprocess.Popen([str(BIN), "review", "--port", "0"], cwd=folder, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            line = server.stdout.readline() if server.stdout else ""
            base = re.search(r"http://127\.0\.0\.1:\d+", line)
            if not base:
                print(f"the review app did not start: {line!r}", file=sys.stderr)
                return 1
            figures = measure(Session(base[0]), repeat=args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"review app, sample issue 2025-W46 (39 items); {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    figures["renderer alone (render_pdf, warm)"] = renderer
    targets = {"issue page": 0.1, "first preview.pdf (fresh process)": 1.5,
               "first preview.pdf after an edit": 1.5, "cached preview.pdf": 0.3}
    for name, seconds in figures.items():
        target = targets.get(name)
        mark = "" if target is None else f"   (target <= {target:g} s: {'ok' if seconds <= target else 'MISSED'})"
        print(f"  {name:<36} {seconds * 1000:8.1f} ms{mark}")
    return 0


def render_alone(folder: Path) -> float:
    """Return what WeasyPrint takes for the sample issue in this process, right now (after a warm-up render)."""
    import json

    from weeklydigest.config import load_config
    from weeklydigest.model import digest_from_json
    from weeklydigest.render.pdf import render_pdf

    os.chdir(folder)
    config = load_config(Path("config/digest.yaml"))
    digest = digest_from_json(json.loads((folder / "output" / "2025-W46" / "digest.json").read_text("utf-8")))
    render_pdf(digest, config)
    seconds = timed(lambda: render_pdf(digest, config))
    os.chdir(ROOT)
    return seconds


def measure(session: Session, *, repeat: int) -> dict[str, float]:
    """Log in and return the figures, in seconds."""
    issue = "/issues/2025-W46"
    session.get("/login")
    session.post("/login", name="bench", password=PASSWORD)
    figures = {"first preview.pdf (fresh process)": timed(lambda: session.get(f"{issue}/preview.pdf")),
               "first preview.html (fresh process)": timed(lambda: session.get(f"{issue}/preview.html"))}
    session.get(issue)
    figures["issue page"] = median(lambda: session.get(issue), repeat)
    figures["cached preview.pdf"] = median(lambda: session.get(f"{issue}/preview.pdf"), repeat)
    figures["cached preview.html"] = median(lambda: session.get(f"{issue}/preview.html"), repeat)
    first_after_edit = []
    for n in range(3):
        session.post(f"{issue}/edit", op="lede", text=f"本周导语，第{n + 1}稿。")
        first_after_edit.append(timed(lambda: session.get(f"{issue}/preview.pdf")))
    figures["first preview.pdf after an edit"] = statistics.median(first_after_edit)
    figures["save an edit (POST, redirect, page)"] = median(
        lambda: session.post(f"{issue}/edit", op="lede", text="本周导语。"), max(3, repeat // 4))
    return figures


if __name__ == "__main__":
    sys.exit(main())
