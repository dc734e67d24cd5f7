"""A review set-up in a temporary folder: the checkout's layout with the README's config and two accounts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from weeklydigest.build import build_issue, write_outputs
from weeklydigest.config import Config, ReviewConfig, ReviewUser, SourceConfig, load_config
from weeklydigest.model import Digest
from weeklydigest.render import atomic_write, render_json
from weeklydigest.review.auth import hash_password
from weeklydigest.week import parse_week

from .conftest import ROOT, SAMPLE
from .render_fixtures import saved_digest

ISSUE = "2025-W46"
SECRET = "a-test-secret-that-is-long-enough"
PASSWORDS = {"王编辑": "editor-pass-1", "李主编": "chief-pass-1"}
LATE_ARTICLE = "qy-yzj-1112.md"  # 清远's only item of the week: held back, then "arrives late"
# Quick hashes: the tests log in often; `weeklydigest hash-password` uses werkzeug's default scrypt.
_HASHES = {name: hash_password(password, method="pbkdf2:sha256:1000") for name, password in PASSWORDS.items()}
# The review block of the README's configuration section, with the two accounts.
README_REVIEW = f"""
review:
  secret_key_env: WEEKLYDIGEST_REVIEW_SECRET   # the environment variable holding the cookie-signing key
  users:
    - {{name: 王编辑, password_hash: "{_HASHES['王编辑']}", role: editor}}
    - {{name: 李主编, password_hash: "{_HASHES['李主编']}", role: chief}}
"""


def checkout_copy(tmp: Path) -> Path:
    """Return a folder laid out like the checkout (config/, templates/, the sample week) with the README's
    review config; the app is started from it as the README says."""
    folder = tmp / "checkout"
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(ROOT / "templates", folder / "templates")
    shutil.copytree(SAMPLE, folder / "examples" / "sample-week")
    with (folder / "config" / "digest.yaml").open("a", encoding="utf-8") as config:
        config.write(README_REVIEW)
    return folder


def review_config(tmp: Path, *, source: Path | None = None) -> Config:
    """Return the README's config with an editor and a chief, writing into `tmp`.

    `templates` stays relative, as in the README: it is read against the working folder (the checkout,
    or a copy of it that a test changes into).
    """
    base = load_config(ROOT / "config" / "digest.yaml")
    sources = (SourceConfig(name="样例周", kind="folder", path=source),) if source else ()
    assert not base.templates.is_absolute()
    return replace(base, output=tmp / "output", store=tmp / "store.sqlite", sources=sources,
                   review=ReviewConfig(users=(ReviewUser("王编辑", _HASHES["王编辑"], "editor"),
                                              ReviewUser("李主编", _HASHES["李主编"], "chief"))))


def save_draft(config: Config, digest: Digest | None = None) -> Digest:
    """Write a machine draft (the saved sample digest by default) as build would: digest.json."""
    digest = digest or saved_digest()
    atomic_write(config.output / digest.issue / "digest.json", render_json(digest).encode("utf-8"))
    return digest


def sample_folder(tmp: Path) -> Path:
    """Return a copy of the sample week without the late article."""
    folder = tmp / "sources"
    shutil.copytree(SAMPLE, folder)
    (folder / LATE_ARTICLE).unlink()
    return folder


def rebuild(config: Config) -> Digest:
    """Build the week from the config's sources into its output folder (json only, to stay quick)."""
    digest = build_issue(config, week=parse_week(ISSUE, week_starts=config.week_starts))
    write_outputs(digest, config, out=config.output, formats=("json",))
    return digest


def checkout_config(folder: Path) -> Config:
    """Return the config of a `checkout_copy`, its relative paths made absolute for the test's own reading."""
    config = load_config(folder / "config" / "digest.yaml")
    return replace(config, output=folder / config.output, store=folder / config.store,
                   templates=folder / config.templates)


@contextmanager
def review_server(folder: Path) -> Iterator[str]:
    """Run `weeklydigest review --port 0` in `folder` as the README does; yield its base URL."""
    command = [str(Path(sys.executable).with_name("weeklydigest")), "review", "--port", "0"]
    env = {**os.environ, "WEEKLYDIGEST_REVIEW_SECRET": SECRET}
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        if not match:
            process.kill()
            raise AssertionError(f"the review app did not start: {line!r} {process.communicate()[1]}")
        yield match[0]
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
