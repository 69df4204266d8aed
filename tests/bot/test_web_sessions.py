import pytest

from bot.server.channels.web_sessions import WebSessionIds

KEY = "test-sender-key-that-is-long-enough-0123456789"


def test_an_issued_id_is_recognised_and_each_is_new():
    sessions = WebSessionIds(KEY)
    first, second = sessions.issue(), sessions.issue()
    assert first != second and first.startswith("web-") and len(first) == 4 + 32 + 1 + 32
    assert sessions.issued(first) and sessions.issued(second)
    assert WebSessionIds(KEY).issued(first)  # survives a restart: nothing is stored


def forged(issued):
    nonce, tag = issued[4:].split("-")
    flipped = ("0" if tag[0] != "0" else "1") + tag[1:]
    return [
        None, 5, "", "web-", issued.upper(), issued + "0", issued[:-1], " " + issued,
        f"web-{nonce}-{flipped}",  # the tag of another nonce
        f"web-{'0' * 32}-{tag}",
        "sms-" + nonce,  # another channel's namespace
        "0f" * 16,  # what Rasa's stock channel would have accepted
        WebSessionIds("another-key-that-is-long-enough-0123456789").issue(),
    ]


def test_ids_the_server_did_not_issue_are_refused():
    sessions = WebSessionIds(KEY)
    issued = sessions.issue()
    assert sessions.issued(issued)  # the positive control
    for session_id in forged(issued):
        assert not sessions.issued(session_id), session_id


def test_no_key_no_ids():
    with pytest.raises(ValueError, match="SENDER_KEY"):
        WebSessionIds("")
