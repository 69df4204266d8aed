import pytest

from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import DangerPhrases, load_phrases, normalise

PHRASES = DangerPhrases(["palīgā", "меня бьют", "help me now"])


@pytest.mark.parametrize(
    "text, found",
    [
        ("PALIGA!!", True),
        ("palīgā, lūdzu", True),
        ("Меня бьют прямо сейчас", True),
        ("menya byut", False),  # transliterations are listed separately in the data
        ("please HELP me, now", True),
        ("help me understand my contract now", False),
        ("palīgāmies", False),  # inside another word
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


def test_every_enabled_language_has_danger_phrases():
    import yaml

    from bot.language.registry import registry

    for code in registry().enabled_codes:
        data = yaml.safe_load((CONTENT_DIR / "emergency_keywords" / f"{code}.yml").read_text("utf-8"))
        assert data["language"] == code
        assert data["source"]
        assert len(data["phrases"]) >= 15, code


@pytest.mark.parametrize(
    "text",
    [
        "man vajag informāciju par manām tiesībām",
        "what are my rights in latvia",
        "какие у меня права",
        "they took my passport",
        "help",
        "police",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert not DangerPhrases(load_phrases(CONTENT_DIR / "emergency_keywords")).found_in(text)
