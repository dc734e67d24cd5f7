from pathlib import Path

import pytest

from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError

from .conftest import ROOT


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
