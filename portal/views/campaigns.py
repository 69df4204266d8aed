"""The Campaigns page, for coordinators and admins: which campaign reaches people
(the funnel the assistant counts, funnel_report.py, as charts, a table and CSV)
and the posters, cards and QR codes to hand out (posters.py)."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import file, text

from portal import campaigns, charts, funnel, funnel_report, labels, posters
from portal.funnel import Period
from portal.labels import N_
from portal.views.page import NotFound, Page, page
from portal.vocabulary import ADMIN, COORDINATOR, FUNNEL_STEPS

bp = Blueprint("campaigns")
ROLES = (COORDINATOR, ADMIN)


def _week_arg(value: str | None) -> str | None:
    try:
        return value if value and funnel.week_start(value) else None
    except ValueError:
        return None


def period_of(request: Request) -> Period:
    """The weeks asked for; a value that is not a week is ignored rather than echoed back."""
    first, last = _week_arg(request.args.get("from")), _week_arg(request.args.get("to"))
    if first and last and first > last:
        first, last = last, first
    return Period(first, last)


def campaign_of(request: Request) -> str | None:
    value = request.args.get("campaign")
    return value if value and funnel.CAMPAIGN.fullmatch(value) else None


class Names:
    """What a campaign is called on the page: its name in the registry, a title for
    "other" and "direct", else its code."""

    def __init__(self, view: Page, registry: list[campaigns.Campaign]):
        self.view = view
        self.registered = {campaign.code: campaign.name for campaign in registry}

    def __call__(self, code: str) -> str:
        if code in labels.CAMPAIGNS:
            return self.view.label(labels.CAMPAIGNS, code)
        return self.registered.get(code, code)


async def _report(view: Page, period: Period) -> tuple[funnel_report.Report, list[campaigns.Campaign]]:
    registry = campaigns.load(view.settings.campaigns_path)
    totals = await funnel.totals(view.db, period)
    # In a thread: a long period of many campaigns takes up to a second to protect
    # (bench/run.py suppression), and the portal's other requests must not wait for it.
    report = await asyncio.to_thread(funnel_report.build, totals, [c.code for c in registry])
    return report, registry


def _chart(view: Page, line: funnel_report.Line, title: str):
    steps = [view.label(labels.FUNNEL_STEPS, step) for step in FUNNEL_STEPS]
    bars = [charts.Bar(step, cell.value, cell.text, hidden=cell.suppressed)
            for step, cell in zip(steps, line.cells, strict=True)]
    return charts.bar_chart(bars, title, label_width=250)


def _sections(view: Page, report: funnel_report.Report, chosen: str | None, names: Names) -> list[dict]:
    """Campaign by campaign, a chart per language."""
    sections = []
    for code in (c for c in report.campaigns if chosen in (None, c)):
        lines = [line for line in report.of(code) if not line.is_total]
        sections.append({"title": names(code), "charts": [
            {"title": view.language_name(line.language),
             "svg": _chart(view, line, f"{names(code)}: {view.language_name(line.language)}")}
            for line in lines
        ]})
    return sections


def _posters(view: Page, registry: list[campaigns.Campaign], chosen: str | None) -> tuple[bool, list[dict]]:
    """Whether there is an index, and campaign by campaign (the registry's order) each
    language of the index with the files that can be served, and each language of the
    registry the index lacks (not made yet)."""
    index = posters.read_index(view.settings.posters_dir)
    materials = posters.available(view.settings.posters_dir, index or [])
    listed = {(m.campaign, m.language): m for m in materials if m.files}
    for campaign in registry:
        for language in campaign.languages:
            listed.setdefault((campaign.code, language), None)
    order = funnel_report.campaign_order({code for code, _ in listed}, [c.code for c in registry])
    return index is not None, [{"campaign": code, "language": language, "material": listed[(code, language)]}
                               for code in order if chosen in (None, code)
                               for language in sorted(lang for c, lang in listed if c == code)]


@bp.get("/campaigns")
@page(*ROLES)
async def show(request: Request, view: Page):
    period, chosen = period_of(request), campaign_of(request)
    report, registry = await _report(view, period)
    names = Names(view, registry)
    registered = [c.code for c in registry]
    choices = funnel_report.campaign_order({*report.campaigns, *registered}, registered)
    posters_ready, materials = _posters(view, registry, chosen)
    query = {name: value for name, value in (("from", period.first), ("to", period.last), ("campaign", chosen))
             if value}
    return view.render(
        "campaigns.html",
        period=period, chosen=chosen, choices=[(code, names(code)) for code in choices],
        held=await funnel.weeks_held(view.db),
        lines=report.of(chosen),
        steps=FUNNEL_STEPS, names=names, sections=_sections(view, report, chosen, names),
        csv_url=view.url_for("campaigns.download", **query),
        posters_ready=posters_ready, materials=materials,
    )


@bp.get("/campaigns.csv")
@page(*ROLES)
async def download(request: Request, view: Page):
    period, chosen = period_of(request), campaign_of(request)
    report, registry = await _report(view, period)
    view.audit("stats_export", provider=view.user.provider, format="csv", table="campaigns",
               weeks=f"{period.first or ''}..{period.last or ''}", campaign=chosen or "")
    filename = "paligs-campaigns" + "".join(f"-{part}" for part in (chosen, period.first, period.last) if part)
    return text(funnel_report.to_csv(report.of(chosen), Names(view, registry)),
                content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


@bp.get("/campaigns/posters/<campaign:str>/<language:str>/<kind:str>")
@page(*ROLES)
async def poster(request: Request, view: Page, campaign: str, language: str, kind: str):
    """A file the index lists, from inside the posters folder; anything else is 404."""
    directory = view.settings.posters_dir
    name = posters.find(posters.read_index(directory) or [], campaign, language, kind)
    path = posters.resolve(directory, name) if name else None
    if path is None:
        raise NotFound(N_("No such file."))
    # the download's name says which campaign and language, whatever the folder layout
    named = path.name if path.name.startswith(f"{campaign}-{language}") else f"{campaign}-{language}-{path.name}"
    return await file(path, mime_type=posters.content_type(path), filename=f"paligs-{named}")
