"""The staff portal under /portal: server-rendered pages, no script needed.

Every page goes through `@page(...)`: it loads the session (idle timeout),
checks the role and, for POST, the CSRF token, and runs the handler in one
database transaction, so an action and its audit record commit together.
Intakes another provider may not see answer 404, as if they did not exist.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import wraps

from babel import Locale
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html, json, redirect, text
from sqlalchemy import delete, select

from portal import audit, auth, intakes, labels, stats
from portal.i18n import negotiate
from portal.models import Session, User
from portal.validation import LANGUAGE, REFERENCE
from portal.vocabulary import ADMIN, COORDINATOR, ROLES, SIGNALS, STAFF_LANGUAGES, STAFF_ROLES, STATUSES

bp = Blueprint("portal", url_prefix="/portal")

SESSION_COOKIE = "paligs_session"
LOGIN_COOKIE = "paligs_login"
NOTE_LIMIT = 4000
MAX_ID = 2**31 - 1  # the largest id an integer column holds (PostgreSQL refuses more)


# --- cookies ----------------------------------------------------------------------

def _cookie_name(request: Request, name: str) -> str:
    return f"__Host-{name}" if request.app.ctx.settings.cookie_secure else name


def read_cookie(request: Request, name: str) -> str | None:
    # The exact name only: with Secure on, a plain cookie planted over HTTP is ignored.
    values = dict.get(request.cookies, _cookie_name(request, name))
    return values[0] if values else None


def set_cookie(request: Request, response: HTTPResponse, name: str, value: str) -> None:
    secure = request.app.ctx.settings.cookie_secure
    response.add_cookie(name, value, path="/", httponly=True, secure=secure, samesite="Strict", host_prefix=secure)


def clear_cookie(request: Request, response: HTTPResponse, name: str) -> None:
    secure = request.app.ctx.settings.cookie_secure
    response.delete_cookie(name, path="/", host_prefix=secure)


def client_of(request: Request) -> str:
    return (request.remote_addr or request.ip or "?")[:64]


# --- rendering --------------------------------------------------------------------

class Page:
    """What a handler needs: the database session, the user, their language."""

    def __init__(self, request: Request, db, current: auth.Current | None, language: str):
        self.request = request
        self.db = db
        self.current = current
        self.user: User | None = current.user if current else None
        self.t = request.app.ctx.catalogs.get(language)
        self.language = language
        self.settings = request.app.ctx.settings
        self.ring = request.app.ctx.ring

    @property
    def csrf(self) -> str:
        return auth.csrf_token(self.settings.session_secret, self.current.token) if self.current else ""

    def language_name(self, code: str | None) -> str:
        if not code:
            return "—"
        return Locale.parse(self.language).languages.get(code, code)

    def render(self, template: str, status: int = 200, **context) -> HTTPResponse:
        t = self.t
        body = self.request.app.ctx.templates.get_template(template).render(
            _=t.gettext,
            ngettext=t.ngettext,
            pgettext=t.pgettext,
            lang=self.language,
            user=self.user,
            csrf=self.csrf,
            path=self.request.path,
            labels=labels,
            label=lambda table, code: labels.label(table, code, t.gettext),
            language_name=self.language_name,
            **context,
        )
        return html(body, status=status)

    def error(self, status: int, message: str) -> HTTPResponse:
        return self.render("error.html", status=status, status_code=status, message=message)

    def audit(self, action: str, **kwargs) -> None:
        audit.record(self.db, action, self.user.email, actor_provider=self.user.provider, **kwargs)


def page(*roles: str, json_api: bool = False):
    def decorate(handler):
        @wraps(handler)
        async def wrapper(request: Request, **kwargs):
            settings = request.app.ctx.settings
            async with request.app.ctx.sessions.begin() as db:
                current = await auth.load_session(
                    db, settings.session_secret, read_cookie(request, SESSION_COOKIE),
                    settings.idle_minutes, settings.session_hours,
                )
                if current is None or not current.row.second_factor_done:
                    if json_api:
                        return json({"error": "unauthorised"}, status=401)
                    target = "/portal/login/totp" if current else "/portal/login"
                    return redirect(target, status=303)
                view = Page(request, db, current, current.user.language)
                if current.user.role not in roles:
                    if json_api:
                        return json({"error": "forbidden"}, status=403)
                    return view.error(403, view.t.gettext("Your role cannot open this page."))
                if request.method == "POST" and not auth.csrf_ok(
                    settings.session_secret, current.token, request.form.get("csrf")
                ):
                    return view.error(403, view.t.gettext("The form expired. Go back, reload the page and try again."))
                return await handler(request, view, **kwargs)

        return wrapper

    return decorate


def _home(user: User) -> str:
    return "/portal/stats" if user.role == COORDINATOR else "/portal/intakes"


# --- login ------------------------------------------------------------------------

def _login_language(request: Request) -> str:
    wanted = request.args.get("lang")
    if not wanted and request.method == "POST":
        wanted = request.form.get("lang")
    return wanted if wanted in STAFF_LANGUAGES else negotiate(request.headers.get("accept-language"))


async def _anonymous_page(request: Request, db, template: str, status: int = 200, **context) -> HTTPResponse:
    view = Page(request, db, None, _login_language(request))
    nonce = read_cookie(request, LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = view.render(template, status=status,
                           login_csrf=auth.pre_login_csrf(view.settings.session_secret, nonce), **context)
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


@bp.get("/")
@page(*ROLES)
async def index(request: Request, view: Page):
    return redirect(_home(view.user), status=303)


@bp.get("/login")
async def login_form(request: Request):
    async with request.app.ctx.sessions() as db:
        return await _anonymous_page(request, db, "login.html")


@bp.post("/login")
async def login(request: Request):
    settings = request.app.ctx.settings
    nonce = read_cookie(request, LOGIN_COOKIE)
    given = request.form.get("csrf") or ""
    async with request.app.ctx.sessions.begin() as db:
        t = request.app.ctx.catalogs.get(_login_language(request))
        if not nonce or not secrets.compare_digest(auth.pre_login_csrf(settings.session_secret, nonce), given):
            return await _anonymous_page(request, db, "login.html", status=403,
                                         error=t.gettext("The form expired. Please try again."))
        email = auth.normal_email(request.form.get("email"))
        password = request.form.get("password") or ""
        client = client_of(request)
        if await auth.throttled(db, email, client, settings.login_max_failures, settings.login_window_minutes):
            return await _anonymous_page(request, db, "login.html", status=429, email=email, error=t.gettext(
                "Too many failed attempts. Wait 15 minutes and try again."))
        user = await auth.authenticate(db, email, password)
        auth.record_attempt(db, email, client, user is not None)
        if user is None:
            audit.record(db, "login_failed", email or "?", stage="password")
            return await _anonymous_page(request, db, "login.html", status=401, email=email,
                                         error=t.gettext("Wrong e-mail or password."))
        token = await auth.start_session(db, settings.session_secret, user)
    response = redirect("/portal/login/totp", status=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


async def _pending(request: Request, db) -> auth.Current | None:
    settings = request.app.ctx.settings
    current = await auth.load_session(db, settings.session_secret, read_cookie(request, SESSION_COOKIE),
                                      settings.idle_minutes, settings.session_hours)
    return current if current and not current.row.second_factor_done else None


@bp.get("/login/totp")
async def totp_form(request: Request):
    async with request.app.ctx.sessions.begin() as db:
        current = await _pending(request, db)
        if current is None:
            return redirect("/portal/login", status=303)
        return Page(request, db, current, current.user.language).render("totp.html")


@bp.post("/login/totp")
async def totp(request: Request):
    settings = request.app.ctx.settings
    async with request.app.ctx.sessions.begin() as db:
        current = await _pending(request, db)
        if current is None:
            return redirect("/portal/login", status=303)
        view = Page(request, db, current, current.user.language)
        if not auth.csrf_ok(settings.session_secret, current.token, request.form.get("csrf")):
            return view.error(403, view.t.gettext("The form expired. Go back, reload the page and try again."))
        user, client = current.user, client_of(request)
        if await auth.throttled(db, user.email, client, settings.login_max_failures, settings.login_window_minutes):
            await auth.end_session(db, settings.session_secret, current.token)
            return view.render("totp.html", status=429,
                               error=view.t.gettext("Too many failed attempts. Wait 15 minutes and try again."))
        if not auth.check_totp(view.ring, user, request.form.get("code") or ""):
            auth.record_attempt(db, user.email, client, False)
            audit.record(db, "login_failed", user.email, actor_provider=user.provider, stage="totp")
            return view.render("totp.html", status=401, error=view.t.gettext("Wrong or expired code."))
        auth.record_attempt(db, user.email, client, True)
        token = await auth.complete_session(db, settings.session_secret, current.token, user)
        audit.record(db, "login", user.email, actor_provider=user.provider)
    response = redirect(_home(user), status=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_COOKIE)
    return response


@bp.post("/logout")
@page(*ROLES)
async def logout(request: Request, view: Page):
    await auth.end_session(view.db, view.settings.session_secret, view.current.token)
    view.audit("logout")
    response = redirect("/portal/login", status=303)
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
    if not back.startswith("/portal/") or back.startswith("//") or "\\" in back:
        back = _home(view.user)
    return redirect(back, status=303)


# --- the queue and one intake ----------------------------------------------------------

def _date_arg(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request, user: User) -> intakes.QueueFilter:
    """Unknown filter values are ignored rather than echoed back."""
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


@bp.get("/intakes")
@page(*STAFF_ROLES)
async def queue(request: Request, view: Page):
    filters = _filters(request, view.user)
    rows = await intakes.queue(view.db, view.user, filters)
    view.audit("view_queue", provider=view.user.provider, shown=len(rows))
    assignees = {user.id: user.email for user in await _provider_users(view)}
    return view.render("queue.html", intakes=rows, filters=filters, assignees=assignees,
                       statuses=STATUSES, signals=SIGNALS)


async def _provider_users(view: Page) -> list[User]:
    return list((await view.db.scalars(select(User).where(User.provider == view.user.provider))).all())


async def _intake_or_404(view: Page, reference: str):
    if not REFERENCE.fullmatch(reference):
        return None
    return await intakes.visible_by_reference(view.db, view.user, reference)


async def _detail(view: Page, intake, status: int = 200, revealed: dict | None = None, error: str | None = None):
    known_indicators = view.request.app.ctx.indicators
    rows = []
    for item in intake.indicators:
        known = known_indicators.get(item["id"])
        staff_label = known["staff_label"] if known else None
        rows.append({
            "label": view.t.pgettext("indicator", staff_label) if staff_label else item["id"],
            "dimension": labels.label(labels.INDICATOR_DIMENSIONS, item["dimension"], view.t.gettext),
            "strength": labels.label(labels.STRENGTHS, item["strength"], view.t.gettext),
            "answer": item["answer"],
        })
    assignable = await intakes.assignable_users(view.db, intake)
    assignee = next((user for user in assignable if user.id == intake.assigned_to), None)
    return view.render(
        "intake.html",
        status=status,
        intake=intake,
        indicators=rows,
        notes=await intakes.notes(view.db, view.ring, intake),
        history=await audit.events_for_reference(view.db, intake.reference),
        transitions=intakes.TRANSITIONS.get(intake.status, ()),
        assignable=assignable,
        assignee=assignee,
        revealed=revealed,
        error=error,
    )


@bp.get("/intakes/<reference:str>")
@page(*STAFF_ROLES)
async def detail(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return view.error(404, view.t.gettext("No such intake."))
    view.audit("view", provider=intake.provider, reference=intake.reference)
    return await _detail(view, intake)


@bp.post("/intakes/<reference:str>/reveal")
@page(*STAFF_ROLES)
async def reveal(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return view.error(404, view.t.gettext("No such intake."))
    contact = intakes.contact(view.ring, intake)
    if contact is None:
        return await _detail(view, intake, status=409, error=view.t.gettext("There are no contact details to show."))
    view.audit("reveal", provider=intake.provider, reference=intake.reference)
    return await _detail(view, intake, revealed=contact)


@bp.post("/intakes/<reference:str>/status")
@page(*STAFF_ROLES)
async def change_status(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return view.error(404, view.t.gettext("No such intake."))
    target = request.form.get("status") or ""
    before = intake.status
    try:
        await intakes.set_status(view.db, intake, target)
    except intakes.NotAllowed:
        return await _detail(view, intake, status=409, error=view.t.gettext("This status change is not possible."))
    view.audit("status", provider=intake.provider, reference=intake.reference, before=before, after=target)
    return redirect(f"/portal/intakes/{intake.reference}", status=303)


@bp.post("/intakes/<reference:str>/assign")
@page(*STAFF_ROLES)
async def assign(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return view.error(404, view.t.gettext("No such intake."))
    wanted = request.form.get("user") or ""
    assignee = None
    if wanted:
        assignee = next((user for user in await intakes.assignable_users(view.db, intake) if str(user.id) == wanted), None)
        if assignee is None:
            return await _detail(view, intake, status=409, error=view.t.gettext("This person cannot take the intake."))
    await intakes.assign(view.db, intake, assignee)
    view.audit("assign", provider=intake.provider, reference=intake.reference,
               assignee=assignee.email if assignee else None)
    return redirect(f"/portal/intakes/{intake.reference}", status=303)


@bp.post("/intakes/<reference:str>/notes")
@page(*STAFF_ROLES)
async def add_note(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return view.error(404, view.t.gettext("No such intake."))
    note = (request.form.get("note") or "").strip()
    if not note or len(note) > NOTE_LIMIT:
        return await _detail(view, intake, status=422, error=view.t.gettext("A note needs 1 to 4000 characters."))
    await intakes.add_note(view.db, view.ring, intake, view.user, note)
    view.audit("note", provider=intake.provider, reference=intake.reference)
    return redirect(f"/portal/intakes/{intake.reference}#notes", status=303)


# --- JSON for staff tooling ----------------------------------------------------------

@bp.get("/api/intakes")
@page(*STAFF_ROLES, json_api=True)
async def api_list(request: Request, view: Page):
    rows = await intakes.queue(view.db, view.user, _filters(request, view.user))
    view.audit("api_list", provider=view.user.provider, shown=len(rows))
    return json({"intakes": [intakes.to_json(row) for row in rows]})


@bp.get("/api/intakes/<reference:str>")
@page(*STAFF_ROLES, json_api=True)
async def api_one(request: Request, view: Page, reference: str):
    intake = await _intake_or_404(view, reference)
    if intake is None:
        return json({"error": "not found"}, status=404)
    view.audit("export", provider=intake.provider, reference=intake.reference, format="json")
    return json(intakes.to_json(intake))


# --- statistics, audit log, users -------------------------------------------------------

def _stats_scope(user: User) -> tuple[str, ...] | None:
    return None if user.role == COORDINATOR else intakes.visible_providers(user)


def _stats_key(view: Page, dimension: str, key: str) -> str:
    if dimension == "language":
        return view.language_name(key)
    if dimension == "signal":
        return labels.label(labels.SIGNALS, key, view.t.gettext)
    if dimension == "channel":
        return labels.label(labels.CHANNELS, key, view.t.gettext)
    return key


@bp.get("/stats")
@page(*ROLES)
async def stats_page(request: Request, view: Page):
    aggregates = await stats.compute(view.db, _stats_scope(view.user))
    titles = {
        "week": view.t.gettext("By week"),
        "language": view.t.gettext("By language"),
        "channel": view.t.gettext("By channel"),
        "source": view.t.gettext("By campaign source"),
        "signal": view.t.gettext("By signal"),
    }
    charts = [
        {
            "title": titles[name],
            "rows": [(_stats_key(view, name, key), stats.shown(count)) for key, count in aggregates.by[name]],
            "svg": stats.bar_chart([(_stats_key(view, name, key), count) for key, count in aggregates.by[name]],
                                   titles[name]),
        }
        for name in stats.BREAKDOWNS
    ]
    return view.render("stats.html", total=stats.shown(aggregates.total), charts=charts)


@bp.get("/stats.csv")
@page(*ROLES)
async def stats_csv(request: Request, view: Page):
    aggregates = await stats.compute(view.db, _stats_scope(view.user))
    view.audit("stats_export", provider=view.user.provider, format="csv")
    return text(stats.to_csv(aggregates), content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="paligs-stats.csv"'})


@bp.get("/audit")
@page(ADMIN)
async def audit_log(request: Request, view: Page):
    events = await audit.events_for_provider(view.db, view.user.provider)
    return view.render("audit.html", events=events)


@bp.get("/users")
@page(ADMIN)
async def users(request: Request, view: Page):
    return view.render("users.html", users=await _provider_users(view))


@bp.post("/users")
@page(ADMIN)
async def add_user(request: Request, view: Page):
    email = auth.normal_email(request.form.get("email"))
    role = request.form.get("role") or ""
    language = request.form.get("language") or "lv"
    if role not in STAFF_ROLES:
        return view.render("users.html", status=422, users=await _provider_users(view),
                           error=view.t.gettext("Choose a role."))
    if email and await view.db.scalar(select(User).where(User.email == email)):
        return view.render("users.html", status=409, users=await _provider_users(view),
                           error=view.t.gettext("This e-mail already has an account."))
    try:
        made = auth.make_user(view.ring, email, view.user.provider, role, language=language)
    except auth.AuthError:
        return view.render("users.html", status=422, users=await _provider_users(view),
                           error=view.t.gettext("Enter a valid e-mail address."))
    view.db.add(made.user)
    view.audit("user_add", provider=view.user.provider, email=made.user.email, role=role)
    # Shown once, to hand over in person; never stored in clear.
    return view.render("user_created.html", made=made)


@bp.post("/users/<user_id:int>/disable")
@page(ADMIN)
async def disable_user(request: Request, view: Page, user_id: int):
    target = await view.db.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if target is None or target.provider != view.user.provider or target.id == view.user.id:
        return view.error(404, view.t.gettext("No such user."))
    target.active = False
    await view.db.execute(delete(Session).where(Session.user_id == target.id))
    view.audit("user_disable", provider=view.user.provider, email=target.email)
    return redirect("/portal/users", status=303)

