"""The SMS channel without a model: request checks, TwiML, and the webhook
handler driven with a stand-in request and a stand-in Rasa."""

import asyncio
import logging
import uuid
from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from rasa.core.channels.channel import register
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.server.channels.guard import temporarily_unavailable
from bot.server.channels.sms import (
    MAX_MESSAGE_CHARS,
    Inbound,
    SmsConfig,
    SmsInput,
    check_request,
    sms_config,
    twiml,
)
from bot.settings import load_settings
from bot.sms.pseudonym import conversation_id

TOKEN = "test-auth-token"
URL = "https://paligs.example.org/webhooks/sms/webhook"
PHONE = "+37120000000"
KEY = "test-sender-key"
FORM = "application/x-www-form-urlencoded"
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]


def twilio_params(**overrides):
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,  # Twilio's id of this one message
        "AccountSid": "AC" + "1" * 32,
        "From": PHONE,
        "To": "+37160000000",
        "Body": "hello",
        "NumMedia": "0",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def signed(params, url=URL, token=TOKEN, content_type=FORM):
    headers = {"Content-Type": content_type}
    headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(url, params)
    return urlencode(params).encode(), headers


# --- check_request ---------------------------------------------------------


def test_a_signed_twilio_request_is_accepted():
    body, headers = signed(twilio_params(Body="Sveiki, kā iet? 🙂"))
    inbound = check_request(body, headers, TOKEN, URL)
    assert inbound.status == 200
    assert (inbound.phone, inbound.text) == (PHONE, "Sveiki, kā iet? 🙂")


def test_signature_with_the_port_in_the_url_is_accepted():
    # Twilio signs with or without :443 depending on the set-up
    body, headers = signed(twilio_params(), url="https://paligs.example.org:443/webhooks/sms/webhook")
    assert check_request(body, headers, TOKEN, URL).status == 200


def tampered():
    body, headers = signed(twilio_params(Body="hello"))
    return body.replace(b"hello", b"DELETE"), headers


def forged():
    body, headers = signed(twilio_params(), token="not-the-token")
    return body, headers


def without_signature():
    body, headers = signed(twilio_params())
    del headers["X-Twilio-Signature"]
    return body, headers


def for_another_url():
    return signed(twilio_params(), url="https://evil.example.org/webhooks/sms/webhook")


@pytest.mark.parametrize(
    "make, status, reason",
    [
        (without_signature, 403, "signature"),
        (forged, 403, "signature"),
        (tampered, 403, "signature"),
        (for_another_url, 403, "signature"),
        # the fields are checked only once the request is known to be Twilio's
        (lambda: (urlencode({"Body": "x"}).encode(), {"Content-Type": FORM}), 403, "signature"),
        (lambda: signed(twilio_params(From=None)), 400, "From"),
        (lambda: signed(twilio_params(From="  ")), 400, "From"),
        (lambda: signed(twilio_params(Body=None)), 400, "Body"),
        (lambda: signed(twilio_params(Body="x" * (MAX_MESSAGE_CHARS + 1))), 400, "too long"),
        (lambda: signed(twilio_params(), content_type="application/json"), 400, "content type"),
        (lambda: (b'{"From": "+371"}', {"Content-Type": "application/json"}), 400, "content type"),
        (lambda: (b"", {}), 400, "content type"),
        (lambda: (b"Body=" + b"x" * 70_000, {"Content-Type": FORM}), 400, "too large"),
        (lambda: (b"Body=\xff\xfe", {"Content-Type": FORM}), 400, "malformed"),
    ],
)
def test_refused_requests(make, status, reason):
    body, headers = make()
    inbound = check_request(body, headers, TOKEN, URL)
    assert inbound.status == status
    assert reason in inbound.reason


def test_without_a_token_every_request_is_refused_with_503():
    body, headers = signed(twilio_params())
    assert check_request(body, headers, "", URL).status == 503


def test_header_names_and_content_type_parameters_are_tolerated():
    content_type = "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
    body, headers = signed(twilio_params(), content_type=content_type)
    lowered = {name.lower(): value for name, value in headers.items()}
    assert check_request(body, lowered, TOKEN, URL).status == 200


def test_an_empty_body_field_is_a_valid_message():
    # an MMS with only a picture: Body is present and empty
    body, headers = signed(twilio_params(Body="", NumMedia="1"))
    inbound = check_request(body, headers, TOKEN, URL)
    assert (inbound.status, inbound.text) == (200, "")


def test_the_phone_number_and_text_never_appear_in_a_repr():
    inbound = Inbound(200, phone=PHONE, text="my secret")
    assert PHONE not in repr(inbound) and "secret" not in repr(inbound)
    assert TOKEN not in repr(SmsConfig(auth_token=TOKEN, sender_key=KEY))


# --- twiml -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, xml",
    [
        ("", EMPTY),
        ("   ", EMPTY),
        (
            "Hello.\n1 Yes  2 No",
            '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello.\n1 Yes  2 No</Message></Response>',
        ),
        (
            "a < b & c > d",
            '<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &lt; b &amp; c &gt; d</Message></Response>',
        ),
        (
            "Labdien\x00\x07!",
            '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Labdien!</Message></Response>',
        ),
        (
            "Привет 🙂",
            '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Привет 🙂</Message></Response>',
        ),
    ],
)
def test_twiml(text, xml):
    assert twiml(text) == xml


# --- settings ----------------------------------------------------------------


def test_config_from_settings():
    env = {
        "TWILIO_AUTH_TOKEN": f" {TOKEN} ",
        "SMS_PUBLIC_URL": URL,
        "SENDER_KEY": KEY,
        "SMS_MAX_SEGMENTS": "3",
        "SMS_RATE_LIMIT": "5",
    }
    config = sms_config(load_settings(env))
    assert config == SmsConfig(TOKEN, URL, KEY, 3, 5)
    assert config.ready


@pytest.mark.parametrize(
    "env", [{"SENDER_KEY": KEY}, {"TWILIO_AUTH_TOKEN": TOKEN}, {"TWILIO_AUTH_TOKEN": TOKEN, "SENDER_KEY": ""}]
)
def test_not_ready_without_token_or_sender_key(env):
    assert not sms_config(load_settings(env)).ready


def test_from_credentials_reads_the_environment(monkeypatch):
    for name in ("TWILIO_AUTH_TOKEN", "SMS_PUBLIC_URL", "SENDER_KEY", "SMS_MAX_SEGMENTS", "SMS_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    assert not SmsInput.from_credentials({}).config.ready
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("SMS_PUBLIC_URL", URL)
    monkeypatch.setenv("SENDER_KEY", KEY)
    monkeypatch.setenv("SMS_RATE_LIMIT", "7")
    sms = SmsInput.from_credentials(None)
    assert sms.config == sms_config(load_settings())
    assert sms.config.ready and sms.config.public_url == URL
    assert sms.limit.max_messages == 7 and sms.limit.window_seconds == 600


def test_routes_under_webhooks_sms():
    app = Sanic("sms_channel_routes_test")
    register([SmsInput(SmsConfig())], app, "/webhooks/")
    routes = {(route.path, tuple(sorted(route.methods))) for route in app.router.routes}
    assert routes == {("webhooks/sms", ("GET",)), ("webhooks/sms/webhook", ("POST",))}


# --- the webhook handler, with a stand-in Rasa --------------------------------


class FakeTrackerStore:
    def __init__(self, events=None):
        self.events = events

    async def retrieve(self, sender_id):
        return SimpleNamespace(events=self.events) if self.events is not None else None


class FakeRasa:
    """Records what Rasa would receive and answers like the collector would."""

    def __init__(self, answer=None, fail=False):
        self.received = []
        self.answer = answer if answer is not None else [{"text": "Hello."}]
        self.fail = fail

    async def __call__(self, message):
        self.received.append(message)
        output = message.output_channel
        for item in self.answer:
            if item.get("buttons"):
                await output.send_text_with_buttons(message.sender_id, item["text"], item["buttons"])
            else:
                await output.send_text_message(message.sender_id, item["text"])
        if self.fail:
            raise RuntimeError(f"boom for {PHONE}")


def channel(**overrides):
    config = SmsConfig(auth_token=TOKEN, public_url=URL, sender_key=KEY, max_segments=6, rate_limit=20)
    return SmsInput(replace(config, **overrides))


def request_for(params, events=None, token=TOKEN):
    body, headers = signed(params, token=token)
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=FakeTrackerStore(events))))
    return SimpleNamespace(body=body, headers=headers, url=URL, app=app)


def post(sms, request, rasa):
    return asyncio.run(sms._receive(request, rasa))


def test_a_message_reaches_rasa_pseudonymised_and_the_reply_is_twiml():
    rasa = FakeRasa(answer=[{"text": "Hello."}, {"text": "Are you in Latvia?", "buttons": YES_NO}])
    answer = post(channel(), request_for(twilio_params(Body=" hello ")), rasa)
    assert answer.status == 200
    assert answer.content_type.startswith("text/xml")
    assert answer.body.decode() == twiml("Hello.\n\nAre you in Latvia?\n1 Yes  2 No  3 Not sure")
    (message,) = rasa.received
    assert message.text == "hello"
    assert message.sender_id == conversation_id(KEY, PHONE)
    assert message.input_channel == "sms"
    assert message.metadata == {"channel": "sms"}
    assert message.output_channel.name() == "sms"  # picks the `channel: sms` response variations
    assert PHONE not in repr(vars(message)) and "20000000" not in repr(vars(message))


def test_forged_request_is_refused_and_rasa_never_called():
    rasa = FakeRasa()
    answer = post(channel(), request_for(twilio_params(), token="wrong"), rasa)
    assert answer.status == 403
    assert answer.content_type.startswith("text/plain")
    assert rasa.received == []


def test_not_configured_answers_503():
    rasa = FakeRasa()
    for sms in (channel(auth_token=""), channel(sender_key="")):
        assert post(sms, request_for(twilio_params()), rasa).status == 503
    assert rasa.received == []


@pytest.mark.parametrize(
    "body, sent",
    [
        ("0", "/show_menu"),
        ("HELP", "/show_menu"),
        ("dzēst", "/delete_data"),
        ("RU", '/change_language{"language":"ru"}'),
        ("START", "/greet"),
    ],
)
def test_keywords_are_sent_as_payloads(body, sent):
    rasa = FakeRasa()
    post(channel(), request_for(twilio_params(Body=body)), rasa)
    assert [m.text for m in rasa.received] == [sent]


@pytest.mark.parametrize("body", ["STOP", "unsubscribe", "", "   "])
def test_opt_out_and_empty_messages_get_no_answer(body):
    rasa = FakeRasa()
    answer = post(channel(), request_for(twilio_params(Body=body)), rasa)
    assert (answer.status, answer.body.decode()) == (200, EMPTY)
    assert rasa.received == []


def previous_turn():
    return [
        UserUttered("/start_screening"),
        BotUttered("Are you in Latvia?", data={"buttons": YES_NO}),
    ]


@pytest.mark.parametrize(
    "body, events, sent",
    [
        ("2", previous_turn(), "/deny"),
        ("3.", previous_turn(), "/unsure"),
        ("7", previous_turn(), "7"),  # no such option: the NLU gets it as it is
        ("1", [UserUttered("hi"), BotUttered("Hello.")], "1"),
        ("1", None, "1"),  # a new conversation
    ],
)
def test_numbers_map_to_the_previous_replys_buttons(body, events, sent):
    rasa = FakeRasa()
    post(channel(), request_for(twilio_params(Body=body), events=events), rasa)
    assert [m.text for m in rasa.received] == [sent]


def test_rate_limit_answers_empty_without_rasa():
    rasa = FakeRasa()
    sms = channel(rate_limit=2)
    answers = [post(sms, request_for(twilio_params()), rasa).body.decode() for _ in range(3)]
    assert answers[2] == EMPTY and answers[0] != EMPTY
    assert len(rasa.received) == 2
    # erasing still works, and opting out still gets no answer
    assert post(sms, request_for(twilio_params(Body="DELETE")), rasa).body.decode() != EMPTY
    assert post(sms, request_for(twilio_params(Body="STOP")), rasa).body.decode() == EMPTY
    assert [m.text for m in rasa.received][2:] == ["/delete_data"]


def test_long_replies_are_shortened_to_the_configured_segments():
    long_text = "Forced labour is work under threat that you did not agree to freely. " * 20
    rasa = FakeRasa(answer=[{"text": long_text, "buttons": YES_NO}])
    answer = post(channel(max_segments=2), request_for(twilio_params()), rasa)
    xml = answer.body.decode()
    assert "...\n1 Yes  2 No  3 Not sure</Message>" in xml
    assert len(xml) < 2 * 160 + 120


def test_a_failing_rasa_gives_the_unavailable_text_and_logs_no_number(caplog):
    rasa = FakeRasa(answer=[], fail=True)
    with caplog.at_level(logging.DEBUG):
        answer = post(channel(), request_for(twilio_params(Body="hello")), rasa)
    # 200, so that Twilio delivers the text: the person reads why there is no answer
    assert (answer.status, answer.body.decode()) == (200, twiml(temporarily_unavailable(None, "sms")))
    assert answer.content_type.startswith("text/xml")
    assert PHONE not in caplog.text and "hello" not in caplog.text
    assert "RuntimeError" in caplog.text


class FailingTrackerStore:
    async def retrieve(self, sender_id):
        raise ConnectionError("tracker store unreachable")


@pytest.mark.parametrize(
    "body, make_request",
    [
        ("hello", lambda params: request_for(params)),
        # a number reply, with the tracker store (which holds the previous turn) down too
        ("2", lambda params: replace_store(request_for(params), FailingTrackerStore())),
    ],
)
def test_a_failure_inside_message_handling_answers_the_text_in_twiml(body, make_request):
    answer = post(channel(), make_request(twilio_params(Body=body)), FakeRasa(answer=[], fail=True))
    assert answer.status == 200
    xml = answer.body.decode()
    assert xml == twiml(temporarily_unavailable(None, "sms"))
    assert "<Message>" in xml and "112" in xml
    assert "error" not in xml.lower() and "Traceback" not in xml


def replace_store(request, tracker_store):
    request.app.ctx.agent.tracker_store = tracker_store
    return request


def test_a_failure_after_a_reply_still_sends_the_reply():
    rasa = FakeRasa(answer=[{"text": "Hello."}], fail=True)
    answer = post(channel(), request_for(twilio_params()), rasa)
    assert (answer.status, answer.body.decode()) == (200, twiml("Hello."))


def test_unexpected_errors_in_the_route_become_503_not_500(caplog):
    sms = channel()
    app = Sanic("sms_channel_error_test")
    register([sms], app, "/webhooks/")
    handler = next(r.handler for r in app.router.routes if r.path.endswith("webhook"))
    broken = SimpleNamespace(body=None, headers=None, url=URL, app=None)  # nothing in it works
    with caplog.at_level(logging.DEBUG):
        answer = asyncio.run(handler(broken))
    # not known to come from Twilio: a bare 503 (Twilio's fallback URL answers), no text
    assert (answer.status, answer.body.decode()) == (503, "temporarily unavailable")


# --- de-duplication by MessageSid, and the per-address limit ------------------


def test_a_repeated_message_sid_is_processed_once_and_answered_empty():
    rasa = FakeRasa()
    sms = channel()
    params = twilio_params(Body="hello")
    first = post(sms, request_for(params), rasa)
    again = [post(sms, request_for(params), rasa) for _ in range(2)]
    assert (first.status, len(rasa.received)) == (200, 1) and first.body.decode() != EMPTY
    assert [(a.status, a.body.decode()) for a in again] == [(200, EMPTY)] * 2
    assert len(rasa.received) == 1
    # only a keyed hash of the sid is kept
    assert params["MessageSid"] not in repr(vars(sms.replays))
    # the positive control: the same text with its own MessageSid is processed
    post(sms, request_for(twilio_params(Body="hello")), rasa)
    assert len(rasa.received) == 2


def test_a_message_that_failed_is_processed_when_twilio_retries():
    sms, params = channel(), twilio_params()
    failed = post(sms, request_for(params), FakeRasa(answer=[], fail=True))
    assert failed.body.decode() == twiml(temporarily_unavailable(None, "sms"))
    rasa = FakeRasa()
    assert post(sms, request_for(params), rasa).body.decode() != EMPTY
    assert len(rasa.received) == 1


@pytest.mark.parametrize("sid", [None, "", "SM" + "0" * 70])
def test_a_request_without_a_usable_message_sid_is_refused(sid):
    body, headers = signed(twilio_params(MessageSid=sid))
    inbound = check_request(body, headers, TOKEN, URL)
    assert (inbound.status, inbound.reason) == (400, "missing MessageSid")


def test_past_the_address_limit_requests_get_429_before_anything_else():
    rasa = FakeRasa()
    sms = channel(address_limit=2)
    requests = [request_for(twilio_params(From=f"+3712000000{n}")) for n in range(3)]
    for request in requests:
        request.remote_addr = "198.51.100.7"
    answers = [post(sms, request, rasa).status for request in requests]
    assert answers == [200, 200, 429]
    assert len(rasa.received) == 2
    other = request_for(twilio_params())
    other.remote_addr = "198.51.100.8"
    assert post(sms, other, rasa).status == 200


def test_limit_settings_reach_the_channel():
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "SENDER_KEY": KEY, "SMS_RATE_LIMIT_PER_ADDRESS": "9",
           "RATE_LIMIT_WINDOW_SECONDS": "30", "SMS_REPLAY_WINDOW_SECONDS": "120"}
    sms = SmsInput(sms_config(load_settings(env)))
    assert (sms.address_limit.max_messages, sms.address_limit.window_seconds) == (9, 30)
    assert sms.replays.window_seconds == 120
