"""Subscriber management: validated addresses, chosen sections, CSV import."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..config import Config
from ..errors import DigestError
from ..model import ACTIVE, Subscriber

logger = logging.getLogger(__name__)


class BadSubscriber(DigestError):
    """An address or a section choice that cannot be accepted."""


def normalise_address(text: str) -> str:
    """Return the address in its normal form (domain in lower case), or raise BadSubscriber saying why."""
    try:
        # No DNS lookups: an address is checked for its form only. ASCII addresses only, so that any
        # SMTP server takes them (internationalised ones need the SMTPUTF8 extension).
        checked = validate_email(text.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise BadSubscriber(f"invalid address {text.strip()!r}: {exc}") from None
    return checked.normalized


def parse_sections(text: str | None, config: Config) -> tuple[str, ...]:
    """Return the section titles of a comma- or semicolon-separated choice; empty (all) for none or 'all'."""
    if text is None or text.strip().lower() in ("", "all", "*"):
        return ()
    known = [s.title for s in config.sections]
    chosen: list[str] = []
    for raw in text.replace("；", ";").replace("，", ",").replace(";", ",").split(","):
        title = raw.strip()
        if not title:
            continue
        if title not in known:
            raise BadSubscriber(f"unknown section {title!r}: expected some of {', '.join(known)}")
        if title not in chosen:
            chosen.append(title)
    # Display order, so that equal choices written differently share one rendered PDF.
    return tuple(t for t in known if t in chosen)


def make_subscriber(address: str, *, name: str = "", sections: str | None = None, config: Config) -> Subscriber:
    # A name goes into the To header: one line, no control characters.
    clean_name = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    return Subscriber(address=normalise_address(address), name=clean_name, sections=parse_sections(sections, config),
                      status=ACTIVE)


def read_csv(path: Path, config: Config) -> tuple[list[Subscriber], list[str]]:
    """Return the subscribers of a CSV file (columns address/email, name, sections) and a line per bad row."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DigestError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DigestError(f"{path}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower(): f for f in reader.fieldnames or []}
    column = fields.get("address") or fields.get("email")
    if column is None:
        raise DigestError(f"{path}: expected a header row with an 'address' (or 'email') column")
    subscribers, problems = [], []
    for line, row in enumerate(reader, start=2):
        try:
            subscribers.append(make_subscriber(
                row.get(column) or "", name=row.get(fields.get("name", ""), "") or "",
                sections=row.get(fields.get("sections", "")) or None, config=config,
            ))
        except BadSubscriber as exc:
            problems.append(f"{path}:{line}: {exc}")
    return subscribers, problems
