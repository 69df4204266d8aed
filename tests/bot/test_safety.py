import pytest

from bot.forms.text import normalise
from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import Phrases, load_phrases

PHRASES = Phrases(["palīgā", "меня бьют", "help me now", "i'm trapped", "menya b'yut", "मार"])


@pytest.mark.parametrize(
    "text, found",
    [
        ("PALIGA!!", True),
        ("palīgā, lūdzu", True),
        ("Меня бьют прямо сейчас", True),
        ("menja bjut", False),  # other Latin spellings are listed separately in the data
        ("please HELP me, now", True),
        ("help me understand my contract now", False),
        ("palīgāmies", False),  # inside another word
        ("वो मुझे मारा करता था", False),  # "मार" ends before a vowel sign: not a whole word
        ("मुझे मार रहे हैं", True),
        ("IM TRAPPED", True),  # apostrophes join the word they are in
        ("i’m trapped", True),
        ("i m trapped", False),
        ("menya byut", True),  # a soft sign typed as an apostrophe, or left out
        ("menya b`yut", True),
        ("", False),
    ],
)
def test_danger_phrases(text, found):
    assert PHRASES.found_in(text) is found


@pytest.mark.parametrize(
    "text, expected",
    [("Palīdzība!", "palidziba"), ("  ŠODIEN   ", "sodien"), ("Ёлка, й", "елка и"), ("a.b-c", "a b c")],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_every_enabled_language_has_danger_phrases_and_present_cues():
    import yaml

    from bot.language.registry import registry

    for code in registry().enabled_codes:
        data = yaml.safe_load((CONTENT_DIR / "emergency_keywords" / f"{code}.yml").read_text("utf-8"))
        assert data["language"] == code
        assert data["source"]
        assert len(data["phrases"]) >= 15, code
        assert len(data["present_cues"]) >= 10, code


@pytest.mark.parametrize(
    "text",
    [
        "man vajag informāciju par manām tiesībām",
        "what are my rights in latvia",
        "какие у меня права",
        "they took my passport",
        "help",
        "police",
        "my passport is locked in the boss's safe",
        "i am trapped in debt to the agency",
        "what emergency help can victims get",
        "should i call the police",
        "this job is killing me",
        "Palīga dati ir drošībā?",
        "piedāvā darbu par pavāra palīgu, vai tas ir droši",
        "katru nakti mani ieslēdz istabā",
        "у меня украли паспорт",
        "помогите вернуться домой",
        "pomogite uehat domoy",
        "начальница бьёт меня по лицу, когда злится",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert not Phrases(load_phrases(CONTENT_DIR / "emergency_keywords")).found_in(text)
