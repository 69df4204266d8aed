"""The test helpers' own promises: a language without a test phrase fails, never skips."""

import pytest

from tests.support.languages import ENABLED, Phrases, other_language


def test_a_missing_phrase_fails_the_test_and_names_the_table_and_the_language():
    phrases = Phrases("GREETING", {"en": "hello"})
    assert phrases["en"] == "hello"
    with pytest.raises(pytest.fail.Exception, match="GREETING.*'uk'"):
        phrases["uk"]


def test_another_language_is_another_enabled_one():
    for lang in ENABLED:
        assert other_language(lang) in ENABLED and other_language(lang) != lang
        assert other_language(other_language(lang), -1) == lang
