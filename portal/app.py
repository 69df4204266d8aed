"""The Sanic application: built by `create_app(settings)`, nothing at import time.

Resources (engine, key ring, catalogs, templates, indicator labels) hang off
`app.ctx`; each request opens its own short database session.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, html, json
from sqlalchemy import text

from portal import api, db, funnel, i18n, jobs, labels, views
from portal.crypto import KeyRing
from portal.settings import Settings

HERE = Path(__file__).resolve().parent
log = logging.getLogger("portal")

# No inline script or style anywhere, so the policy can forbid them outright.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def make_templates(app: Sanic) -> Environment:
    """The page templates; `url_for` builds links to the app's own routes."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["url_for"] = app.url_for
    return env


def create_app(settings: Settings) -> Sanic:
    app = Sanic(f"paligs_portal_{uuid.uuid4().hex[:8]}")
    # The largest body any route takes; each API route checks its own limit.
    app.config.REQUEST_MAX_SIZE = max(settings.max_body_bytes, funnel.MAX_BODY_BYTES)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.KEEP_ALIVE_TIMEOUT = 5
    app.ctx.settings = settings
    app.ctx.ring = KeyRing(settings.data_keys)
    app.ctx.catalogs = i18n.Catalogs()
    app.ctx.templates = make_templates(app)
    app.ctx.indicator_labels = labels.load_indicators(settings.indicators_path)
    app.ctx.background = set()

    app.blueprint(api.bp)
    app.blueprint(views.blueprints())
    app.static(f"{views.PREFIX}/static", HERE / "static", name="static")

    @app.before_server_start
    async def _open(app_, _loop=None):
        app_.ctx.engine = db.make_engine(settings.db_url)
        app_.ctx.sessions = db.make_sessionmaker(app_.ctx.engine)
        if settings.purge_interval_hours:
            app_.add_task(jobs.periodic(app_), name="portal-periodic")

    @app.after_server_stop
    async def _close(app_, _loop=None):
        await app_.ctx.engine.dispose()

    @app.get("/health")
    async def health(request):
        async with request.app.ctx.sessions() as session:
            await session.execute(text("SELECT 1"))
        return json({"status": "ok"})

    @app.on_response
    async def _headers(request, response: HTTPResponse):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.public_url.startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith(f"{views.PREFIX}/static/"):
            response.headers["Cache-Control"] = "no-store"

    @app.exception(Exception)
    async def _errors(request, exception):
        status = exception.status_code if isinstance(exception, SanicException) else 500
        if status >= 500:
            log.exception("unhandled error on %s %s", request.method, request.path)
        reason = {
            400: "bad request", 401: "unauthorised", 403: "forbidden", 404: "not found",
            405: "method not allowed", 408: "request timeout", 413: "body too large",
        }.get(status, "server error" if status >= 500 else "error")
        if request.path.startswith(("/api/", f"{views.PREFIX}/api/")):
            return json({"error": reason}, status=status)
        return html(f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{reason}</p>", status=status)

    return app

