"""Logging in (password, then a TOTP code), logging out, and the page language.

The password step opens a session that counts only after the second factor;
the TOTP step replaces it with a fresh token. Both forms carry CSRF tokens:
the login form a signed double-submit token (there is no session yet).
"""

from __future__ import annotations

import secrets

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from portal import audit, auth
from portal.i18n import negotiate
from portal.labels import N_
from portal.views.page import (
    FORM_EXPIRED,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Page,
    clear_cookie,
    client_of,
    home_url,
    page,
    read_cookie,
    see_other,
    set_cookie,
)
from portal.vocabulary import ROLES, STAFF_LANGUAGES

bp = Blueprint("account")

TOO_MANY = N_("Too many failed attempts. Wait 15 minutes and try again.")


@bp.get("/")
@page(*ROLES)
async def index(request: Request, view: Page):
    return see_other(home_url(request, view.user))


# --- password ---------------------------------------------------------------------

def _login_language(request: Request) -> str:
    wanted = request.args.get("lang")
    if not wanted and request.method == "POST":
        wanted = request.form.get("lang")
    return wanted if wanted in STAFF_LANGUAGES else negotiate(request.headers.get("accept-language"))


def _login_page(request: Request, status: int = 200, email: str = "", error: str | None = None) -> HTTPResponse:
    """The login form, with a pre-login CSRF token bound to a cookie; `error` is a msgid."""
    view = Page(request, None, None, _login_language(request))
    nonce = read_cookie(request, LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = view.render("login.html", status=status, email=email, error=view.t.gettext(error) if error else None,
                           login_csrf=auth.pre_login_csrf(view.settings.session_secret, nonce))
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


@bp.get("/login")
async def login_form(request: Request):
    return _login_page(request)


@bp.post("/login")
async def login(request: Request):
    settings = request.app.ctx.settings
    nonce = read_cookie(request, LOGIN_COOKIE)
    given = request.form.get("csrf") or ""
    if not nonce or not secrets.compare_digest(auth.pre_login_csrf(settings.session_secret, nonce), given):
        return _login_page(request, status=403, error=N_("The form expired. Please try again."))
    email = auth.normal_email(request.form.get("email"))
    password = request.form.get("password") or ""
    client = client_of(request)
    async with request.app.ctx.sessions.begin() as db:
        if await auth.throttled(db, email, client, settings.login_max_failures, settings.login_window_minutes):
            return _login_page(request, status=429, email=email, error=TOO_MANY)
        user = await auth.authenticate(db, email, password)
        auth.record_attempt(db, email, client, user is not None)
        if user is None:
            audit.record(db, "login_failed", email or "?", stage="password")
            return _login_page(request, status=401, email=email, error=N_("Wrong e-mail or password."))
        token = await auth.start_session(db, settings.session_secret, user)
    response = see_other(request.app.url_for("account.totp_form"))
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


# --- second factor ----------------------------------------------------------------

async def _pending(request: Request, db) -> auth.Current | None:
    """The session that passed the password step and waits for its code."""
    settings = request.app.ctx.settings
    current = await auth.load_session(db, settings.session_secret, read_cookie(request, SESSION_COOKIE),
                                      settings.idle_minutes, settings.session_hours)
    return current if current and not current.row.second_factor_done else None


@bp.get("/login/totp")
async def totp_form(request: Request):
    async with request.app.ctx.sessions.begin() as db:
        current = await _pending(request, db)
        if current is None:
            return see_other(request.app.url_for("account.login_form"))
        return Page(request, db, current, current.user.language).render("totp.html")


@bp.post("/login/totp")
async def totp(request: Request):
    settings = request.app.ctx.settings
    async with request.app.ctx.sessions.begin() as db:
        current = await _pending(request, db)
        if current is None:
            return see_other(request.app.url_for("account.login_form"))
        view = Page(request, db, current, current.user.language)
        if not auth.csrf_ok(settings.session_secret, current.token, request.form.get("csrf")):
            return view.error(403, FORM_EXPIRED)
        user, client = current.user, client_of(request)
        if await auth.throttled(db, user.email, client, settings.login_max_failures, settings.login_window_minutes):
            await auth.end_session(db, settings.session_secret, current.token)
            return view.render("totp.html", status=429, error=view.t.gettext(TOO_MANY))
        if not auth.check_totp(view.ring, user, request.form.get("code") or ""):
            auth.record_attempt(db, user.email, client, False)
            audit.record(db, "login_failed", user.email, actor_provider=user.provider, stage="totp")
            return view.render("totp.html", status=401, error=view.t.gettext("Wrong or expired code."))
        auth.record_attempt(db, user.email, client, True)
        token = await auth.complete_session(db, settings.session_secret, current.token, user)
        audit.record(db, "login", user.email, actor_provider=user.provider)
    response = see_other(home_url(request, user))
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_COOKIE)
    return response


# --- the session ------------------------------------------------------------------

@bp.post("/logout")
@page(*ROLES)
async def logout(request: Request, view: Page):
    await auth.end_session(view.db, view.settings.session_secret, view.current.token)
    view.audit("logout")
    response = see_other(view.url_for("account.login_form"))
    clear_cookie(request, response, SESSION_COOKIE)
    return response


@bp.post("/language")
@page(*ROLES)
async def set_language(request: Request, view: Page):
    language = request.form.get("language")
    if language in STAFF_LANGUAGES:
        view.user.language = language
    back = request.form.get("next") or ""
    # Only our own pages: an open redirect would help phishing.
    portal = view.url_for("account.index").rstrip("/") + "/"
    if not back.startswith(portal) or back.startswith("//") or "\\" in back:
        back = home_url(request, view.user)
    return see_other(back)
