"""WhatsApp conversation ids (bot/sms/pseudonym.py): keyed, stable in any number format,
in their own namespace, never the number."""

import re

import pytest

from bot.server.channels.conversation_ids import namespace_of
from bot.sms.pseudonym import conversation_id, whatsapp_conversation_id

KEY = "test-sender-key"
SENDER = "whatsapp:+37126123456"


def test_shape_and_namespace():
    conversation = whatsapp_conversation_id(KEY, SENDER)
    assert conversation.startswith("wa-")
    assert re.fullmatch(r"wa-[0-9a-f]{32}", conversation)
    assert namespace_of(conversation) == "whatsapp"


@pytest.mark.parametrize(
    "sender",
    ["whatsapp:+37126123456", "whatsapp:+371 2612-3456", " whatsapp:+37126123456 ", "whatsapp:00371 26123456",
     "whatsapp:(+371) 26 123 456"],
)
def test_the_same_number_in_any_format_is_one_conversation(sender):
    assert whatsapp_conversation_id(KEY, sender) == whatsapp_conversation_id(KEY, SENDER)


def test_whatsapp_and_sms_of_the_same_number_are_two_conversations():
    assert whatsapp_conversation_id(KEY, SENDER) != conversation_id(KEY, "+37126123456")
    # also with the SMS prefix swapped for the WhatsApp one: not the same hash under another name
    assert whatsapp_conversation_id(KEY, SENDER)[3:] != conversation_id(KEY, "+37126123456")[4:]


def test_never_contains_the_number():
    conversation = whatsapp_conversation_id(KEY, SENDER)
    assert "37126123456" not in conversation and "26123456" not in conversation


def test_different_numbers_and_keys_differ():
    assert whatsapp_conversation_id(KEY, SENDER) != whatsapp_conversation_id(KEY, "whatsapp:+37126123457")
    assert whatsapp_conversation_id(KEY, SENDER) != whatsapp_conversation_id("other-key", SENDER)


@pytest.mark.parametrize("key, sender", [("", SENDER), (None, SENDER), (KEY, "whatsapp:"), (KEY, ""), (KEY, " - ")])
def test_refuses_without_key_or_number(key, sender):
    with pytest.raises(ValueError):
        whatsapp_conversation_id(key, sender)
