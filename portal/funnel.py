"""The campaign funnel: anonymous weekly counts of how far conversations got, per
campaign, language and channel, pushed by the assistant (POST /api/funnel).

A push holds absolute counts ("this week so far"), so storing keeps, for each
key, the larger of what the table had and what arrived: a push repeated, sent
twice in a different order or after a newer one changes nothing it should not.

`validate_push` is pure and strict, like the intake's validation: every problem
is named as "counts[3].step: ...", unknown keys are refused. docs/funnel.schema.json
describes the same body for the sender; tests/portal/test_funnel_schema.py keeps
the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import FunnelCount
from portal.validation import ValidationError
from portal.vocabulary import CHANNELS, FUNNEL_STEPS

MAX_ROWS = 500
MAX_COUNT = 10**9 - 1
# 500 rows of the longest codes are about 85 KB of JSON: room for spaces, not for more rows.
MAX_BODY_BYTES = 128 * 1024
KEY = ("week", "campaign", "language", "channel", "step")
FIELDS = (*KEY, "count")
WEEK = re.compile(r"^([0-9]{4})-W(0[1-9]|[1-4][0-9]|5[0-3])$")
# The campaign registry's code (bot/campaigns/registry.py), "other" and "direct" included.
CAMPAIGN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
EARLIEST_YEAR = 2020


@dataclass(frozen=True)
class Count:
    week: str
    campaign: str
    language: str
    channel: str
    step: str
    count: int

    @property
    def key(self) -> tuple[str, ...]:
        return (self.week, self.campaign, self.language, self.channel, self.step)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> dt.date:
    """Monday of an ISO week "YYYY-Www"; ValueError if there is no such week."""
    match = WEEK.fullmatch(week)
    if not match:
        raise ValueError(f"not an ISO week: {week!r}")
    return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def _week_problem(value: Any, today: dt.date) -> str | None:
    if not isinstance(value, str) or not WEEK.fullmatch(value):
        return "must be an ISO week YYYY-Www (W01 to W53)"
    try:
        monday = week_start(value)
    except ValueError:
        return "that year has no week 53"
    if monday.year < EARLIEST_YEAR:
        return f"must be from {EARLIEST_YEAR} on"
    if monday > today + dt.timedelta(days=1):  # the sender's Monday may begin before ours
        return "is in the future"
    return None


def _row_problems(row: Any, where: str, today: dt.date) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where}: must be an object"]
    problems = [f"{where}.{key}: required" for key in FIELDS if key not in row]
    problems += [f"{where}.{key}: unknown field" for key in row if key not in FIELDS]
    checks = {
        "week": lambda v: _week_problem(v, today),
        "campaign": lambda v: None if isinstance(v, str) and CAMPAIGN.fullmatch(v) else
        "must be a campaign code (a-z, 0-9 and -, at most 40, not starting or ending with -)",
        "language": lambda v: None if isinstance(v, str) and LANGUAGE.fullmatch(v) else
        "must be two lower-case letters (ISO 639-1)",
        "channel": lambda v: None if isinstance(v, str) and v in CHANNELS else
        f"must be one of {', '.join(CHANNELS)}",
        "step": lambda v: None if isinstance(v, str) and v in FUNNEL_STEPS else
        f"must be one of {', '.join(FUNNEL_STEPS)}",
        # bool is an int in Python, never in the contract
        "count": lambda v: None if type(v) is int and 0 <= v <= MAX_COUNT else
        f"must be a whole number from 0 to {MAX_COUNT}",
    }
    for key, check in checks.items():
        if key in row and (reason := check(row[key])):
            problems.append(f"{where}.{key}: {reason}")
    return problems


def validate_push(payload: Any, today: dt.date | None = None) -> list[Count]:
    """The rows of a push, or ValidationError naming every problem."""
    today = today or dt.date.today()
    if not isinstance(payload, dict):
        raise ValidationError(["body: must be an object {\"counts\": [...]}"])
    problems = [f"{key}: unknown field" for key in payload if key != "counts"]
    rows = payload.get("counts")
    if not isinstance(rows, list):
        raise ValidationError([*problems, "counts: required, a list"])
    if len(rows) > MAX_ROWS:
        raise ValidationError([*problems, f"counts: at most {MAX_ROWS} rows, got {len(rows)}"])
    first_of: dict[tuple, int] = {}
    clean: list[Count] = []
    for index, row in enumerate(rows):
        where = f"counts[{index}]"
        row_problems = _row_problems(row, where, today)
        if row_problems:
            problems += row_problems
            continue
        count = Count(**row)
        # Two counts for one key contradict each other: a sender's bug, refused rather than guessed.
        if count.key in first_of:
            problems.append(f"{where}: repeats the key of counts[{first_of[count.key]}]")
            continue
        first_of[count.key] = index
        clean.append(count)
    if problems:
        raise ValidationError(problems)
    return clean


async def store(session: AsyncSession, counts: list[Count]) -> None:
    """Insert new keys; raise a stored count only when the new one is larger.
    One statement, so concurrent pushes cannot lose the larger value."""
    if not counts:
        return
    dialect = (await session.connection()).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(FunnelCount).values([
        {"week": c.week, "campaign": c.campaign, "language": c.language, "channel": c.channel,
         "step": c.step, "count": c.count}
        for c in counts
    ])
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"count": statement.excluded["count"]},
        where=FunnelCount.count < statement.excluded["count"],
    )
    await session.execute(statement)


@dataclass(frozen=True)
class Period:
    """ISO weeks from `first` to `last`, both included; None = open."""
    first: str | None = None
    last: str | None = None


async def totals(session: AsyncSession, period: Period) -> dict[tuple[str, str], dict[str, int]]:
    """(campaign, language) -> step -> count, summed over the period's weeks and every channel."""
    query = select(FunnelCount.campaign, FunnelCount.language, FunnelCount.step, func.sum(FunnelCount.count))
    if period.first:
        query = query.where(FunnelCount.week >= period.first)
    if period.last:
        query = query.where(FunnelCount.week <= period.last)
    query = query.group_by(FunnelCount.campaign, FunnelCount.language, FunnelCount.step)
    table: dict[tuple[str, str], dict[str, int]] = {}
    for campaign, language, step, count in (await session.execute(query)).all():
        table.setdefault((campaign, language), {})[step] = int(count)
    return table


async def weeks_held(session: AsyncSession) -> tuple[str | None, str | None]:
    """The first and last week any count is held for."""
    first, last = (await session.execute(select(func.min(FunnelCount.week), func.max(FunnelCount.week)))).one()
    return first, last


def oldest_kept_week(retention_weeks: int, today: dt.date) -> str:
    return iso_week(today - dt.timedelta(weeks=retention_weeks))


async def purge(session: AsyncSession, retention_weeks: int, today: dt.date) -> int:
    """Delete the counts of weeks that began more than `retention_weeks` weeks ago."""
    result = await session.execute(
        delete(FunnelCount).where(FunnelCount.week < oldest_kept_week(retention_weeks, today))
    )
    return result.rowcount or 0
