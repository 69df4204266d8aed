"""The offer to switch to the language a person wrote in (bot/language/offer.py): when, and its words."""

import pytest

from bot.i18n.catalogs import default_catalogs
from bot.i18n.responses import load_sources
from bot.language.offer import OFFER, OFFERED, language_to_offer, offer_message, offered_since_change
from bot.language.registry import registry
from bot.paths import RESPONSES_FILE
from tests.support import expect
from tests.support.languages import ENABLED

SOURCE = load_sources(RESPONSES_FILE)[OFFER]


def slot(value):
    return {"event": "slot", "name": "language", "value": value}


def offer(code):
    return {"event": "bot", "text": "…", "metadata": {OFFERED: code}}


def said(text="…"):
    return {"event": "bot", "text": text, "metadata": {}}


@pytest.mark.parametrize(
    "detected, current, events, offered",
    [
        ("ru", "en", [slot("en")], "ru"),
        ("ru", "lv", [], "ru"),  # nobody chose a language: the default's conversation
        ("en", "ru", [slot("ru"), said()], "en"),
        (None, "en", [slot("en")], None),  # not sure
        ("en", "en", [slot("en")], None),  # the conversation's own
        ("uk", "en", [slot("en")], "uk"),
        ("de", "en", [slot("en")], None),  # not offered
        ("ru", "en", [slot("en"), offer("ru")], None),  # offered already
        ("ru", "en", [slot("en"), offer("ru"), slot("en"), said()], None),  # chose to stay
        ("ru", "lv", [offer("ru"), slot("lv")], None),  # stayed in the default, never set before
        ("lv", "en", [slot("en"), offer("ru")], "lv"),  # another language
        # Switched, then back: this language is a new stretch of the conversation.
        ("ru", "en", [slot("en"), offer("ru"), slot("ru"), slot("en")], "ru"),
    ],
)
def test_when_a_language_is_offered(detected, current, events, offered):
    assert language_to_offer(detected, current, registry(), events) == offered


def test_offered_since_the_language_last_changed():
    events = [offer("en"), slot("ru"), offer("lv"), said(), slot("ru"), offer("en")]
    assert offered_since_change(events, initial="lv") == {"lv", "en"}
    assert offered_since_change([], initial="lv") == set()


def render(offered, current, channel=None):
    return offer_message(offered, current, SOURCE, default_catalogs(), registry(), channel)


def test_the_offer_in_both_languages_with_a_button_in_each():
    message = render("ru", "en")
    assert message == {
        "text": "Would you like to continue in Russian? / Хотите продолжить по-русски?",
        "buttons": [
            {"title": "Продолжить по-русски", "payload": '/change_language{"language":"ru"}'},
            {"title": "Continue in English", "payload": '/change_language{"language":"en"}'},
        ],
    }


def test_on_sms_the_offer_names_the_keyword_and_leaves_the_numbers_to_the_answer():
    assert render("ru", "lv", "sms") == {
        "text": "Vai vēlaties turpināt krieviski? Sūtiet RU. / Хотите продолжить по-русски? Отправьте RU.",
    }


@pytest.mark.parametrize("offered, current", [(o, c) for o in ENABLED for c in ENABLED if o != c])
@pytest.mark.parametrize("channel", [None, "socketio", "sms"])
def test_every_pair_of_languages_reads_whole(offered, current, channel):
    message = render(offered, current, channel)
    current_part, offered_part = message["text"].split(" / ")
    assert "{" not in message["text"] and "in_language" not in message["text"]
    in_offered = expect.phrase(offered, "in_language", registry().get(offered).in_language)
    assert in_offered in offered_part
    assert expect.phrase(current, "in_language", registry().get(offered).in_language) in current_part
    if channel == "sms":
        assert "buttons" not in message
    else:
        assert [b["payload"] for b in message["buttons"]] == [
            f'/change_language{{"language":"{offered}"}}', f'/change_language{{"language":"{current}"}}'
        ]
        assert in_offered in message["buttons"][0]["title"]


def test_every_language_says_in_itself_in_every_catalog():
    for language in registry().all.values():
        assert language.in_language, f"{language.code} has no in_language in languages.yml"
        for lang in ENABLED:
            assert expect.phrase(lang, "in_language", language.in_language)
