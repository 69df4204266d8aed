"""What a person reads when a channel cannot handle their message (bot/server/channels/guard.py):
in every enabled language, translated, with 112 and ending with the hotline number."""

import pytest

from bot.contacts.book import contact_book, response_values
from bot.server.channels.guard import temporarily_unavailable
from tests.support.languages import DEFAULT, ENABLED

VALUES = response_values(contact_book(), 30)
ENGLISH = temporarily_unavailable("en")
# What may follow the number: a full stop, the Devanagari danda, the Urdu full stop.
END_PUNCTUATION = ".।۔ "


@pytest.mark.parametrize("channel", [None, "sms", "socketio", "rest"])
@pytest.mark.parametrize("lang", ENABLED)
def test_the_text_is_translated_and_ends_with_the_hotline(lang, channel):
    text = temporarily_unavailable(lang, channel)
    assert "{" not in text, text  # every placeholder filled
    assert VALUES["emergency"] in text
    assert text.rstrip(END_PUNCTUATION).endswith(VALUES["hotline"]), text
    assert lang == "en" or text != ENGLISH  # a translation, not the English source


@pytest.mark.parametrize("lang", [None, "", "xx", "english"])
def test_an_unknown_language_gets_the_default(lang):
    assert temporarily_unavailable(lang) == temporarily_unavailable(DEFAULT)
