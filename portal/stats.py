"""Anonymous aggregate statistics for the coordinator and the providers.

Counts of 1 to 4 are shown as "<5" (in the page, the charts and the CSV), so
that a small group cannot be singled out. Charts are server-rendered SVG: no
script, no CDN.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import charts
from portal.charts import Bar
from portal.models import Intake

THRESHOLD = 5
# How the counts are broken down, in display order (the CSV calls it "dimension").
BREAKDOWNS = ("week", "language", "channel", "source", "signal")


def shown(count: int) -> str:
    """What a reader sees for a count."""
    return "<5" if 0 < count < THRESHOLD else str(count)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Aggregates:
    total: int
    by: dict[str, list[tuple[str, int]]]  # breakdown -> [(key, count)], in display order


async def compute(session: AsyncSession, providers: tuple[str, ...] | None) -> Aggregates:
    """providers None = every intake (the coordinator's national view)."""
    def scoped(query):
        return query if providers is None else query.where(Intake.provider.in_(providers))

    by: dict[str, list[tuple[str, int]]] = {}
    days = (await session.execute(scoped(select(Intake.created_on, func.count()).group_by(Intake.created_on)))).all()
    weeks: Counter[str] = Counter()
    for day, count in days:
        weeks[iso_week(day)] += count
    by["week"] = sorted(weeks.items())
    for name, column in (("language", Intake.language), ("channel", Intake.channel),
                         ("source", Intake.source), ("signal", Intake.signal)):
        rows = (await session.execute(scoped(select(column, func.count()).group_by(column)))).all()
        by[name] = sorted(((key or "-", count) for key, count in rows), key=lambda item: (-item[1], item[0]))
    return Aggregates(total=sum(weeks.values()), by=by)


def to_csv(aggregates: Aggregates) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimension", "key", "count"])
    writer.writerow(["total", "all", shown(aggregates.total)])
    for breakdown in BREAKDOWNS:
        for key, count in aggregates.by.get(breakdown, []):
            # A leading =, +, - or @ would run as a formula in a spreadsheet.
            safe_key = "'" + key if key[:1] in ("=", "+", "-", "@") and key != "-" else key
            writer.writerow([breakdown, safe_key, shown(count)])
    return out.getvalue()


def bar_chart(items: list[tuple[str, int]], title: str) -> Markup:
    """Horizontal bars; a suppressed count is drawn as a short pale stub."""
    return charts.bar_chart([Bar(key, count, shown(count), hidden=0 < count < THRESHOLD) for key, count in items],
                            title)
