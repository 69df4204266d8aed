"""Typed choices: numbers and words in each language, table-driven."""

import pytest

from bot.forms.words import EVERY_LANGUAGE, number_in, pick_by_number, vocabulary

WORDS = vocabulary()


@pytest.mark.parametrize(
    "text, picked",
    [
        ("1", "a"), (" 3 ", "c"), ("2.", "b"), ("2)", "b"),
        ("0", None), ("4", None), ("1 2", None), ("one", None), ("", None),
    ],
)
def test_pick_by_number(text, picked):
    assert pick_by_number(text, ("a", "b", "c")) == picked


@pytest.mark.parametrize("text, number", [("I am 16", 16), ("мне 17 лет", 17), ("no age", None), ("2026", None)])
def test_number_in(text, number):
    assert number_in(text) == number


@pytest.mark.parametrize(
    "section, lang, text, option",
    [
        ("answers", "en", "Yes", "yes"),
        ("answers", "en", "I'm not sure", "unsure"),  # longest match wins over "sure"
        ("answers", "lv", "Nē!", "no"),
        ("answers", "lv", "nezinu", "unsure"),  # not "ne"
        ("answers", "ru", "НЕТ", "no"),
        ("answers", "ru", "давно", None),  # "да" only as a whole word
        ("sector", "ru", "на стройке", "construction"),
        ("sector", "lv", "būvlaukumā", "construction"),
        ("sector", "lv", "buvlaukuma", "construction"),  # without diacritics
        ("sector", "en", "a hotel kitchen", "hospitality"),
        ("sector", "en", "bar", "hospitality"),
        ("sector", "en", "barely", None),  # short entries match whole words only
        ("location", "lv", "Rīgā", "latvia"),
        ("age_group", "ru", "я несовершеннолетняя", "minor"),
        ("provider", "lv", "Drošā māja", "drosa_maja"),
        ("provider", "lv", "uz Drošās mājas", "drosa_maja"),  # a declined name still starts the same
        ("provider", "en", "Centrs MARTA please", "marta"),
        ("provider", "ru", "неважно", "any"),
        ("provider", "en", "any of them", "any"),
        ("provider", "en", "a company", None),  # "any" only as a whole word
        ("provider", "en", "manyana", None),
    ],
)
def test_words_in_each_language(section, lang, text, option):
    assert getattr(WORDS, section).match(text, lang) == option


def test_every_sector_and_option_has_words_in_every_enabled_language():
    from bot.handoff.flow import PROVIDERS
    from bot.language.registry import registry
    from bot.screening.indicators import indicator_set
    from bot.screening.walkthrough import AGE_OPTIONS, LOCATION_OPTIONS

    assert set(WORDS.sector.entries) == set(indicator_set().sectors)
    assert set(WORDS.age_group.entries) == set(AGE_OPTIONS)
    assert set(WORDS.location.entries) == set(LOCATION_OPTIONS)
    assert set(WORDS.provider.entries) == set(PROVIDERS)
    for section in (WORDS.answers, WORDS.age_group, WORDS.location, WORDS.sector, WORDS.provider):
        for option, by_lang in section.entries.items():
            for lang in registry().enabled_codes:
                assert by_lang.get(lang) or by_lang.get(EVERY_LANGUAGE), f"{option} has no words in {lang}"
