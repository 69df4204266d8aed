"""Latvia's public holidays, on which offices with weekly hours are closed.

The dates come from the maintained `holidays` package (moving feasts such as
Easter, and the Monday off when 4 May or 18 November falls on a weekend); it is
asked once per year and kept.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import FrozenSet

import holidays

COUNTRY = "LV"


@lru_cache(maxsize=8)
def _holidays_of(year: int) -> FrozenSet[dt.date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year))


def latvian_public_holiday(day: dt.date) -> bool:
    return day in _holidays_of(day.year)
