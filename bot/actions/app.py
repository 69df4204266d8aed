"""The action server: rasa-sdk's /webhook and /health, plus the web chat at /chat."""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response

from bot.actions.gate import guard_webhook
from bot.handoff import service as handoff_service
from bot.i18n.catalogs import default_catalogs
from bot.settings import ACTION_SERVER_SECRETS, Settings, load_settings, require_real_secrets
from bot.web.page import chat_blueprint

logger = logging.getLogger(__name__)


def create_action_app(settings: Settings) -> Sanic:
    app = create_app("bot.actions", cors_origins=[])
    guard_webhook(app, settings.action_server_secret)

    @app.exception(Exception)
    async def hide_errors(request, exception):
        # rasa-sdk's own handler echoes the whole tracker back; never do that.
        logger.error("action server error on %s", request.path, exc_info=exception)
        status = getattr(exception, "status_code", 500)
        return response.json({"error": "internal error" if status >= 500 else str(exception)}, status=status)

    app.blueprint(chat_blueprint(settings, default_catalogs()))

    @app.listener("after_server_start")
    async def start_outbox(app, loop):
        # Delivers intakes queued before a restart too: nothing waits on a person's message.
        app.ctx.outbox_task = loop.create_task(handoff_service.worker().run())

    @app.listener("before_server_stop")
    async def stop_outbox(app, loop):
        app.ctx.outbox_task.cancel()

    return app


def serve(host: str = "0.0.0.0", port: int = 5055) -> None:
    logging.basicConfig(level=logging.INFO)
    require_real_secrets(ACTION_SERVER_SECRETS)
    app = create_action_app(load_settings())
    app.run(host=host, port=port, workers=1, access_log=False)
