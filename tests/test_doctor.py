"""`weeklydigest doctor` checks what a build, the review app and delivery need, and fails when something is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import ROOT

EXE = Path(sys.executable).with_name("weeklydigest")


def doctor(desk: Path, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEEKLYDIGEST_", "SMTP_"))}
    return subprocess.run([str(EXE), "doctor"], cwd=desk, capture_output=True, text=True, timeout=120,
                          env={**clean, **(env or {})})


def change(desk: Path, **values: object) -> None:
    path = desk / "config" / "digest.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) | values
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_readme_setup_is_all_good(desk):
    result = doctor(desk)
    assert result.returncode == 0, result.stdout
    assert "[ok] templates folder" in result.stdout
    assert "[ok] roster " in result.stdout
    assert result.stdout.splitlines()[-1].startswith("all good")


def test_a_missing_templates_folder_fails_with_the_fix(desk):
    change(desk, templates="templates")  # relative to the desk, where there is none
    result = doctor(desk)
    assert result.returncode == 1
    assert ("[MISSING] templates folder templates — not found: point 'templates' in the config at the project's "
            "templates/ folder or a copy of it") in result.stdout


def test_a_templates_folder_without_the_digest_template_fails(desk):
    (desk / "mine").mkdir()
    (desk / "mine" / "digest.css").write_text("", encoding="utf-8")
    change(desk, templates="mine")
    result = doctor(desk)
    assert result.returncode == 1
    assert "[MISSING] templates folder mine — missing digest.html.j2, digest.md.j2, index.html.j2, screen.css" \
        in result.stdout


def test_a_broken_roster_fails(desk):
    (desk / "roster.yaml").write_text("- {city: 火星, title: 市委书记, name: 张三}\n", encoding="utf-8")
    change(desk, officials="roster.yaml")
    result = doctor(desk)
    assert result.returncode == 1
    assert ("[MISSING] roster roster.yaml — Roster value 'officials[0].city': expected one of the 21 cities or 广东, "
            "got '火星'; fix the file") in result.stdout


def test_a_store_folder_that_cannot_be_created_fails(desk):
    (desk / "state").write_text("a file where the store's folder should be", encoding="utf-8")
    change(desk, store="state/db/store.sqlite")
    result = doctor(desk)
    assert result.returncode == 1
    assert "[MISSING] store state/db/store.sqlite (folder can be written) — state is a file, not a folder" \
        in result.stdout


def test_review_users_without_the_secret_fail(desk):
    hashed = subprocess.run([str(EXE), "hash-password", "--password-stdin"], input="correct horse\n",
                            capture_output=True, text=True, timeout=60).stdout.strip()
    change(desk, review={"users": [{"name": "王编辑", "password_hash": hashed, "role": "chief"}]})
    result = doctor(desk)
    assert result.returncode == 1
    assert ("[MISSING] review secret WEEKLYDIGEST_REVIEW_SECRET — WEEKLYDIGEST_REVIEW_SECRET is not set: export "
            "WEEKLYDIGEST_REVIEW_SECRET=<a random secret of 16+ characters>") in result.stdout
    assert doctor(desk, env={"WEEKLYDIGEST_REVIEW_SECRET": "s" * 32}).returncode == 0


def test_no_review_users_is_a_warning_only(desk):
    result = doctor(desk)
    assert "[warn] review app — no users in review.users" in result.stdout
    assert result.returncode == 0


def test_delivery_without_the_smtp_password_variable_fails(desk):
    change(desk, base_url="https://example.org/digest/", delivery={
        "smtp": {"host": "smtp.example.org", "user": "digest", "password_env": "SMTP_PASSWORD"},
        "from": "周报编辑部 <digest@example.org>", "secret_env": "DIGEST_SECRET"})
    result = doctor(desk, env={"DIGEST_SECRET": "x" * 20})
    assert result.returncode == 1
    assert ("[MISSING] SMTP password SMTP_PASSWORD — SMTP_PASSWORD is not set: export it with the password of digest"
            in result.stdout)
    assert "[ok] unsubscribe secret DIGEST_SECRET" in result.stdout
    assert doctor(desk, env={"DIGEST_SECRET": "x" * 20, "SMTP_PASSWORD": "pw"}).returncode == 0


def test_doctor_in_the_checkout_passes():
    result = subprocess.run([str(EXE), "doctor"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
