"""One intake and what staff do with it: read it, reveal the contact details,
move its status on, assign it, add notes. Every step is in the audit log.

An intake of another provider does not exist for the user (404), whichever
way they ask for it.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from portal import audit, intakes, labels
from portal.labels import N_
from portal.models import Intake
from portal.validation import REFERENCE
from portal.views.page import NotFound, Page, page, see_other
from portal.vocabulary import STAFF_ROLES

bp = Blueprint("intake", url_prefix="/intakes")

NOTE_LIMIT = 4000


async def get_intake(view: Page, reference: str) -> Intake:
    """The intake this user may see, or NotFound."""
    intake = None
    if REFERENCE.fullmatch(reference):
        intake = await intakes.visible_by_reference(view.db, view.user, reference)
    if intake is None:
        raise NotFound(N_("No such intake."))
    return intake


def _indicator_rows(view: Page, intake: Intake) -> list[dict]:
    """Each answer with the indicator's staff label (an unknown id is shown as sent)."""
    staff_labels = view.request.app.ctx.indicator_labels
    rows = []
    for item in intake.indicators:
        staff_label = staff_labels.get(item["id"])
        rows.append({
            "label": view.t.pgettext("indicator", staff_label) if staff_label else item["id"],
            "dimension": view.label(labels.INDICATOR_DIMENSIONS, item["dimension"]),
            "strength": view.label(labels.STRENGTHS, item["strength"]),
            "answer": item["answer"],
        })
    return rows


async def _render(view: Page, intake: Intake, status: int = 200, revealed: dict | None = None,
                  error: str | None = None) -> HTTPResponse:
    """The intake page; `error` is a msgid."""
    assignable = await intakes.assignable_users(view.db, intake)
    return view.render(
        "intake.html",
        status=status,
        intake=intake,
        indicators=_indicator_rows(view, intake),
        notes=await intakes.notes(view.db, view.ring, intake, view.user.provider),
        history=await audit.events_for_reference(view.db, intake.reference, view.user.provider),
        transitions=intakes.TRANSITIONS.get(intake.status, ()),
        assignable=assignable,
        assignee=next((user for user in assignable if user.id == intake.assigned_to), None),
        revealed=revealed,
        error=view.t.gettext(error) if error else None,
    )


def _back_to(view: Page, intake: Intake, anchor: str = "") -> HTTPResponse:
    return see_other(view.url_for("intake.detail", reference=intake.reference) + anchor)


@bp.get("/<reference:str>")
@page(*STAFF_ROLES)
async def detail(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    view.audit("view", provider=intake.provider, reference=intake.reference)
    return await _render(view, intake)


@bp.post("/<reference:str>/reveal")
@page(*STAFF_ROLES)
async def reveal(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    contact = intakes.contact(view.ring, intake)
    if contact is None:
        return await _render(view, intake, status=409, error=N_("There are no contact details to show."))
    view.audit("reveal", provider=intake.provider, reference=intake.reference)
    return await _render(view, intake, revealed=contact)


@bp.post("/<reference:str>/status")
@page(*STAFF_ROLES)
async def change_status(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    target = request.form.get("status") or ""
    before = intake.status
    try:
        claimed = await intakes.set_status(view.db, intake, target, view.user.provider)
    except intakes.NotAllowed:
        return await _render(view, intake, status=409, error=N_("This status change is not possible."))
    except intakes.Taken:  # another provider acknowledged it first: it is theirs now
        raise NotFound(N_("No such intake.")) from None
    if claimed:
        view.audit("claim", provider=intake.provider, reference=intake.reference, claimed_by=view.user.provider)
    view.audit("status", provider=intake.provider, reference=intake.reference, before=before, after=target)
    return _back_to(view, intake)


@bp.post("/<reference:str>/assign")
@page(*STAFF_ROLES)
async def assign(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    wanted = request.form.get("user") or ""
    assignee = None
    if wanted:
        candidates = await intakes.assignable_users(view.db, intake)
        assignee = next((user for user in candidates if str(user.id) == wanted), None)
        if assignee is None:
            return await _render(view, intake, status=409, error=N_("This person cannot take the intake."))
    await intakes.assign(view.db, intake, assignee)
    view.audit("assign", provider=intake.provider, reference=intake.reference,
               assignee=assignee.email if assignee else None)
    return _back_to(view, intake)


@bp.post("/<reference:str>/notes")
@page(*STAFF_ROLES)
async def add_note(request: Request, view: Page, reference: str):
    intake = await get_intake(view, reference)
    note = (request.form.get("note") or "").strip()
    if not note or len(note) > NOTE_LIMIT:
        return await _render(view, intake, status=422, error=N_("A note needs 1 to 4000 characters."))
    await intakes.add_note(view.db, view.ring, intake, view.user, note)
    view.audit("note", provider=intake.provider, reference=intake.reference)
    return _back_to(view, intake, "#notes")
