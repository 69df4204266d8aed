import json

import pytest

from bot.server.channels.rest import MAX_BODY_BYTES, parse_rest_request


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
