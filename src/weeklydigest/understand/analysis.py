"""One article version, analysed once: cleaned and read the same way everywhere, with the fingerprint of
what decided the result, and as bytes for the store.

The fingerprint covers the analysing code (the source of `clean` and `extract` and of every module
of the package they import, found by reading their imports), the data files in the project's
`config/` folder (places, the default roster), the versions of the libraries that change the
result, the fields of the `Article` model, and the config values the analysis reads: the spam
words and the roster file. A change to any of these gives a new fingerprint, so the stored analysis
is no longer used; nothing else does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import typing
from datetime import date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import msgspec

from ..config import Config
from ..model import CITIES, PROVINCE, Article, RawDocument, Skipped

PACKAGE = Path(__file__).resolve().parents[1]  # src/weeklydigest
PROJECT = PACKAGE.parents[1]
# Libraries whose version can change an analysis (segmentation, conversion, HTML parsing, matching).
LIBRARIES = ("rjieba", "opencc", "lxml", "pyahocorasick", "numpy")
# The config package validates values, the model is plain data and the store keeps results: the values
# read and the model's fields are fingerprinted, not the code of these packages.
NOT_ANALYSIS = ("config", "errors", "model", "store")


def stable(value: Any) -> Any:
    """Return `value` as plain JSON-ready data that is the same whenever the value is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: stable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((stable(v) for v in value), key=repr)
    if isinstance(value, re.Pattern):
        return {"pattern": value.pattern, "flags": value.flags}
    if isinstance(value, date | datetime | Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def digest_of(*parts: Any) -> str:
    """Return a short hash of the parts' stable form."""
    text = json.dumps([stable(p) for p in parts], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:20]


# --- the code that decides ----------------------------------------------------------------------


@cache
def _module_file(name: str) -> Path | None:
    """Return the file of `weeklydigest.<name>` (dotted), or None if there is none."""
    base = PACKAGE.joinpath(*name.split(".")) if name else PACKAGE
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# An import statement at the start of a line: `from ..x import (a, b)`, `from . import y`, `import weeklydigest.z`.
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_PLAIN_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


@cache
def _imports(name: str, path: Path) -> frozenset[str]:
    """Return the package modules (dotted, without `weeklydigest.`) that module `name` imports.

    Read from the import statements' text, which is ten times faster than parsing the module: an
    import written inside a string is counted too, which can only add a module, never miss one.
    """
    parts = name.split(".") if name else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    source = path.read_text(encoding="utf-8")
    found = set()
    for match in _FROM_IMPORT.finditer(source):
        dots, module = len(match[1]), match[2]
        if dots:
            base = ".".join([*package[:len(package) - (dots - 1)], *([module] if module else [])])
        elif module.startswith("weeklydigest"):
            base = module.removeprefix("weeklydigest").lstrip(".")
        else:
            continue
        found.add(base)
        names = _COMMENT.sub("", match[3]).strip("()\\ \t\n")
        for alias in names.split(","):
            if alias.split():
                found.add(f"{base}.{alias.split()[0]}".lstrip("."))
    for match in _PLAIN_IMPORT.finditer(source):
        for alias in _COMMENT.sub("", match[1]).split(","):
            module = alias.split()[0] if alias.split() else ""
            if module.startswith("weeklydigest"):
                found.add(module.removeprefix("weeklydigest").lstrip("."))
    return frozenset(m for m in found if _module_file(m) is not None)


@cache
def code_fingerprint(*roots: str) -> str:
    """Return the hash of the source of modules `roots` and of every package module they import."""
    seen: dict[str, Path] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if name in seen or path is None or name.split(".")[0] in NOT_ANALYSIS:
            continue
        seen[name] = path
        pending += sorted(_imports(name, path) - set(seen))
    digest = hashlib.sha1()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + _source(seen[name]) + b"\0")
    return digest.hexdigest()[:20]


@cache
def _source(path: Path) -> bytes:
    return path.read_bytes()


@cache
def library_versions(*names: str) -> tuple[tuple[str, str], ...]:
    versions = []
    for name in names:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, ""))
    return tuple(versions)


def data_files() -> list[Path]:
    """Return the project's data files the readers load (every config/*.yaml but the user's digest.yaml)."""
    return sorted(p for p in (PROJECT / "config").glob("*.yaml") if p.name != "digest.yaml")


def roster_path(config: Config) -> Path:
    """Return the roster file the config names: as given, else the project's own."""
    path = config.officials
    if not path.is_absolute() and not path.exists():
        path = PROJECT / path
    return path


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


# --- the model, as bytes ------------------------------------------------------------------------

# JSON of every field of the model, nested dataclasses as objects, dates in ISO 8601 (msgspec: typed
# decoding straight into the dataclasses, two to three times as fast as json plus building them).
_ENCODER = msgspec.json.Encoder()
_ARTICLE = msgspec.json.Decoder(Article)


class _Words(msgspec.Struct):
    """What the week's phrases read of an article: its title and text (the other fields are skipped)."""

    title: str
    text: str


_WORDS = msgspec.json.Decoder(_Words)


def article_bytes(article: Article) -> bytes:
    """Return the whole article as JSON bytes: every field of the model, whatever fields it has."""
    return _ENCODER.encode(article)


def article_from_bytes(data: bytes) -> Article:
    """Return the article `article_bytes` wrote."""
    return _ARTICLE.decode(data)


def article_words(data: bytes) -> tuple[str, str]:
    """Return the title and text of the article `article_bytes` wrote, without building the article."""
    words = _WORDS.decode(data)
    return words.title, words.text


def plain_bytes(value: Any) -> bytes:
    """Return lists, strings and numbers as compact JSON bytes (the kept phrases, scores, meetings)."""
    return _ENCODER.encode(value)


def plain_from_bytes(data: bytes) -> Any:
    """Return what `plain_bytes` wrote."""
    return msgspec.json.decode(data)


def model_fields(cls: type = Article) -> Any:
    """Return the names and types of the model's fields, nested dataclasses included."""
    hints = typing.get_type_hints(cls)
    described = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        nested = [a for a in (hint, *typing.get_args(hint)) if isinstance(a, type) and dataclasses.is_dataclass(a)]
        described[field.name] = [str(hint), *(model_fields(n) for n in nested if n is not cls)]
    return described


# --- analysing ----------------------------------------------------------------------------------


class Analyser:
    """Cleans and reads article versions as the config asks, and says which analysis that is."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config
        self._aids: tuple[Any, Any] | None = None
        values: dict[str, Any] = {}
        if config is not None:
            values = {"spam_words": config.spam_words, "roster": _file_digest(roster_path(config))}
        self.fingerprint = digest_of(
            code_fingerprint("understand.clean", "understand.extract"), library_versions(*LIBRARIES),
            [(p.name, _file_digest(p)) for p in data_files()], model_fields(), CITIES, PROVINCE, values)
        if config is not None:
            self.aids()  # a roster that cannot be read is the config's error, told at once, not one per article

    def stamp(self, document_or_article: RawDocument | Article, fallback: date | None) -> str:
        """Return the fingerprint of an analysis: an undated article's dates are read against `fallback`."""
        if document_or_article.published is None:
            return f"{self.fingerprint}@{fallback}"
        return self.fingerprint

    def aids(self) -> tuple[Any, Any]:
        """Return the spam rules and the roster (loaded once)."""
        if self._aids is None:
            from .places import load_gazetteer
            from .roster import load_roster
            from .spam import SpamRules

            context = load_gazetteer().pattern
            if self.config is None:
                self._aids = (SpamRules(context=context), None)
            else:
                self._aids = (SpamRules(blocklist=self.config.spam_words, context=context),
                              load_roster(roster_path(self.config)))
        return self._aids

    def clean(self, document: RawDocument) -> Article:
        """Return the document cleaned (paragraphs, removals), without its facts."""
        from .clean import clean

        return clean(document, spam=self.aids()[0])

    def read(self, article: Article, *, fallback: date) -> Article:
        """Return the article with its facts read (dates, cities, officials)."""
        from .extract import extract

        return extract(article, fallback=fallback, roster=self.aids()[1])

    def analyse(self, document: RawDocument, *, fallback: date) -> Article:
        """Return the document cleaned and read; its text is empty when nothing is left after cleaning."""
        article = self.clean(document)
        return self.read(article, fallback=fallback) if article.text else article

    def analyse_guarded(
        self, document: RawDocument, *, fallback: date, seconds: float | None = None,
    ) -> Article | Skipped:
        """Return the document analysed, or why it cannot be: cleaned within the time budget, then read.

        Whatever one document raises (or a clean running over `limits.file_seconds`) becomes one
        skipped line, as for a file that cannot be read (see `collect.guard`).
        """
        from ..collect.guard import guarded

        if seconds is None and self.config is not None:
            seconds = self.config.limits.file_seconds
        (article,) = guarded(document.origin, lambda: [self.clean(document)], seconds=seconds)
        if isinstance(article, Skipped):
            return Skipped(article.path_or_url, f"cannot be cleaned: {article.reason}")
        return self.read_guarded(article, fallback=fallback) if article.text else article

    def read_guarded(self, article: Article, *, fallback: date) -> Article | Skipped:
        """Return the article with its facts read, or why they cannot be."""
        from ..collect.guard import guarded

        (read,) = guarded(article.origin, lambda: [self.read(article, fallback=fallback)])
        if isinstance(read, Skipped):
            return Skipped(read.path_or_url, f"cannot be understood: {read.reason}")
        return read
