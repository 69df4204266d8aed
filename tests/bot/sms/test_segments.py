import unicodedata
from itertools import pairwise

import pytest

from bot.sms.segments import (
    CONCATENATED,
    GSM7,
    SINGLE,
    UCS2,
    clusters,
    cost,
    encoding_of,
    fit,
    prefer_gsm7,
    segments,
)

LATIN = "Your rights in Latvia do not depend on your documents. " * 6
LATVIAN = "Jums ir tiesības saņemt algu par visu nostrādāto laiku un atpūtas dienas. " * 5
CYRILLIC = "Вы имеете право на оплату за всё отработанное время и на выходные дни. " * 5
HINDI = "आपको काम किए गए पूरे समय के लिए वेतन पाने का अधिकार है। क्षमा करें। " * 5
EMOJI = "Help is here 🙂 call us 📞 any time 🙏🏽 " * 8


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Hello, how can I help?", GSM7),
        ("Call 112 @ any time: £5, ¥, §, ¿Qué?", GSM7),
        ("ÄÖÑÜ äöñüà èéùìò ÇØøÅåÆæßÉ ΔΦΓΛΩΠΨΣΘΞ", GSM7),
        ("Braces {} [] ~ | ^ \\ and €", GSM7),
        ("line one\nline two\r\n", GSM7),
        ("Sveiki! Kā varu palīdzēt?", UCS2),  # Latvian letters are not GSM-7
        ("č", UCS2),
        ("Здравствуйте", UCS2),
        ("नमस्ते", UCS2),
        ("Hi 🙂", UCS2),
        ("I am a bot – not a person", UCS2),  # the en dash
        ("wait…", UCS2),
        ("back`tick", UCS2),
        ("", GSM7),
    ],
)
def test_encoding(text, encoding):
    assert encoding_of(text) == encoding


@pytest.mark.parametrize(
    "text, expected",
    [
        ("abc", 3),
        ("€", 2),
        ("[x]", 5),
        ("ā", 1),
        ("🙂", 2),  # a surrogate pair in UTF-16
        ("a🙂", 3),
        ("नमस्ते", 6),
    ],
)
def test_cost(text, expected):
    assert cost(text) == expected


@pytest.mark.parametrize(
    "text, count",
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 306, 2),  # 2 x 153
        ("a" * 307, 3),
        ("ā" * 70, 1),
        ("ā" * 71, 2),
        ("ā" * 134, 2),  # 2 x 67
        ("🙂" * 35, 1),
        ("🙂" * 36, 2),
        ("Д" * 70, 1),
        ("Д" * 71, 2),
    ],
)
def test_segment_count(text, count):
    assert len(segments(text)) == count


def assert_well_split(text):
    parts = segments(text)
    encoding = encoding_of(text)
    assert "".join(parts) == text
    room = SINGLE[encoding] if len(parts) == 1 else CONCATENATED[encoding]
    for part in parts:
        assert cost(part, encoding) <= room
    for left, right in pairwise(parts):
        # no part begins with something that belongs to the character before it
        assert not unicodedata.combining(right[0])
        assert unicodedata.category(right[0]) not in ("Mn", "Mc", "Me")
        assert unicodedata.combining(left[-1]) != 9, "a virama must stay with its consonant"
        assert left[-1] != "\u200d"
    return parts


@pytest.mark.parametrize("text", [LATIN, LATVIAN, CYRILLIC, HINDI, EMOJI, "€ [x] " * 60])
def test_long_texts_split_at_word_boundaries(text):
    parts = assert_well_split(text)
    assert len(parts) > 1
    for left, right in pairwise(parts):
        assert left[-1].isspace() or right[0].isspace()


@pytest.mark.parametrize(
    "word",
    [
        "क्षत्रिय" * 20,  # conjuncts and matras, no spaces
        "🙂" * 100,
        "🇱🇻" * 40,  # flags: pairs of regional indicators
        "👩\u200d👩\u200d👧" * 20,  # ZWJ sequence
        "👍🏽" * 30,  # skin tone modifier
        "e\u0301" * 120,  # decomposed é
        "a" * 400,
    ],
)
def test_a_word_longer_than_a_segment_is_split_between_clusters(word):
    parts = assert_well_split(word)
    assert len(parts) > 1
    for part in parts:
        assert all(piece in clusters(word) for piece in clusters(part))


def test_flags_stay_whole():
    for part in segments("🇱🇻" * 40):
        assert len(part) % 2 == 0


def test_clusters_keep_conjuncts_and_sequences():
    assert clusters("क्षमा") == ["क्ष", "मा"]
    assert clusters("🇱🇻🇪🇪") == ["🇱🇻", "🇪🇪"]
    assert clusters("👍🏽 a") == ["👍🏽", " ", "a"]
    assert clusters("\r\n") == ["\r\n"]


def test_short_text_is_not_shortened():
    assert fit("Hello", 1) == "Hello"


@pytest.mark.parametrize(
    "text, max_segments, mark",
    [
        (LATIN, 1, "..."),  # GSM-7 stays GSM-7
        (LATIN, 2, "..."),
        (LATVIAN, 1, "…"),
        (LATVIAN, 3, "…"),
        (CYRILLIC, 2, "…"),
        (HINDI, 2, "…"),
        (EMOJI, 2, "…"),
    ],
)
def test_fit_cuts_at_a_word_boundary_with_an_ellipsis(text, max_segments, mark):
    shortened = fit(text, max_segments)
    assert len(segments(shortened)) <= max_segments
    assert shortened.endswith(mark)
    head = shortened[: -len(mark)]
    assert text.startswith(head)
    assert text[len(head)].isspace() or text[len(head)] in ",;:"
    if mark == "...":
        assert encoding_of(shortened) == GSM7
    # it uses the room: one more word would not fit
    assert len(head) > 0.8 * max_segments * CONCATENATED[encoding_of(shortened)] - 10


def test_fit_keeps_a_suffix_whole():
    suffix = "\n1 Yes  2 No  3 Not sure"
    shortened = fit(LATIN, 1, suffix=suffix)
    assert shortened.endswith("..." + suffix)
    assert len(segments(shortened)) == 1


def test_fit_with_a_gsm7_text_and_ucs2_suffix_uses_the_unicode_ellipsis():
    shortened = fit(LATIN, 1, suffix="\n1 Jā  2 Nē")
    assert shortened.endswith("…\n1 Jā  2 Nē")
    assert len(segments(shortened)) == 1


def test_fit_cuts_a_single_long_word_between_clusters():
    shortened = fit("क्षत्रिय" * 30, 1)
    assert shortened.endswith("…")
    assert len(segments(shortened)) == 1
    assert unicodedata.combining(shortened[-2]) != 9


def test_fit_refuses_zero_segments():
    with pytest.raises(ValueError):
        fit("text", 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I am a bot – not a person. “Quick exit” …", 'I am a bot - not a person. "Quick exit" ...'),
        ("Oʻzbekcha", "O'zbekcha"),
        ("Я бот – не человек", "Я бот – не человек"),  # UCS-2 anyway: unchanged
        ("Jā – nē", "Jā – nē"),
        ("plain", "plain"),
    ],
)
def test_prefer_gsm7(text, expected):
    assert prefer_gsm7(text) == expected
