import re

import pytest

from bot.sms.pseudonym import conversation_id, normalise_number

KEY = "test-sender-key"


@pytest.mark.parametrize(
    "raw, number",
    [
        ("+37120000000", "+37120000000"),
        ("+371 2000 0000", "+37120000000"),
        ("00371-2000-0000", "+37120000000"),
        ("(+371) 20 000 000", "+37120000000"),
        ("+998 (90) 123-45-67", "+998901234567"),
    ],
)
def test_normalise_number(raw, number):
    assert normalise_number(raw) == number


def test_same_number_same_id_in_any_format():
    ids = {conversation_id(KEY, raw) for raw in ("+37120000000", "+371 2000 0000", "00371 20000000")}
    assert len(ids) == 1


def test_id_shape_and_nothing_of_the_number_in_it():
    sender = conversation_id(KEY, "+37120000000")
    assert re.fullmatch(r"sms-[0-9a-f]{32}", sender)
    assert "37120000000" not in sender and "20000000" not in sender


def test_known_value():
    # HMAC-SHA256("test-sender-key", "sms:+37120000000"), first 32 hex digits
    assert conversation_id(KEY, "+371 2000 0000") == "sms-1e9cdea716ae8e741200ad6890593cf5"


def test_different_numbers_and_keys_differ():
    assert conversation_id(KEY, "+37120000000") != conversation_id(KEY, "+37120000001")
    assert conversation_id(KEY, "+37120000000") != conversation_id("other-key", "+37120000000")


@pytest.mark.parametrize("key, phone", [("", "+37120000000"), (KEY, ""), (KEY, " - ")])
def test_refuses_without_key_or_number(key, phone):
    with pytest.raises(ValueError):
        conversation_id(key, phone)
