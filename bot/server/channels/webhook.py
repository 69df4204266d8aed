"""The blueprint every webhook channel shares: GET / for health, POST /webhook for messages,
and closing what the server opened when it stops."""

from __future__ import annotations

from typing import Awaitable, Callable, Sequence

from sanic import Blueprint, response
from sanic.request import Request

from bot.server import action_connections

Receive = Callable[[Request], Awaitable[response.HTTPResponse]]
Close = Callable[[], Awaitable[None]]


def webhook_blueprint(name: str, receive: Receive, closers: Sequence[Close] = ()) -> Blueprint:
    """`closers` run when the server stops (a channel's own HTTP client, say)."""
    webhook = Blueprint(name, __name__)

    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    async def close_connections(app: object, loop: object) -> None:
        # The kept action-server connections (every channel asks: closing twice is harmless),
        # else asyncio logs "Unclosed client session" as the server exits.
        await action_connections.close_all()
        for close in closers:
            await close()

    webhook.add_route(health, "/", methods=["GET"], name="health")
    webhook.add_route(receive, "/webhook", methods=["POST"], name="receive")
    webhook.listener("before_server_stop")(close_connections)
    return webhook
