import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.sms.render import (
    SmsReply,
    choice_for,
    is_number_reply,
    last_turn,
    previous_choices,
    render_turn,
)
from bot.sms.segments import encoding_of, segments

YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]
CHOICES = {"1": "/affirm", "2": "/deny", "3": "/unsure"}


@pytest.mark.parametrize(
    "messages, text, choices",
    [
        ([], "", {}),
        ([{"text": "Hello."}], "Hello.", {}),
        ([{"text": "Hello."}, {"text": "How can I help?"}], "Hello.\n\nHow can I help?", {}),
        (
            [{"text": "Hello."}, {"text": "Are you in Latvia?", "buttons": YES_NO}],
            "Hello.\n\nAre you in Latvia?\n1 Yes  2 No  3 Not sure",
            CHOICES,
        ),
        (  # only the last buttons count: earlier ones are no longer the question
            [
                {"text": "Menu", "buttons": [{"title": "Rights", "payload": "/ask_rights"}]},
                {"text": "Are you in Latvia?", "buttons": YES_NO},
                {"text": "You can stop at any time."},
            ],
            "Menu\n\nAre you in Latvia?\n\nYou can stop at any time.\n1 Yes  2 No  3 Not sure",
            CHOICES,
        ),
        ([{"buttons": YES_NO}], "1 Yes  2 No  3 Not sure", CHOICES),
        (  # custom JSON (web-only data) and blank texts are not sent
            [{"custom": {"data": {"ui_language": "ru"}}}, {"text": "  "}, {"text": "Hi"}],
            "Hi",
            {},
        ),
        (  # titles made one line; buttons without a title or payload skipped
            [
                {
                    "text": "Q",
                    "buttons": [
                        {"title": "Check  my\nsituation", "payload": "/start_screening"},
                        {"title": "", "payload": "/x"},
                        {"title": "Y"},
                    ],
                }
            ],
            "Q\n1 Check my situation",
            {"1": "/start_screening"},
        ),
        (  # payloads never reach the person
            [
                {
                    "text": "Language?",
                    "buttons": [{"title": "Русский", "payload": '/change_language{"language":"ru"}'}],
                }
            ],
            "Language?\n1 Русский",
            {"1": '/change_language{"language":"ru"}'},
        ),
    ],
)
def test_render_turn(messages, text, choices):
    reply = render_turn(messages)
    assert reply.text == text
    assert reply.choices == choices
    for payload in choices.values():
        assert payload not in reply.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", "/affirm"),
        (" 2 ", "/deny"),
        ("3.", "/unsure"),
        ("2)", "/deny"),
        ("01", "/affirm"),
        ("२", "/deny"),  # Devanagari digit
        ("۲", "/deny"),  # Extended Arabic-Indic digit (Urdu)
        ("4", None),
        ("0", None),
        ("1 2", None),
        ("1a", None),
        ("yes", None),
        ("", None),
    ],
)
def test_choice_for(text, expected):
    assert choice_for(text, CHOICES) == expected


@pytest.mark.parametrize("text, expected", [("1", True), (" 12. ", True), ("1234", False), ("one", False)])
def test_is_number_reply(text, expected):
    assert is_number_reply(text) is expected


def test_fitted_keeps_the_numbered_line_whole():
    long_text = "Forced labour is work under threat that you did not agree to freely. " * 10
    reply = render_turn([{"text": long_text, "buttons": YES_NO}]).fitted(2)
    assert reply.text.endswith("...\n1 Yes  2 No  3 Not sure")
    assert len(segments(reply.text)) <= 2
    assert reply.choices == CHOICES


def test_fitted_makes_typography_plain_when_that_gives_gsm7():
    button = {"title": "“OK”", "payload": "/affirm"}
    reply = render_turn([{"text": "I am a bot – not a person.", "buttons": [button]}])
    fitted = reply.fitted(1)
    assert fitted.text == 'I am a bot - not a person.\n1 "OK"'
    assert encoding_of(fitted.text) == "gsm7"
    assert fitted.options == '1 "OK"'


def test_fitted_leaves_short_replies_alone():
    assert render_turn([{"text": "Labdien!"}]).fitted(6) == SmsReply("Labdien!", {})
    assert render_turn([]).fitted(6).text == ""


def test_last_turn_and_previous_choices_from_tracker_events():
    events = [
        ActionExecuted("action_listen"),
        UserUttered("hello"),
        BotUttered("Menu", data={"buttons": [{"title": "Rights", "payload": "/ask_rights"}]}),
        UserUttered("/start_screening"),
        BotUttered("Before we start."),
        SlotSet("requested_slot", "indicator_documents"),
        BotUttered("Does the employer keep your passport?", data={"buttons": YES_NO}),
        ActionExecuted("action_listen"),
    ]
    assert last_turn(events) == [
        {"text": "Before we start.", "buttons": None},
        {"text": "Does the employer keep your passport?", "buttons": YES_NO},
    ]
    assert previous_choices(events) == CHOICES
    assert previous_choices([e.as_dict() for e in events]) == CHOICES


def test_no_previous_choices_without_buttons_or_events():
    assert previous_choices([]) == {}
    assert previous_choices([UserUttered("hi"), BotUttered("Hello.")]) == {}
    assert previous_choices([BotUttered("Q", data={"buttons": YES_NO}), UserUttered("maybe")]) == {}
