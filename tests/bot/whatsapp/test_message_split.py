"""Cutting a long text into messages (bot/message_split.py), shared by WhatsApp (1,600
characters) and Telegram (4,096): at the widest boundary that fits, never losing a character."""

import pytest

from bot.message_split import split_message


def non_space(text):
    return "".join(text.split())


@pytest.mark.parametrize(
    "text, limit, pieces",
    [
        ("", 10, []),
        ("   \n\n  ", 10, []),
        ("short", 10, ["short"]),
        ("exactly 10", 10, ["exactly 10"]),
        ("  padded  ", 6, ["padded"]),  # the outer spaces are not part of the message
        # a blank line wins over a later line break and a later space
        ("para one\n\nline two\nline three", 20, ["para one", "line two\nline three"]),
        # no blank line within the limit: the last line break that fits
        ("first line\nsecond line", 15, ["first line", "second line"]),
        ("a b\nc d\ne f", 8, ["a b\nc d", "e f"]),
        # no line break either: the last space that fits
        ("one two three four", 9, ["one two", "three", "four"]),
        ("one two three four", 13, ["one two three", "four"]),
        # a blank line beyond the limit does not count; the line break before it does
        ("abc\ndefgh\n\nij", 9, ["abc\ndefgh", "ij"]),
        # a word longer than a message is cut where the limit falls
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("hi abcdefghij", 4, ["hi", "abcd", "efgh", "ij"]),
        ("Привет мир, как дела", 11, ["Привет мир,", "как дела"]),
    ],
)
def test_split_message(text, limit, pieces):
    assert split_message(text, limit) == pieces


TEXTS = [
    "Paragraph one is here.\n\nParagraph two follows, with more words in it.\nAnd a second line.\n\nThree.",
    "word " * 60,
    "x" * 95 + " tail",
    "Ваши права: работодатель не может забрать паспорт.\n\nЗвоните 116006.\nМы поможем.",
    "एक दो तीन\n\nचार पाँच छह सात आठ नौ दस",
    "1. Yes\n2. No\n3. Not sure",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("limit", [1, 3, 7, 12, 20, 33, 64, 1600])
def test_pieces_fit_are_not_blank_and_lose_nothing(text, limit):
    pieces = split_message(text, limit)
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert all(piece == piece.strip() for piece in pieces)
    # only the whitespace at a cut may go; every other character stays, in order
    assert non_space("".join(pieces)) == non_space(text)
