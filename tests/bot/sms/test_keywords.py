import pytest

from bot.language.registry import registry
from bot.sms.keywords import DO_NOT_ANSWER, KEYWORDS, change_language, keyword_payload, language_keyword, normalise

MENU, DELETE, GREET = "/show_menu", "/delete_data", "/greet"


@pytest.mark.parametrize(
    "text, payload",
    [
        ("0", MENU),
        (" 0 ", MENU),
        ("HELP", MENU),
        ("help!", MENU),
        ("Palīgs", MENU),
        ("PALIGS", MENU),
        ("помощь", MENU),
        ("ПОМОЩЬ", MENU),
        ("pomoshch", MENU),
        ("ДОПОМОГА", MENU),
        ("dopomoha", MENU),
        ("Yordam", MENU),
        ("КӨМЕК", MENU),
        ("ajutor", MENU),
        ("मदद", MENU),
        ("DELETE", DELETE),
        ("Dzēst", DELETE),
        ("DZEST", DELETE),
        ("dzest.", DELETE),
        ("УДАЛИТЬ", DELETE),
        ("udalit", DELETE),
        ("ВИДАЛИТИ", DELETE),
        ("Oʻchirish", DELETE),  # Uzbek with the modifier letter
        ("o‘chirish", DELETE),  # ... or a quotation mark
        ("ochirish", DELETE),
        ("ȘTERGE", DELETE),
        ("STOP", DO_NOT_ANSWER),
        ("stop", DO_NOT_ANSWER),
        ("StopAll", DO_NOT_ANSWER),
        ("UNSUBSCRIBE", DO_NOT_ANSWER),
        ("cancel", DO_NOT_ANSWER),
        ("END", DO_NOT_ANSWER),
        ("Quit", DO_NOT_ANSWER),
        ("START", GREET),
        ("unstop", GREET),
        ("LV", change_language("lv")),
        ("en", change_language("en")),
        ("Ru", change_language("ru")),
        ("РУССКИЙ", change_language("ru")),
        ("UK", change_language("uk")),
        ("UZ", change_language("uz")),
        ("TG", change_language("tg")),
        ("KY", change_language("ky")),
        ("KK", change_language("kk")),
        ("RO", change_language("ro")),
        ("HINDI", change_language("hi")),
        ("हिन्दी", change_language("hi")),
        ("UR", change_language("ur")),
        ("اردو", change_language("ur")),
        ("Latviešu", change_language("lv")),
        ("latviesu", change_language("lv")),
    ],
)
def test_keywords(text, payload):
    assert keyword_payload(text) == payload


@pytest.mark.parametrize(
    "text",
    [
        "please delete my data",  # whole messages only: the NLU handles sentences
        "help me",
        "I want to stop working there",
        "hi",  # a greeting, not Hindi
        "yes",  # an answer, not Twilio's opt-in
        "1",
        "00",
        "",
        "   ",
        "lv ru",
    ],
)
def test_not_keywords(text):
    assert keyword_payload(text) is None


def test_change_language_payload_shape():
    assert change_language("ru") == '/change_language{"language":"ru"}'


def test_every_language_has_a_keyword():
    payloads = set(KEYWORDS)
    for code in registry().all:
        assert change_language(code) in payloads


def test_the_keyword_named_for_each_language_switches_to_it():
    assert (language_keyword("ru"), language_keyword("hi"), language_keyword("xx")) == ("RU", "HINDI", None)
    for code in registry().all:
        assert keyword_payload(language_keyword(code)) == change_language(code)


@pytest.mark.parametrize(
    "text, expected",
    [("  Dzēst! ", "dzest"), ("ПОМОЩЬ", "помощь"), ("Й", "и"), ("हिन्दी", "हिन्दी"), ("a  b", "a b")],
)
def test_normalise(text, expected):
    assert normalise(text) == expected
