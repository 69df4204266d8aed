"""Custom action calls over connections kept open between calls.

Rasa 3.6's EndpointConfig.request opens a new aiohttp ClientSession, with its own
connection pool, for every call to the action server, so every custom action
(a form's validation and its question are two) pays for a new session and a new
TCP connection. Endpoints marked `keep_alive: true` in endpoints.yml get one
session per event loop instead, reused by every call; everything else about the
request (headers, timeout, errors) is Rasa's own code.

Version sync point: written against rasa 3.6.21 and aiohttp 3.9 (bot.lock).
tests/bot/test_action_connections.py fails if Rasa's request stops going through
EndpointConfig.session().
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Tuple

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEP_ALIVE = "keep_alive"
# Shorter than the action server's own keep-alive (Sanic 21.12's KEEP_ALIVE_TIMEOUT, 5 s),
# so we drop an idle connection before the server does and never send on a closing one.
# The calls of one turn come milliseconds apart; that is the reuse that matters.
IDLE_SECONDS = 3

RASA_SESSION = EndpointConfig.session


class _KeptSession(aiohttp.ClientSession):
    """Left open at the end of `async with`: the next call reuses it and its connections."""

    async def __aexit__(self, *_: Any) -> None:
        return None


_sessions: Dict[Tuple[int, int], _KeptSession] = {}


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    if not self.kwargs.get(KEEP_ALIVE):
        return RASA_SESSION(self)
    loop = asyncio.get_running_loop()
    key = (id(self), id(loop))
    kept = _sessions.get(key)
    if kept is None or kept.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        kept = _sessions[key] = _KeptSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS),
        )
    return kept


async def close_all() -> None:
    """Close the kept sessions of the running event loop (tests; a server keeps them to its end)."""
    loop = id(asyncio.get_running_loop())
    for key in [key for key in _sessions if key[1] == loop]:
        await aiohttp.ClientSession.close(_sessions.pop(key))


def install() -> None:
    """Idempotent; called when the Rasa server starts (bot/server/stores.py)."""
    EndpointConfig.session = session  # type: ignore[method-assign]


def installed() -> bool:
    return EndpointConfig.session is session
