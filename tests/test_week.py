from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from weeklydigest.errors import DigestError
from weeklydigest.week import last_complete_week, parse_week, week_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_sample_week_runs_monday_to_sunday():
    week = parse_week("2025-W46")
    assert (week.start, week.end) == (date(2025, 11, 10), date(2025, 11, 16))


def test_iso_week_one_can_start_in_the_previous_year():
    assert parse_week("2025-W01").start == date(2024, 12, 30)


def test_2026_has_a_week_53_and_2025_does_not():
    assert parse_week("2026-W53").start == date(2026, 12, 28)
    with pytest.raises(DigestError, match="2025 has no ISO week 53"):
        parse_week("2025-W53")


def test_malformed_week_is_a_clear_error():
    with pytest.raises(DigestError, match="expected the form 2025-W46"):
        parse_week("2025-46")


@pytest.mark.parametrize(
    ("starts", "first"),
    [("sunday", date(2025, 11, 9)), ("saturday", date(2025, 11, 8)), ("thursday", date(2025, 11, 13)),
     ("friday", date(2025, 11, 7))],
)
def test_other_start_days_share_at_least_four_days_with_the_iso_week(starts, first):
    week = parse_week("2025-W46", week_starts=starts)
    assert week.start == first
    assert week.start.strftime("%A").lower() == starts
    iso_days = {date.fromisocalendar(2025, 46, d) for d in range(1, 8)}
    shared = sum(1 for i in range(7) if date.fromordinal(week.start.toordinal() + i) in iso_days)
    assert shared >= 4


@pytest.mark.parametrize("starts", ["monday", "wednesday", "sunday"])
def test_every_day_of_an_issue_maps_back_to_it(starts):
    week = parse_week("2026-W01", week_starts=starts)
    for offset in range(7):
        day = date.fromordinal(week.start.toordinal() + offset)
        assert week_of(day, week_starts=starts) == week


def test_last_complete_week_uses_the_configured_time_zone():
    # Monday 2025-11-17 00:30 in Shanghai is still Sunday in UTC; the W46 issue is complete there.
    now = datetime(2025, 11, 16, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert last_complete_week(now, tz=SHANGHAI).issue == "2025-W46"
    assert last_complete_week(now, tz=ZoneInfo("UTC")).issue == "2025-W45"
