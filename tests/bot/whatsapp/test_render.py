"""A turn as WhatsApp messages (bot/whatsapp/render.py): full texts, buttons as a numbered
list numbered exactly as on SMS, long turns split with the list whole at the end."""

import re

import pytest

from bot.sms.render import render_turn as render_sms
from bot.whatsapp.render import MAX_MESSAGE_CHARS, bold_heading, options_list, render_turn

YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
OPTIONS = "1. Yes\n2. No\n3. Not sure"
OPTION_LINE = re.compile(r"(\d+)\. (.+)")


@pytest.mark.parametrize(
    "messages, pieces",
    [
        ([], []),
        ([{"text": "Hello."}], ["Hello."]),
        ([{"text": "Hello."}, {"text": "How can I help?"}], ["Hello.\n\nHow can I help?"]),
        (
            [{"text": "Hello."}, {"text": "Are you in Latvia?", "buttons": YES_NO}],
            ["Hello.\n\nAre you in Latvia?\n\n" + OPTIONS],
        ),
        (  # only the last buttons count: earlier ones are no longer the question
            [
                {"text": "Menu", "buttons": [{"title": "Rights", "payload": "/ask_rights"}]},
                {"text": "Are you in Latvia?", "buttons": YES_NO},
                {"text": "You can stop at any time."},
            ],
            ["Menu\n\nAre you in Latvia?\n\nYou can stop at any time.\n\n" + OPTIONS],
        ),
        ([{"buttons": YES_NO}], [OPTIONS]),
        (  # custom JSON (web-only data) and blank texts are not sent
            [{"custom": {"data": {"ui_language": "ru"}}}, {"text": "  "}, {"text": "Hi"}],
            ["Hi"],
        ),
        (  # WhatsApp is not SMS: every script and typographic character as it is
            [{"text": "Ваши права — “важно”.\nमदद 🙂"}],
            ["Ваши права — “важно”.\nमदद 🙂"],
        ),
        (  # titles made one line; buttons without a title or payload skipped, the rest renumbered
            [
                {
                    "text": "Q",
                    "buttons": [
                        {"title": "", "payload": "/x"},
                        {"title": "Check  my\nsituation", "payload": "/start_screening"},
                        {"title": "Y"},
                        {"title": None, "payload": "/y"},
                        {"title": "Menu", "payload": "/show_menu"},
                    ],
                }
            ],
            ["Q\n\n1. Check my situation\n2. Menu"],
        ),
    ],
)
def test_render_turn(messages, pieces):
    assert render_turn(messages) == pieces


NUMBERING_CASES = [
    [{"text": "Are you in Latvia?", "buttons": YES_NO}],
    [{"text": "Menu", "buttons": [{"title": "Rights", "payload": "/ask_rights"}]}, {"text": "Q", "buttons": YES_NO}],
    [{"text": "Q", "buttons": [{"title": "", "payload": "/a"}, {"title": "B", "payload": "/b"},
                               {"title": "C"}, {"title": "D", "payload": "/d"}]}],
    [{"text": "Q", "buttons": [{"title": "A", "payload": ""}, {"title": "  ", "payload": "/b"}]}],
    [{"text": "No buttons"}],
]


@pytest.mark.parametrize("messages", NUMBERING_CASES)
def test_numbering_is_the_same_as_on_sms(messages):
    # the WhatsApp channel turns a number reply into a payload with bot.sms.render.previous_choices
    shown = {}
    for line in render_turn(messages)[-1].splitlines():
        match = OPTION_LINE.fullmatch(line)
        if match:
            shown[match.group(1)] = match.group(2)
    payload_of = {b.get("title"): b.get("payload") for m in messages for b in m.get("buttons") or []}
    assert {n: payload_of[title] for n, title in shown.items()} == render_sms(messages).choices


LONG_TURN = [
    {"text": "First paragraph here."},
    {"text": "Second paragraph is here.\nWith a second line of words.", "buttons": YES_NO},
]


@pytest.mark.parametrize(
    "limit, pieces",
    [
        (1600, ["First paragraph here.\n\nSecond paragraph is here.\nWith a second line of words.\n\n" + OPTIONS]),
        (60, ["First paragraph here.", "Second paragraph is here.\nWith a second line of words.", OPTIONS]),
        (30, ["First paragraph here.", "Second paragraph is here.", "With a second line of words.", OPTIONS]),
        # the texts (77 characters) + a blank line + the list (24) = 103: one message at 103, two below
        (103, ["First paragraph here.\n\nSecond paragraph is here.\nWith a second line of words.\n\n" + OPTIONS]),
        (102, ["First paragraph here.\n\nSecond paragraph is here.\nWith a second line of words.", OPTIONS]),
    ],
)
def test_a_long_turn_is_split(limit, pieces):
    assert render_turn(LONG_TURN, limit=limit) == pieces


def test_the_list_joins_the_last_piece_when_it_fits():
    messages = [{"text": "a" * 30}, {"text": "Question?", "buttons": YES_NO}]
    # "Question?" + blank line + the list = 9 + 2 + 24 = 35 characters
    assert render_turn(messages, limit=35) == ["a" * 30, "Question?\n\n" + OPTIONS]
    assert render_turn(messages, limit=34) == ["a" * 30, "Question?", OPTIONS]


TURNS = [
    LONG_TURN,
    [{"text": "word " * 400}, {"text": "Still with me?", "buttons": YES_NO}],
    [{"text": "Ваши права. " * 200, "buttons": YES_NO}],
    [{"text": "x" * 5000}],
    [{"buttons": YES_NO}],
]


@pytest.mark.parametrize("messages", TURNS)
@pytest.mark.parametrize("limit", [24, 25, 40, 100, 333, MAX_MESSAGE_CHARS])
def test_every_piece_fits_and_the_list_is_whole_in_the_last(messages, limit):
    pieces = render_turn(messages, limit=limit)
    options = options_list(messages)
    assert pieces and all(0 < len(piece) <= limit for piece in pieces)
    if options:  # every limit here holds the whole list
        assert pieces[-1].endswith(options)
        assert sum(piece.count(options) for piece in pieces) == 1
    texts = "".join(m.get("text") or "" for m in messages)
    assert "".join("".join(pieces).split()) == "".join((texts + options).split())


@pytest.mark.parametrize(
    "text, bold",
    [
        ("Marta centre\n+371 67378539\nRiga", "*Marta centre*\n+371 67378539\nRiga"),
        ("  Marta centre  \nRiga", "*Marta centre*\nRiga"),
        ("\n\nMarta centre\nRiga", "*Marta centre*\nRiga"),
        ("Marta centre", "*Marta centre*"),
        ("", ""),
        ("   ", "   "),
        ("Valsts policija\n\n110", "*Valsts policija*\n\n110"),
    ],
)
def test_bold_heading(text, bold):
    assert bold_heading(text) == bold
