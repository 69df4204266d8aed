"""The web chat on the Rasa server: the page at /webhooks/web/chat and its socket.io channel at /socket.io.

Page and socket share one origin, so no CORS is needed, and the socket.io server
refuses browsers from other sites (their Origin is not this host).

Rasa's stock SocketIOInput lets the client choose its session id, which is the
conversation id and the room its replies go to: anyone could join another
person's room or write into any conversation (`sms-…` included). Here the
server issues the id (bot.server.channels.web_sessions, signed with a key from
SENDER_KEY); a `session_request` with an id it did not issue gets a fresh one
instead, and a message counts only for the session its socket was confirmed in.
Messages are tagged with the `web` channel and only clean metadata (lang, src).

Past the abuse limits (per client address and per conversation) the person gets a
short message in their language instead of an answer; so does a message that could
not be handled (a store briefly down) before anything was sent: "cannot answer right
now", ending with the hotline, rather than silence.

Needs python-socketio 5.9.0: from 5.10 on, Rasa 3.6 drops replies silently.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

from bot.i18n.catalogs import default_catalogs
from bot.server.channels.guard import (
    client_address,
    message_limits,
    temporarily_unavailable,
    too_many_messages,
)
from bot.server.channels.language_offer import answer_and_offer
from bot.server.channels.web_sessions import WebSessionIds
from bot.server.store_failures import ConversationNotSaved
from bot.session_metadata import clean_metadata
from bot.settings import Settings, load_settings
from bot.vocabulary import WEB, WEB_OUTPUT_CHANNEL
from bot.web.page import chat_blueprint

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
SESSION_KEY = "session_id"


def same_host(origin: Optional[str], environ: Dict[str, Any]) -> bool:
    """Whether a browser's Origin is the host it connects to (directly or through a proxy's
    X-Forwarded-Host). The scheme is not compared: TLS usually ends at the proxy."""
    host = urlsplit(origin or "").netloc.lower()
    if not host:
        return False
    served_as = {environ.get("HTTP_HOST", "")} | {environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip()}
    return host in {h.lower() for h in served_as if h}


def _metadata(raw: Any) -> Dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return clean_metadata(raw)


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output, counting what it has sent (so that a failed turn knows
    whether the person saw anything of it)."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await super()._send_message(socket_id, response)
        self.sent += 1


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return WEB_OUTPUT_CHANNEL  # Rasa picks `channel: socketio` response variations by this name

    def url_prefix(self) -> Text:
        return WEB  # /webhooks/web/: health and the chat page

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        channel = super().from_credentials(credentials)
        channel.configure(load_settings())
        return channel

    def configure(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = WebSessionIds(settings.sender_key)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=same_host)
        self.sio = sio  # get_output_channel() uses it
        namespace = self.namespace
        sockets = SocketBlueprint(sio, self.socketio_path, "paligs_web_chat", __name__)
        limits = message_limits(self.settings)

        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        sockets.add_route(health, "/", methods=["GET"], name="health")

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            asked = data.get(SESSION_KEY) if isinstance(data, dict) else None
            if self.sessions.issued(asked):
                session_id = asked
            else:
                if asked is not None:
                    logger.info("web chat: a session id this server did not issue was replaced by a fresh one")
                session_id = self.sessions.issue()
            async with sio.session(sid, namespace=namespace) as session:
                previous = session.get(SESSION_KEY)
                session[SESSION_KEY] = session_id
            if previous and previous != session_id:
                sio.leave_room(sid, previous, namespace=namespace)
            sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session_id = (await sio.get_session(sid, namespace=namespace)).get(SESSION_KEY)
            if not session_id or not isinstance(data, dict):
                logger.info("web chat: a message before session_request, or not an object, was ignored")
                return
            if data.get(SESSION_KEY) not in (None, session_id):
                logger.info("web chat: a message naming another session than its socket's was ignored")
                return
            text = data.get("message", "")
            if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
                logger.info("web chat: a message that is not text, or too long, was ignored")
                return
            environ = sio.get_environ(sid, namespace) or {}
            if not limits.check(client_address(environ.get("sanic.request")), session_id).allowed:
                lang = clean_metadata(data.get(self.metadata_key)).get("lang")
                await sio.emit(self.bot_message_evt, {"text": too_many_messages(lang)}, room=sid, namespace=namespace)
                return
            metadata = {**_metadata(data.get(self.metadata_key)), "channel": WEB}
            output = WebChatOutput(sio, self.bot_message_evt)
            try:
                await answer_and_offer(
                    on_new_message,
                    UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata),
                    environ.get("sanic.request"),
                )
            except Exception as error:  # never the message text in the log; the conversation is not read back
                logger.exception("web chat message failed for a conversation")
                # After replies that were not saved, the apology asks the person to send it again.
                if not output.sent or isinstance(error, ConversationNotSaved):
                    unavailable = {"text": temporarily_unavailable(metadata.get("lang"))}
                    await sio.emit(self.bot_message_evt, unavailable, room=session_id, namespace=namespace)

        return Blueprint.group(sockets, chat_blueprint(self.settings, default_catalogs()))
