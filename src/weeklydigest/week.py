"""Issue weeks: `2025-W46` and the seven days it covers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .config import WEEKDAYS
from .errors import DigestError, UsageError

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
# A week's reports are looked for up to two months after it and its background weeks before it:
# the calendar must reach that far on both sides.
MIN_YEAR, MAX_YEAR = 1900, 2999

# The issue labelled with ISO week W covers 7 days starting on the configured weekday, chosen so
# that at least four of its days fall in ISO week W (the same rule ISO uses for week 1).
_OFFSET = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
           "friday": -3, "saturday": -2, "sunday": -1}


@dataclass(frozen=True)
class IssueWeek:
    issue: str
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_week(text: str, *, week_starts: str = "monday") -> IssueWeek:
    """Return the issue week for an id like `2025-W46`."""
    match = _WEEK_RE.match(text.strip())
    if not match:
        raise UsageError(f"invalid week {text!r}: expected the form 2025-W46")
    year, number = int(match[1]), int(match[2])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"invalid week {text!r}: the year must be between {MIN_YEAR} and {MAX_YEAR}")
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f"invalid week {text!r}: {year} has no ISO week {number}") from None
    start = monday + timedelta(days=_OFFSET[_check_weekday(week_starts)])
    return IssueWeek(issue=f"{year}-W{number:02d}", start=start, end=start + timedelta(days=6))


def week_of(day: date, *, week_starts: str = "monday") -> IssueWeek:
    """Return the issue week whose seven days include `day`."""
    offset = _OFFSET[_check_weekday(week_starts)]
    # Shift back to the ISO week that labels the issue, then rebuild from its id.
    iso = (day - timedelta(days=offset)).isocalendar()
    return parse_week(f"{iso.year}-W{iso.week:02d}", week_starts=week_starts)


def last_complete_week(now: datetime, *, tz: ZoneInfo, week_starts: str = "monday") -> IssueWeek:
    """Return the most recent issue week that has fully ended at `now`."""
    today = now.astimezone(tz).date()
    current = week_of(today, week_starts=week_starts)
    return week_of(current.start - timedelta(days=1), week_starts=week_starts)


def _check_weekday(name: str) -> str:
    if name not in WEEKDAYS:
        raise DigestError(f"invalid week_starts {name!r}: expected one of {', '.join(WEEKDAYS)}")
    return name
