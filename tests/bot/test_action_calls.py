"""What the action server's /webhook accepts as an action call (bot/actions/app.py):
anything else gets 400 from it, never 500 from rasa-sdk."""

import json
import zlib

import pytest

from bot.actions.app import parse_action_call

MAX = 10_000
CALL = {"next_action": "action_handoff_submit", "tracker": {"sender_id": "rest-a", "slots": {}, "events": []},
        "domain": {}, "version": "3.6.21"}


def body(**changes):
    return json.dumps({**CALL, **changes}).encode()


@pytest.mark.parametrize(
    "raw, encoding, reason",
    [
        (b"", None, "not valid JSON"),
        (b"{not json", None, "not valid JSON"),
        (b"\xff\xfe", None, "not valid JSON"),
        (b"[" * 10_000, None, "nested too deeply"),
        (b"[1, 2]", None, "JSON object"),
        (body(next_action=None), None, "'next_action'"),
        (body(tracker=[]), None, "'tracker'"),
        (body(tracker={"slots": {}}), None, "'tracker'"),
        (body(tracker={"sender_id": "a", "slots": []}), None, "slots"),
        (body(tracker={"sender_id": "a", "events": {}}), None, "events"),
        (body(domain="x"), None, "'domain'"),
        (b"not deflate", "deflate", "deflate"),
        (zlib.compress(b" " * (MAX + 1)), "deflate", "too large"),
        (zlib.compress(b"[" * 10_000), "deflate", "nested too deeply"),
    ],
)
def test_malformed_action_calls_are_refused_with_a_reason(raw, encoding, reason):
    with pytest.raises(ValueError, match=reason):
        parse_action_call(raw, encoding, MAX)


@pytest.mark.parametrize("raw, encoding", [(body(), None), (zlib.compress(body()), "deflate")])
def test_a_well_formed_call_is_returned(raw, encoding):
    assert parse_action_call(raw, encoding, MAX) == CALL
