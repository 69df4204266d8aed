"""The queue: a provider's intakes, urgent first, with filters."""

from __future__ import annotations

import datetime as dt

from sanic import Blueprint, Request
from sqlalchemy import select

from portal import intakes
from portal.models import User
from portal.validation import LANGUAGE
from portal.views.page import Page, page
from portal.vocabulary import SIGNALS, STAFF_ROLES, STATUSES

bp = Blueprint("queue")


def _date_arg(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_of(request: Request) -> intakes.QueueFilter:
    """The filters in the query string; unknown values are ignored rather than echoed back."""
    args = request.args
    status = args.get("status")
    language = args.get("language")
    signal = args.get("signal")
    return intakes.QueueFilter(
        status=status if status in STATUSES else None,
        language=language if language and LANGUAGE.fullmatch(language) else None,
        signal=signal if signal in SIGNALS else None,
        date_from=_date_arg(args.get("from")),
        date_to=_date_arg(args.get("to")),
        mine=args.get("mine") == "1",
    )


async def provider_users(view: Page) -> list[User]:
    return list((await view.db.scalars(select(User).where(User.provider == view.user.provider))).all())


@bp.get("/intakes")
@page(*STAFF_ROLES)
async def show(request: Request, view: Page):
    filters = filters_of(request)
    rows = await intakes.queue(view.db, view.user, filters)
    view.audit("view_queue", provider=view.user.provider, shown=len(rows))
    assignees = {user.id: user.email for user in await provider_users(view)}
    return view.render("queue.html", intakes=rows, filters=filters, assignees=assignees,
                       statuses=STATUSES, signals=SIGNALS)
