"""For a provider's admins: the audit log of their staff and intakes, and
their provider's user accounts (add, disable, reset the authenticator).

An admin never sees a password or a TOTP secret: adding a user, or resetting
their authenticator, makes a one-time link with which the person sets their own."""

from __future__ import annotations

import datetime as dt

from sanic import Blueprint, Request
from sqlalchemy import delete, select

from portal import audit, auth
from portal.labels import N_
from portal.models import Session, User, utcnow
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
        account = auth.new_account(email, view.user.provider, role, language)
    except auth.AuthError:
        return await _users_page(view, 422, N_("Enter a valid e-mail address."))
    view.db.add(account)
    await view.db.flush()
    view.audit("user_add", provider=view.user.provider, email=account.email, role=role)
    return await _link_page(view, account, auth.ENROL)


async def _link_page(view: Page, account: User, purpose: str):
    """A new one-time link for `account`, shown once (only its HMAC is stored)."""
    token = await auth.issue_link(view.db, view.settings.session_secret, account, purpose, view.settings.enrol_hours)
    link = view.settings.public_url + view.url_for("account.enrol_form", token=token)
    expires = utcnow() + dt.timedelta(hours=view.settings.enrol_hours)
    return view.render("user_created.html", account=account, link=link, expires=expires)


async def _own_user(view: Page, user_id: int) -> User:
    """Another user of the admin's provider, or NotFound."""
    target = await view.db.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if target is None or target.provider != view.user.provider or target.id == view.user.id:
        raise NotFound(N_("No such user."))
    return target


@bp.post("/users/<user_id:int>/totp-reset")
@page(ADMIN)
async def reset_totp(request: Request, view: Page, user_id: int):
    """The person lost their authenticator: it stops working now, their sessions end,
    and a link lets them set a new one with their password (or enrol, if they never did)."""
    target = await _own_user(view, user_id)
    if not target.active:
        raise NotFound(N_("No such user."))
    target.totp_sealed = target.totp_key_id = None
    await view.db.execute(delete(Session).where(Session.user_id == target.id))
    view.audit("totp_reset", provider=view.user.provider, email=target.email)
    return await _link_page(view, target, auth.ENROL if target.password_hash is None else auth.TOTP_RESET)


@bp.post("/users/<user_id:int>/disable")
@page(ADMIN)
async def disable_user(request: Request, view: Page, user_id: int):
    target = await _own_user(view, user_id)
    target.active = False
    await view.db.execute(delete(Session).where(Session.user_id == target.id))
    view.audit("user_disable", provider=view.user.provider, email=target.email)
    return see_other(view.url_for("admin.users"))
