"""Load and validate `config/digest.yaml`; every problem names its key path and line.

The keys are declared once, in `config/model.py`; see its docstring for how to add one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from .model import (
    CRON_FIELDS,
    DEFAULT_SET_PATTERNS,
    DEFAULT_SET_PHRASES,
    DEFAULT_SPAM_WORDS,
    ROLES,
    SMTP_SECURITY,
    SOURCE_KINDS,
    WEEKDAYS,
    Config,
    DeliveryConfig,
    HttpSettings,
    LimitSettings,
    ReviewConfig,
    ReviewUser,
    ScheduleConfig,
    SectionConfig,
    SmtpSettings,
    SourceConfig,
    parse_duration,
)
from .spec import INVALID, Checker, describe, read_section
from .yamlfile import load_yaml

__all__ = [
    "CRON_FIELDS", "DEFAULT_SET_PATTERNS", "DEFAULT_SET_PHRASES", "DEFAULT_SPAM_WORDS", "ROLES", "SMTP_SECURITY",
    "SOURCE_KINDS", "WEEKDAYS", "Config", "DeliveryConfig", "HttpSettings", "LimitSettings", "ReviewConfig",
    "ReviewUser", "ScheduleConfig", "SectionConfig", "SmtpSettings", "SourceConfig", "load_config", "parse_config",
    "parse_duration",
]

logger = logging.getLogger(__name__)


def _node_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """Map key paths like `sections[2].keywords` to 1-based line numbers."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            lines.update(_node_lines(value_node, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            key = f"{prefix}[{i}]"
            lines[key] = child.start_mark.line + 1
            lines.update(_node_lines(child, key))
    return lines


def load_config(path: Path, *, strict: bool = False) -> Config:
    """Read, validate and return the configuration; raise ConfigError listing every problem.

    Unknown keys are warnings (with a suggestion when one is close); with `strict` they are problems.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"Config file '{path}' not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"Config file '{path}' cannot be read: {exc}"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"Config file '{path}'{where}: invalid YAML: {problem}"]) from None
    return parse_config(data, path=path, lines=_node_lines(node), strict=strict)


def parse_config(data: Any, *, path: Path, lines: dict[str, int] | None = None, strict: bool = False) -> Config:
    """Validate already-loaded YAML data."""
    if not isinstance(data, dict):
        raise ConfigError([f"Config file '{path}': expected a mapping at the top, got {describe(data)}"])
    check = Checker(lines or {}, strict=strict)
    config = read_section(Config, data, "", check)
    if check.problems or config is INVALID:
        raise ConfigError(check.problems or [f"Config file '{path}' is invalid"])
    for warning in check.warnings:
        logger.warning(warning)
    return _with(config, path=path, warnings=tuple(check.warnings))


def _with(config: Config, **changes: Any) -> Config:
    from dataclasses import replace

    return replace(config, **changes)
