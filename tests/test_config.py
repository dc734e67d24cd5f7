import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError

from .conftest import ROOT

EXE = Path(sys.executable).with_name("weeklydigest")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "WEEKLYDIGEST_NOW": "2025-11-17T08:00:00+08:00"})


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text))
    return caught.value.problems


def test_bundled_config_loads_with_three_sections_in_display_order():
    config = load_config(ROOT / "config" / "digest.yaml")
    assert [s.title for s in config.sections] == ["十五运会和残特奥会", "宣讲党的二十届四中全会精神", "百千万工程"]
    assert config.timezone == "Asia/Shanghai"
    assert config.sources[0].kind == "folder"


def test_keywords_given_as_string_names_key_path_and_line(tmp_path):
    problems = _problems(tmp_path, "sections:\n  - title: 百千万工程\n    keywords: 百千万工程\n")
    assert problems == [
        "Config value 'sections[0].keywords' (line 3): expected a list of strings, got str '百千万工程'"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    problems = _problems(tmp_path, (
        "timezone: Mars/Olympus\n"
        "week_starts: someday\n"
        "sources:\n"
        "  - {name: x, kind: carrier-pigeon}\n"
        "sections:\n"
        "  - keywords: [a]\n"
        "    regex: ['(']\n"
    ))
    assert problems == [
        "Config value 'timezone' (line 1): unknown time zone 'Mars/Olympus', expected e.g. 'Asia/Shanghai'",
        "Config value 'week_starts' (line 2): expected one of monday, tuesday, wednesday, thursday, friday, "
        "saturday, sunday, got 'someday'",
        "Config value 'sources[0].kind' (line 4): expected one of folder, feed, web, got 'carrier-pigeon'",
        "Config value 'sections[0].title': required, expected a string",
        "Config value 'sections[0].regex[0]' (line 7): invalid regular expression '(': "
        "missing ), unterminated subpattern at position 0",
    ]


def test_missing_sections_is_an_error(tmp_path):
    assert _problems(tmp_path, "title: x\n") == ["Config value 'sections': required, expected a list of sections"]


def test_folder_source_without_path_names_the_key(tmp_path):
    text = "sources:\n  - {name: 样例, kind: folder}\nsections:\n  - {title: a, keywords: [a]}\n"
    problems = _problems(tmp_path, text)
    assert problems == ["Config value 'sources[0].path': required, expected a string"]


def test_unknown_keys_warn_but_load(tmp_path, caplog):
    config = load_config(_write(tmp_path, "colour: red\nsections:\n  - {title: a, keywords: [a], colour: red}\n"))
    assert config.warnings == (
        "Config value 'colour' (line 1): unknown key, ignored",
        "Config value 'sections[0].colour' (line 3): unknown key, ignored",
    )
    assert "unknown key" in caplog.text


def test_invalid_yaml_reports_line(tmp_path):
    problems = _problems(tmp_path, "sections:\n  - title: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"Config file '{tmp_path / 'digest.yaml'}' (line ")
    assert "invalid YAML" in problems[0]


def test_missing_file_is_one_clear_problem(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert caught.value.problems == [f"Config file '{tmp_path / 'nope.yaml'}' not found"]


# --- the config model: suggestions, --strict, JSON Schema, README table ----------------------------------------

def test_a_mistyped_key_is_ignored_with_a_suggestion(tmp_path, caplog):
    config = load_config(_write(tmp_path, "sections:\n  - title: a\n    keywords: [a]\n    requires: [b]\n"))
    assert config.warnings == (
        "Config value 'sections[0].requires' (line 4): unknown key (did you mean 'require'?), ignored",)
    assert config.sections[0].require == ()


def test_a_key_far_from_every_known_key_gets_no_suggestion(tmp_path):
    config = load_config(_write(tmp_path, "zzz: 1\nsections:\n  - {title: a, keywords: [a]}\n"))
    assert config.warnings == ("Config value 'zzz' (line 1): unknown key, ignored",)


def test_strict_makes_an_unknown_key_an_error(tmp_path):
    path = _write(tmp_path, "sections:\n  - title: a\n    keywords: [a]\n    requires: [b]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, strict=True)
    assert caught.value.problems == [
        "Config value 'sections[0].requires' (line 4): unknown key (did you mean 'require'?)"]


def test_strict_on_the_command_line_stops_with_exit_2(tmp_path):
    path = _write(tmp_path, "sections:\n  - title: a\n    keywords: [a]\n    requires: [b]\n")
    result = run_cli("build", "--strict", "--config", str(path), "--week", "2025-W46", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("error: Config value 'sections[0].requires' (line 4): unknown key "
                             "(did you mean 'require'?)\n")


def test_config_schema_is_a_json_schema_that_accepts_the_bundled_config(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    result = run_cli("config-schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    bundled = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(bundled, schema)
    assert schema["properties"]["sections"]["items"]["properties"]["require"]["description"]
    # Editors run the patterns as JavaScript regular expressions: no Python-only syntax.
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', result.stdout)
    assert patterns and not any("(?i" in p or "(?P" in p for p in patterns)


@pytest.mark.parametrize(("change", "where"), [
    ({"sections": [{"title": "a", "keywords": "a"}]}, "keywords"),
    ({"sections": [{"title": "a", "keywords": ["a"], "requires": ["b"]}]}, "requires"),
    ({"sources": [{"name": "x", "kind": "folder"}]}, "path"),
    ({"store": 3}, "store"),
    ({"schedule": {"build": {"day_of_week": 1}}}, "day_of_week"),
])
def test_config_schema_refuses_what_loading_refuses(change, where):
    jsonschema = pytest.importorskip("jsonschema")
    from weeklydigest.config.docs import json_schema

    data = yaml.safe_load((ROOT / "config" / "digest.yaml").read_text(encoding="utf-8")) | change
    with pytest.raises(jsonschema.ValidationError) as caught:
        jsonschema.validate(data, json_schema())
    assert where in str(caught.value)


def test_readme_key_table_is_the_one_generated_from_the_model():
    from weeklydigest.config.docs import key_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert key_table() in readme, "regenerate it: .venv/bin/python -m weeklydigest.config.docs README.md"
    for key in ("sections[].terms", "sources[].fetch_pages", "http.timeout", "sources[].listing",
                "sources[].link_pattern", "delivery.smtp.timeout", "review.users[].role", "schedule.build"):
        assert f"| `{key}` |" in readme


@pytest.mark.parametrize(("store", "problem"), [
    ("postgresql://digest:secret@db.example.org:5432/digest",
     "a password does not belong in the store URL: remove it and give it in the environment variable PGPASSWORD or "
     "in ~/.pgpass"),
    ("postgresql://digest@db.example.org:5432/digest?password=secret",
     "a password does not belong in the store URL: remove it and give it in the environment variable PGPASSWORD or "
     "in ~/.pgpass"),
    ("mysql://digest@db.example.org/digest",
     "unsupported database URL 'mysql://digest@db.example.org/digest': expected the path of an SQLite file or "
     "postgresql://user@host:port/database"),
    ("postgresql://digest@db.example.org:5432/",
     "the store URL 'postgresql://digest@db.example.org:5432/' names no database: expected "
     "postgresql://user@host:port/database"),
    ("postgresql://digest@db.example.org:port/digest",
     "the port of the store URL 'postgresql://digest@db.example.org:port/digest' is not a number"),
])
def test_a_store_url_that_cannot_be_used_is_a_config_error_and_makes_no_folder(tmp_path, store, problem):
    path = _write(tmp_path, f"store: {store}\nsections:\n  - {{title: a, keywords: [a]}}\n")
    result = run_cli("status", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: Config value 'store' (line 1): {problem}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.yaml"]


def test_a_postgresql_store_url_is_a_store_not_a_folder(tmp_path):
    path = _write(tmp_path, "store: postgresql://digest@127.0.0.1:1/digest\nedition: 广州版\n"
                            "sections:\n  - {title: a, keywords: [a]}\n")
    config = load_config(path)
    assert (config.store.is_database, str(config.store), config.edition) == (
        True, "postgresql://digest@127.0.0.1:1/digest", "广州版")
    result = run_cli("status", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'error: store postgresql://digest@127.0.0.1:1/digest: connection failed: connection to server at '
        '"127.0.0.1", port 1 failed: Connection refused: is the PostgreSQL server running, and the host and port '
        'right?']
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.yaml"]


@pytest.mark.parametrize("edition", ["a/b", "x" * 65, "版\t次"])
def test_an_edition_name_that_cannot_name_an_edition_is_a_config_error(tmp_path, edition):
    path = _write(tmp_path, f"edition: {json.dumps(edition)}\nsections:\n  - {{title: a, keywords: [a]}}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [f"Config value 'edition' (line 1): expected an edition name of 1 to 64 "
                                     f"characters without '/' or control characters, got {edition!r}"]


@pytest.mark.parametrize("text", ["title: \"周报\\r\\nBcc: x@example.org\"\n", "author: \"编辑部\\nX-Mailer: x\"\n"])
def test_a_title_or_author_with_a_line_break_is_refused(tmp_path, text):
    problems = _problems(tmp_path, text + "sections:\n  - {title: a, keywords: [a]}\n")
    assert len(problems) == 1
    assert "(line 1): expected one line without control characters, got " in problems[0]


def test_a_feed_fetches_pages_automatically_unless_told(tmp_path):
    config = load_config(_write(tmp_path, (
        "sources:\n  - {name: a, kind: feed, url: 'http://127.0.0.1/rss'}\n"
        "  - {name: b, kind: feed, url: 'http://127.0.0.1/rss2', fetch_pages: false}\n"
        "  - {name: c, kind: feed, url: 'http://127.0.0.1/rss3', fetch_pages: Auto}\n"
        "sections:\n  - {title: a, keywords: [a]}\n")))
    assert [s.fetch_pages for s in config.sources] == ["auto", False, "auto"]
