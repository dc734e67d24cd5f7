"""The declarative side of the config: `key()` describes one key, kinds read values, a checker collects problems.

A config section is a frozen dataclass whose fields are declared with `key(kind, default, help)`. From
that one declaration come the validation (one message per problem, with the key path and YAML
line), the suggestions for mistyped keys, the JSON Schema and the README's key table.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, field
from typing import Any

INVALID: Any = object()  # a value that was reported as a problem; the key's default stands in


class Checker:
    """Collects one message per problem, each naming the key path and its line."""

    def __init__(self, lines: dict[str, int], *, strict: bool = False) -> None:
        self.lines = lines
        self.strict = strict
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def where(self, at: str) -> str:
        line = self.lines.get(at)
        return f"Config value '{at}'" + (f" (line {line})" if line else "")

    def error(self, at: str, message: str) -> None:
        self.problems.append(f"{self.where(at)}: {message}")

    def unknown(self, at: str, why: str) -> None:
        """Report a key the program does not read: a warning, or a problem with `strict`."""
        if self.strict:
            self.problems.append(f"{self.where(at)}: {why}")
        else:
            self.warnings.append(f"{self.where(at)}: {why}, ignored")


def describe(value: Any) -> str:
    """Return a value as a message shows it: its YAML type and a short repr."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def join(at: str, name: str) -> str:
    return f"{at}.{name}" if at else name


# --- kinds: how one value is read, shown in the README and described in the JSON Schema ---------------------


class Kind:
    """How a value of one key is read; `read` reports problems through the checker and returns INVALID."""

    expected = "a value"  # as in "required, expected a value"
    label = "value"  # the README's type column
    takes_none = False  # whether an empty value (`key:`) means something; otherwise it means the default

    def read(self, value: Any, at: str, check: Checker) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


Validator = Callable[[Any], str | None]  # returns the problem ("expected …, got …"), or None


@dataclass(frozen=True)
class Text(Kind):
    """A non-empty string, stripped; optionally lower-cased, one of `choices`, or checked by `valid`."""

    choices: tuple[str, ...] = ()
    lower: bool = False
    valid: Validator | None = None
    label: str = "string"
    pattern: str | None = None  # for the JSON Schema only; `valid` decides
    wrong: str = "expected a non-empty string"  # the message for a value that is no string at all
    expected = "a string"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if value is None:
            check.error(at, f"required, expected {self.expected}")
            return INVALID
        if not isinstance(value, str) or not value.strip():
            check.error(at, f"{self.wrong}, got {describe(value)}")
            return INVALID
        text = value.strip().lower() if self.lower else value.strip()
        if self.choices and text not in self.choices:
            check.error(at, f"expected one of {', '.join(self.choices)}, got {text!r}")
            return INVALID
        problem = self.valid(text) if self.valid else None
        if problem:
            check.error(at, problem)
            return INVALID
        return text

    def __post_init__(self) -> None:
        if self.choices and self.label == "string":
            object.__setattr__(self, "label", " / ".join(self.choices) if len(self.choices) <= 3 else
                               f"{self.choices[0]} … {self.choices[-1]}")

    def schema(self) -> dict[str, Any]:
        if self.choices:
            # Where the program lowers the value, an editor's `Monday` or `SSL` is fine too.
            spelled = [v for c in self.choices for v in dict.fromkeys((c, c.capitalize(), c.upper()))] \
                if self.lower else list(self.choices)
            return {"type": "string", "enum": spelled}
        return {"type": "string", "minLength": 1} | ({"pattern": self.pattern} if self.pattern else {})


@dataclass(frozen=True)
class Flag(Kind):
    label = "true/false"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if not isinstance(value, bool):
            check.error(at, f"expected true or false, got {describe(value)}")
            return INVALID
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Number(Kind):
    minimum: float = 0
    whole: bool = False
    what: str = ""  # "a whole number of characters"; default "a number" / "a whole number"
    valid: Validator | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"{'whole number' if self.whole else 'number'} ≥ {self.minimum:g}"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        wrong = isinstance(value, bool) or not isinstance(value, int if self.whole else int | float)
        if wrong or value < self.minimum:
            what = self.what or ("a whole number" if self.whole else "a number")
            check.error(at, f"expected {what} >= {self.minimum:g}, got {describe(value)}")
            return INVALID
        problem = self.valid(value) if self.valid else None
        if problem:
            check.error(at, problem)
            return INVALID
        return int(value) if self.whole else float(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer" if self.whole else "number", "minimum": self.minimum}


@dataclass(frozen=True)
class Strings(Kind):
    """A list of non-empty strings, as a tuple; `item` checks each one (reported as `key[j]`)."""

    nonempty: bool = False
    item: Validator | None = None
    label: str = "list of strings"
    expected = "a list of strings"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            check.error(at, f"expected a list of strings, got {describe(value)}")
            return INVALID
        if self.nonempty and not value:
            check.error(at, "expected at least one string, got an empty list")
            return INVALID
        items = tuple(v.strip() for v in value)
        bad = False
        for j, text in enumerate(items):
            problem = self.item(text) if self.item else None
            if problem:
                check.error(f"{at}[{j}]", problem)
                bad = True
        return INVALID if bad else items

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string", "minLength": 1}} | (
            {"minItems": 1} if self.nonempty else {})


@dataclass(frozen=True)
class OneOf(Kind):
    """A value of a few kinds (`true`, `false` or `auto`; a duration or `off`): `parse` returns it or None."""

    parse: Callable[[Any], Any]
    message: str  # "expected …" ("got …" is added)
    schemas: tuple[dict[str, Any], ...]
    label: str = "value"
    takes_none: bool = False

    def read(self, value: Any, at: str, check: Checker) -> Any:
        parsed = self.parse(value)
        if parsed is INVALID:
            check.error(at, f"{self.message}, got {describe(value)}")
        return parsed

    def schema(self) -> dict[str, Any]:
        return {"anyOf": list(self.schemas)} if len(self.schemas) > 1 else dict(self.schemas[0])


@dataclass(frozen=True)
class Mapping(Kind):
    """A nested section: a mapping read through the keys of `spec` (a dataclass declared with `key()`)."""

    spec: type

    @property
    def label(self) -> str:  # type: ignore[override]
        return "mapping"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a mapping"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if not isinstance(value, dict):
            names = [k.name for k in keys_of(self.spec)]
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            check.error(at, f"expected a mapping ({shown}), got {describe(value)}")
            return INVALID
        return read_section(self.spec, value, at, check)

    def schema(self) -> dict[str, Any]:
        return section_schema(self.spec)


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of mappings, each read through `spec`; `unique` names the key no two entries may share."""

    spec: type
    what: str  # "sources": "expected a list of sources"
    entry: str  # "name and kind": "expected a mapping with name and kind"
    unique: tuple[str, str] | None = None  # (key, "duplicate source name")
    nonempty: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"list of {self.what}"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.what}"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if not isinstance(value, list) or (self.nonempty and not value):
            check.error(at, f"expected a {'non-empty ' if self.nonempty else ''}list of {self.what}, "
                            f"got {describe(value)}")
            return INVALID
        entries = []
        seen: set[Any] = set()
        for i, raw in enumerate(value):
            where = f"{at}[{i}]"
            if not isinstance(raw, dict):
                check.error(where, f"expected a mapping with {self.entry}, got {describe(raw)}")
                continue
            entry = read_section(self.spec, raw, where, check, seen=(self.unique, seen))
            if entry is not INVALID:
                entries.append(entry)
        return tuple(entries)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": section_schema(self.spec)} | ({"minItems": 1} if self.nonempty else {})


# --- keys ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """What the config file says about one field: its kind, help text and how it is named and documented."""

    kind: Kind
    help: str
    name: str = ""  # the key in the file when it differs from the field's name (`from`)
    required: bool = False
    kinds: tuple[str, ...] = ()  # sources only: the source kinds that use the key (empty: all)
    shown_default: str | None = None  # the README's default column, when the value itself says little
    convert: Callable[[Any], Any] | None = None  # applied to a valid value (a str to a Path, …)
    example: Any = None  # the JSON Schema's example, when the default is not one


def key(kind: Kind, default: Any = MISSING, help: str = "", *, name: str = "", required: bool | None = None,
        kinds: Sequence[str] = (), shown_default: str | None = None, convert: Callable[[Any], Any] | None = None,
        example: Any = None) -> Any:
    """Declare one config key: the kind of its value, its default and one line of help."""
    meta = {"key": Key(kind=kind, help=help, name=name, required=default is MISSING if required is None else required,
                       kinds=tuple(kinds), shown_default=shown_default, convert=convert, example=example)}
    if default is MISSING:
        return field(metadata=meta)
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: default, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Field:
    """One declared key of a section, with the dataclass field it fills."""

    attr: str
    key: Key
    default: Any

    @property
    def name(self) -> str:
        return self.key.name or self.attr


def keys_of(spec: type) -> list[Field]:
    """Return the declared keys of a section, in declaration order (the order problems are reported in)."""
    found = []
    for f in dataclasses.fields(spec):
        declared = f.metadata.get("key")
        if declared is None:
            continue
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else MISSING)
        found.append(Field(f.name, declared, default))
    return found


def read_section(spec: type, raw: dict[str, Any], at: str, check: Checker, *,
                 seen: tuple[tuple[str, str] | None, set[Any]] | None = None) -> Any:
    """Read a mapping through the keys of `spec`; return the dataclass, or INVALID when it cannot be built."""
    fields = keys_of(spec)
    known = {f.name for f in fields}
    hooks = getattr(spec, "_config_", None)
    forbidden: dict[str, str] = getattr(hooks, "forbidden", {})
    for name, why in forbidden.items():
        if name in raw:
            check.error(join(at, name), why)
    discriminator = getattr(hooks, "discriminator", None)
    kind_value: str | None = None
    values: dict[str, Any] = {}
    reported_unknown = discriminator is None
    if reported_unknown:
        _report_unknown(raw, known, forbidden, at, check, fields=fields, kind=None)
    for f in fields:
        if f.key.kinds and kind_value is not None and kind_value not in f.key.kinds:
            continue  # a key of another kind of source
        where = join(at, f.name)
        if f.name in raw and (raw[f.name] is not None or f.key.kind.takes_none or f.key.required):
            value = f.key.kind.read(raw[f.name], where, check)
            if value is not INVALID and f.key.convert:
                value = f.key.convert(value)
        elif f.key.required:
            check.error(where, f"required, expected {f.key.kind.expected}")
            value = INVALID
        else:
            value = f.default
        if seen and seen[0] and seen[0][0] == f.name and value is not INVALID:
            if value in seen[1]:
                check.error(where, f"{seen[0][1]} {value!r}")
            seen[1].add(value)
        if f.name == discriminator:
            if value is INVALID:
                return INVALID  # an unknown kind: its other keys mean nothing
            kind_value = value
            if not reported_unknown:
                _report_unknown(raw, known, forbidden, at, check, fields=fields, kind=kind_value)
                reported_unknown = True
        values[f.attr] = value
    valid = {k: v for k, v in values.items() if v is not INVALID}
    finish = getattr(hooks, "finish", None)
    if finish is not None:
        valid = finish(valid, raw, at, check)
    build = getattr(hooks, "build", None) or spec
    try:
        return build(**valid)
    except TypeError:  # a required key was missing or invalid, already reported
        return INVALID


def _report_unknown(raw: dict[str, Any], known: set[str], forbidden: dict[str, str], at: str, check: Checker, *,
                    fields: list[Field], kind: str | None) -> None:
    for name in raw:
        if name in forbidden:
            continue
        where = join(at, str(name))
        if name not in known:
            close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
            check.unknown(where, "unknown key" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if kind is None:
        return
    for f in fields:
        if f.name in raw and f.key.kinds and kind not in f.key.kinds:
            check.unknown(join(at, f.name), f"not used by kind '{kind}'")


def section_schema(spec: type) -> dict[str, Any]:
    """Return the JSON Schema of a section declared with `key()`."""
    doc = (spec.__doc__ or "").strip().splitlines()
    properties: dict[str, Any] = {}
    required = []
    for f in keys_of(spec):
        schema = {"description": f.key.help} | f.key.kind.schema()
        default = _json_default(f.default)
        if default is not MISSING:
            schema["default"] = default
        if f.key.example is not None:
            schema["examples"] = [f.key.example]
        properties[f.name] = schema
        if f.key.required:
            required.append(f.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if doc and not doc[0].startswith(spec.__name__ + "("):
        schema = {"description": doc[0]} | schema
    if required:
        schema["required"] = required
    extra = getattr(getattr(spec, "_config_", None), "schema", None)
    return extra(schema) if extra else schema


def _json_default(value: Any) -> Any:
    """Return a default as JSON, or MISSING when it has no JSON form worth showing (a nested section)."""
    if value is MISSING or dataclasses.is_dataclass(value):
        return MISSING
    if isinstance(value, tuple):
        items = [_json_default(v) for v in value]
        return MISSING if any(i is MISSING for i in items) else items
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def regex_problem(pattern: str) -> str | None:
    """Return why `pattern` is not a regular expression, or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression {pattern!r}: {exc}"
    return None
