"""The current time, which tests and re-drafts can set with WEEKLYDIGEST_NOW."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import DigestError

_STARTED = time.monotonic()


def now(tz: ZoneInfo) -> datetime:
    """Return the current time in `tz`; WEEKLYDIGEST_NOW (ISO 8601) sets where the clock starts."""
    fixed = os.environ.get("WEEKLYDIGEST_NOW")
    if not fixed:
        return datetime.now(tz)
    try:
        start = datetime.fromisoformat(fixed)
    except ValueError:
        raise DigestError(f"WEEKLYDIGEST_NOW={fixed!r} is not an ISO 8601 date and time") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=tz)
    # The clock still runs from there, so that elapsed time stays real.
    return (start + timedelta(seconds=time.monotonic() - _STARTED)).astimezone(tz)
