"""The web chat's socket.io channel (bot/server/channels/web.py) when a message cannot be
handled (a lock store or tracker store briefly down): the person gets "cannot answer right
now" in their language, as a bot message to their session, instead of silence. Driven
in-process: the channel's own handler, a stand-in Rasa, the socket.io server's emit recorded."""

import asyncio
import logging

import pytest

from bot.server.channels.guard import temporarily_unavailable
from bot.server.channels.web import WebChatInput
from bot.server.store_failures import ConversationNotSaved
from bot.settings import load_settings
from tests.support.languages import DEFAULT

SID = "socket-1"
SESSION = "web-session-1"


class StandInRasa:
    def __init__(self, replies=(), fail=True, error=None):
        self.replies, self.fail = list(replies), fail
        self.error = error or ConnectionError("lock store unreachable")
        self.received = []

    async def __call__(self, message):
        self.received.append(message)
        for text in self.replies:
            await message.output_channel.send_text_message(message.sender_id, text)
        if self.fail:
            raise self.error


def send(rasa, data):
    """Sends `data` as the person's message on a confirmed session; returns what was emitted."""
    channel = WebChatInput()
    channel.configure(load_settings())
    channel.blueprint(rasa)
    sio, emitted = channel.sio, []

    async def get_session(sid, namespace=None):
        return {"session_id": SESSION} if sid == SID else {}

    async def emit(event, data=None, room=None, namespace=None, **_):
        emitted.append((event, data, room))

    sio.get_session, sio.emit, sio.get_environ = get_session, emit, lambda sid, namespace=None: {}
    handler = sio.handlers["/"][channel.user_message_evt]
    asyncio.run(handler(SID, data))
    return emitted


@pytest.mark.parametrize(
    "metadata, lang",
    [
        ({"lang": "ru"}, "ru"),
        ({"lang": "hi", "src": "qr1"}, "hi"),
        ({"lang": "xx"}, DEFAULT),  # not an enabled language
        (None, DEFAULT),
        ('{"lang": "uk"}', "uk"),  # the metadata as a JSON string, as some clients send it
    ],
)
def test_a_message_that_cannot_be_handled_gets_the_text_in_the_sessions_language(metadata, lang, caplog):
    rasa = StandInRasa()
    data = {"message": "hello", "session_id": SESSION}
    if metadata is not None:
        data["metadata"] = metadata
    with caplog.at_level(logging.DEBUG):
        emitted = send(rasa, data)
    assert len(rasa.received) == 1  # the positive control: the message did reach Rasa
    assert emitted == [("bot_uttered", {"text": temporarily_unavailable(lang)}, SESSION)]
    assert "ConnectionError" in caplog.text and "hello" not in caplog.text


def test_a_failure_after_a_reply_adds_nothing():
    emitted = send(StandInRasa(replies=["Hello."]), {"message": "hi", "metadata": {"lang": "ru"}})
    assert emitted == [("bot_uttered", {"text": "Hello."}, SESSION)]


def test_replies_of_a_turn_that_could_not_be_saved_are_followed_by_the_text():
    rasa = StandInRasa(replies=["Hello."], error=ConversationNotSaved("OperationalError"))
    emitted = send(rasa, {"message": "hi", "metadata": {"lang": "ru"}})
    assert emitted == [("bot_uttered", {"text": "Hello."}, SESSION),
                       ("bot_uttered", {"text": temporarily_unavailable("ru")}, SESSION)]


def test_an_answered_message_gets_only_its_answer():
    emitted = send(StandInRasa(replies=["Hello."], fail=False), {"message": "hi"})
    assert emitted == [("bot_uttered", {"text": "Hello."}, SESSION)]
