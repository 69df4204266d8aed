import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.contacts.holidays import latvian_public_holiday
from bot.contacts.hours import opening_status, parse_hours

RIGA = ZoneInfo("Europe/Riga")
WEEKDAYS = parse_hours({"weekly": {"mon-fri": "09:00-17:00"}})
SPLIT = parse_hours({"weekly": {"mon,wed": "09:00-12:00,13:00-17:00", "sat": "10:00-14:00"}})
ALWAYS = parse_hours({"always": True})


def riga(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=RIGA)


# 2026-11-23 is a Monday.
@pytest.mark.parametrize(
    "hours, now, is_open, until, next_open",
    [
        (WEEKDAYS, riga(2026, 11, 23, 10, 0), True, riga(2026, 11, 23, 17, 0), None),
        (WEEKDAYS, riga(2026, 11, 23, 9, 0), True, riga(2026, 11, 23, 17, 0), None),
        (WEEKDAYS, riga(2026, 11, 23, 17, 0), False, None, riga(2026, 11, 24, 9, 0)),
        (WEEKDAYS, riga(2026, 11, 23, 8, 59), False, None, riga(2026, 11, 23, 9, 0)),
        (WEEKDAYS, riga(2026, 11, 27, 18, 0), False, None, riga(2026, 11, 30, 9, 0)),
        (WEEKDAYS, riga(2026, 11, 28, 12, 0), False, None, riga(2026, 11, 30, 9, 0)),
        (SPLIT, riga(2026, 11, 23, 12, 30), False, None, riga(2026, 11, 23, 13, 0)),
        (SPLIT, riga(2026, 11, 23, 13, 30), True, riga(2026, 11, 23, 17, 0), None),
        (SPLIT, riga(2026, 11, 24, 10, 0), False, None, riga(2026, 11, 25, 9, 0)),
        (SPLIT, riga(2026, 11, 28, 11, 0), True, riga(2026, 11, 28, 14, 0), None),
        (ALWAYS, riga(2026, 11, 29, 3, 0), True, None, None),
    ],
)
def test_opening_status(hours, now, is_open, until, next_open):
    status = opening_status(hours, now)
    assert (status.open, status.until, status.next_open) == (is_open, until, next_open)


def test_daylight_saving_change_keeps_local_opening_time():
    # Clocks go back on 2026-10-25 (Sunday); Monday opens at 09:00 local time.
    status = opening_status(WEEKDAYS, riga(2026, 10, 24, 12, 0))
    assert status.next_open == riga(2026, 10, 26, 9, 0)
    assert status.next_open.utcoffset() == dt.timedelta(hours=2)


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        opening_status(WEEKDAYS, dt.datetime(2026, 11, 23, 10, 0))


@pytest.mark.parametrize("raw", [{"weekly": {"mon": "17:00-09:00"}}, {"weekly": {"funday": "09:00-10:00"}}])
def test_bad_hours_are_refused(raw):
    with pytest.raises(ValueError):
        parse_hours(raw)


# Latvia's public holidays close offices with weekly hours (bot/contacts/holidays.py).
@pytest.mark.parametrize(
    "now, next_open",
    [
        (riga(2026, 11, 18, 10, 0), riga(2026, 11, 19, 9, 0)),  # Proclamation Day, a Wednesday
        (riga(2026, 6, 23, 12, 0), riga(2026, 6, 25, 9, 0)),  # Midsummer Eve and Midsummer Day
        (riga(2026, 12, 24, 9, 30), riga(2026, 12, 28, 9, 0)),  # Christmas Eve to the Second Day, then the weekend
        (riga(2026, 12, 31, 8, 0), riga(2027, 1, 4, 9, 0)),  # New Year's Eve and Day, then the weekend
        (riga(2026, 4, 3, 12, 0), riga(2026, 4, 7, 9, 0)),  # Good Friday to Easter Monday
        (riga(2028, 11, 20, 12, 0), riga(2028, 11, 21, 9, 0)),  # 18 November on a Saturday: the Monday off
    ],
)
def test_closed_on_public_holidays(now, next_open):
    status = opening_status(WEEKDAYS, now, latvian_public_holiday)
    assert (status.open, status.holiday, status.next_open) == (False, True, next_open)


@pytest.mark.parametrize(
    "now, is_open, next_open",
    [
        (riga(2026, 11, 17, 18, 0), False, riga(2026, 11, 19, 9, 0)),  # the evening before a holiday
        (riga(2026, 11, 19, 10, 0), True, None),  # the day after
        (riga(2026, 5, 10, 12, 0), False, riga(2026, 5, 11, 9, 0)),  # Mother's Day is a Sunday
    ],
)
def test_ordinary_days_around_holidays(now, is_open, next_open):
    status = opening_status(WEEKDAYS, now, latvian_public_holiday)
    assert (status.open, status.holiday, status.next_open) == (is_open, False, next_open)


def test_round_the_clock_services_stay_open_on_holidays():
    assert opening_status(ALWAYS, riga(2026, 12, 25, 3, 0), latvian_public_holiday).open
