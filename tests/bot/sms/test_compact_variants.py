"""The SMS variants stay compact in every enabled language, the longest included: the
cost of an SMS reply is its segments (UCS-2 for Cyrillic, Devanagari and Urdu)."""

import pytest

from bot.actions.common import language_buttons
from bot.contacts.book import contact_book, response_values
from bot.i18n.catalogs import Catalogs
from bot.i18n.responses import load_sources, render
from bot.paths import LOCALES_DIR, RESPONSES_FILE
from bot.sms.render import render_turn
from bot.sms.segments import segments
from tests.support.languages import ENABLED, native_names

# A compact variant is at most this many segments, buttons included.
COMPACT_SEGMENTS = 3
SOURCES = load_sources(RESPONSES_FILE)
SMS_VARIANTS = sorted(name for name, source in SOURCES.items() if "sms" in source.channels)


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs(LOCALES_DIR)


def test_there_are_sms_variants():
    assert len(SMS_VARIANTS) >= 10


@pytest.mark.parametrize("lang", ENABLED)
@pytest.mark.parametrize("name", SMS_VARIANTS)
def test_every_sms_variant_fits_the_compact_cap(catalogs, name, lang):
    message = render(SOURCES[name], lang, catalogs, response_values(contact_book(), 30), "sms")
    reply = render_turn([message]).fitted(max_segments=100)  # measured, not cut
    assert len(segments(reply.text)) <= COMPACT_SEGMENTS, reply.text


@pytest.mark.parametrize("lang", ENABLED)
def test_the_language_choice_is_one_numbered_line_that_fits(catalogs, lang):
    message = render(SOURCES["utter_choose_language"], lang, catalogs, {}, "sms")
    message["buttons"] = language_buttons()  # as action_change_language offers them
    reply = render_turn([message])
    assert reply.options.startswith("1 ") and f"{len(ENABLED)} {native_names()[-1]}" in reply.options
    assert len(segments(reply.text)) <= COMPACT_SEGMENTS
