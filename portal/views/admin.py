"""For a provider's admins: the audit log of their staff and intakes, and
their provider's user accounts (add, disable)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sqlalchemy import delete, select

from portal import audit, auth
from portal.labels import N_
from portal.models import Session, User
from portal.views.page import NotFound, Page, page, see_other
from portal.views.queue import provider_users
from portal.vocabulary import ADMIN, STAFF_LANGUAGES, STAFF_ROLES

bp = Blueprint("admin")

MAX_ID = 2**31 - 1  # the largest id an integer column holds (PostgreSQL refuses more)


@bp.get("/audit")
@page(ADMIN)
async def audit_log(request: Request, view: Page):
    events = await audit.events_for_provider(view.db, view.user.provider)
    return view.render("audit.html", events=events)


async def _users_page(view: Page, status: int = 200, error: str | None = None):
    """The provider's users and the form to add one; `error` is a msgid."""
    return view.render("users.html", status=status, users=await provider_users(view), roles=STAFF_ROLES,
                       languages=STAFF_LANGUAGES, error=view.t.gettext(error) if error else None)


@bp.get("/users")
@page(ADMIN)
async def users(request: Request, view: Page):
    return await _users_page(view)


@bp.post("/users")
@page(ADMIN)
async def add_user(request: Request, view: Page):
    email = auth.normal_email(request.form.get("email"))
    role = request.form.get("role") or ""
    language = request.form.get("language") or ""
    if role not in STAFF_ROLES:
        return await _users_page(view, 422, N_("Choose a role."))
    if email and await view.db.scalar(select(User).where(User.email == email)):
        return await _users_page(view, 409, N_("This e-mail already has an account."))
    try:
        made = auth.make_user(view.ring, email, view.user.provider, role, language=language)
    except auth.AuthError:
        return await _users_page(view, 422, N_("Enter a valid e-mail address."))
    view.db.add(made.user)
    view.audit("user_add", provider=view.user.provider, email=made.user.email, role=role)
    # Shown once, to hand over in person; never stored in clear.
    return view.render("user_created.html", made=made)


@bp.post("/users/<user_id:int>/disable")
@page(ADMIN)
async def disable_user(request: Request, view: Page, user_id: int):
    target = await view.db.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if target is None or target.provider != view.user.provider or target.id == view.user.id:
        raise NotFound(N_("No such user."))
    target.active = False
    await view.db.execute(delete(Session).where(Session.user_id == target.id))
    view.audit("user_disable", provider=view.user.provider, email=target.email)
    return see_other(view.url_for("admin.users"))
