"""The Sanic application: built by `create_app(settings)`, nothing at import time.

Resources (engine, key ring, catalogs, templates, indicator labels) hang off
`app.ctx`; each request opens its own short database session.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, html, json

from portal import db, i18n, labels, notify
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


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def create_app(settings: Settings) -> Sanic:
    from portal.api import bp as api_bp
    from portal.views import bp as views_bp

    app = Sanic(f"paligs_portal_{uuid.uuid4().hex[:8]}")
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.KEEP_ALIVE_TIMEOUT = 5
    app.ctx.settings = settings
    app.ctx.ring = KeyRing(settings.data_keys)
    app.ctx.catalogs = i18n.Catalogs()
    app.ctx.templates = make_templates()
    app.ctx.indicators = labels.load_indicators(settings.indicators_path)
    app.ctx.background = set()

    app.blueprint(api_bp)
    app.blueprint(views_bp)
    app.static("/portal/static", HERE / "static", name="static")

    @app.before_server_start
    async def _open(app_, _loop=None):
        app_.ctx.engine = db.make_engine(settings.db_url)
        app_.ctx.sessions = db.make_sessionmaker(app_.ctx.engine)
        if settings.purge_interval_hours:
            app_.add_task(_periodic(app_), name="portal-periodic")

    @app.after_server_stop
    async def _close(app_, _loop=None):
        await app_.ctx.engine.dispose()

    @app.get("/health")
    async def health(request):
        from sqlalchemy import text

        async with request.app.ctx.sessions() as session:
            await session.execute(text("SELECT 1"))
        return json({"status": "ok"})

    @app.on_response
    async def _headers(request, response: HTTPResponse):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.public_url.startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith("/portal/static/"):
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
        if request.path.startswith("/api/") or request.path.startswith("/portal/api/"):
            return json({"error": reason}, status=status)
        return html(f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{reason}</p>", status=status)

    return app


async def notify_new(app: Sanic, reference: str) -> None:
    """Send the new-intake e-mail, then mark it sent; failures are retried later."""
    from sqlalchemy import select

    from portal.models import Intake, utcnow

    settings: Settings = app.ctx.settings
    async with app.ctx.sessions.begin() as session:
        intake = await session.scalar(select(Intake).where(Intake.reference == reference))
        if intake is None or intake.notified_at is not None:
            return
        to = notify.recipients(intake.provider, settings.provider_emails)
        if not settings.smtp_url or not to:
            intake.notified_at = utcnow()  # nothing to send: the queue is the signal
            return
        message = notify.compose(
            intake.reference, intake.urgent, f"{settings.public_url}/portal/intakes/{intake.reference}",
            settings.smtp_from, to,
        )
        try:
            await asyncio.to_thread(notify.send, settings.smtp_url, message)
        except (OSError, ValueError) as error:
            log.warning("new-intake e-mail for %s not sent (retried later): %s", reference, error)
            return
        intake.notified_at = utcnow()


def spawn(app: Sanic, coroutine) -> None:
    """Run after the response; keep a reference so the task is not collected early."""
    task = asyncio.get_running_loop().create_task(coroutine)
    app.ctx.background.add(task)
    task.add_done_callback(app.ctx.background.discard)


async def _periodic(app: Sanic) -> None:
    """Daily retention purge and retries of unsent notifications (every 10 minutes)."""
    from sqlalchemy import select

    from portal import retention
    from portal.models import Intake

    settings: Settings = app.ctx.settings
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    while True:
        try:
            if loop.time() >= next_purge:
                async with app.ctx.sessions.begin() as session:
                    result = await retention.purge(
                        session, settings.contact_retention_days, settings.closed_retention_days,
                        idle_minutes=settings.idle_minutes, session_hours=settings.session_hours,
                    )
                log.info("purge: %s contacts erased, %s intakes deleted", result.contacts_erased,
                         result.intakes_deleted)
                next_purge = loop.time() + settings.purge_interval_hours * 3600
            async with app.ctx.sessions() as session:
                pending = (await session.scalars(
                    select(Intake.reference).where(Intake.notified_at.is_(None), Intake.status == "new")
                )).all()
            for reference in pending:
                await notify_new(app, reference)
        except asyncio.CancelledError:
            raise
        except Exception:  # the job must outlive a database hiccup
            log.exception("periodic job failed; trying again later")
        await asyncio.sleep(600)
