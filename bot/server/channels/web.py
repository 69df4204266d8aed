"""Socket.io channel for the web chat, tagging every message as `web`.

Rasa's stock SocketIOInput does the protocol; we only clean the client's
metadata (lang, src) and add the channel before Rasa sees the message, and
keep the abuse limits: past them the person gets a short message in their
language instead of an answer.
Needs python-socketio 5.9.0: from 5.10 on, Rasa 3.6 drops replies silently.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.server.channels.guard import client_address, message_limits, too_many_messages
from bot.session_metadata import clean_metadata
from bot.settings import load_settings
from bot.vocabulary import WEB, WEB_OUTPUT_CHANNEL


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return WEB_OUTPUT_CHANNEL

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def tagged(message: UserMessage) -> Any:
            message.metadata = {**clean_metadata(message.metadata), "channel": WEB}
            return await on_new_message(message)

        blueprint = super().blueprint(tagged)
        self._limit_messages()
        return blueprint

    def _limit_messages(self) -> None:
        """Wraps the message handler Rasa registered with the per address and per
        conversation limits; a refused message never reaches Rasa."""
        sio, namespace = self.sio, self.namespace or "/"
        handle = sio.handlers[namespace][self.user_message_evt]
        limits = message_limits(load_settings())

        async def limited(sid: Text, data: Any) -> None:
            if not isinstance(data, Mapping):
                return  # malformed: nothing to answer, nothing to process
            environ = sio.get_environ(sid, namespace) or {}
            address = client_address(environ.get("sanic.request"))
            conversation = str(data.get("session_id") or sid)
            if limits.check(address, conversation).allowed:
                return await handle(sid, data)
            lang = clean_metadata(data.get(self.metadata_key)).get("lang")
            await sio.emit(self.bot_message_evt, {"text": too_many_messages(lang)}, room=sid, namespace=namespace)

        sio.on(self.user_message_evt, limited, namespace=namespace)
