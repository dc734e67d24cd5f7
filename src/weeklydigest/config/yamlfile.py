"""YAML as the project reads it: safe, and an impossible date (`2025-13-01`) is a YAML problem with its line."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, but a date that cannot exist is reported like any other YAML problem."""


def _timestamp(loader: Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise ConstructorError(None, None, f"impossible date {node.value!r} ({exc})", node.start_mark) from None


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(text: str) -> Any:
    """Return the data of a YAML document; raise yaml.YAMLError (with a line) for every problem."""
    return yaml.load(text, Loader=Loader)
