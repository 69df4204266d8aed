"""The blueprint every webhook channel shares: GET / for health, POST /webhook for messages."""

from __future__ import annotations

from typing import Awaitable, Callable

from sanic import Blueprint, response
from sanic.request import Request

Receive = Callable[[Request], Awaitable[response.HTTPResponse]]


def webhook_blueprint(name: str, receive: Receive) -> Blueprint:
    webhook = Blueprint(name, __name__)

    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    webhook.add_route(health, "/", methods=["GET"], name="health")
    webhook.add_route(receive, "/webhook", methods=["POST"], name="receive")
    return webhook
