"""Anonymous aggregate statistics for the coordinator and the providers.

The same intakes are counted five ways (by week, language, channel, campaign
source and signal) under one total, and the five are published together: in the
page, the charts, the CSV and `python -m portal stats`. A reader knows that each
adds up to the total, so they are protected together
(`suppression.protect_breakdowns`): a count of 1 to 4 is "<5", a number hidden as
well so that no such count can be worked out from the total and the other counts
is "x", and a breakdown that would give one away even so (only with very few
intakes) is withheld. A key is listed only when it was counted. The order of a
list says nothing about what it hides: shown counts largest first, then "x", then
"<5" (weeks in calendar order). Charts are server-rendered SVG: no script, no CDN.
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
from portal.suppression import Cell, Mark, protect_breakdowns

# How the counts are broken down, in display order (the CSV calls it "dimension").
BREAKDOWNS = ("week", "language", "channel", "source", "signal")
NONE = "-"  # the key of intakes without a value (no campaign source)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Aggregates:
    """The true counts: never published as they are (see `publish`)."""
    total: int
    by: dict[str, dict[str, int]]  # breakdown -> key -> count, only keys counted


@dataclass(frozen=True)
class Published:
    """What a reader sees."""
    total: Cell
    by: dict[str, list[tuple[str, Cell]]]  # breakdown -> [(key, cell)] in display order; none withheld
    withheld: tuple[str, ...]


async def compute(session: AsyncSession, providers: tuple[str, ...] | None) -> Aggregates:
    """providers None = every intake (the coordinator's national view). One query, so
    that the five breakdowns count the same intakes and add up to the same total."""
    columns = (Intake.created_on, Intake.language, Intake.channel, Intake.source, Intake.signal)
    query = select(*columns, func.count()).group_by(*columns)
    if providers is not None:
        query = query.where(Intake.provider.in_(providers))
    by: dict[str, Counter[str]] = {name: Counter() for name in BREAKDOWNS}
    total = 0
    for day, language, channel, source, signal, count in (await session.execute(query)).all():
        total += count
        for name, key in zip(BREAKDOWNS, (iso_week(day), language, channel, source, signal), strict=True):
            by[name][key or NONE] += count
    return Aggregates(total=total, by={name: dict(counts) for name, counts in by.items()})


def _display_order(item: tuple[str, Cell]) -> tuple:
    """From what is published only: a hidden count's place must not hint at its size."""
    key, cell = item
    rank = {Mark.SHOWN: 0, Mark.HIDDEN: 1, Mark.SMALL: 2}[cell.mark]
    return rank, -cell.value if cell.mark is Mark.SHOWN else 0, key


def publish(aggregates: Aggregates) -> Published:
    # Keys in a fixed order: which counts are hidden must not depend on how the database sorted them.
    protected = protect_breakdowns(aggregates.total, {
        name: dict(sorted(aggregates.by.get(name, {}).items())) for name in BREAKDOWNS
    })
    by = {name: sorted(cells.items(), key=(lambda item: item[0]) if name == "week" else _display_order)
          for name, cells in protected.by.items()}
    return Published(total=protected.total, by=by, withheld=tuple(str(name) for name in protected.withheld))


def to_csv(published: Published) -> str:
    """dimension,key,count: the total first, then each breakdown published (a withheld
    one has no lines), each number as the page shows it ("<5", "x")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimension", "key", "count"])
    writer.writerow(["total", "all", published.total.text])
    for breakdown in BREAKDOWNS:
        for key, cell in published.by.get(breakdown, []):
            # A leading =, +, - or @ would run as a formula in a spreadsheet.
            safe_key = "'" + key if key[:1] in ("=", "+", "-", "@") and key != NONE else key
            writer.writerow([breakdown, safe_key, cell.text])
    return out.getvalue()


def bar_chart(items: list[tuple[str, Cell]], title: str) -> Markup:
    """Horizontal bars; a hidden count ("<5" or "x") is drawn as a short pale stub."""
    return charts.bar_chart([Bar(key, cell.value, cell.text, hidden=cell.suppressed) for key, cell in items], title)
