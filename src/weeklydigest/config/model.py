"""Every key of `config/digest.yaml`, declared once: kind, default and help text.

To add a key, add one field to the dataclass of its section, declared with `key(kind, default, help)`,
and regenerate the README's key table (`python -m weeklydigest.config.docs README.md`). Validation,
suggestions for mistyped keys, `--strict`, the JSON Schema (`weeklydigest config-schema`) and the
table all follow from the declaration. Problems are reported in declaration order.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..model import FITTED_WEIGHTS, SectionRule, SectionWeights
from ..store.location import DEFAULT_EDITION, StoreLocation, edition_problem, url_problem
from .spec import (
    INVALID,
    Checker,
    Flag,
    Kind,
    ListOf,
    Mapping,
    Number,
    OneOf,
    Strings,
    Text,
    describe,
    key,
    regex_problem,
)

# Words that are spam wherever they appear; `spam_words` in the config replaces the list.
DEFAULT_SPAM_WORDS: tuple[str, ...] = ("冷气芯", "汽车零件", "百家乐", "娱乐城", "真人视讯", "六合彩", "代开发票")

# Set phrases of this season's political reporting: they name events in passing and must
# never decide a section on their own.
DEFAULT_SET_PHRASES = (
    "视察广东和出席第十五届全国运动会开幕式重要讲话重要指示精神",
    "出席第十五届全国运动会开幕式重要讲话重要指示精神",
    "出席十五运会开幕式重要讲话重要指示精神",
)

# Set phrases of political reporting, in any wording: "studying the spirit of X" names X in passing.
DEFAULT_SET_PATTERNS: tuple[str, ...] = (
    r"(?:深入|认真|全面)?学习(?:宣传)?贯彻(?:落实)?[^，。；：！？]{0,70}?精神",
    r"贯彻落实[^，。；：！？]{0,70}?精神",
    r"(?:习近平)?总书记[^，。；：！？]{0,50}?(?:重要讲话|重要指示|重要论述)[^，。；：！？]{0,12}?精神",
    r"(?:学习)?借鉴[^，。；：！？]{0,30}?(?:经验|做法)",  # learning from another event's experience names it in passing
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SOURCE_KINDS = ("folder", "feed", "web")
ROLES = ("editor", "chief")
SMTP_SECURITY = ("starttls", "ssl", "none")
CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")

_HTTP_URL = re.compile(r"https?://[^\s/]+", re.I)
_DB_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_DAY = "(?:mon|tue|wed|thu|fri|sat|sun)"
_DAY_NAMES = re.compile(rf"^(?:\*|{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*)$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# --- value checks ------------------------------------------------------------------------------------------


def _url(value: str) -> str | None:
    return None if _HTTP_URL.match(value) else f"expected an http(s) URL, got {value!r}"


URL = Text(valid=_url, label="URL", wrong="expected an http(s) URL")


def _one_line(value: str) -> str | None:
    # Titles and names go into e-mail headers and PDF metadata: a line break there breaks every message.
    return f"expected one line without control characters, got {value!r}" if _CONTROL.search(value) else None


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r}, expected e.g. 'Asia/Shanghai'"
    return None


def _store(value: str) -> str | None:
    return url_problem(value) if _DB_URL.match(value) else None


def _week(value: str) -> str | None:
    return None if re.fullmatch(r"\d{4}-W\d{2}", value) else f"expected an ISO week like '2025-W01', got {value!r}"


def _env(value: str) -> str | None:
    return None if _ENV_NAME.match(value) else f"expected the name of an environment variable, got {value!r}"


def _address(value: str) -> str | None:
    if _CONTROL.search(value) or not _ADDRESS.match(parseaddr(value)[1]):
        return f"expected an address like '周报 <digest@example.org>', got {value!r}"
    return None


# What `weeklydigest hash-password` writes (werkzeug's scrypt:, or pbkdf2:) and what earlier versions wrote.
PASSWORD_HASH_PREFIXES = ("scrypt:", "pbkdf2:", "pbkdf2_sha256$")


def _password_hash(value: str) -> str | None:
    if value.startswith(PASSWORD_HASH_PREFIXES):
        return None
    return "expected a hash made by 'weeklydigest hash-password'"


def _port(value: int) -> str | None:
    return f"expected a port number <= 65535, got {value}" if value > 65535 else None


def parse_duration(text: object) -> float | None:
    """Return seconds for '90s', '30m', '2h', '1d' (or a positive number); None if it is not such a duration."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text > 0:
        return float(text)
    match = _DURATION.match(str(text))
    if not match or float(match[1]) <= 0:
        return None
    return float(match[1]) * _UNIT_SECONDS[match[2]]


def _duration(value: Any) -> Any:
    seconds = parse_duration(value) if not isinstance(value, bool) else None
    return INVALID if seconds is None else seconds


def _duration_or_off(value: Any) -> Any:
    return None if value in (None, False, "off") else _duration(value)


def _fetch_pages(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return "auto" if isinstance(value, str) and value.strip().lower() == "auto" else INVALID


_DURATION_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*[smhd]\s*$"},
                              {"type": "number", "exclusiveMinimum": 0}]}
DURATION = OneOf(_duration, "expected a duration like '90s', '30m', '2h' or '1d'", (_DURATION_SCHEMA,),
                 label="duration (90s, 30m, 2h, 1d)")


@dataclass(frozen=True)
class _Cron(Kind):
    """The cron fields of the weekly build; weekdays by name, never by number."""

    label = "cron fields"
    expected = "a mapping of cron fields"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if not isinstance(value, dict) or not value:
            check.error(at, f"expected a mapping of cron fields, got {describe(value)}")
            return INVALID
        fields: list[tuple[str, str]] = []
        for name, raw in value.items():
            where = f"{at}.{name}"
            if name not in CRON_FIELDS:
                check.error(where, f"unknown cron field, expected one of {', '.join(CRON_FIELDS)}")
                continue
            text = str(raw).strip().lower()
            # APScheduler 3 counts Monday as 0, unlike crontab: numbers would fire on the wrong day.
            if name == "day_of_week" and not _DAY_NAMES.match(text):
                check.error(where, f"expected weekday names like 'mon' or 'mon-fri', got {describe(raw)}")
                continue
            fields.append((name, text))
        return tuple(fields) or INVALID

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "minProperties": 1, "additionalProperties": False,
                "properties": {name: {"type": ["string", "integer"]} for name in CRON_FIELDS}
                | {"day_of_week": {"type": "string", "pattern": _DAY_NAMES.pattern}}}


CRON = _Cron()


@dataclass(frozen=True)
class _Weights(Kind):
    """Section weights: a mapping of evidence names (title, lead, activity, …) to numbers."""

    label = "mapping of evidence to weight"
    expected = "a mapping of evidence to weight"

    def read(self, value: Any, at: str, check: Checker) -> Any:
        if not isinstance(value, dict):
            check.error(at, f"expected a mapping of evidence to weight, got {describe(value)}")
            return INVALID
        names = SectionWeights.names()
        values = {}
        for name, weight in value.items():
            if name not in names:
                close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
                check.unknown(f"{at}.{name}", "unknown key" + (f" (did you mean '{close[0]}'?)" if close else ""))
            elif not isinstance(weight, int | float) or isinstance(weight, bool):
                check.error(f"{at}.{name}", f"expected a number, got {describe(weight)}")
            else:
                values[name] = float(weight)
        return SectionWeights(**values)

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False,
                "properties": {name: {"type": "number"} for name in SectionWeights.names()}}


WEIGHTS = _Weights()


# --- the sections of the file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceConfig:
    """One source of articles: a folder, a feed or web pages."""

    name: str = key(Text(), help="the source's name, shown in `status` and the run log")
    kind: str = key(Text(choices=SOURCE_KINDS), help="folder, feed or web")
    path: Path | None = key(Text(label="path"), None, "the folder of article files", kinds=("folder",),
                            required=False, convert=Path)
    url: str | None = key(URL, None, "the RSS or Atom feed's address", kinds=("feed",))
    fetch_pages: bool | str = key(
        OneOf(_fetch_pages, "expected true, false or auto",
              ({"type": "boolean"}, {"type": "string", "enum": ["auto"]}), label="auto/true/false"),
        "auto", "fetch the linked page of an entry: auto when it carries only a short summary, "
        "true for every entry without full content, false never", kinds=("feed",))
    urls: tuple[str, ...] = key(Strings(item=_url, label="list of URLs"), (), "article pages", kinds=("web",))
    listing: str | None = key(URL, None, "a page linking to articles…", kinds=("web",))
    link_pattern: str | None = key(Text(valid=regex_problem, label="regular expression"), None,
                                   "…whose absolute URLs match this regular expression", kinds=("web",))
    allow_private: bool = key(Flag(), False, "may reach loopback and private addresses (an intranet source)",
                              kinds=("feed", "web"))

    class _config_:
        discriminator = "kind"

        @staticmethod
        def finish(values: dict[str, Any], raw: dict[str, Any], at: str, check: Checker) -> dict[str, Any]:
            kind = values.get("kind")
            if kind == "folder" and "path" not in raw:
                check.error(f"{at}.path", "required, expected a string")
            elif kind == "feed" and "url" not in raw:
                check.error(f"{at}.url", "required, expected a string")
            elif kind == "web":
                # A web source names article `urls`, or a `listing` page and the `link_pattern` of its links.
                if "urls" not in raw and "listing" not in raw:
                    check.error(f"{at}.urls", "required (or 'listing' with 'link_pattern'), expected a list of URLs")
                elif "listing" not in raw and raw.get("urls") == []:
                    check.error(f"{at}.urls", "expected at least one string, got an empty list")
                if "listing" in raw and "link_pattern" not in raw:
                    check.error(f"{at}.link_pattern", "required, expected a string")
                if "link_pattern" in raw and "listing" not in raw:
                    check.error(f"{at}.listing", "required, expected a string")
            return values

        @staticmethod
        def schema(schema: dict[str, Any]) -> dict[str, Any]:
            needs = {"folder": ["path"], "feed": ["url"]}
            schema["allOf"] = [
                {"if": {"properties": {"kind": {"const": kind}}}, "then": {"required": required}}
                for kind, required in needs.items()
            ] + [{"if": {"properties": {"kind": {"const": "web"}}},
                  "then": {"anyOf": [{"required": ["urls"]}, {"required": ["listing", "link_pattern"]}]}}]
            return schema


@dataclass(frozen=True)
class SectionConfig:
    """A keyword section, in display order."""

    title: str = key(Text(), help="the section's title, shown as 关键词：<title>")
    keywords: tuple[str, ...] = key(Strings(nonempty=True), help="an article matches the section with any of these")
    require: tuple[str, ...] = key(Strings(), (), "all of these must also appear")
    exclude: tuple[str, ...] = key(Strings(), (), "none of these may appear")
    regex: tuple[str, ...] = key(Strings(item=regex_problem, label="list of regular expressions"), (),
                                 "extra patterns that count like keywords")
    budget: int = key(Number(40, whole=True, what="a whole number of characters"), 260,
                      "summary characters per city item")
    terms: tuple[str, ...] = key(Strings(), (), "terms shown in red in the digest", shown_default="the keywords")
    topic: tuple[str, ...] = key(Strings(), (), "words of the section's topic: they say how far it runs through an "
                                 "article")

    class _config_:
        @staticmethod
        def build(**values: Any) -> SectionRule:
            values["terms"] = values.get("terms") or values.get("keywords", ())
            return SectionRule(**values)


@dataclass(frozen=True)
class HttpSettings:
    """How feeds and pages are fetched."""

    timeout: float = key(Number(0.01), 20.0, "seconds to wait for data from the server")
    connect_timeout: float = key(Number(0.01), 10.0, "seconds to wait for a connection")
    retries: int = key(Number(0, whole=True), 2, "extra tries after a 5xx answer, a timeout or a dropped connection")
    backoff: float = key(Number(0), 1.0, "seconds before the first retry, doubled for each further one")
    max_bytes: int = key(Number(1024, whole=True), 5_000_000, "a larger response is refused")
    deadline: float = key(Number(0.01), 60.0, "seconds one URL may take in all, every try and redirect included")
    allow_private: bool = key(Flag(), False, "every source may reach loopback and private addresses")


@dataclass(frozen=True)
class LimitSettings:
    """What one input may cost; over a limit it is skipped (or cut, where that is safe) with the reason."""

    file_bytes: int = key(Number(1024, whole=True), 5_000_000, "a larger file (a longer JSON line) is skipped")
    line_chars: int = key(Number(100, whole=True), 10_000,
                          "a longer line or paragraph is cut at its last sentence end before the limit")
    text_chars: int = key(Number(1000, whole=True), 50_000,
                          "an article's text before cleaning; the paragraphs after the limit are cut")
    front_matter_bytes: int = key(Number(256, whole=True), 65_536, "larger YAML front matter is skipped")
    yaml_values: int = key(Number(10, whole=True), 1_000,
                           "front matter with more values (aliases expanded) is skipped")
    json_depth: int = key(Number(2, whole=True), 32, "a JSON line nested deeper is skipped")
    file_seconds: float = key(Number(0.01), 10.0,
                              "reading and cleaning one file (one entry, one line) longer than this is stopped")


@dataclass(frozen=True)
class ScheduleConfig:
    """When the daemon collects and drafts; cron fields use weekday names, never numbers."""

    collect_every: float | None = key(
        OneOf(_duration_or_off, "expected a duration like '90s', '30m', '2h' or '1d'",
              (_DURATION_SCHEMA, {"enum": ["off", None, False]}), label="duration or off", takes_none=True),
        7200.0, "how often the daemon collects; off: only when building", shown_default="`2h`")
    build: tuple[tuple[str, str], ...] = key(
        CRON, (("day_of_week", "mon"), ("hour", "8"), ("minute", "0")),
        "when the weekly draft is built, in the config's time zone",
        shown_default="`{day_of_week: mon, hour: 8, minute: 0}`")
    misfire_grace_time: float = key(DURATION, 6 * 3600.0, "a run missed by less than this still happens, once",
                                    shown_default="`6h`")
    shutdown_grace: float = key(DURATION, 60.0, "on SIGTERM, how long a running build may take to finish",
                                shown_default="`60s`")


@dataclass(frozen=True)
class ReviewUser:
    """An account of the review app."""

    name: str = key(Text(valid=_one_line), help="the editor's name, recorded with every edit")
    password_hash: str = key(Text(valid=_password_hash), help="made by `weeklydigest hash-password`")
    role: str = key(Text(choices=ROLES), "editor", "editor (edits, approves) or chief (also publishes)")


@dataclass(frozen=True)
class ReviewConfig:
    """Who may use the review app, its cookie-signing key's environment variable, sessions and login throttling."""

    secret_key_env: str = key(Text(valid=_env, label="variable name"), "WEEKLYDIGEST_REVIEW_SECRET",
                              "the environment variable holding the cookie-signing key (16+ characters)")
    users: tuple[ReviewUser, ...] = key(
        ListOf(ReviewUser, what="users", entry="name, password_hash and role", unique=("name", "duplicate user")),
        (), "the review app's accounts")
    cookie_secure: bool | None = key(Flag(), None, "send the login cookie over HTTPS only",
                                     shown_default="on when `base_url` is https")
    session_lifetime: float = key(DURATION, 12 * 3600.0, "how long a login lasts (logging out ends it at once)",
                                  shown_default="`12h`")
    login_attempts: int = key(Number(1, whole=True), 5,
                              "wrong passwords per name, and per address, before the lock-out starts")
    login_backoff: float = key(DURATION, 30.0, "the first lock-out, doubled for each further wrong password",
                               shown_default="`30s`")
    login_backoff_max: float = key(DURATION, 900.0, "the longest lock-out", shown_default="`15m`")


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the issue is handed to; the password is read from the environment, never from the file."""

    host: str = key(Text(), "127.0.0.1", "the SMTP server")
    port: int = key(Number(1, whole=True, valid=_port), 25, "the server's port",
                    shown_default="`587` (starttls), `465` (ssl), `25` (none)")
    security: str = key(Text(choices=SMTP_SECURITY, lower=True), "starttls", "starttls, ssl or none")
    user: str | None = key(Text(), None, "the login name, if the server asks for one")
    password_env: str | None = key(Text(valid=_env, label="variable name"), None,
                                   "the environment variable holding the password")
    timeout: float = key(Number(0.1), 30.0, "seconds to wait for the server")

    class _config_:
        forbidden: ClassVar = {
            "password": "passwords never go in the file: name an environment variable in 'password_env'"}

        @staticmethod
        def finish(values: dict[str, Any], raw: dict[str, Any], at: str, check: Checker) -> dict[str, Any]:
            if "port" not in raw:
                values["port"] = {"ssl": 465, "starttls": 587}.get(values.get("security", "starttls"), 25)
            if values.get("user") and not values.get("password_env") and "password_env" not in raw:
                check.error(f"{at}.password_env", "required with 'user': the environment variable holding the "
                            "password")
            return values


@dataclass(frozen=True)
class DeliveryConfig:
    """How published issues are e-mailed to subscribers."""

    smtp: SmtpSettings = key(Mapping(SmtpSettings), SmtpSettings(), "the mail server")
    sender: str = key(Text(valid=_address, label="address"), "", "the From address", name="from", required=True,
                      example="周报编辑部 <digest@example.org>")
    rate_per_minute: float = key(Number(0), 0.0, "messages per minute; 0 for no limit")
    secret_env: str = key(Text(valid=_env, label="variable name"), "WEEKLYDIGEST_SECRET",
                          "the environment variable holding the unsubscribe signing secret (16+ characters)")
    send_on_publish: bool = key(Flag(), False, "send as soon as an issue is published")
    unsubscribe_url: str | None = key(URL, None, "where unsubscribe links point",
                                      shown_default="`<base_url>unsubscribe`")
    retries: int = key(Number(0, whole=True), 3, "extra tries after a 4xx answer or a dropped connection")
    backoff: float = key(Number(0), 2.0, "seconds before the first retry, doubled for each further one")


def _base_url(value: str) -> str:
    return value.rstrip("/") + "/"


@dataclass(frozen=True, kw_only=True)
class Config:
    """The configuration of weeklydigest (config/digest.yaml); relative paths are relative to the working folder."""

    path: Path = Path("config/digest.yaml")  # the file it was read from
    title: str = key(Text(valid=_one_line), "广东市委书记工作周报", "the column's title (masthead, feed, e-mail)")
    timezone: str = key(Text(valid=_timezone, label="time zone"), "Asia/Shanghai",
                        "the desk's time zone: weeks, schedule and times are read in it")
    week_starts: str = key(Text(choices=WEEKDAYS, lower=True), "monday", "the issue covers 7 days from this weekday")
    store: StoreLocation = key(Text(valid=_store, label="path or URL"), StoreLocation("output/store.sqlite"),
                               "the article store: an SQLite file, or postgresql://user@host:port/db (the password "
                               "in PGPASSWORD or ~/.pgpass, never here)", convert=StoreLocation,
                               shown_default="`output/store.sqlite`",
                               example="postgresql://digest@db.example.org:5432/weeklydigest")
    edition: str = key(Text(valid=edition_problem, label="name"), DEFAULT_EDITION,
                       "this config's edition of the store: editions share the collected articles; each has its own "
                       "issues, review state, subscribers and runs", example="广州版")
    output: Path = key(Text(label="path"), Path("output"), "where <issue>/digest.* are written", convert=Path)
    templates: Path = key(Text(label="path"), Path("templates"),
                          "digest.html.j2, digest.md.j2, index.html.j2, digest.css, screen.css", convert=Path)
    set_phrases: tuple[str, ...] = key(Strings(), DEFAULT_SET_PHRASES,
                                       "exact phrases that name an event in passing; never decide a section",
                                       convert=lambda v: v or DEFAULT_SET_PHRASES, shown_default="three phrases")
    min_score: float = key(Number(0), 2.0, "the score an article needs to enter a section")
    section_weights: SectionWeights = key(WEIGHTS, FITTED_WEIGHTS, "what each kind of keyword evidence adds to a "
                                          "score; keys left out keep their fitted values",
                                          shown_default="fitted (`python -m weeklydigest.understand.calibrate`)")
    set_patterns: tuple[str, ...] = key(Strings(item=regex_problem, label="list of regular expressions"),
                                        DEFAULT_SET_PATTERNS, "set phrases in any wording (regular expressions)",
                                        shown_default="`学习贯彻…精神`, `贯彻落实…精神`, `总书记…重要讲话…精神`")
    spam_words: tuple[str, ...] = key(Strings(), DEFAULT_SPAM_WORDS, "words that are spam wherever they stand",
                                      shown_default="a few product and gambling words")
    officials: Path = key(Text(label="path"), Path("config/officials.yaml"), "the roster of office holders",
                          convert=Path)
    author: str = key(Text(valid=_one_line), "weeklydigest", "PDF metadata and feed author")
    first_issue: str | None = key(Text(valid=_week, label="ISO week", wrong="expected an ISO week like '2025-W01'"),
                                  None,
                                  "the week of 第1期; later issues are numbered from it", example="2025-W46")
    feed_drafts: bool = key(Flag(), False, "feed.atom lists drafts too (the archive page always does)")
    base_url: str | None = key(URL, None,
                               "where output/ is published: absolute links in the feed and e-mails",
                               convert=_base_url, example="https://example.org/digest/")
    sources: tuple[SourceConfig, ...] = key(
        ListOf(SourceConfig, what="sources", entry="name and kind", unique=("name", "duplicate source name")),
        (), "where articles come from")
    sections: tuple[SectionRule, ...] = key(
        ListOf(SectionConfig, what="sections", entry="title and keywords", unique=("title", "duplicate section title"),
               nonempty=True), help="the keyword sections, in display order")
    schedule: ScheduleConfig = key(Mapping(ScheduleConfig), ScheduleConfig(), "the daemon's timetable")
    http: HttpSettings = key(Mapping(HttpSettings), HttpSettings(), "how feeds and pages are fetched")
    limits: LimitSettings = key(Mapping(LimitSettings), LimitSettings(), "what one input file may cost")
    review: ReviewConfig = key(Mapping(ReviewConfig), ReviewConfig(), "the review app's accounts")
    delivery: DeliveryConfig | None = key(Mapping(DeliveryConfig), None,
                                          "e-mail to subscribers; absent: issues are not e-mailed")
    warnings: tuple[str, ...] = field(default=(), compare=False)  # unknown keys, reported when loading

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
