"""What every portal page shares: cookies, the `Page` a handler works with,
and the `@page(...)` decorator.

`@page(*roles)` loads the session (idle timeout), checks the role and, for
POST, the CSRF token, and runs the handler in one database transaction, so an
action and its audit record commit together. A handler raises `NotFound` for
what does not exist for this user; it answers 404 in the user's language.
"""

from __future__ import annotations

from functools import wraps

from babel import Locale
from sanic import Request, exceptions
from sanic.response import HTTPResponse, html, json, redirect

from portal import audit, auth, labels, vocabulary
from portal.labels import N_
from portal.models import User
from portal.vocabulary import COORDINATOR

SESSION_COOKIE = "paligs_session"
LOGIN_COOKIE = "paligs_login"
FORM_EXPIRED = N_("The form expired. Go back, reload the page and try again.")


class NotFound(exceptions.NotFound):
    """Nothing here for this user; the message is a msgid, translated when shown."""


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


# --- links ------------------------------------------------------------------------

def see_other(url: str) -> HTTPResponse:
    """After a form: the browser GETs `url` (303), so a reload does not post again."""
    return redirect(url, status=303)


def home_url(request: Request, user: User) -> str:
    """Where a user starts: coordinators have only the statistics."""
    return request.app.url_for("statistics.show" if user.role == COORDINATOR else "queue.show")


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
        self.url_for = request.app.url_for

    @property
    def csrf(self) -> str:
        return auth.csrf_token(self.settings.session_secret, self.current.token) if self.current else ""

    def language_name(self, code: str | None) -> str:
        if not code:
            return "—"
        return Locale.parse(self.language).languages.get(code, code)

    @staticmethod
    def native_language_name(code: str) -> str:
        """A language's name in itself ("Latviešu", "English")."""
        name = Locale.parse(code).get_display_name(code) or code
        return name[:1].upper() + name[1:]

    def label(self, table: dict[str, str], code: str | None) -> str:
        return labels.label(table, code, self.t.gettext)

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
            vocabulary=vocabulary,
            label=self.label,
            language_name=self.language_name,
            native_language_name=self.native_language_name,
            **context,
        )
        return html(body, status=status)

    def error(self, status: int, message: str) -> HTTPResponse:
        """An error page; `message` is a msgid."""
        return self.render("error.html", status=status, status_code=status, message=self.t.gettext(message))

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
                    return see_other(request.app.url_for("account.totp_form" if current else "account.login_form"))
                view = Page(request, db, current, current.user.language)
                if current.user.role not in roles:
                    if json_api:
                        return json({"error": "forbidden"}, status=403)
                    return view.error(403, N_("Your role cannot open this page."))
                if request.method == "POST" and not auth.csrf_ok(
                    settings.session_secret, current.token, request.form.get("csrf")
                ):
                    return view.error(403, FORM_EXPIRED)
                try:
                    return await handler(request, view, **kwargs)
                except NotFound as missing:  # answered inside the transaction: the user is still loaded
                    if json_api:
                        return json({"error": "not found"}, status=404)
                    return view.error(404, missing.message)

        return wrapper

    return decorate
