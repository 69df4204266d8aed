"""One normalisation for every matcher, table-driven."""

import pytest

from bot.forms.text import fold, normalise


@pytest.mark.parametrize(
    "text, expected",
    [
        ("PALĪGĀ!!", "paliga"),
        ("Drošās  mājas", "drosas majas"),
        ("помогите, меня бьют!", "помогите меня бьют"),
        ("ёлка", "елка"),
        ("don't know", "don t know"),
        ("मुझे मदद चाहिए", "मुझे मदद चाहिए"),  # Devanagari vowel signs are letters, not accents
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_fold_keeps_punctuation_for_keyword_readers():
    assert fold("DZĒST!") == "dzest!"
