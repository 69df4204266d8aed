import asyncio
import json
import uuid
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.server.channels.guard import temporarily_unavailable
from bot.server.channels.rest import MAX_BODY_BYTES, ValidatedRestInput, parse_rest_request
from bot.server.store_failures import ConversationNotSaved
from tests.support.languages import DEFAULT


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty body"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"message": "hi"}', "'sender'"),
        (b'{"sender": "  ", "message": "hi"}', "'sender'"),
        (b'{"sender": "a", "message": 5}', "'message'"),
        (json.dumps({"sender": "a", "message": "x" * 5000}).encode(), "'message'"),
        (b'{"sender": "a", "message": "' + b"x" * MAX_BODY_BYTES + b'"}', "too large"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 10_000, "nested too deeply"),
        (b'{"sender": "a", "message": "hi", "metadata": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(body, reason):
    with pytest.raises(ValueError, match=reason):
        parse_rest_request(body)


def test_good_request_keeps_only_known_metadata_and_tags_rest():
    body = json.dumps(
        {"sender": " t1 ", "message": "hello", "metadata": {"lang": "ru", "src": "qr1", "x": 1}}
    ).encode()
    assert parse_rest_request(body) == {
        "sender": "t1",
        "message": "hello",
        "metadata": {"lang": "ru", "src": "qr1", "channel": "rest"},
    }



# --- the webhook handler, with a stand-in Rasa -------------------------------


class StandInAgent:
    """Rasa's agent as the channel reaches it (app.ctx.agent): answers `replies`, then
    fails like a lock store or tracker store that is down, if `fail`."""

    def __init__(self, replies=(), fail=True, error=None):
        self.replies, self.fail = list(replies), fail
        self.error = error or ConnectionError("lock store unreachable")
        self.tracker_store = self.lock_store = None  # no language offer

    async def handle_message(self, message):
        for text in self.replies:
            await message.output_channel.send_text_message(message.sender_id, text)
        if self.fail:
            raise self.error


def post(agent, body):
    app = Sanic("rest_channel_test_" + uuid.uuid4().hex[:8])
    app.ctx.agent = agent
    register([ValidatedRestInput()], app, "/webhooks/")
    handler = next(r.handler for r in app.router.routes if r.path == "webhooks/rest/webhook")
    request = SimpleNamespace(body=json.dumps(body).encode(), app=app, remote_addr="198.51.100.9")
    answer = asyncio.run(handler(request))
    return answer.status, json.loads(answer.body), answer.headers


@pytest.mark.parametrize(
    "metadata, lang",
    [
        ({"lang": "ru"}, "ru"),
        ({"lang": "ur"}, "ur"),
        ({"lang": "xx"}, DEFAULT),  # not an enabled language
        ({}, DEFAULT),
    ],
)
def test_a_message_that_cannot_be_handled_gets_503_with_the_text(metadata, lang):
    status, body, headers = post(StandInAgent(), {"sender": "t1", "message": "hello", "metadata": metadata})
    assert status == 503
    assert body == {"error": "temporarily unavailable", "text": temporarily_unavailable(lang)}
    assert int(headers["Retry-After"]) > 0
    assert "hello" not in json.dumps(body) and "ConnectionError" not in json.dumps(body)


def test_a_failure_after_a_reply_still_sends_the_reply():
    status, body, _ = post(StandInAgent(replies=["Hello."]), {"sender": "t1", "message": "hi"})
    assert (status, body) == (200, [{"recipient_id": "rest-t1", "text": "Hello."}])


def test_replies_of_a_turn_that_could_not_be_saved_give_way_to_the_text():
    # the person must send it again: their next message would meet the conversation as it was before
    agent = StandInAgent(replies=["Hello."], error=ConversationNotSaved("OperationalError"))
    status, body, _ = post(agent, {"sender": "t1", "message": "hi", "metadata": {"lang": "ru"}})
    assert (status, body) == (503, {"error": "temporarily unavailable", "text": temporarily_unavailable("ru")})


def test_the_positive_control_an_agent_that_answers_gets_200():
    status, body, _ = post(StandInAgent(replies=["Hello."], fail=False), {"sender": "t1", "message": "hi"})
    assert (status, body) == (200, [{"recipient_id": "rest-t1", "text": "Hello."}])
