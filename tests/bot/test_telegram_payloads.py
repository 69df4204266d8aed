"""Every button payload Palīgs can send fits Telegram's callback data (64 bytes of UTF-8).

A payload that does not fit would make Telegram refuse the whole message, so the
person would get no answer at all. The table is every button of every response in
bot/responses.yml (every channel's variant), and every button an action builds:
the language choice and the offer to switch, and the rights topics.
"""

import pytest

from bot.actions.common import language_buttons
from bot.i18n.responses import load_sources
from bot.language.registry import registry
from bot.paths import RESPONSES_FILE
from bot.rights.topics import NEXT_STEPS, OTHER_RIGHTS, TELL_MORE, rights
from bot.sms.keywords import change_language
from bot.telegram.keyboard import MAX_CALLBACK_BYTES, fits_callback, inline_keyboard


def response_payloads():
    for name, source in load_sources(RESPONSES_FILE).items():
        for channel, variant in [("", source.default), *source.channels.items()]:
            for button in variant.buttons:
                yield f"{name}{'/' + channel if channel else ''}: {button.title}", button.payload


def action_payloads():
    for button in language_buttons():
        yield f"language choice: {button['title']}", button["payload"]
    for code in registry().enabled_codes:
        yield f"language offer: {code}", change_language(code)
    for topic in rights().topics.values():
        yield f"rights topic: {topic.id}", topic.payload()
    for step, payload in NEXT_STEPS.items():
        yield f"rights next step: {step}", payload
    yield "rights: tell more", TELL_MORE
    yield "rights: other rights", OTHER_RIGHTS


PAYLOADS = sorted(set(response_payloads()) | set(action_payloads()))


def test_the_table_holds_every_kind_of_button():
    names = " ".join(name for name, _ in PAYLOADS)
    assert len(PAYLOADS) > 60
    for kind in ("utter_menu:", "utter_ask_provider:", "language choice:", "language offer:", "rights topic:"):
        assert kind in names, kind


@pytest.mark.parametrize("where, payload", PAYLOADS, ids=[name for name, _ in PAYLOADS])
def test_every_payload_fits_telegram_callback_data(where, payload):
    size = len(payload.encode("utf-8"))
    assert fits_callback(payload), f"{where}: {payload!r} is {size} bytes, Telegram takes {MAX_CALLBACK_BYTES}"
    keyboard = inline_keyboard([{"title": "x", "payload": payload}])
    assert keyboard["inline_keyboard"][0][0]["callback_data"] == payload
