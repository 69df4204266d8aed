"""The intakes as JSON for authenticated staff tooling (GET only, no contact
details, audit-logged): /portal/api/intakes with the queue's filters, and
/portal/api/intakes/<reference>."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import json

from portal import intakes
from portal.views.intake import get_intake
from portal.views.page import Page, page
from portal.views.queue import filters_of
from portal.vocabulary import STAFF_ROLES

bp = Blueprint("staff_api", url_prefix="/api/intakes")


@bp.get("/")
@page(*STAFF_ROLES, json_api=True)
async def listing(request: Request, view: Page):
    rows = await intakes.queue(view.db, view.user, filters_of(request))
    view.audit("api_list", provider=view.user.provider, shown=len(rows))
    return json({"intakes": [intakes.to_json(row) for row in rows]})


@bp.get("/<reference:str>")
@page(*STAFF_ROLES, json_api=True)
async def one(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    view.audit("export", provider=intake.provider, reference=intake.reference, format="json")
    return json(intakes.to_json(intake))
