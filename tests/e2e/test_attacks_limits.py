"""Abuse limits against the real running servers, each attack with its positive control.

The servers here run with low limits and SANIC_PROXIES_COUNT=1, as behind a
reverse proxy: each test speaks from its own X-Forwarded-For address, so one
test's budget is not another's. The REST chat helper sends no such header
(its address is 127.0.0.1), which the intake-limit test uses.
"""

import json
import time
import uuid
import xml.etree.ElementTree as ET
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio

from bot.actions.gate import SECRET_HEADER
from bot.contacts.book import contact_book, response_values
from bot.handoff.outbox import INTAKE
from bot.server.channels.sms import twiml
from bot.sms.pseudonym import conversation_id
from tests.support import expect, stored
from tests.support.chat import Chat
from tests.support.servers import free_port, running_servers
from tests.support.twilio import post_sms

PER_CONVERSATION = 12
PER_ADDRESS = 20
ACTIONS_MAX_BODY = 256 * 1024
TWILIO_TOKEN = "e2e-limits-twilio-token"
SMS_URL = "https://paligs.example.org/webhooks/sms/webhook"
SENDER_KEY = "e2e-sender-key"  # what running_servers gives the servers
HOTLINE = response_values(contact_book(), 30)["hotline"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    env = {
        "RATE_LIMIT_WINDOW_SECONDS": "60",
        "RATE_LIMIT_PER_CONVERSATION": str(PER_CONVERSATION),
        "RATE_LIMIT_PER_ADDRESS": str(PER_ADDRESS),
        "SMS_RATE_LIMIT_PER_ADDRESS": str(PER_ADDRESS),
        "INTAKE_LIMIT_PER_DAY": "1",
        "ACTIONS_MAX_BODY_BYTES": str(ACTIONS_MAX_BODY),
        "SANIC_PROXIES_COUNT": "1",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SMS_PUBLIC_URL": SMS_URL,
        # no intake service: intakes wait in the outbox, which is what the limit counts
        "INTAKE_URL": f"http://127.0.0.1:{free_port()}/api/intakes",
    }
    with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as running:
        yield running


def address():
    """A documentation address (RFC 5737) of this test's own."""
    n = uuid.uuid4().int
    return f"203.0.{n % 250}.{n // 250 % 250 + 1}"


def rest(servers, sender, message, source, lang="en", body=None):
    return requests.post(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        data=body if body is not None else json.dumps(
            {"sender": sender, "message": message, "metadata": {"lang": lang}}
        ),
        headers={"Content-Type": "application/json", "X-Forwarded-For": source},
        timeout=120,
    )


def burst(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def assert_refusal(reply, lang, reason):
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == "60"
    body = reply.json()
    assert body["error"] == reason
    assert body["text"] == expect.text("utter_too_many_messages", lang)
    assert body["text"].rstrip(".").endswith(HOTLINE)  # short, and it ends with the hotline


# --- REST ----------------------------------------------------------------------


def test_a_burst_from_one_conversation_gets_429_past_the_limit(servers):
    source, me = address(), "rest-burst-" + uuid.uuid4().hex[:8]
    replies = burst([lambda: rest(servers, me, "/greet", source, "ru")] * (PER_CONVERSATION + 4))
    answered = [r for r in replies if r.status_code == 200]
    refused = [r for r in replies if r.status_code != 200]
    # the positive control: up to the limit, each message was answered by the assistant
    assert len(answered) == PER_CONVERSATION
    assert all(expect.text("utter_greet", "ru") in [m.get("text") for m in r.json()] for r in answered)
    assert len(refused) == 4
    for reply in refused:
        assert_refusal(reply, "ru", "too many messages in this conversation")
    # refused messages never reached the conversation
    greetings = [e for e in servers.tracker(me)["events"] if e["event"] == "user" and e.get("text") == "/greet"]
    assert len(greetings) == PER_CONVERSATION
    # another conversation from the same address is still answered
    assert rest(servers, me + "-other", "/greet", source).status_code == 200


def test_many_conversations_from_one_address_get_429_past_the_address_limit(servers):
    source = address()
    senders = ["rest-many-" + uuid.uuid4().hex[:8] for _ in range(PER_ADDRESS + 5)]
    replies = burst([lambda s=s: rest(servers, s, "/greet", source, "lv") for s in senders])
    assert [r.status_code for r in replies].count(200) == PER_ADDRESS
    refused = [r for r in replies if r.status_code != 200]
    assert len(refused) == 5
    for reply in refused:
        assert_refusal(reply, "lv", "too many messages from this address")
    # the positive control: the same message from another address is answered
    reply = rest(servers, senders[0] + "-x", "/greet", address(), "lv")
    assert reply.status_code == 200 and expect.text("utter_greet", "lv") in [m.get("text") for m in reply.json()]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000,
        b'{"sender": "rest-deep", "message": "hi", "metadata": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        b"{" * 5_000,
    ],
)
def test_deeply_nested_json_gets_400_not_500(servers, body):
    source = address()
    reply = rest(servers, "", "", source, body=body)
    assert reply.status_code == 400 and "error" in reply.json()
    # the positive control: a plain body from the same address is answered
    assert rest(servers, "rest-deep-" + uuid.uuid4().hex[:8], "/greet", source).status_code == 200


# --- socket.io -------------------------------------------------------------------


def test_a_burst_over_socketio_is_answered_with_the_refusal_in_the_persons_language(servers):
    bot_said = []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", bot_said.append)
    session = []
    client.on("session_confirm", session.append)
    client.connect(servers.rasa_url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=20,
                   headers={"X-Forwarded-For": address()})
    try:
        client.emit("session_request", {"session_id": None})
        wait(lambda: session)
        for n in range(PER_CONVERSATION):
            client.emit("user_uttered", {"message": "/greet", "session_id": session[0], "metadata": {"lang": "ru"}})
            wait(lambda n=n: len(bot_said) >= 3 * (n + 1))  # greeting, leave-anytime, menu
        # the positive control: every message up to the limit got the whole greeting
        assert [m.get("text") for m in bot_said].count(expect.text("utter_greet", "ru")) == PER_CONVERSATION
        client.emit("user_uttered", {"message": "/greet", "session_id": session[0], "metadata": {"lang": "ru"}})
        wait(lambda: len(bot_said) > 3 * PER_CONVERSATION)
        assert bot_said[-1] == {"text": expect.text("utter_too_many_messages", "ru")}
    finally:
        client.disconnect()
    events = servers.tracker(session[0])["events"]
    assert len([e for e in events if e["event"] == "user"]) == PER_CONVERSATION


def wait(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "no reply in time"
        time.sleep(0.05)


# --- the action server -------------------------------------------------------------


def action_call(sender="rest-action-" + "0" * 8, padding=0):
    tracker = {"sender_id": sender, "slots": {"language": "en"}, "events": [], "latest_message": {},
               "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None}
    call = {"next_action": "action_ask_provider", "tracker": tracker, "domain": {}, "version": "3.6.21"}
    if padding:
        call["padding"] = "x" * padding
    return json.dumps(call).encode()


def actions(servers, body, **headers):
    """A call as the Rasa server makes it, with the shared secret (the gate is tested in test_attacks_surface)."""
    secret = {SECRET_HEADER: servers.env["ACTION_SERVER_SECRET"]}
    return requests.post(f"{servers.actions_url}/webhook", data=body,
                         headers={"Content-Type": "application/json", **secret, **headers}, timeout=30)


@pytest.mark.parametrize(
    "body, headers, status",
    [
        (action_call(padding=ACTIONS_MAX_BODY), {}, {413}),
        (b"[" * 10_000, {}, {400}),
        (b"[1, 2]", {}, {400}),
        (b'{"next_action": "action_ask_provider"}', {}, {400}),
        (b"not deflate", {"Content-Encoding": "deflate"}, {400}),
        (zlib.compress(b" " * (ACTIONS_MAX_BODY * 4)), {"Content-Encoding": "deflate"}, {400, 413}),
    ],
    ids=["oversized", "nested", "not-an-object", "no-tracker", "broken-deflate", "deflate-bomb"],
)
def test_oversized_or_malformed_action_calls_get_4xx_not_500(servers, body, headers, status):
    assert actions(servers, body, **headers).status_code in status
    # the positive control: a well-formed call just under the size limit is run
    reply = actions(servers, action_call(padding=ACTIONS_MAX_BODY - 2_000))
    assert reply.status_code == 200, reply.text
    assert reply.json()["responses"][0]["text"] == expect.text("utter_ask_provider", "en")


# --- SMS -----------------------------------------------------------------------------


def signed_sms(servers, phone, body, sid, source):
    return post_sms(servers.rasa_url, TWILIO_TOKEN, SMS_URL, phone, body, sid=sid,
                    headers={"X-Forwarded-For": source})


def messages_in(reply):
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/xml")
    return [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]


def test_a_repeated_message_sid_is_processed_once(servers):
    phone, source = "+37126" + str(uuid.uuid4().int)[:6], address()
    me = conversation_id(SENDER_KEY, phone)
    sid = "SM" + uuid.uuid4().hex
    first = signed_sms(servers, phone, "hello", sid, source)
    assert messages_in(first)  # the positive control: the first delivery is answered
    stored_once = stored.tracker_events(servers.log_dir / "tracker.db", me)
    assert stored_once
    for _ in range(2):  # Twilio retrying, or someone replaying the captured request
        again = signed_sms(servers, phone, "hello", sid, source)
        assert messages_in(again) == [] and again.text == twiml("")
    assert stored.tracker_events(servers.log_dir / "tracker.db", me) == stored_once
    # and the same text under a new MessageSid is a new message, processed
    assert messages_in(signed_sms(servers, phone, "hello", "SM" + uuid.uuid4().hex, source))
    assert len(stored.tracker_events(servers.log_dir / "tracker.db", me)) > len(stored_once)


def test_the_sms_webhook_limits_requests_per_address(servers):
    source = address()
    forged = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": source,
              "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    statuses = [requests.post(f"{servers.rasa_url}/webhooks/sms/webhook", data="From=%2B371&Body=x",
                              headers=forged, timeout=30).status_code for _ in range(PER_ADDRESS + 2)]
    assert statuses == [403] * PER_ADDRESS + [429] * 2
    # a genuine Twilio request from there is refused as well; from another address it is answered
    phone = "+37127" + str(uuid.uuid4().int)[:6]
    assert signed_sms(servers, phone, "hello", "SM" + uuid.uuid4().hex, source).status_code == 429
    assert messages_in(signed_sms(servers, phone, "hello", "SM" + uuid.uuid4().hex, address()))


# --- intakes per conversation per day --------------------------------------------------


def hand_off(chat):
    assert chat.say("/request_handoff") == [expect.text("utter_ask_consent_handoff", chat.lang)]
    assert chat.say("/affirm") == [expect.text("utter_ask_provider", chat.lang)]
    assert chat.say("1") == [expect.text("utter_ask_contact_wanted", chat.lang)]
    chat.say("/deny")  # no contact: the confirmation follows
    return chat.say("/affirm")


def test_past_the_intake_limit_a_conversation_is_told_kindly_and_nothing_is_queued(servers):
    chat = Chat(servers, "ru", prefix="rest-intakes-")
    outbox = servers.log_dir / "outbox.db"
    first = hand_off(chat)
    # the positive control: the first intake is queued and the person has its reference
    assert first[0].startswith(expect.text("utter_handoff_sent", "ru").split("{reference}")[0])
    assert len(stored.rows(outbox, "SELECT * FROM outbox WHERE kind = ?", INTAKE)) == 1
    second = hand_off(chat)
    assert second[0] == expect.text("utter_handoff_limit_reached", "ru")
    assert second[0].rstrip(".").endswith(HOTLINE)
    assert len(stored.rows(outbox, "SELECT * FROM outbox WHERE kind = ?", INTAKE)) == 1
    # another conversation can still hand off
    other = Chat(servers, "ru", prefix="rest-intakes-")
    assert hand_off(other)[0].startswith(expect.text("utter_handoff_sent", "ru").split("{reference}")[0])
    assert len(stored.rows(outbox, "SELECT * FROM outbox WHERE kind = ?", INTAKE)) == 2
