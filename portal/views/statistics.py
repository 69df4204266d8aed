"""Anonymous aggregate counts (portal/stats.py) as charts, tables and CSV, small
counts suppressed: the national view for a coordinator, their provider's for staff."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import text

from portal import intakes, labels, stats
from portal.labels import N_
from portal.models import User
from portal.views.page import Page, page
from portal.vocabulary import COORDINATOR, ROLES

bp = Blueprint("statistics")

TITLES = {
    "week": N_("By week"),
    "language": N_("By language"),
    "channel": N_("By channel"),
    "source": N_("By campaign source"),
    "signal": N_("By signal"),
}


def _scope(user: User) -> tuple[str, ...] | None:
    return None if user.role == COORDINATOR else intakes.visible_providers(user)


def _key_name(view: Page, breakdown: str, key: str) -> str:
    if breakdown == "language":
        return view.language_name(key)
    if breakdown == "signal":
        return view.label(labels.SIGNALS, key)
    if breakdown == "channel":
        return view.label(labels.CHANNELS, key)
    return key


async def _published(view: Page) -> stats.Published:
    return stats.publish(await stats.compute(view.db, _scope(view.user)))


@bp.get("/stats")
@page(*ROLES)
async def show(request: Request, view: Page):
    published = await _published(view)
    charts = []
    for breakdown in stats.BREAKDOWNS:
        title = view.t.gettext(TITLES[breakdown])
        named = [(_key_name(view, breakdown, key), cell) for key, cell in published.by.get(breakdown, [])]
        charts.append({
            "title": title,
            "withheld": breakdown in published.withheld,
            "rows": [(name, cell.text) for name, cell in named],
            "svg": stats.bar_chart(named, title),
        })
    return view.render("stats.html", total=published.total.text, charts=charts)


@bp.get("/stats.csv")
@page(*ROLES)
async def download(request: Request, view: Page):
    published = await _published(view)
    view.audit("stats_export", provider=view.user.provider, format="csv")
    return text(stats.to_csv(published), content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="paligs-stats.csv"'})
