"""Telegram's Bot API as the assistant uses it, asynchronously (the event loop never waits on it).

Calls go to TELEGRAM_API_URL/bot<token>/<method> as JSON. The URL holds the bot's
token, so neither the URL nor a request body (which holds the chat id) is ever
logged; an error names only the method, the status and Telegram's description.
A 429 is retried after Telegram's `retry_after` (at most `max_wait` seconds, at
most `attempts` times): flood control is per chat, and the person should get the
answer a second later rather than not at all.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]


class BotApiError(RuntimeError):
    def __init__(self, method: str, status: int, description: str) -> None:
        super().__init__(f"{method}: {status} {description}")
        self.method, self.status, self.description = method, status, description


@dataclass
class BotApi:
    base_url: str
    token: str = field(repr=False)
    attempts: int = 3
    max_wait: float = 10.0
    timeout: float = 15.0
    _session: Optional[aiohttp.ClientSession] = field(default=None, repr=False)

    async def _client(self) -> aiohttp.ClientSession:
        # One kept-alive session per process and loop, made on first use (never at import time).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def call(self, method: str, **params: Any) -> Any:
        url = f"{self.base_url.rstrip('/')}/bot{self.token}/{method}"
        session = await self._client()
        for attempt in range(1, max(1, self.attempts) + 1):
            try:
                async with session.post(url, json=params) as reply:
                    status = reply.status
                    body = await reply.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                raise BotApiError(method, 0, type(error).__name__) from None
            if not isinstance(body, dict):
                raise BotApiError(method, status, "not a Bot API answer")
            if body.get("ok") is True:
                return body.get("result")
            wait = (body.get("parameters") or {}).get("retry_after")
            if status == 429 and isinstance(wait, (int, float)) and wait <= self.max_wait and attempt < self.attempts:
                logger.info("telegram %s: flood control, retrying after %s s", method, wait)
                await asyncio.sleep(max(0.0, float(wait)))
                continue
            raise BotApiError(method, status, str(body.get("description") or "")[:200])
        raise BotApiError(method, 429, "still limited")  # pragma: no cover - the loop returns or raises

    async def send_message(self, chat_id: int, text: str, reply_markup: Optional[Dict[str, Any]] = None) -> int:
        params: Dict[str, Any] = {"chat_id": chat_id, "text": text, "disable_web_page_preview": True}
        if reply_markup:
            params["reply_markup"] = reply_markup
        result = await self.call("sendMessage", **params)
        return int(result["message_id"])

    async def delete_message(self, chat_id: int, message_id: int) -> bool:
        return bool(await self.call("deleteMessage", chat_id=chat_id, message_id=message_id))

    async def answer_callback_query(self, callback_id: str) -> None:
        await self.call("answerCallbackQuery", callback_query_id=callback_id)

    async def leave_chat(self, chat_id: int) -> None:
        await self.call("leaveChat", chat_id=chat_id)

    async def set_webhook(self, url: str, secret_token: str, allowed_updates: List[str] = ALLOWED_UPDATES) -> bool:
        return bool(
            await self.call(
                "setWebhook", url=url, secret_token=secret_token, allowed_updates=allowed_updates,
                drop_pending_updates=False,
            )
        )
