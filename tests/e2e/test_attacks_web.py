"""Attacks on the public Rasa port, against the real running servers: the web chat's
socket.io, the REST channel, the HTTP API. Each attack is paired with a positive
control: the same request, made as it should be, succeeds.

- a socket.io `session_request` with an id the server did not issue gets a fresh id
  (never the asked one), so nobody joins another person's room or conversation;
- a message naming another session than its socket's is dropped;
- a browser on another site cannot open the socket (Origin checked);
- REST with an `sms-…` (or `web-…`) sender gets 400, and that conversation is untouched;
- Rasa's HTTP API does not answer on the public port; the channels there do.
"""

from __future__ import annotations

import os
import queue
import time
import uuid

import pytest
import requests
import socketio
import websocket

from bot.sms.pseudonym import conversation_id as sms_conversation_id
from tests.support import expect, stored
from tests.support.servers import running_servers
from tests.support.twilio import post_sms

SENDER_KEY = "e2e-sender-key"  # what running_servers gives the Rasa server
TWILIO_TOKEN = "e2e-attacks-twilio-token"
SMS_URL = "https://paligs.example.org/webhooks/sms/webhook"
QUIET_SECONDS = 3


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks-web")
    env = {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "SMS_PUBLIC_URL": SMS_URL, "SMS_RATE_LIMIT": "200"}
    with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
        yield servers


def events(servers, conversation):
    """The rows the tracker store file holds for one conversation (read-only)."""
    return stored.tracker_events(servers.log_dir / "tracker.db", conversation)


def texts(replies):
    return [r.get("text") for r in replies if r.get("text")]


def send_sms(servers, phone, body):
    """An SMS as Twilio posts it, signed, each with its own MessageSid."""
    reply = post_sms(servers.rasa_url, TWILIO_TOKEN, SMS_URL, phone, body)
    assert reply.status_code == 200, reply.text
    return reply.text


def sms_conversation(servers, phone):
    """An SMS conversation in English, made through the SMS webhook; its id and stored rows."""
    send_sms(servers, phone, "EN")
    me = sms_conversation_id(SENDER_KEY, phone)
    rows = events(servers, me)
    assert rows and servers.tracker(me)["slots"]["language"] == "en"
    return me, rows


class WebClient:
    """A socket.io client of the web chat, speaking the widget's protocol."""

    def __init__(self, servers, transport="websocket", headers=None):
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.connect(servers.rasa_url, socketio_path="/socket.io", transports=[transport], headers=headers or {},
                         wait_timeout=20)

    def session(self, asked=None):
        self.sio.emit("session_request", {"session_id": asked})
        return self.confirmed.get(timeout=20)

    def emit(self, text, session_id):
        self.sio.emit("user_uttered", {"message": text, "session_id": session_id, "metadata": {"lang": "en"}})

    def turn(self, text, session_id, expected):
        self.emit(text, session_id)
        return [self.replies.get(timeout=60) for _ in range(expected)]

    def heard_nothing(self):
        return self.replies.empty()

    def close(self):
        self.sio.disconnect()


def greets(replies):
    return texts(replies)[0] == expect.text("utter_greet", "en")


def test_a_session_id_the_server_did_not_issue_gets_a_fresh_one(stack):
    servers = stack
    victim = WebClient(servers)
    victim_id = victim.session()
    sms_id, sms_rows = sms_conversation(servers, "+37126000501")
    try:
        assert victim_id.startswith("web-")
        # Positive control: the id the server issued works and gets replies.
        assert greets(victim.turn("/greet", victim_id, 3))
        tampered = victim_id[:-1] + ("0" if victim_id[-1] != "0" else "1")
        for asked in (sms_id, uuid.uuid4().hex, f"web-{'0' * 32}-{'0' * 32}", tampered, "rest-demo-1"):
            attacker = WebClient(servers)
            try:
                given = attacker.session(asked)
                assert given != asked and given != victim_id and given.startswith("web-"), asked
                # The fresh session is a conversation of its own: it answers the attacker, nobody else.
                assert greets(attacker.turn("/greet", given, 3))
                assert servers.tracker(given)["slots"]["channel"] == "web"
            finally:
                attacker.close()
        time.sleep(1)
        assert victim.heard_nothing()
        assert events(servers, sms_id) == sms_rows
        assert events(servers, "rest-demo-1") == []
        # Positive control: the issued id, asked for again on a new socket (a reconnection), is
        # confirmed and goes on with the same conversation.
        again = WebClient(servers)
        try:
            assert again.session(victim_id) == victim_id
            contacts = again.turn("/ask_contacts", victim_id, 6)
            assert texts(contacts)[0] == expect.text("utter_contacts_intro", "en")
        finally:
            again.close()
        assert len(events(servers, victim_id)) > 0
    finally:
        victim.close()


def test_a_message_naming_another_session_is_dropped(stack):
    servers = stack
    victim = WebClient(servers)
    attacker = WebClient(servers)
    try:
        victim_id = victim.session()
        assert greets(victim.turn("/greet", victim_id, 3))
        before = events(servers, victim_id)
        assert before  # the file holds the victim's conversation
        # Before any session_request, a socket has no conversation at all.
        attacker.emit("/greet", victim_id)
        own = attacker.session()
        attacker.emit("/delete_data", victim_id)
        attacker.emit("/greet", "sms-" + "0" * 32)
        time.sleep(QUIET_SECONDS)
        assert attacker.heard_nothing() and victim.heard_nothing()
        # Positive control: the same socket's message for its own session is answered.
        assert greets(attacker.turn("/greet", own, 3))
        assert events(servers, victim_id) == before
        assert events(servers, "sms-" + "0" * 32) == []
    finally:
        attacker.close()
        victim.close()


def test_a_browser_on_another_site_cannot_open_the_socket(stack):
    servers = stack
    ws_url = servers.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(ws_url, origin="https://evil.example", timeout=20)
    with pytest.raises(socketio.exceptions.ConnectionError):
        WebClient(servers, transport="polling", headers={"Origin": "https://evil.example"})
    # Positive controls: the chat page's own origin opens both transports.
    connection = websocket.create_connection(ws_url, origin=servers.rasa_url, timeout=20)
    assert connection.recv().startswith("0{")  # Engine.IO's open packet
    connection.close()
    client = WebClient(servers, transport="polling", headers={"Origin": servers.rasa_url})
    try:
        assert greets(client.turn("/greet", client.session(), 3))
    finally:
        client.close()


def test_rest_refuses_an_sms_or_web_sender_and_that_conversation_is_untouched(stack):
    servers = stack
    sms_id, sms_rows = sms_conversation(servers, "+37126000502")
    web = WebClient(servers)
    try:
        web_id = web.session()
        web.turn("/greet", web_id, 3)
    finally:
        web.close()
    web_rows = events(servers, web_id)
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    for sender in (sms_id, sms_id.upper(), web_id):
        for message in ("/delete_data", "/change_language{\"language\":\"ru\"}"):
            reply = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
            assert reply.status_code == 400, (sender, reply.text)
            assert "may not start with" in reply.json()["error"]
    assert events(servers, sms_id) == sms_rows
    assert servers.tracker(sms_id)["slots"]["language"] == "en"
    assert events(servers, web_id) == web_rows
    # Positive controls: an ordinary REST sender works and is kept as `rest-…`; the SMS
    # conversation itself still goes on over SMS.
    me = "attack-" + uuid.uuid4().hex[:8]
    reply = requests.post(url, json={"sender": me, "message": "/greet", "metadata": {"lang": "en"}}, timeout=60)
    assert reply.status_code == 200 and greets(reply.json())
    assert events(servers, "rest-" + me) and events(servers, me) == []
    assert servers.tracker("rest-" + me)["slots"]["channel"] == "rest"
    send_sms(servers, "+37126000502", "0")
    assert len(events(servers, sms_id)) > len(sms_rows)


API = [
    ("GET", "/status"),
    ("GET", "/version"),
    ("GET", "/domain"),
    ("GET", "/conversations/rest-demo-1/tracker"),
    ("GET", "/conversations/rest-demo-1/story"),
    ("POST", "/conversations/rest-demo-1/messages"),
    ("POST", "/conversations/rest-demo-1/tracker/events"),
    ("PUT", "/conversations/rest-demo-1/tracker/events"),
    ("POST", "/conversations/rest-demo-1/trigger_intent"),
    ("POST", "/conversations/rest-demo-1/execute"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
]


def test_the_http_api_is_not_on_the_public_port(stack):
    servers = stack
    me = "api-" + uuid.uuid4().hex[:8]
    assert requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", json={"sender": me, "message": "/greet"},
                         timeout=60).status_code == 200
    before = events(servers, "rest-" + me)
    # The operator's token, in a header (never in a query string): still nothing there.
    token = {"Authorization": "Bearer " + os.environ.get("RASA_TOKEN", "change-me-local-token")}
    body = {"text": "/delete_data", "sender": "user", "name": "delete_data", "event": "restart"}
    for method, path in API:
        path = path.replace("rest-demo-1", "rest-" + me)
        reply = requests.request(method, servers.rasa_url + path, json=body, headers=token, timeout=30)
        assert reply.status_code == 404, (method, path, reply.status_code)
    assert events(servers, "rest-" + me) == before
    # Positive controls on the same port: the health check and every channel answer.
    assert requests.get(f"{servers.rasa_url}/", timeout=30).status_code == 200
    for channel in ("rest", "web", "sms"):
        assert requests.get(f"{servers.rasa_url}/webhooks/{channel}/", timeout=30).status_code == 200, channel
    reply = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", json={"sender": me, "message": "/ask_contacts"},
                          timeout=60)
    assert reply.status_code == 200 and len(events(servers, "rest-" + me)) > len(before)
    page = requests.get(servers.chat_url, timeout=30)
    assert page.status_code == 200 and "socket.io.min.js" in page.text
    polling = requests.get(f"{servers.rasa_url}/socket.io/?EIO=4&transport=polling", timeout=30)
    assert polling.status_code == 200 and polling.text.startswith("0{")


def test_no_cors_on_the_public_port_and_no_chat_on_the_action_server(stack):
    servers = stack
    other_site = {"Origin": "https://evil.example"}
    reply = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", headers=other_site,
                          json={"sender": "cors-" + uuid.uuid4().hex[:8], "message": "/greet"}, timeout=60)
    assert reply.status_code == 200  # the request itself works (REST is for integrations) ...
    assert "Access-Control-Allow-Origin" not in reply.headers  # ... but no browser may read it elsewhere
    page = requests.get(servers.chat_url, headers=other_site, timeout=30)
    assert page.status_code == 200 and "Access-Control-Allow-Origin" not in page.headers
    # The chat page left the action server, whose listener is internal.
    assert requests.get(f"{servers.actions_url}/chat", timeout=30).status_code == 404
    assert requests.get(f"{servers.actions_url}/chat/static/chat.js", timeout=30).status_code == 404
    assert requests.get(f"{servers.actions_url}/health", timeout=30).status_code == 200
