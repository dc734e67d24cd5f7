"""Config keys of the understanding stage: spam_words, set_patterns, officials."""

from __future__ import annotations

from pathlib import Path

import pytest

from weeklydigest.config import DEFAULT_SET_PATTERNS, DEFAULT_SPAM_WORDS, load_config
from weeklydigest.errors import ConfigError

SECTIONS = "sections:\n  - title: 百千万工程\n    keywords: [百千万工程]\n"


def _load(tmp_path: Path, text: str):
    path = tmp_path / "digest.yaml"
    path.write_text(text + SECTIONS, encoding="utf-8")
    return load_config(path)


def test_defaults_when_the_keys_are_absent(tmp_path):
    config = _load(tmp_path, "")
    assert config.spam_words == DEFAULT_SPAM_WORDS
    assert config.set_patterns == DEFAULT_SET_PATTERNS
    assert config.officials == Path("config/officials.yaml")


def test_keys_are_read(tmp_path):
    config = _load(tmp_path, "spam_words: [冷气芯, 车膜]\nset_patterns: ['学习[^。]*精神']\nofficials: roster.yaml\n")
    assert config.spam_words == ("冷气芯", "车膜")
    assert config.set_patterns == ("学习[^。]*精神",)
    assert config.officials == Path("roster.yaml")


def test_an_empty_blocklist_is_allowed(tmp_path):
    assert _load(tmp_path, "spam_words: []\n").spam_words == ()


def test_bad_values_name_the_key_path_and_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, "spam_words: 冷气芯\nset_patterns: ['学习(']\nofficials: 3\n")
    assert caught.value.problems == [
        "Config value 'set_patterns[0]' (line 2): invalid regular expression '学习(': "
        "missing ), unterminated subpattern at position 2",
        "Config value 'spam_words' (line 1): expected a list of strings, got str '冷气芯'",
        "Config value 'officials' (line 3): expected a non-empty string, got int 3",
    ]
