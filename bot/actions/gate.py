"""Only the Rasa server may call the action server's /webhook: it sends the shared
ACTION_SERVER_SECRET in a header (endpoints.yml), compared in constant time. A
forged tracker posted from outside would otherwise run any action with any slots
(withdraw intakes, send "urgent" ones)."""

from __future__ import annotations

import hmac

from sanic import Sanic, response
from sanic.request import Request

SECRET_HEADER = "X-Paligs-Action-Secret"
GUARDED_PATHS = ("/webhook", "/actions")


def secret_matches(given: str, secret: str) -> bool:
    """An empty secret matches nothing: a misconfigured server refuses every call."""
    return bool(secret) and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def guard_webhook(app: Sanic, secret: str) -> None:
    @app.middleware("request")
    async def require_secret(request: Request):
        if request.path.rstrip("/") in GUARDED_PATHS and not secret_matches(
            request.headers.get(SECRET_HEADER, ""), secret
        ):
            return response.json({"error": "unauthorized"}, status=401)
        return None
