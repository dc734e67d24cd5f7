"""Time a build over a folder of hostile files beside good articles, with the real CLI.

Run: .venv/bin/python bench/hostile.py [--timeout 600] [--keep]

Writes the corpus of `tests/hostile.py` (every kind at once, with the good articles) into a
temporary folder, runs `weeklydigest build` on it under `/usr/bin/time -v` (when present) and
prints the kinds tried, the exit code, the wall time, the peak memory, how many files were
skipped, whether every good article reached the digest, whether anything from outside the
folder was read, and whether a traceback was printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus generator lives with the tests

import yaml  # noqa: E402
from tests.hostile import ENV_MARKER, ENV_SECRET, KINDS, SECRET, unlock, write_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600.0, help="stop the build after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="weeklydigest-hostile-"))
    try:
        folder, outside = work / "corpus", work / "outside"
        titles = write_corpus(folder, outside)
        config = work / "digest.yaml"
        config.write_text(yaml.safe_dump({
            "store": str(work / "store.sqlite"), "output": str(work / "out"),
            "sources": [{"name": "恶意样本", "kind": "folder", "path": str(folder)}],
            "sections": [{"title": "城市发展", "keywords": ["调研", "检查"]}], "min_score": 1,
        }, allow_unicode=True), encoding="utf-8")
        command = [str(ROOT / ".venv" / "bin" / "weeklydigest"), "build", "--config", str(config),
                   "--week", "2025-W46", "--format", "json,md"]
        timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
        env = {**os.environ, ENV_MARKER: ENV_SECRET}
        started = time.perf_counter()
        try:
            result = subprocess.run(timer + command, capture_output=True, text=True, errors="replace",
                                    timeout=args.timeout, env=env)
            code: int | str = result.returncode
            stderr, stdout = result.stderr, result.stdout
        except subprocess.TimeoutExpired as exc:
            code = f"still running after {args.timeout:g}s (stopped)"
            stderr = (exc.stderr or b"").decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
            stdout = ""
        elapsed = time.perf_counter() - started
        peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        digest = work / "out" / "2025-W46" / "digest.json"
        data = json.loads(digest.read_text(encoding="utf-8")) if digest.exists() else None
        found = {s["title"] for sec in data["sections"] for i in sec["items"] for s in i["sources"]} if data else set()
        outputs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (work / "out").rglob("digest.*")
                          if p.suffix in (".json", ".md")) if data else ""
        leaked = [m for m in (SECRET, ENV_SECRET, "root:x:0:0") if m in outputs or m in stdout]
        print(f"kinds tried:        {len(KINDS)} (beside {len(titles)} good articles)")
        print(f"exit code:          {code}")
        print(f"wall time:          {elapsed:.1f} s")
        print(f"peak memory:        {int(peak.group(1)) / 1024:.0f} MB" if peak else "peak memory:        -")
        print(f"skipped lines:      {stderr.count('skipped: ')}")
        print(f"good articles in:   {len(found & set(titles))} of {len(titles)}")
        print(f"read from outside:  {', '.join(leaked) or 'nothing'}")
        print(f"traceback printed:  {'yes' if 'Traceback' in stderr else 'no'}")
        if args.keep:
            print(f"kept: {work}")
        return 0
    finally:
        unlock(work / "corpus")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
