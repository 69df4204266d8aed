"""Telegram at /webhooks/telegram/webhook: updates in, Bot API calls out.

Instead of Rasa's stock Telegram channel, which authenticates nothing and keeps
the raw chat id as the conversation id. Here:

- every update must carry X-Telegram-Bot-Api-Secret-Token, the secret that
  `python -m bot telegram set-webhook` registered (403 otherwise; 503 when the
  channel has no token or secret, rather than accepting anyone's updates);
- the conversation id is `tg-` + an HMAC of the chat id under SENDER_KEY; the
  chat id is used only to answer and is never stored, logged or given to Rasa;
- buttons are an inline keyboard whose callback data is the payload; answers go
  out through the Bot API with an async client, retried on flood control;
- group chats are refused with one polite message and the bot leaves them;
- /clear, DELETE or "delete my data" erase the conversation (the tracker store)
  and delete its messages of the last 48 hours from the person's chat too, by
  the ids the ledger kept (bot/telegram/ledger.py);
- an update seen before (Telegram retrying) is acknowledged and not processed
  again; a client address or a conversation past its limit is answered once
  with the limit's text; a failure before any reply was ready answers "cannot
  answer right now" with the hotline.

The webhook answers 200 once an update is handled, whatever the person was told,
so that Telegram does not send it again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.language.registry import registry
from bot.message_split import split_message
from bot.server.channels.guard import (
    client_address,
    error_place,
    notice,
    temporarily_unavailable,
    too_many_messages,
)
from bot.server.channels.language_offer import answer_and_offer
from bot.server.channels.webhook import webhook_blueprint
from bot.server.limits import ReplayGuard, SlidingWindowLimit
from bot.settings import Settings, load_settings
from bot.telegram.api import BotApi, BotApiError
from bot.telegram.keyboard import inline_keyboard
from bot.telegram.ledger import MessageLedger
from bot.telegram.updates import BUTTON, IGNORED, MAX_TEXT_CHARS, Incoming, MalformedUpdate, parse_update, turn_for
from bot.telegram.webhook import SECRET_PATTERN
from bot.vocabulary import ERASE_CHAT, TELEGRAM

logger = logging.getLogger(__name__)

CHANNEL = TELEGRAM
PREFIX = "tg-"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_REQUEST_BYTES = 64 * 1024
PRIVATE_ONLY = "utter_telegram_private_only"


def conversation_id(sender_key: str, chat_id: int) -> str:
    """`tg-` + HMAC of the chat id: stable per chat, not reversible without SENDER_KEY."""
    if not sender_key:
        raise ValueError("SENDER_KEY is required: without it a chat id could be recovered")
    digest = hmac.new(sender_key.encode("utf-8"), f"telegram:{int(chat_id)}".encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:32]


def update_key(sender_key: str, update_id: int) -> str:
    digest = hmac.new(sender_key.encode("utf-8"), f"telegram-update:{update_id}".encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()


@dataclass(frozen=True)
class TelegramConfig:
    bot_token: str = field(default="", repr=False)
    secret_token: str = field(default="", repr=False)
    api_url: str = "https://api.telegram.org"
    sender_key: str = field(default="", repr=False)
    tracker_db_url: str = ""
    retention_days: int = 30
    rate_limit: int = 30  # messages per conversation per window_seconds
    address_limit: int = 600  # requests per client address per window_seconds
    window_seconds: float = 60.0
    replay_window_seconds: float = 86400.0

    @property
    def ready(self) -> bool:
        return bool(self.bot_token and self.sender_key and SECRET_PATTERN.fullmatch(self.secret_token))


def telegram_config(settings: Optional[Settings] = None) -> TelegramConfig:
    settings = load_settings() if settings is None else settings
    return TelegramConfig(
        bot_token=settings.telegram_bot_token.strip(),
        secret_token=settings.telegram_secret_token.strip(),
        api_url=settings.telegram_api_url,
        sender_key=settings.sender_key,
        tracker_db_url=settings.tracker_db_url,
        retention_days=settings.retention_days,
        rate_limit=max(1, settings.rate_limit_per_conversation),
        address_limit=max(1, settings.sms_rate_limit_per_address),
        window_seconds=max(1.0, settings.rate_limit_window_seconds),
        replay_window_seconds=max(1.0, settings.sms_replay_window_seconds),
    )


def secret_matches(headers: Any, secret: str) -> bool:
    given = str(headers.get(SECRET_HEADER, "") or "")
    return bool(secret) and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


class TelegramOutput(CollectingOutputChannel):
    """Collects the turn's messages; named "telegram" so that Rasa picks the
    `channel: telegram` variations of responses."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


def erase_requested(messages: List[Dict[str, Any]]) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get(ERASE_CHAT) for m in messages)


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        config = telegram_config()
        if not config.ready:
            logger.warning(
                "Telegram channel: TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN (A-Z a-z 0-9 _ -) or SENDER_KEY "
                "missing; it answers 503"
            )
        return cls(config)

    def __init__(self, config: TelegramConfig, api: Optional[BotApi] = None) -> None:
        self.config = config
        self.api = api or BotApi(config.api_url, config.bot_token)
        self.limit = SlidingWindowLimit(config.rate_limit, config.window_seconds)
        self.address_limit = SlidingWindowLimit(config.address_limit, config.window_seconds)
        self.refusals = SlidingWindowLimit(1, config.window_seconds)  # one "too many" text per window
        self.replays = ReplayGuard(config.replay_window_seconds)
        self._ledger: Optional[MessageLedger] = None

    def ledger(self) -> MessageLedger:
        # Built on the first update, not at start-up: no database is touched by a channel
        # that receives nothing.
        if self._ledger is None:
            self._ledger = MessageLedger(self.config.tracker_db_url, self.config.retention_days)
        return self._ledger

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def receive(request: Request) -> response.HTTPResponse:
            try:
                return await self._receive(request, on_new_message)
            except Exception as error:  # never a 500, never a chat id in a log
                logger.error("telegram webhook failed: %s", error_place(error))
                return response.text("temporarily unavailable", status=503)

        return webhook_blueprint("paligs_telegram_webhook", receive, closers=[self.api.close])

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> response.HTTPResponse:
        if not self.config.ready:
            return response.text("telegram channel not configured", status=503)
        if not self.address_limit.allow(client_address(request)):
            logger.info("telegram webhook: too many requests from one address")
            return response.text("too many requests", status=429)
        # The secret is checked before the body is read, so a forged request learns nothing.
        if not secret_matches(request.headers, self.config.secret_token):
            logger.info("telegram webhook refused a request: missing or wrong secret token")
            return response.text("forbidden", status=403)
        content_type = str(request.headers.get("content-type", "")).split(";")[0].strip().lower()
        if content_type != "application/json":
            return response.text("content type must be application/json", status=400)
        if len(request.body or b"") > MAX_REQUEST_BYTES:
            return response.text("request too large", status=400)
        try:
            incoming = parse_update(json.loads(request.body or b""))
        except (ValueError, UnicodeDecodeError) as error:  # MalformedUpdate, or not JSON at all
            reason = str(error) if isinstance(error, MalformedUpdate) else "body is not JSON"
            logger.info("telegram webhook refused a request: %s", reason)
            return response.text(reason, status=400)

        replay_key = update_key(self.config.sender_key, incoming.update_id)
        if incoming.kind == IGNORED or not self.replays.first_time(replay_key):
            return response.json({})
        try:
            await self._handle(request, incoming, on_new_message)
        except Exception as error:  # an update from Telegram: the person reads why there is no answer
            logger.error("telegram update failed for a conversation: %s", error_place(error))
            await self._send_quietly(incoming.chat_id, temporarily_unavailable(incoming.language_code, CHANNEL))
        return response.json({})

    async def _handle(
        self, request: Request, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        if incoming.kind == BUTTON:
            await self._quietly(self.api.answer_callback_query(incoming.callback_id or ""), "answerCallbackQuery")
        if not incoming.private:
            await self._refuse_group(incoming)
            return
        sender_id = conversation_id(self.config.sender_key, incoming.chat_id)
        if incoming.message_id is not None:
            await asyncio.to_thread(self.ledger().record, sender_id, [incoming.message_id])
        turn = turn_for(incoming, frozenset(registry().enabled_codes))
        # Erasing must work even for someone who has written a lot just now.
        if not turn.erases and not self.limit.allow(sender_id):
            logger.info("telegram rate limit reached for a conversation")
            if self.refusals.allow(sender_id):
                await self._send_and_record(incoming.chat_id, sender_id, [{"text": self._too_many(incoming)}])
            return

        output = TelegramOutput()
        try:
            await answer_and_offer(
                on_new_message,
                UserMessage(turn.text, output, sender_id, input_channel=CHANNEL, metadata=turn.metadata),
                request,
            )
        except Exception as error:
            if not output.messages:  # nothing to send: _receive answers "cannot answer right now"
                raise
            logger.error("telegram message failed for a conversation after a reply: %s", error_place(error))
        messages = list(output.messages)
        if erase_requested(messages):
            await self._erase_chat(incoming.chat_id, sender_id)
        await self._send_and_record(incoming.chat_id, sender_id, messages)

    async def _erase_chat(self, chat_id: int, sender_id: str) -> None:
        """Delete every message of the conversation Telegram still allows, then forget them."""
        ledger = self.ledger()
        message_ids = await asyncio.to_thread(ledger.deletable, sender_id)
        deleted = 0
        for message_id in message_ids:
            try:
                deleted += await self.api.delete_message(chat_id, message_id)
            except BotApiError as error:  # already deleted by the person, or too old
                logger.info("telegram could not delete a message: %s %s", error.status, error.description)
        await asyncio.to_thread(ledger.forget, sender_id)
        logger.info("telegram erased a conversation's chat: %d of %d messages deleted", deleted, len(message_ids))

    async def _send_and_record(self, chat_id: int, sender_id: str, messages: List[Dict[str, Any]]) -> None:
        sent: List[int] = []
        try:
            for message in messages:
                text = str(message.get("text") or "").strip()
                if not text:
                    continue
                pieces = split_message(text, MAX_TEXT_CHARS)
                for index, piece in enumerate(pieces):
                    # The buttons go with the last piece of their message.
                    markup = inline_keyboard(message.get("buttons")) if index == len(pieces) - 1 else None
                    sent.append(await self.api.send_message(chat_id, piece, markup))
        finally:
            if sent:
                await asyncio.to_thread(self.ledger().record, sender_id, sent)

    async def _refuse_group(self, incoming: Incoming) -> None:
        """The assistant works only in private chats: say so once, then leave the group."""
        lang = registry().supported(incoming.language_code) or registry().default
        await self._send_quietly(incoming.chat_id, notice(PRIVATE_ONLY, lang, CHANNEL))
        await self._quietly(self.api.leave_chat(incoming.chat_id), "leaveChat")
        logger.info("telegram: refused a group chat")

    def _too_many(self, incoming: Incoming) -> str:
        return too_many_messages(incoming.language_code, CHANNEL)

    async def _send_quietly(self, chat_id: int, text: str) -> None:
        await self._quietly(self.api.send_message(chat_id, text), "sendMessage")

    async def _quietly(self, call: Awaitable[Any], method: str) -> None:
        try:
            await call
        except BotApiError as error:
            logger.error("telegram %s failed: %s %s", method, error.status, error.description)
