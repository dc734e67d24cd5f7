"""Load and validate `config/digest.yaml`; every problem names its key path and line."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import ConfigError
from ..model import FITTED_WEIGHTS, SectionRule, SectionWeights
from ..store.location import DEFAULT_EDITION, StoreLocation, edition_problem, url_problem

# Words that are spam wherever they appear; `spam_words` in the config replaces the list.
DEFAULT_SPAM_WORDS: tuple[str, ...] = ("冷气芯", "汽车零件", "百家乐", "娱乐城", "真人视讯", "六合彩", "代开发票")

logger = logging.getLogger(__name__)

_HTTP_URL = re.compile(r"https?://[^\s/]+", re.I)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SOURCE_KINDS = ("folder", "feed", "web")

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


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    path: Path | None = None  # folder
    url: str | None = None  # feed
    urls: tuple[str, ...] = ()  # web: article pages
    listing: str | None = None  # web: a page linking to articles …
    link_pattern: str | None = None  # … whose absolute URLs match this regex
    fetch_pages: bool = False  # feed: fetch the linked page of entries that carry only a summary
    allow_private: bool = False  # feed, web: may reach loopback and private addresses (an intranet source)


@dataclass(frozen=True)
class HttpSettings:
    """How feeds and pages are fetched."""

    timeout: float = 20.0  # seconds to wait for data from the server
    connect_timeout: float = 10.0
    retries: int = 2  # extra tries after a 5xx answer, a timeout or a dropped connection
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    max_bytes: int = 5_000_000  # a larger response is refused
    deadline: float = 60.0  # seconds one URL may take in all, every try and redirect included
    allow_private: bool = False  # every source may reach loopback and private addresses


@dataclass(frozen=True)
class LimitSettings:
    """What one input may cost; over a limit it is skipped (or cut, where that is safe) with the reason."""

    file_bytes: int = 5_000_000  # a larger file (a longer JSON line) is skipped
    line_chars: int = 10_000  # a longer line or paragraph is cut at its last sentence end before the limit
    text_chars: int = 50_000  # an article's text before cleaning; the paragraphs after the limit are cut
    front_matter_bytes: int = 65_536  # larger YAML front matter is skipped
    yaml_values: int = 1_000  # front matter with more values (aliases expanded) is skipped
    json_depth: int = 32  # a JSON line nested deeper is skipped
    file_seconds: float = 10.0  # reading and cleaning one file (one entry, one line) longer than this is stopped


CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")
_DAY_NAMES = re.compile(r"^(?:\*|(?:mon|tue|wed|thu|fri|sat|sun)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?"
                        r"(?:,(?:mon|tue|wed|thu|fri|sat|sun)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?)*)$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class ScheduleConfig:
    """When the daemon collects and drafts; cron fields use weekday names, never numbers."""

    collect_every: float | None = 7200.0  # seconds; None: the daemon does not collect on its own
    build: tuple[tuple[str, str], ...] = (("day_of_week", "mon"), ("hour", "8"), ("minute", "0"))
    misfire_grace_time: float = 6 * 3600.0
    shutdown_grace: float = 60.0


ROLES = ("editor", "chief")


@dataclass(frozen=True)
class ReviewUser:
    name: str
    password_hash: str
    role: str  # editor, or chief (who may also publish)


@dataclass(frozen=True)
class ReviewConfig:
    """Who may use the review app, and the environment variable holding its cookie-signing key."""

    secret_key_env: str = "WEEKLYDIGEST_REVIEW_SECRET"
    users: tuple[ReviewUser, ...] = ()


SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the issue is handed to; the password is read from the environment, never from the file."""

    host: str = "127.0.0.1"
    port: int = 25
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password_env: str | None = None  # the environment variable holding the password
    timeout: float = 30.0


@dataclass(frozen=True)
class DeliveryConfig:
    """How published issues are e-mailed to subscribers."""

    smtp: SmtpSettings = SmtpSettings()
    sender: str = ""  # `from` in the file
    rate_per_minute: float = 0.0  # messages per minute; 0: no limit
    secret_env: str = "WEEKLYDIGEST_SECRET"  # the environment variable holding the unsubscribe signing secret
    send_on_publish: bool = False
    unsubscribe_url: str | None = None  # default: <base_url>unsubscribe
    retries: int = 3  # extra tries of one message after a transient (4xx, dropped connection) failure
    backoff: float = 2.0  # seconds before the first retry, doubled for each further one


@dataclass(frozen=True)
class Config:
    path: Path
    title: str
    timezone: str
    week_starts: str
    store: StoreLocation  # a path (SQLite) or postgresql://user@host:port/db
    output: Path
    templates: Path
    sources: tuple[SourceConfig, ...]
    sections: tuple[SectionRule, ...]
    set_phrases: tuple[str, ...] = DEFAULT_SET_PHRASES
    min_score: float = 2.0
    section_weights: SectionWeights = FITTED_WEIGHTS  # what each kind of keyword evidence adds to a score
    schedule: ScheduleConfig = ScheduleConfig()
    set_patterns: tuple[str, ...] = DEFAULT_SET_PATTERNS
    spam_words: tuple[str, ...] = DEFAULT_SPAM_WORDS
    officials: Path = Path("config/officials.yaml")
    http: HttpSettings = HttpSettings()
    limits: LimitSettings = LimitSettings()
    author: str = "weeklydigest"
    first_issue: str | None = None  # the week of issue 第1期; issues are numbered from it
    base_url: str | None = None  # where the output folder is published; makes the feed's links absolute
    feed_drafts: bool = False  # list drafts in feed.atom too (the archive page always lists them)
    review: ReviewConfig = ReviewConfig()
    delivery: DeliveryConfig | None = None  # None: no `delivery` in the file, issues are not e-mailed
    edition: str = DEFAULT_EDITION  # the edition of the store this config makes (editions share articles)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_TOP_KEYS = {
    "title", "timezone", "week_starts", "store", "output", "templates", "sources",
    "sections", "set_phrases", "min_score", "section_weights", "schedule",
    "set_patterns", "spam_words", "officials", "http", "limits", "author", "first_issue", "base_url", "feed_drafts",
    "review", "delivery", "edition",
}
_SOURCE_KEYS = {
    "folder": {"name", "kind", "path"},
    "feed": {"name", "kind", "url", "fetch_pages", "allow_private"},
    "web": {"name", "kind", "urls", "listing", "link_pattern", "allow_private"},
}
_ANY_SOURCE_KEY = set().union(*_SOURCE_KEYS.values())
_HTTP_KEYS = {"timeout", "connect_timeout", "retries", "backoff", "max_bytes", "deadline", "allow_private"}
_LIMIT_KEYS = {"file_bytes", "line_chars", "text_chars", "front_matter_bytes", "yaml_values", "json_depth",
               "file_seconds"}
_SECTION_KEYS = {"title", "keywords", "require", "exclude", "regex", "budget", "terms", "topic"}


class _Checker:
    """Collects one message per problem, each naming the key path and its line."""

    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def _where(self, key: str) -> str:
        line = self.lines.get(key)
        return f"Config value '{key}'" + (f" (line {line})" if line else "")

    def error(self, key: str, message: str) -> None:
        self.problems.append(f"{self._where(key)}: {message}")

    def warn_unknown(self, key: str, known: set[str], data: dict[str, Any], *, why: str = "unknown key") -> None:
        for name in data:
            if name not in known:
                full = f"{key}.{name}" if key else str(name)
                self.warnings.append(f"{self._where(full)}: {why}, ignored")

    def url(self, data: dict[str, Any], key: str, path: str) -> str:
        value = self.string(data, key, path)
        if value and not _HTTP_URL.match(value):
            self.error(path, f"expected an http(s) URL, got {value!r}")
        return value

    def number(self, data: dict[str, Any], key: str, path: str, *, default: float, minimum: float,
               whole: bool = False) -> float:
        value = data.get(key, default)
        wrong_type = isinstance(value, bool) or not isinstance(value, int if whole else int | float)
        if wrong_type or value < minimum:
            kind = "a whole number" if whole else "a number"
            self.error(path, f"expected {kind} >= {minimum:g}, got {_describe(value)}")
            return default
        return value

    def flag(self, data: dict[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(path, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def string(self, data: dict[str, Any], key: str, path: str, *, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            self.error(path, "required, expected a string")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"expected a non-empty string, got {_describe(value)}")
            return ""
        return value.strip()

    def strings(self, data: dict[str, Any], key: str, path: str, *, required: bool = False) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.error(path, "required, expected a list of strings")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(path, f"expected a list of strings, got {_describe(value)}")
            return ()
        if required and not value:
            self.error(path, "expected at least one string, got an empty list")
        return tuple(v.strip() for v in value)


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


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


def load_config(path: Path) -> Config:
    """Read, validate and return the configuration; raise ConfigError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"Config file '{path}' not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"Config file '{path}' cannot be read: {exc}"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"Config file '{path}'{where}: invalid YAML: {problem}"]) from None
    return parse_config(data, path=path, lines=_node_lines(node))


def parse_config(data: Any, *, path: Path, lines: dict[str, int] | None = None) -> Config:
    """Validate already-loaded YAML data."""
    check = _Checker(lines or {})
    if not isinstance(data, dict):
        raise ConfigError([f"Config file '{path}': expected a mapping at the top, got {_describe(data)}"])
    check.warn_unknown("", _TOP_KEYS, data)

    title = check.string(data, "title", "title", default="广东市委书记工作周报")
    timezone = check.string(data, "timezone", "timezone", default="Asia/Shanghai")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            check.error("timezone", f"unknown time zone {timezone!r}, expected e.g. 'Asia/Shanghai'")
    week_starts = check.string(data, "week_starts", "week_starts", default="monday").lower()
    if week_starts and week_starts not in WEEKDAYS:
        check.error("week_starts", f"expected one of {', '.join(WEEKDAYS)}, got {week_starts!r}")
    store = check.string(data, "store", "store", default="output/store.sqlite")
    if store and StoreLocation(store).is_database and (problem := url_problem(store)):
        check.error("store", problem)
    edition = check.string(data, "edition", "edition", default=DEFAULT_EDITION)
    if edition and (problem := edition_problem(edition)):
        check.error("edition", problem)
    output = check.string(data, "output", "output", default="output")
    templates = check.string(data, "templates", "templates", default="templates")
    set_phrases = check.strings(data, "set_phrases", "set_phrases") or DEFAULT_SET_PHRASES
    min_score = data.get("min_score", 2.0)
    if not isinstance(min_score, int | float) or isinstance(min_score, bool) or min_score < 0:
        check.error("min_score", f"expected a number >= 0, got {_describe(min_score)}")
        min_score = 2.0

    section_weights = _parse_section_weights(data.get("section_weights"), check)

    set_patterns = DEFAULT_SET_PATTERNS
    if "set_patterns" in data:
        set_patterns = check.strings(data, "set_patterns", "set_patterns")
    for j, pattern in enumerate(set_patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            check.error(f"set_patterns[{j}]", f"invalid regular expression {pattern!r}: {exc}")
    spam_words = check.strings(data, "spam_words", "spam_words") if "spam_words" in data else DEFAULT_SPAM_WORDS
    officials = check.string(data, "officials", "officials", default="config/officials.yaml")
    author = check.string(data, "author", "author", default="weeklydigest")
    first_issue = data.get("first_issue")
    if first_issue is not None and not (isinstance(first_issue, str) and re.fullmatch(r"\d{4}-W\d{2}", first_issue)):
        check.error("first_issue", f"expected an ISO week like '2025-W01', got {_describe(first_issue)}")
        first_issue = None
    feed_drafts = data.get("feed_drafts", False)
    if not isinstance(feed_drafts, bool):
        check.error("feed_drafts", f"expected true or false, got {_describe(feed_drafts)}")
        feed_drafts = False
    base_url = data.get("base_url")
    if base_url is not None and not (isinstance(base_url, str) and re.match(r"https?://[^/\s]+", base_url)):
        check.error("base_url", f"expected an http(s) URL, got {_describe(base_url)}")
        base_url = None

    sources = _parse_sources(data.get("sources"), check)
    sections = _parse_sections(data.get("sections"), check)
    schedule = _parse_schedule(data.get("schedule"), check)
    http = _parse_http(data.get("http"), check)
    limits = _parse_limits(data.get("limits"), check)
    review = _parse_review(data.get("review"), check)
    delivery = _parse_delivery(data.get("delivery"), check) if "delivery" in data else None

    if check.problems:
        raise ConfigError(check.problems)
    for warning in check.warnings:
        logger.warning(warning)
    return Config(
        path=path,
        title=title,
        timezone=timezone,
        week_starts=week_starts,
        store=StoreLocation(store),
        edition=edition,
        output=Path(output),
        templates=Path(templates),
        sources=sources,
        sections=sections,
        set_phrases=set_phrases,
        min_score=float(min_score),
        section_weights=section_weights,
        schedule=schedule,
        set_patterns=set_patterns,
        spam_words=spam_words,
        officials=Path(officials),
        http=http,
        limits=limits,
        author=author,
        first_issue=first_issue,
        base_url=base_url.rstrip("/") + "/" if base_url else None,
        feed_drafts=feed_drafts,
        review=review,
        delivery=delivery,
        warnings=tuple(check.warnings),
    )


def _parse_sources(raw: Any, check: _Checker) -> tuple[SourceConfig, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.error("sources", f"expected a list of sources, got {_describe(raw)}")
        return ()
    sources = []
    names: set[str] = set()
    for i, entry in enumerate(raw):
        key = f"sources[{i}]"
        if not isinstance(entry, dict):
            check.error(key, f"expected a mapping with name and kind, got {_describe(entry)}")
            continue
        name = check.string(entry, "name", f"{key}.name")
        if name in names:
            check.error(f"{key}.name", f"duplicate source name {name!r}")
        names.add(name)
        kind = check.string(entry, "kind", f"{key}.kind")
        if kind and kind not in SOURCE_KINDS:
            check.error(f"{key}.kind", f"expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
            continue
        if not kind:
            continue
        check.warn_unknown(key, _ANY_SOURCE_KEY, entry)
        misplaced = {k: v for k, v in entry.items() if k in _ANY_SOURCE_KEY}
        check.warn_unknown(key, _SOURCE_KEYS[kind], misplaced, why=f"not used by kind '{kind}'")
        if kind == "folder":
            folder = check.string(entry, "path", f"{key}.path")
            sources.append(SourceConfig(name=name, kind=kind, path=Path(folder)))
        elif kind == "feed":
            url = check.url(entry, "url", f"{key}.url")
            fetch_pages = check.flag(entry, "fetch_pages", f"{key}.fetch_pages", default=False)
            allow_private = check.flag(entry, "allow_private", f"{key}.allow_private", default=False)
            sources.append(SourceConfig(name=name, kind=kind, url=url, fetch_pages=fetch_pages,
                                        allow_private=allow_private))
        elif kind == "web":
            web = _parse_web(entry, key, name, check)
            allow_private = check.flag(entry, "allow_private", f"{key}.allow_private", default=False)
            sources.append(replace(web, allow_private=allow_private))
    return tuple(sources)


def _parse_web(entry: dict[str, Any], key: str, name: str, check: _Checker) -> SourceConfig:
    """A web source names article `urls`, or a `listing` page and the `link_pattern` of its article links."""
    if "urls" not in entry and "listing" not in entry:
        check.error(f"{key}.urls", "required (or 'listing' with 'link_pattern'), expected a list of URLs")
        return SourceConfig(name=name, kind="web")
    urls = check.strings(entry, "urls", f"{key}.urls", required="listing" not in entry)
    for j, url in enumerate(urls):
        if not _HTTP_URL.match(url):
            check.error(f"{key}.urls[{j}]", f"expected an http(s) URL, got {url!r}")
    listing = pattern = None
    if "listing" in entry or "link_pattern" in entry:
        listing = check.url(entry, "listing", f"{key}.listing")
        pattern = check.string(entry, "link_pattern", f"{key}.link_pattern")
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                check.error(f"{key}.link_pattern", f"invalid regular expression {pattern!r}: {exc}")
    return SourceConfig(name=name, kind="web", urls=urls, listing=listing or None, link_pattern=pattern or None)


def _parse_review(raw: Any, check: _Checker) -> ReviewConfig:
    """The review app's accounts: `users: [{name, password_hash, role}]` and `secret_key_env`."""
    if raw is None:
        return ReviewConfig()
    if not isinstance(raw, dict):
        check.error("review", f"expected a mapping (secret_key_env, users), got {_describe(raw)}")
        return ReviewConfig()
    check.warn_unknown("review", {"secret_key_env", "users"}, raw)
    env = check.string(raw, "secret_key_env", "review.secret_key_env", default=ReviewConfig.secret_key_env)
    users = []
    entries = raw.get("users", [])
    if not isinstance(entries, list):
        check.error("review.users", f"expected a list of users, got {_describe(entries)}")
        entries = []
    names: set[str] = set()
    for i, entry in enumerate(entries):
        key = f"review.users[{i}]"
        if not isinstance(entry, dict):
            check.error(key, f"expected a mapping with name, password_hash and role, got {_describe(entry)}")
            continue
        check.warn_unknown(key, {"name", "password_hash", "role"}, entry)
        name = check.string(entry, "name", f"{key}.name")
        if name in names:
            check.error(f"{key}.name", f"duplicate user {name!r}")
        names.add(name)
        password_hash = check.string(entry, "password_hash", f"{key}.password_hash")
        if password_hash and not password_hash.startswith("pbkdf2_sha256$"):
            check.error(f"{key}.password_hash", "expected a hash made by 'weeklydigest hash-password'")
        role = check.string(entry, "role", f"{key}.role", default="editor")
        if role and role not in ROLES:
            check.error(f"{key}.role", f"expected one of {', '.join(ROLES)}, got {role!r}")
        users.append(ReviewUser(name=name, password_hash=password_hash, role=role))
    return ReviewConfig(secret_key_env=env, users=tuple(users))


def _parse_http(raw: Any, check: _Checker) -> HttpSettings:
    defaults = HttpSettings()
    if raw is None:
        return defaults
    if not isinstance(raw, dict):
        check.error("http", f"expected a mapping of {', '.join(sorted(_HTTP_KEYS))}, got {_describe(raw)}")
        return defaults
    check.warn_unknown("http", _HTTP_KEYS, raw)
    return HttpSettings(
        timeout=float(check.number(raw, "timeout", "http.timeout", default=defaults.timeout, minimum=0.01)),
        connect_timeout=float(check.number(raw, "connect_timeout", "http.connect_timeout",
                                           default=defaults.connect_timeout, minimum=0.01)),
        retries=int(check.number(raw, "retries", "http.retries", default=defaults.retries, minimum=0, whole=True)),
        backoff=float(check.number(raw, "backoff", "http.backoff", default=defaults.backoff, minimum=0)),
        max_bytes=int(check.number(raw, "max_bytes", "http.max_bytes", default=defaults.max_bytes, minimum=1024,
                                   whole=True)),
        deadline=float(check.number(raw, "deadline", "http.deadline", default=defaults.deadline, minimum=0.01)),
        allow_private=check.flag(raw, "allow_private", "http.allow_private", default=defaults.allow_private),
    )


def _parse_limits(raw: Any, check: _Checker) -> LimitSettings:
    defaults = LimitSettings()
    if raw is None:
        return defaults
    if not isinstance(raw, dict):
        check.error("limits", f"expected a mapping of {', '.join(sorted(_LIMIT_KEYS))}, got {_describe(raw)}")
        return defaults
    check.warn_unknown("limits", _LIMIT_KEYS, raw)

    def whole(key: str, minimum: int) -> int:
        return int(check.number(raw, key, f"limits.{key}", default=getattr(defaults, key), minimum=minimum,
                                whole=True))

    return LimitSettings(
        file_bytes=whole("file_bytes", 1024),
        line_chars=whole("line_chars", 100),
        text_chars=whole("text_chars", 1000),
        front_matter_bytes=whole("front_matter_bytes", 256),
        yaml_values=whole("yaml_values", 10),
        json_depth=whole("json_depth", 2),
        file_seconds=float(check.number(raw, "file_seconds", "limits.file_seconds", default=defaults.file_seconds,
                                        minimum=0.01)),
    )


_DELIVERY_KEYS = {"smtp", "from", "rate_per_minute", "secret_env", "send_on_publish", "unsubscribe_url", "retries",
                  "backoff"}
_SMTP_KEYS = {"host", "port", "security", "user", "password_env", "timeout"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$")


def _parse_delivery(raw: Any, check: _Checker) -> DeliveryConfig | None:
    if not isinstance(raw, dict):
        check.error("delivery", f"expected a mapping (smtp, from, …), got {_describe(raw)}")
        return None
    check.warn_unknown("delivery", _DELIVERY_KEYS, raw)
    defaults = DeliveryConfig()
    smtp_raw = raw.get("smtp", {})
    smtp = SmtpSettings()
    if not isinstance(smtp_raw, dict):
        check.error("delivery.smtp", f"expected a mapping (host, port, security, …), got {_describe(smtp_raw)}")
    else:
        check.warn_unknown("delivery.smtp", _SMTP_KEYS, smtp_raw)
        if "password" in smtp_raw:
            check.error("delivery.smtp.password", "passwords never go in the file: name an environment variable "
                        "in 'password_env'")
        security = check.string(smtp_raw, "security", "delivery.smtp.security", default="starttls").lower()
        if security and security not in SMTP_SECURITY:
            check.error("delivery.smtp.security", f"expected one of {', '.join(SMTP_SECURITY)}, got {security!r}")
        default_port = {"ssl": 465, "starttls": 587}.get(security, 25)
        port = int(check.number(smtp_raw, "port", "delivery.smtp.port", default=default_port, minimum=1, whole=True))
        if port > 65535:
            check.error("delivery.smtp.port", f"expected a port number <= 65535, got {port}")
        user = smtp_raw.get("user")
        if user is not None:
            user = check.string(smtp_raw, "user", "delivery.smtp.user") or None
        password_env = _env_name(smtp_raw, "password_env", "delivery.smtp.password_env", check, default=None)
        if user and not password_env:
            check.error("delivery.smtp.password_env", "required with 'user': the environment variable holding "
                        "the password")
        smtp = SmtpSettings(
            host=check.string(smtp_raw, "host", "delivery.smtp.host", default="127.0.0.1"),
            port=port, security=security, user=user, password_env=password_env,
            timeout=float(check.number(smtp_raw, "timeout", "delivery.smtp.timeout", default=30.0, minimum=0.1)),
        )
    sender = check.string(raw, "from", "delivery.from")
    if sender and not _ADDRESS.match(parseaddr(sender)[1]):
        check.error("delivery.from", f"expected an address like '周报 <digest@example.org>', got {sender!r}")
    unsubscribe_url = raw.get("unsubscribe_url")
    if unsubscribe_url is not None:
        unsubscribe_url = check.url(raw, "unsubscribe_url", "delivery.unsubscribe_url") or None
    return DeliveryConfig(
        smtp=smtp,
        sender=sender,
        rate_per_minute=float(check.number(raw, "rate_per_minute", "delivery.rate_per_minute",
                                           default=defaults.rate_per_minute, minimum=0)),
        secret_env=_env_name(raw, "secret_env", "delivery.secret_env", check, default=defaults.secret_env) or "",
        send_on_publish=check.flag(raw, "send_on_publish", "delivery.send_on_publish", default=False),
        unsubscribe_url=unsubscribe_url,
        retries=int(check.number(raw, "retries", "delivery.retries", default=defaults.retries, minimum=0,
                                 whole=True)),
        backoff=float(check.number(raw, "backoff", "delivery.backoff", default=defaults.backoff, minimum=0)),
    )


def _env_name(data: dict[str, Any], key: str, path: str, check: _Checker, *, default: str | None) -> str | None:
    if key not in data and default is None:
        return None
    value = check.string(data, key, path, default=default)
    if value and not _ENV_NAME.match(value):
        check.error(path, f"expected the name of an environment variable, got {value!r}")
        return None
    return value or None


def _parse_sections(raw: Any, check: _Checker) -> tuple[SectionRule, ...]:
    if raw is None:
        check.error("sections", "required, expected a list of sections")
        return ()
    if not isinstance(raw, list) or not raw:
        check.error("sections", f"expected a non-empty list of sections, got {_describe(raw)}")
        return ()
    sections = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        key = f"sections[{i}]"
        if not isinstance(entry, dict):
            check.error(key, f"expected a mapping with title and keywords, got {_describe(entry)}")
            continue
        check.warn_unknown(key, _SECTION_KEYS, entry)
        title = check.string(entry, "title", f"{key}.title")
        if title in seen:
            check.error(f"{key}.title", f"duplicate section title {title!r}")
        seen.add(title)
        keywords = check.strings(entry, "keywords", f"{key}.keywords", required=True)
        require = check.strings(entry, "require", f"{key}.require")
        exclude = check.strings(entry, "exclude", f"{key}.exclude")
        regex = check.strings(entry, "regex", f"{key}.regex")
        terms = check.strings(entry, "terms", f"{key}.terms") or keywords
        topic = check.strings(entry, "topic", f"{key}.topic")
        for j, pattern in enumerate(regex):
            try:
                re.compile(pattern)
            except re.error as exc:
                check.error(f"{key}.regex[{j}]", f"invalid regular expression {pattern!r}: {exc}")
        budget = entry.get("budget", 260)
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < 40:
            check.error(f"{key}.budget", f"expected a whole number of characters >= 40, got {_describe(budget)}")
            budget = 260
        sections.append(
            SectionRule(
                title=title, keywords=keywords, require=require, exclude=exclude,
                regex=regex, budget=budget, terms=terms, topic=topic,
            )
        )
    return tuple(sections)


def _parse_section_weights(raw: Any, check: _Checker) -> SectionWeights:
    """Return the configured weights; keys left out keep their fitted defaults."""
    if raw is None:
        return SectionWeights()
    if not isinstance(raw, dict):
        check.error("section_weights", f"expected a mapping of evidence to weight, got {_describe(raw)}")
        return SectionWeights()
    names = SectionWeights.names()
    check.warn_unknown("section_weights", set(names), raw)
    values = {}
    for name in names:
        if name not in raw:
            continue
        value = raw[name]
        if not isinstance(value, int | float) or isinstance(value, bool):
            check.error(f"section_weights.{name}", f"expected a number, got {_describe(value)}")
            continue
        values[name] = float(value)
    return SectionWeights(**values)


def parse_duration(text: object) -> float | None:
    """Return seconds for '90s', '30m', '2h', '1d'; None if it is not such a duration."""
    if isinstance(text, int | float) and not isinstance(text, bool) and text > 0:
        return float(text)
    match = _DURATION.match(str(text))
    if not match or float(match[1]) <= 0:
        return None
    return float(match[1]) * _UNIT_SECONDS[match[2]]


def _parse_schedule(raw: Any, check: _Checker) -> ScheduleConfig:
    default = ScheduleConfig()
    if raw is None:
        return default
    if not isinstance(raw, dict):
        check.error("schedule", f"expected a mapping (collect_every, build, …), got {_describe(raw)}")
        return default
    check.warn_unknown("schedule", {"collect_every", "build", "misfire_grace_time", "shutdown_grace"}, raw)
    durations: dict[str, float | None] = {}
    for key, fallback in (("collect_every", default.collect_every), ("misfire_grace_time", default.misfire_grace_time),
                          ("shutdown_grace", default.shutdown_grace)):
        value = raw.get(key, fallback)
        if key == "collect_every" and value in (None, False, "off"):
            durations[key] = None
            continue
        seconds = parse_duration(value)
        if seconds is None:
            expected = "expected a duration like '90s', '30m', '2h' or '1d'"
            check.error(f"schedule.{key}", f"{expected}, got {_describe(value)}")
        durations[key] = seconds if seconds is not None else fallback
    build = raw.get("build", dict(default.build))
    fields: list[tuple[str, str]] = []
    if not isinstance(build, dict) or not build:
        check.error("schedule.build", f"expected a mapping of cron fields, got {_describe(build)}")
    else:
        for name, value in build.items():
            key = f"schedule.build.{name}"
            if name not in CRON_FIELDS:
                check.error(key, f"unknown cron field, expected one of {', '.join(CRON_FIELDS)}")
                continue
            text = str(value).strip().lower()
            # APScheduler 3 counts Monday as 0, unlike crontab: numbers would fire on the wrong day.
            if name == "day_of_week" and not _DAY_NAMES.match(text):
                check.error(key, f"expected weekday names like 'mon' or 'mon-fri', got {_describe(value)}")
                continue
            fields.append((name, text))
    return ScheduleConfig(
        collect_every=durations["collect_every"],
        build=tuple(fields) or default.build,
        misfire_grace_time=durations["misfire_grace_time"] or default.misfire_grace_time,
        shutdown_grace=durations["shutdown_grace"] or default.shutdown_grace,
    )
