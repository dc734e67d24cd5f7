"""Send one published issue to 1,000 subscribers with 10 distinct section choices over local SMTP.

    .venv/bin/python bench/deliver.py [--subscribers 1000] [--choices 10] [--rate 0]

The issue is the sample week (2025-W46) with its sections repeated once under numbered titles (six
sections), so that ten distinct section choices exist. Each subscriber picks one of ten choices in
turn. The SMTP server is aiosmtpd on 127.0.0.1 in a child process (it counts messages and keeps
none), so the peak memory printed is the sender's alone.

Prints messages per second (whole run, and sending alone without the PDF renders), the number of
PDFs rendered (one per distinct choice: 10, not 1,000), the messages the server accepted and the
peak resident memory (getrusage maxrss). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weeklydigest.build import build_issue  # noqa: E402
from weeklydigest.config import DeliveryConfig, SmtpSettings, load_config  # noqa: E402
from weeklydigest.deliver import send_issue  # noqa: E402
from weeklydigest.model import Digest, Subscriber  # noqa: E402
from weeklydigest.render import atomic_write, render_json  # noqa: E402
from weeklydigest.render.pdf import render_pdf  # noqa: E402
from weeklydigest.store import Store  # noqa: E402
from weeklydigest.week import parse_week  # noqa: E402

SERVER = """
import socket, sys
from aiosmtpd.controller import Controller

class Count:
    accepted = 0
    async def handle_DATA(self, server, session, envelope):
        Count.accepted += 1
        return "250 OK"

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Count(), hostname="127.0.0.1", port=port, data_size_limit=0)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
print(Count.accepted, flush=True)
"""


def doubled(digest: Digest) -> Digest:
    """Return the issue with its sections repeated once under numbered titles."""
    again = tuple(replace(s, title=f"{s.title}（2）") for s in digest.sections)
    return replace(digest, sections=digest.sections + again)


def choices(titles: list[str], count: int) -> list[tuple[str, ...]]:
    """Return `count` distinct proper, non-empty section choices, smallest first."""
    found = [c for size in range(1, len(titles)) for c in itertools.combinations(titles, size)]
    if len(found) < count:
        raise SystemExit(f"only {len(found)} distinct choices of {len(titles)} sections")
    return found[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--choices", type=int, default=10)
    parser.add_argument("--rate", type=float, default=0, help="messages per minute (0: no limit)")
    args = parser.parse_args()
    os.chdir(ROOT)
    work = Path(tempfile.mkdtemp(prefix="bench-deliver-"))
    config = replace(load_config(ROOT / "config" / "digest.yaml"), store=work / "store.sqlite", output=work / "out")

    sample = build_issue(config, week=parse_week("2025-W46", week_starts=config.week_starts))
    issue = replace(doubled(sample), status="published")
    atomic_write(work / "out" / issue.issue / "digest.json", render_json(issue).encode("utf-8"))
    picks = choices([s.title for s in issue.sections], args.choices)
    with Store(config.store) as store:
        now = datetime.now(UTC)
        for i in range(args.subscribers):
            store.add_subscriber(Subscriber(address=f"reader{i:05d}@example.org", name=f"读者{i}",
                                            sections=picks[i % len(picks)]), now=now)

    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert server.stdout is not None and server.stdin is not None
    port = int(server.stdout.readline())
    os.environ["BENCH_DELIVER_SECRET"] = "bench-secret-" + "x" * 20
    config = replace(config, delivery=DeliveryConfig(
        smtp=SmtpSettings(host="127.0.0.1", port=port, security="none"), sender="周报编辑部 <digest@example.org>",
        secret_env="BENCH_DELIVER_SECRET", unsubscribe_url="https://digest.example.org/unsubscribe",
        rate_per_minute=args.rate, retries=3, backoff=0.5))

    render_seconds = 0.0

    def timed_render(digest: Digest, config: object) -> bytes:
        nonlocal render_seconds
        started = time.perf_counter()
        pdf = render_pdf(digest, config)  # type: ignore[arg-type]
        render_seconds += time.perf_counter() - started
        return pdf

    started = time.perf_counter()
    report = send_issue(config, issue.issue, render=timed_render)
    elapsed = time.perf_counter() - started
    server.stdin.close()
    accepted_by_server = int(server.stdout.read().split()[-1])
    server.wait(timeout=30)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    shutil.rmtree(work, ignore_errors=True)

    sending = elapsed - render_seconds
    print(f"subscribers:            {args.subscribers} ({len(picks)} distinct section choices of "
          f"{len(issue.sections)} sections)")
    print(f"accepted:               {report.accepted} (server counted {accepted_by_server}), "
          f"bounced {len(report.bounced)}, to retry {len(report.failed)}")
    print(f"PDF renders:            {report.renders} ({render_seconds:.1f} s)")
    print(f"wall time:              {elapsed:.1f} s")
    print(f"messages/s:             {report.accepted / elapsed:.1f} overall, "
          f"{report.accepted / sending:.1f} sending alone")
    print(f"peak memory (maxrss):   {peak:.0f} MiB")
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
