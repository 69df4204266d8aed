"""Logging in (password, then a TOTP code), enrolling through a one-time link,
changing the password, logging out, and the page language.

The password step opens a session that counts only after the second factor;
the TOTP step replaces it with a fresh token. Every form carries a CSRF token:
the login and enrolment forms a signed double-submit token (there is no
session yet). Each attempt is counted (auth.claim_attempt) before anything is
checked; argon2 runs in a worker thread, outside any database transaction.
"""

from __future__ import annotations

import secrets

from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sqlalchemy import delete

from portal import audit, auth
from portal.i18n import negotiate
from portal.labels import N_
from portal.models import Session as SessionRow
from portal.models import User
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

TOO_MANY = N_("Too many failed attempts. Wait a moment and try again.")
WRONG_CODE = N_("Wrong or expired code.")


@bp.get("/")
@page(*ROLES)
async def index(request: Request, view: Page):
    return see_other(home_url(request, view.user))


def _too_many(response: HTTPResponse, wait: int) -> HTTPResponse:
    response.headers["Retry-After"] = str(wait)
    return response


# --- password ---------------------------------------------------------------------

def _login_language(request: Request) -> str:
    wanted = request.args.get("lang")
    if not wanted and request.method == "POST":
        wanted = request.form.get("lang")
    return wanted if wanted in STAFF_LANGUAGES else negotiate(request.headers.get("accept-language"))


def _anonymous_page(request: Request, template: str, status: int = 200, error: str | None = None,
                    **context) -> HTTPResponse:
    """A page before login (login, enrolment), with a pre-login CSRF token bound to a cookie;
    `error` is a msgid."""
    view = Page(request, None, None, _login_language(request))
    nonce = read_cookie(request, LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = view.render(template, status=status, error=view.t.gettext(error) if error else None,
                           login_csrf=auth.pre_login_csrf(view.settings.session_secret, nonce), **context)
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


def _login_page(request: Request, status: int = 200, email: str = "", error: str | None = None) -> HTTPResponse:
    return _anonymous_page(request, "login.html", status, error, email=email)


def _pre_login_csrf_ok(request: Request) -> bool:
    nonce = read_cookie(request, LOGIN_COOKIE)
    given = request.form.get("csrf") or ""
    return bool(nonce) and secrets.compare_digest(auth.pre_login_csrf(request.app.ctx.settings.session_secret, nonce),
                                                  given)


@bp.get("/login")
async def login_form(request: Request):
    return _login_page(request)


@bp.post("/login")
async def login(request: Request):
    settings = request.app.ctx.settings
    if not _pre_login_csrf_ok(request):
        return _login_page(request, status=403, error=N_("The form expired. Please try again."))
    email = auth.normal_email(request.form.get("email"))
    password = request.form.get("password") or ""
    limits = auth.Limits.of(settings)
    keys = auth.login_keys(settings.session_secret, email, client_of(request), limits)
    # Counted before the password is checked, in its own transaction: racing requests cannot pass the limit.
    wait = await auth.claim_attempt(request.app.ctx.sessions, keys, limits)
    if wait is not None:
        return _too_many(_login_page(request, status=429, email=email, error=TOO_MANY), wait)
    async with request.app.ctx.sessions() as db:
        user = await auth.find_user(db, email)
    # argon2 in a worker thread, outside any transaction (an unknown account costs the same time).
    if not await auth.check_password_off_loop(user.password_hash if user else None, password) or user is None:
        async with request.app.ctx.sessions.begin() as db:
            # Never what was typed: the account when it exists, otherwise nobody.
            audit.record(db, "login_failed", user.email if user else "?",
                         actor_provider=user.provider if user else None, stage="password")
        return _login_page(request, status=401, email=email, error=N_("Wrong e-mail or password."))
    async with request.app.ctx.sessions.begin() as db:
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
    limits = auth.Limits.of(settings)
    async with request.app.ctx.sessions() as db:
        current = await _pending(request, db)
        await db.commit()
        if current is None:
            return see_other(request.app.url_for("account.login_form"))
        view = Page(request, db, current, current.user.language)
        if not auth.csrf_ok(settings.session_secret, current.token, request.form.get("csrf")):
            return view.error(403, FORM_EXPIRED)
        user = current.user
        keys = auth.totp_keys(settings.session_secret, user, client_of(request), limits)
    wait = await auth.claim_attempt(request.app.ctx.sessions, keys, limits)
    if wait is not None:
        return _too_many(view.render("totp.html", status=429, error=view.t.gettext(TOO_MANY)), wait)
    async with request.app.ctx.sessions.begin() as db:
        if not await auth.claim_totp(db, view.ring, user, request.form.get("code") or ""):
            audit.record(db, "login_failed", user.email, actor_provider=user.provider, stage="totp")
            return view.render("totp.html", status=401, error=view.t.gettext(WRONG_CODE))
        await auth.clear_attempts(db, keys + auth.login_keys(settings.session_secret, user.email, client_of(request),
                                                             limits))
        token = await auth.complete_session(db, settings.session_secret, current.token, user)
        audit.record(db, "login", user.email, actor_provider=user.provider)
    response = see_other(home_url(request, user))
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_COOKIE)
    return response


# --- enrolment: the person sets their own password and TOTP ---------------------------

LINK_GONE = N_("This link does not work any more. Ask your admin for a new one.")


@bp.get("/enrol/<token:str>")
async def enrol_form(request: Request, token: str):
    settings = request.app.ctx.settings
    async with request.app.ctx.sessions.begin() as db:
        found = await auth.open_link(db, settings.session_secret, token)
        if found is None:
            return _anonymous_page(request, "error.html", 404, status_code=404,
                                   message=Page(request, None, None, _login_language(request)).t.gettext(LINK_GONE))
        enrolment, user = found
        secret = auth.offered_totp(request.app.ctx.ring, enrolment)
    return _anonymous_page(request, "enrol.html", token=token, enrolment=enrolment, account=user, totp_secret=secret,
                           totp_uri=auth.provisioning_uri(secret, user.email))


@bp.post("/enrol/<token:str>")
async def enrol(request: Request, token: str):
    settings, ring = request.app.ctx.settings, request.app.ctx.ring
    async with request.app.ctx.sessions.begin() as db:
        found = await auth.open_link(db, settings.session_secret, token)
        secret = auth.offered_totp(ring, found[0]) if found else None
    if found is None:
        return see_other(request.app.url_for("account.enrol_form", token=token[:128]))
    enrolment, user = found

    def again(status: int, error: str) -> HTTPResponse:
        return _anonymous_page(request, "enrol.html", status, error, token=token, enrolment=enrolment, account=user,
                               totp_secret=secret, totp_uri=auth.provisioning_uri(secret, user.email))

    if not _pre_login_csrf_ok(request):
        return again(403, N_("The form expired. Please try again."))
    limits = auth.Limits.of(settings)
    keys = auth.login_keys(settings.session_secret, user.email, client_of(request), limits)
    wait = await auth.claim_attempt(request.app.ctx.sessions, keys, limits)
    if wait is not None:
        return _too_many(again(429, TOO_MANY), wait)
    password = request.form.get("password") or ""
    new_hash = None
    if enrolment.purpose == auth.ENROL:
        if password != (request.form.get("repeat") or ""):
            return again(422, N_("The two passwords are not the same."))
        try:
            new_hash = await auth.hash_password_off_loop(password)
        except auth.AuthError:
            return again(422, N_("A password needs 12 to 1024 characters."))
    elif not await auth.check_password_off_loop(user.password_hash, password):
        return again(401, N_("Wrong password."))
    step = auth.totp_step(secret, request.form.get("code") or "", 0)
    if step is None:
        return again(401, WRONG_CODE)
    async with request.app.ctx.sessions.begin() as db:
        if not await auth.use_link(db, enrolment):  # posted twice: the other one set it
            return see_other(request.app.url_for("account.enrol_form", token=token))
        user = await db.get(User, user.id)
        if new_hash:
            user.password_hash = new_hash
        auth.set_totp(ring, user, secret, step)
        await db.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
        await auth.clear_attempts(db, keys)
        audit.record(db, "enrol", user.email, actor_provider=user.provider, purpose=enrolment.purpose)
    return see_other(request.app.url_for("account.login_form"))


# --- the account: change the password -----------------------------------------------

@bp.get("/account")
@page(*ROLES)
async def account(request: Request, view: Page):
    return view.render("account.html")


@bp.post("/account/password")
@page(*ROLES)
async def change_password(request: Request, view: Page):
    """Current password and a TOTP code, then the new one; every other session ends."""
    settings, user = view.settings, view.user
    limits = auth.Limits.of(settings)
    keys = auth.login_keys(settings.session_secret, user.email, client_of(request), limits)
    wait = await auth.claim_attempt(request.app.ctx.sessions, keys, limits)
    if wait is not None:
        return _too_many(view.render("account.html", status=429, error=view.t.gettext(TOO_MANY)), wait)
    new = request.form.get("new") or ""
    if new != (request.form.get("repeat") or ""):
        return view.render("account.html", status=422, error=view.t.gettext(N_("The two passwords are not the same.")))
    if not await auth.check_password_off_loop(user.password_hash, request.form.get("current") or ""):
        view.audit("login_failed", stage="password_change")
        return view.render("account.html", status=401, error=view.t.gettext(N_("Wrong password.")))
    if not await auth.claim_totp(view.db, view.ring, user, request.form.get("code") or ""):
        view.audit("login_failed", stage="password_change_totp")
        return view.render("account.html", status=401, error=view.t.gettext(WRONG_CODE))
    try:
        user.password_hash = await auth.hash_password_off_loop(new)
    except auth.AuthError:
        return view.render("account.html", status=422,
                           error=view.t.gettext(N_("A password needs 12 to 1024 characters.")))
    await auth.end_other_sessions(view.db, settings.session_secret, user, view.current.token)
    await auth.clear_attempts(view.db, keys)  # password and code both right: as good as a login
    view.audit("password_change")
    return view.render("account.html", done=True)


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
