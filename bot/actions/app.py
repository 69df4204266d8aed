"""The action server: rasa-sdk's /webhook and /health, on an internal listener only.

The web chat page is not here: the Rasa server's web channel serves it
(bot.server.channels.web), next to the socket.io it talks to.
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response

from bot.handoff import service as handoff_service
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)


def create_action_app(settings: Settings) -> Sanic:
    app = create_app("bot.actions", cors_origins=[])

    @app.exception(Exception)
    async def hide_errors(request, exception):
        # rasa-sdk's own handler echoes the whole tracker back; never do that.
        logger.error("action server error on %s", request.path, exc_info=exception)
        status = getattr(exception, "status_code", 500)
        return response.json({"error": "internal error" if status >= 500 else str(exception)}, status=status)

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
    app = create_action_app(load_settings())
    app.run(host=host, port=port, workers=1, access_log=False)
