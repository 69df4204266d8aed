"""The Telegram channel's pure helpers (bot/server/channels/telegram.py): the keyed
conversation id, the webhook secret, the erase signal and when the channel is ready."""

import re

import pytest
from sanic.compat import Header

from bot.server.channels.conversation_ids import namespace_of
from bot.server.channels.telegram import (
    SECRET_HEADER,
    TelegramConfig,
    conversation_id,
    erase_requested,
    secret_matches,
)
from bot.vocabulary import ERASE_CHAT

KEY = "test-sender-key"
CHAT_ID = 987654321
SECRET = "s3cret_Token-1"


# --- conversation_id -------------------------------------------------------


def test_conversation_id_shape_and_namespace():
    conversation = conversation_id(KEY, CHAT_ID)
    assert re.fullmatch(r"tg-[0-9a-f]{32}", conversation)
    assert namespace_of(conversation) == "telegram"


def test_conversation_id_is_stable():
    # the conversation goes on across updates (and replicas) with the same key
    assert conversation_id(KEY, CHAT_ID) == conversation_id(KEY, CHAT_ID)


@pytest.mark.parametrize("chat_id", [CHAT_ID, 5000000000, -1001234567890])
def test_conversation_id_never_contains_the_chat_id(chat_id):
    assert str(chat_id) not in conversation_id(KEY, chat_id)
    assert str(abs(chat_id)) not in conversation_id(KEY, chat_id)


def test_different_chats_and_keys_give_different_ids():
    assert conversation_id(KEY, CHAT_ID) != conversation_id(KEY, CHAT_ID + 1)
    assert conversation_id(KEY, CHAT_ID) != conversation_id(KEY, -CHAT_ID)
    assert conversation_id(KEY, CHAT_ID) != conversation_id("other-key", CHAT_ID)


def test_conversation_id_needs_the_sender_key():
    with pytest.raises(ValueError):
        conversation_id("", CHAT_ID)


# --- secret_matches --------------------------------------------------------


@pytest.mark.parametrize(
    "headers, configured, matches",
    [
        ({SECRET_HEADER: SECRET}, SECRET, True),
        (Header({"X-Telegram-Bot-Api-Secret-Token": SECRET}), SECRET, True),  # as Sanic hands them over
        ({SECRET_HEADER: "wrong"}, SECRET, False),
        ({SECRET_HEADER: SECRET + "x"}, SECRET, False),
        ({SECRET_HEADER: SECRET[:-1]}, SECRET, False),
        ({SECRET_HEADER: SECRET.upper()}, SECRET, False),
        ({SECRET_HEADER: ""}, SECRET, False),
        ({SECRET_HEADER: None}, SECRET, False),
        ({}, SECRET, False),
        ({"x-other-header": SECRET}, SECRET, False),
        ({SECRET_HEADER: "ūdens"}, SECRET, False),  # not ASCII: no error, just wrong
        # nothing configured: nobody gets in, not even a request without the header
        ({}, "", False),
        ({SECRET_HEADER: ""}, "", False),
    ],
)
def test_secret_matches(headers, configured, matches):
    assert secret_matches(headers, configured) is matches


# --- erase_requested -------------------------------------------------------


@pytest.mark.parametrize(
    "messages, erase",
    [
        ([], False),
        ([{"text": "Deleted."}], False),
        ([{"text": "Deleted."}, {"custom": {ERASE_CHAT: True}}], True),
        ([{"custom": {ERASE_CHAT: False}}], False),
        ([{"custom": {"data": {"ui_language": "ru"}}}], False),
        ([{"custom": "erase_chat"}], False),  # not the shape an action sends
        ([{"custom": None}], False),
    ],
)
def test_erase_requested(messages, erase):
    assert erase_requested(messages) is erase


# --- TelegramConfig.ready --------------------------------------------------


@pytest.mark.parametrize(
    "config, ready",
    [
        (TelegramConfig(bot_token="123:abc", secret_token=SECRET, sender_key=KEY), True),
        (TelegramConfig(bot_token="123:abc", secret_token="a", sender_key=KEY), True),
        (TelegramConfig(bot_token="123:abc", secret_token="a" * 256, sender_key=KEY), True),
        (TelegramConfig(bot_token="", secret_token=SECRET, sender_key=KEY), False),
        (TelegramConfig(bot_token="123:abc", secret_token=SECRET, sender_key=""), False),
        (TelegramConfig(bot_token="123:abc", secret_token="", sender_key=KEY), False),
        (TelegramConfig(bot_token="123:abc", secret_token="a" * 257, sender_key=KEY), False),
        # Telegram accepts only A-Z a-z 0-9 _ - as a secret token
        (TelegramConfig(bot_token="123:abc", secret_token="with space", sender_key=KEY), False),
        (TelegramConfig(bot_token="123:abc", secret_token="a+b", sender_key=KEY), False),
        (TelegramConfig(bot_token="123:abc", secret_token="base64/like=", sender_key=KEY), False),
        (TelegramConfig(bot_token="123:abc", secret_token=SECRET + "\n", sender_key=KEY), False),
        (TelegramConfig(), False),
    ],
)
def test_ready(config, ready):
    assert config.ready is ready


def test_repr_of_the_config_shows_no_secret():
    shown = repr(TelegramConfig(bot_token="123:tokentoken", secret_token=SECRET, sender_key="sender-key-x"))
    assert "tokentoken" not in shown and SECRET not in shown and "sender-key-x" not in shown
