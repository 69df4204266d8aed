"""The web chat's transport: Rasa's socket.io channel, spoken to by a real client.

Would catch the python-socketio >= 5.10 trap: the replies never arrive.
"""

import queue
from importlib.metadata import version

import pytest
import socketio

from tests.support import expect
from tests.support.languages import EMERGENCY, ENABLED, other_language


def test_python_socketio_is_pinned_to_the_release_that_works_with_rasa_36():
    assert version("python-socketio") == "5.9.0"


class ChatClient:
    def __init__(self, url: str, lang: str) -> None:
        self.lang = lang
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.session: "queue.Queue[str]" = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", self.session.put)
        self.sio.connect(url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=20)
        self.sio.emit("session_request", {"session_id": None})
        self.session_id = self.session.get(timeout=20)

    def send(self, text: str, expected_messages: int) -> list:
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id,
                                       "metadata": {"lang": self.lang, "src": "sock-test"}})
        return [self.replies.get(timeout=60) for _ in range(expected_messages)]

    def close(self) -> None:
        self.sio.disconnect()


@pytest.mark.parametrize("lang", ENABLED)
def test_web_conversation_over_socketio(servers, lang):
    client = ChatClient(servers.rasa_url, lang)
    try:
        greeting = client.send("/greet", 3)
        assert [m["text"] for m in greeting] == [
            expect.text("utter_greet", lang),
            expect.text("utter_greet_leave_anytime", lang),
            expect.text("utter_menu", lang),
        ]
        assert [q["title"] for q in greeting[2]["quick_replies"]] == expect.button_titles("utter_menu", lang)

        emergency = client.send(EMERGENCY[lang], 2)
        assert emergency[0]["text"] == expect.text("utter_emergency", lang)

        other = other_language(lang)
        switched = client.send(f'/change_language{{"language":"{other}"}}', 3)
        assert switched[0]["text"] == expect.text("utter_language_changed", other)
        assert switched[1]["text"] == expect.text("utter_menu", other)
        assert switched[2] == {"ui_language": other}

        contacts = client.send("/ask_contacts", 6)
        assert contacts[0]["text"] == expect.text("utter_contacts_intro", other)
        assert "+371 28612120" in contacts[1]["text"]
    finally:
        client.close()

    slots = servers.tracker(client.session_id)["slots"]
    # "sock-test" is no registered campaign: counted as "other", never as the link wrote it.
    assert (slots["channel"], slots["source"], slots["language"]) == ("web", "other", other)
