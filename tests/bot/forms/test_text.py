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
        ("Көмек керек!", "комек керек"),  # Kazakh as typed on a Russian keyboard
        ("Жардам бериңиз", "жардам бериниз"),  # Kyrgyz
        ("ҳозир ёрдам қилинг", "хозир ердам килинг"),  # Uzbek Cyrillic
        ("Ба ман кӯмак кунед", "ба ман кумак кунед"),  # Tajik ӯ folds as a diacritic
        ("ҷон", "чон"),
        ("допоможіть", "допоможить"),  # Ukrainian і as typed on a Russian keyboard
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_fold_keeps_punctuation_for_keyword_readers():
    assert fold("DZĒST!") == "dzest!"


def test_fold_keeps_the_letters_that_tell_languages_apart():
    """The language identifier reads fold(): қ and ө are Kazakh, not Russian."""
    assert fold("Көмек керек") == "көмек керек"
