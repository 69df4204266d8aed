"""Buttons as an inline keyboard (bot/telegram/keyboard.py): the rows, the callback data,
and Telegram's 64-byte limit, checked on every button the assistant can send."""

import pytest

from bot.actions.common import language_buttons
from bot.i18n.responses import load_sources
from bot.paths import RESPONSES_FILE
from bot.rights.topics import answer_payloads, more_payloads, rights
from bot.telegram.keyboard import (
    MAX_CALLBACK_BYTES,
    SHORT_TITLE_CHARS,
    PayloadTooLong,
    fits_callback,
    inline_keyboard,
)

YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
CYRILLIC_32 = "д" * 32  # 2 bytes each in UTF-8: 64 bytes in 32 characters


def key(title, payload):
    return {"text": title, "callback_data": payload}


@pytest.mark.parametrize(
    "buttons",
    [
        None,
        [],
        [{"title": "", "payload": "/x"}],
        [{"title": "   ", "payload": "/x"}],
        [{"title": "Menu"}],
        [{"title": "Menu", "payload": ""}],
        [{"title": None, "payload": None}],
    ],
)
def test_no_keyboard_without_a_usable_button(buttons):
    assert inline_keyboard(buttons) is None


@pytest.mark.parametrize(
    "buttons, rows",
    [
        (  # short titles: two to a row, the odd one alone at the end
            YES_NO,
            [[key("Yes", "/affirm"), key("No", "/deny")], [key("Not sure", "/unsure")]],
        ),
        (
            [{"title": "a" * SHORT_TITLE_CHARS, "payload": "/a"}, {"title": "b", "payload": "/b"}],
            [[key("a" * SHORT_TITLE_CHARS, "/a"), key("b", "/b")]],
        ),
        (  # one title too long for half a phone: every button on its own row
            [{"title": "a" * (SHORT_TITLE_CHARS + 1), "payload": "/a"}, {"title": "b", "payload": "/b"}],
            [[key("a" * (SHORT_TITLE_CHARS + 1), "/a")], [key("b", "/b")]],
        ),
        (
            [{"title": "Check my situation now", "payload": "/start_screening"}],
            [[key("Check my situation now", "/start_screening")]],
        ),
        (  # titles made one line; unusable buttons left out, the rest keep their order
            [
                {"title": "Check  my\nsituation", "payload": "/start_screening"},
                {"title": "", "payload": "/x"},
                {"title": "Menu"},
                {"title": "Menu", "payload": "/show_menu"},
            ],
            [[key("Check my situation", "/start_screening"), key("Menu", "/show_menu")]],
        ),
        (
            [{"title": "Русский", "payload": '/change_language{"language":"ru"}'}],
            [[key("Русский", '/change_language{"language":"ru"}')]],
        ),
    ],
)
def test_rows(buttons, rows):
    assert inline_keyboard(buttons) == {"inline_keyboard": rows}


def test_callback_data_is_the_payload():
    keyboard = inline_keyboard(YES_NO)
    assert [k["callback_data"] for row in keyboard["inline_keyboard"] for k in row] == [b["payload"] for b in YES_NO]


@pytest.mark.parametrize(
    "payload, fits",
    [
        ("/" + "a" * 63, True),
        ("/" + "a" * 64, False),
        (CYRILLIC_32, True),  # 32 characters, 64 bytes
        ("/" + CYRILLIC_32, False),  # 33 characters, 65 bytes: characters are not what counts
        ("/" + "a" * 61 + "ā", True),  # 62 + 2 bytes
        ("/" + "a" * 62 + "ā", False),  # 63 + 2 bytes
        ("", False),
        ("/a", True),
    ],
)
def test_fits_callback_counts_utf8_bytes(payload, fits):
    assert fits_callback(payload) is fits


@pytest.mark.parametrize("payload", ["/" + "a" * 64, "/" + CYRILLIC_32, "я" * 40])
def test_a_payload_over_64_bytes_is_refused(payload):
    with pytest.raises(PayloadTooLong):
        inline_keyboard([{"title": "Yes", "payload": "/affirm"}, {"title": "Too long", "payload": payload}])


@pytest.mark.parametrize("payload", ["/" + "a" * 63, CYRILLIC_32])
def test_a_payload_of_64_bytes_is_sent(payload):
    assert inline_keyboard([{"title": "Ok", "payload": payload}]) == {"inline_keyboard": [[key("Ok", payload)]]}


def every_payload():
    """Every button payload the assistant sends: the responses' buttons (any channel),
    the language buttons and the rights topics with their next steps."""
    payloads = set()
    for source in load_sources(RESPONSES_FILE).values():
        for variant in (source.default, *source.channels.values()):
            payloads.update(b.payload for b in variant.buttons)
    payloads.update(b["payload"] for b in language_buttons())
    for topic in rights().topics.values():
        payloads.update([topic.payload(), *answer_payloads(topic), *more_payloads(topic)])
    return sorted(payloads)


def test_the_payload_table_is_not_empty():
    # a broken loader must not make the next test pass on nothing
    payloads = every_payload()
    assert len(payloads) > 20 and "/start_screening" in payloads
    assert any(p.startswith('/ask_rights{"rights_topic":') for p in payloads)


@pytest.mark.parametrize("payload", every_payload())
def test_every_payload_the_assistant_sends_fits_telegrams_callback_data(payload):
    assert len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES, payload
