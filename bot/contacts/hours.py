"""Opening hours: is an organisation open now, until when, and when it opens next.

Pure functions on timezone-aware datetimes; the caller passes "now" in
Europe/Riga time so that tests can pin any moment, and `closed_on`, the days an
office with weekly hours stays shut whatever its hours say (Latvia's public
holidays, bot/contacts/holidays.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Interval = Tuple[dt.time, dt.time]
ClosedOn = Callable[[dt.date], bool]
# Far enough to pass the longest run of holidays and weekend (Christmas to New Year).
LOOK_AHEAD_DAYS = 21


def never_closed(day: dt.date) -> bool:
    return False


@dataclass(frozen=True)
class WeeklyHours:
    always: bool
    by_weekday: Dict[int, List[Interval]]


@dataclass(frozen=True)
class OpeningStatus:
    open: bool
    always: bool = False
    until: Optional[dt.datetime] = None
    next_open: Optional[dt.datetime] = None
    holiday: bool = False  # closed today because it is a public holiday


def _parse_days(spec: str) -> List[int]:
    days: List[int] = []
    for part in spec.split(","):
        part = part.strip().lower()
        if "-" in part:
            first, last = (DAYS.index(p) for p in part.split("-"))
            days.extend(range(first, last + 1))
        else:
            days.append(DAYS.index(part))
    return days


def _parse_intervals(spec: str) -> List[Interval]:
    intervals = []
    for part in spec.split(","):
        start, end = (dt.time.fromisoformat(p.strip()) for p in part.split("-"))
        if end <= start:
            raise ValueError(f"opening interval ends before it starts: {part!r}")
        intervals.append((start, end))
    return sorted(intervals)


def parse_hours(raw: dict) -> WeeklyHours:
    """{always: true} or {weekly: {"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}}."""
    if raw.get("always"):
        return WeeklyHours(always=True, by_weekday={})
    by_weekday: Dict[int, List[Interval]] = {}
    for days, intervals in raw["weekly"].items():
        for day in _parse_days(days):
            by_weekday.setdefault(day, []).extend(_parse_intervals(intervals))
    return WeeklyHours(always=False, by_weekday={d: sorted(v) for d, v in by_weekday.items()})


def opening_status(hours: WeeklyHours, now: dt.datetime, closed_on: ClosedOn = never_closed) -> OpeningStatus:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if hours.always:
        return OpeningStatus(open=True, always=True)
    holiday = closed_on(now.date())
    if not holiday:
        for start, end in hours.by_weekday.get(now.weekday(), []):
            if start <= now.time() < end:
                return OpeningStatus(open=True, until=_at(now.date(), end, now))
    return OpeningStatus(
        open=False,
        next_open=_next_opening(hours, now, closed_on),
        holiday=holiday and bool(hours.by_weekday.get(now.weekday())),
    )


def _at(day: dt.date, time: dt.time, now: dt.datetime) -> dt.datetime:
    naive = dt.datetime.combine(day, time)
    tz = now.tzinfo
    localize = getattr(tz, "localize", None)  # pytz zones need localize()
    return localize(naive) if localize else naive.replace(tzinfo=tz)


def _next_opening(hours: WeeklyHours, now: dt.datetime, closed_on: ClosedOn) -> Optional[dt.datetime]:
    for offset in range(0, LOOK_AHEAD_DAYS):
        day = now.date() + dt.timedelta(days=offset)
        if closed_on(day):
            continue
        for start, _end in hours.by_weekday.get(day.weekday(), []):
            if offset > 0 or start > now.time():
                return _at(day, start, now)
    return None
