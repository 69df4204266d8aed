"""The action server: rasa-sdk's /webhook and /health, on an internal listener only.

The web chat page is not here: the Rasa server's web channel serves it
(bot.server.channels.web), next to the socket.io it talks to. /webhook answers
only the Rasa server (bot/actions/gate.py). Bodies larger than
ACTIONS_MAX_BODY_BYTES get 413 from Sanic before any handler runs; a /webhook
body that is not an action call (bad JSON, nested too deep, the wrong shape, a
broken deflate stream) gets 400, never 500.
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any, Optional

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request

from bot.actions.gate import guard_webhook
from bot.campaigns.funnel_push import require_safe_funnel_url
from bot.handoff import service as handoff_service
from bot.handoff.delivery import require_safe_intake_url
from bot.privacy import logs
from bot.settings import ACTION_SERVER_SECRETS, Settings, load_settings, require_real_secrets

logger = logging.getLogger(__name__)


def create_action_app(settings: Settings) -> Sanic:
    app = create_app("bot.actions", cors_origins=[])
    # The secret first: an outsider's call is refused before its body is even read.
    guard_webhook(app, settings.action_server_secret)
    app.config.REQUEST_MAX_SIZE = max(1024, settings.actions_max_body_bytes)

    @app.on_request
    async def refuse_malformed_action_calls(request: Request) -> Optional[response.HTTPResponse]:
        if request.method != "POST" or request.path != "/webhook":
            return None
        declared = request.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in request.headers
        if declared and not request.body:
            return None  # too large to be read: Sanic runs this before answering 413
        encoding = request.headers.get("Content-Encoding")
        try:
            call = parse_action_call(request.body, encoding, app.config.REQUEST_MAX_SIZE)
        except ValueError as problem:
            return response.json({"error": str(problem)}, status=400)
        if encoding != "deflate":
            request.parsed_json = call  # rasa-sdk reads request.json: parsed once
        return None

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


def parse_action_call(body: bytes, encoding: Optional[str], max_bytes: int) -> dict:
    """The action call in a /webhook body; ValueError says why it is not one that
    rasa-sdk can run (its own handler would answer 500, or inflate without a bound)."""
    if encoding == "deflate":  # what Rasa sends with COMPRESS_ACTION_SERVER_REQUEST=true
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body or b"", max_bytes + 1)
        except zlib.error:
            raise ValueError("body is not a deflate stream") from None
        if len(body) > max_bytes or inflater.unconsumed_tail:
            raise ValueError("body too large once inflated")
    try:
        call: Any = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ValueError("body is not valid JSON") from None
    except RecursionError:
        raise ValueError("body is nested too deeply") from None
    if not isinstance(call, dict):
        raise ValueError("body must be a JSON object")
    if not isinstance(call.get("next_action"), str):
        raise ValueError("'next_action' must be a string")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        raise ValueError("'tracker' must be an object with a 'sender_id'")
    if not isinstance(tracker.get("slots", {}), dict) or not isinstance(tracker.get("events", []), list):
        raise ValueError("'tracker' slots must be an object and its events a list")
    if not isinstance(call.get("domain", {}), dict):
        raise ValueError("'domain' must be an object")
    return call


def serve(host: str = "0.0.0.0", port: int = 5055) -> None:
    logging.basicConfig(level=logging.INFO)
    logs.install()  # no personal data in the action server's log lines either
    require_real_secrets(ACTION_SERVER_SECRETS)
    settings = load_settings()
    require_safe_intake_url(settings.intake_url)
    require_safe_funnel_url(settings.funnel_url)  # here, not when the worker starts inside the running server
    app = create_action_app(settings)
    app.run(host=host, port=port, workers=1, access_log=False)
