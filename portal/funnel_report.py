"""The campaign funnel as the Campaigns page and its CSV publish it (pure).

One table per period: a line per campaign and language with its total, and the
column totals over all of them; a column per step in funnel order. Small counts
are suppressed on that whole table at once (suppression.py). Choosing one
campaign shows its lines of the same table and the same column totals, never
a table of its own, so two views cannot be set against each other to uncover
a hidden number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from portal.suppression import TOTAL, Cell, protect
from portal.vocabulary import FUNNEL_STEPS, NO_CAMPAIGN, OTHER_CAMPAIGN

ALL = "all"  # a total line's campaign and language in the CSV


@dataclass(frozen=True)
class Line:
    campaign: str | None  # None: the column totals over all campaigns and languages
    language: str | None
    cells: tuple[Cell, ...]  # one per step of FUNNEL_STEPS
    total: Cell

    @property
    def is_total(self) -> bool:
        return self.campaign is None


@dataclass(frozen=True)
class Report:
    lines: tuple[Line, ...]  # campaign by campaign, language by language; the column totals last

    @property
    def campaigns(self) -> list[str]:
        return list(dict.fromkeys(line.campaign for line in self.lines if not line.is_total))

    def of(self, campaign: str | None) -> list[Line]:
        """One campaign's lines and the column totals (every line for None); none when
        nothing was counted for it."""
        chosen = [line for line in self.lines if campaign in (None, line.campaign) and not line.is_total]
        return [*chosen, self.lines[-1]] if chosen else []


def campaign_order(codes: Iterable[str], registered: Sequence[str]) -> list[str]:
    """Registered campaigns in the registry's order, then other codes by name, then
    "other" (unregistered links) and "direct" (no campaign)."""
    codes = set(codes)
    last = (OTHER_CAMPAIGN, NO_CAMPAIGN)
    known = [code for code in registered if code in codes and code not in last]
    rest = sorted(codes - set(known) - set(last))
    return known + rest + [code for code in last if code in codes]


def build(totals: Mapping[tuple[str, str], Mapping[str, int]], registered: Sequence[str] = ()) -> Report:
    """The published table from (campaign, language) -> step -> count."""
    order = [(campaign, language)
             for campaign in campaign_order((c for c, _ in totals), registered)
             for language in sorted(lang for c, lang in totals if c == campaign)]
    # In display order: which cells are hidden must not depend on how the database sorted them.
    table = protect({key: totals[key] for key in order}, FUNNEL_STEPS)

    def line(key, cells) -> Line:
        campaign, language = key if key is not TOTAL else (None, None)
        return Line(campaign, language, tuple(cells[step] for step in FUNNEL_STEPS), cells[TOTAL])

    return Report(tuple(line(key, table[key]) for key in [*order, TOTAL]))


def _spreadsheet_safe(text: str) -> str:
    """A leading =, +, - or @ would run as a formula in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(lines: Iterable[Line], campaign_name: Callable[[str], str]) -> str:
    """The table as CSV: codes for machines, the campaign's name for people, "all" on the
    totals line, and each number as the page shows it ("<5", "x")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["campaign", "campaign_name", "language", *FUNNEL_STEPS, "total"])
    for line in lines:
        writer.writerow([
            line.campaign or ALL,
            "" if line.is_total else _spreadsheet_safe(campaign_name(line.campaign)),
            line.language or ALL,
            *(cell.text for cell in line.cells),
            line.total.text,
        ])
    return out.getvalue()
