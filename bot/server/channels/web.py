"""Socket.io channel for the web chat, tagging every message as `web`.

Rasa's stock SocketIOInput does the protocol; we only clean the client's
metadata (lang, src) and add the channel before Rasa sees the message.
Needs python-socketio 5.9.0: from 5.10 on, Rasa 3.6 drops replies silently.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.session_metadata import clean_metadata
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

        return super().blueprint(tagged)
