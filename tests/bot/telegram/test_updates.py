"""Reading Telegram updates (bot/telegram/updates.py): what each update means, which
ones are refused as malformed, and what each message or button sends to Rasa."""

import pytest

from bot.sms.keywords import DELETE, GREET, MENU, change_language
from bot.telegram.updates import (
    BUTTON,
    IGNORED,
    MAX_TEXT_CHARS,
    NO_TEXT,
    TEXT,
    Incoming,
    MalformedUpdate,
    Turn,
    parse_update,
    turn_for,
)

CHAT_ID = 987654321
ENABLED = frozenset({"lv", "en", "ru", "uz"})


def message_update(text="Sveiki", chat_type="private", language_code="lv", update_id=1, **extra):
    message = {
        "message_id": 42,
        "date": 1700000000,
        "chat": {"id": CHAT_ID, "type": chat_type},
        "from": {"id": CHAT_ID, "is_bot": False, "first_name": "A", "language_code": language_code},
        **extra,
    }
    if text is not None:
        message["text"] = text
    return {"update_id": update_id, "message": message}


def button_update(data="/affirm", chat_type="private", language_code="ru"):
    return {
        "update_id": 2,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "A", "language_code": language_code},
            "message": {"message_id": 41, "date": 1700000000, "chat": {"id": CHAT_ID, "type": chat_type}},
            "chat_instance": "-1",
            "data": data,
        },
    }


def message(text, language_code=None):
    return Incoming(update_id=1, kind=TEXT, chat_id=CHAT_ID, private=True, message_id=42, text=text,
                    language_code=language_code)


# --- parse_update ----------------------------------------------------------


def test_a_text_message_in_a_private_chat():
    incoming = parse_update(message_update("Sveiki, kā iet?"))
    assert incoming == Incoming(
        update_id=1, kind=TEXT, chat_id=CHAT_ID, private=True, message_id=42, text="Sveiki, kā iet?",
        language_code="lv",
    )


@pytest.mark.parametrize(
    "update",
    [
        message_update(text=None, photo=[{"file_id": "x", "width": 90, "height": 90}]),
        message_update(text=None, voice={"file_id": "v", "duration": 3}),
        message_update(text="   \n "),  # nothing but spaces says nothing either
    ],
    ids=["photo", "voice note", "blank text"],
)
def test_a_message_without_text_is_no_text(update):
    incoming = parse_update(update)
    assert incoming.kind == NO_TEXT
    assert (incoming.private, incoming.message_id) == (True, 42)  # still recorded for /clear


def test_a_button_press_carries_its_data_and_callback_id():
    incoming = parse_update(button_update("/deny"))
    assert (incoming.kind, incoming.text, incoming.callback_id) == (BUTTON, "/deny", "4382bfdwdsb323b2d9")
    assert (incoming.chat_id, incoming.private, incoming.language_code) == (CHAT_ID, True, "ru")
    assert incoming.message_id is None  # the bot's own message is in the ledger already


@pytest.mark.parametrize("chat_type", ["group", "supergroup", "channel"])
def test_anything_but_a_private_chat_is_not_private(chat_type):
    assert parse_update(message_update(chat_type=chat_type)).private is False
    assert parse_update(button_update(chat_type=chat_type)).private is False


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 3, "edited_message": message_update()["message"]},
        {"update_id": 3, "my_chat_member": {"chat": {"id": CHAT_ID, "type": "private"}}},
        {"update_id": 3},
    ],
    ids=["edited_message", "my_chat_member", "nothing"],
)
def test_other_updates_are_ignored(update):
    assert parse_update(update) == Incoming(update_id=3, kind=IGNORED)


def without(update, *path):
    """`update` with the key at `path` removed."""
    *parents, last = path
    inner = update
    for key in parents:
        inner = inner[key]
    del inner[last]
    return update


def with_value(update, value, *path):
    *parents, last = path
    inner = update
    for key in parents:
        inner = inner[key]
    inner[last] = value
    return update


@pytest.mark.parametrize(
    "update",
    [
        None,
        [],
        "update",
        42,
        {"message": message_update()["message"]},
        with_value(message_update(), "1", "update_id"),
        with_value(message_update(), True, "update_id"),  # bool is an int in Python, not in JSON
        with_value(message_update(), 1.0, "update_id"),
        without(message_update(), "message", "chat"),
        with_value(message_update(), "chat", "message", "chat"),
        with_value(message_update(), None, "message"),
        with_value(message_update(), "123", "message", "chat", "id"),
        with_value(message_update(), False, "message", "chat", "id"),
        without(message_update(), "message", "chat", "id"),
        with_value(message_update(), ["hi"], "message", "text"),
        with_value(message_update(), 5, "message", "text"),
        without(message_update(), "message", "message_id"),
        without(button_update(), "callback_query", "id"),
        with_value(button_update(), 7, "callback_query", "id"),
        with_value(button_update(), "", "callback_query", "data"),
        without(button_update(), "callback_query", "data"),
        without(button_update(), "callback_query", "message"),  # an inline-mode message: no chat to answer
        with_value(button_update(), "query", "callback_query"),
    ],
    ids=lambda update: None,
)
def test_malformed_updates_are_refused(update):
    with pytest.raises(MalformedUpdate):
        parse_update(update)


def test_malformed_update_is_a_value_error():
    # the channel answers 400 for ValueError (bad JSON as well as a bad shape)
    assert issubclass(MalformedUpdate, ValueError)


@pytest.mark.parametrize(
    "sender, language_code",
    [
        ({"id": 1, "language_code": "pt-br"}, "pt"),
        ({"id": 1, "language_code": "RU"}, "ru"),
        ({"id": 1, "language_code": "uz"}, "uz"),
        ({"id": 1, "language_code": ""}, None),
        ({"id": 1, "language_code": 5}, None),
        ({"id": 1}, None),
        ("not a user", None),
    ],
)
def test_language_code_is_the_language_without_region(sender, language_code):
    update = message_update()
    update["message"]["from"] = sender
    assert parse_update(update).language_code == language_code


def test_a_message_without_a_sender_has_no_language():
    assert parse_update(without(message_update(), "message", "from")).language_code is None


def test_text_is_kept_to_telegrams_own_limit():
    assert parse_update(message_update("a" * (MAX_TEXT_CHARS + 10))).text == "a" * MAX_TEXT_CHARS


def test_repr_never_shows_the_chat_id_or_the_text():
    # an Incoming may end up in a log or a traceback; the chat id identifies the person
    for incoming in (parse_update(message_update("my name is Secret Person")), parse_update(button_update("/x"))):
        shown = repr(incoming)
        assert str(CHAT_ID) not in shown
        assert "Secret Person" not in shown and "/x" not in shown
        assert str(incoming.update_id) in shown  # the rest is still there to debug with


# --- turn_for --------------------------------------------------------------

UZ = change_language("uz")


@pytest.mark.parametrize(
    "text, expected, metadata",
    [
        ("/start", GREET, {}),
        ("/start   ", GREET, {}),
        ("/start uz", UZ, {"lang": "uz"}),
        ("/start uz-emb-tashkent", UZ, {"lang": "uz", "src": "emb-tashkent"}),
        ("/start uz_EMB-Tashkent", UZ, {"lang": "uz", "src": "emb-tashkent"}),  # campaigns lower-cased
        ("/start de", GREET, {}),  # a language we do not speak: greet as for a plain /start
        ("/start de-emb-berlin", GREET, {}),
        ("/start uzb", GREET, {}),  # not a two-letter code
        ("/start@PaligsBot", GREET, {}),  # commands in a menu carry the bot's name
        ("/start@PaligsBot ru", change_language("ru"), {"lang": "ru"}),
        ("/START", GREET, {}),
        ("/clear", DELETE, {}),
        ("/delete", DELETE, {}),
        ("/delete@PaligsBot", DELETE, {}),
        ("/menu", MENU, {}),
        ("/help", MENU, {}),
        ("/language", "/change_language", {}),
        ("/privacy", "/ask_privacy", {}),
        ("/emergency", "/emergency", {}),  # unknown commands are payloads that work on every channel
        ("/start_screening", "/start_screening", {}),
        ("  /menu  ", MENU, {}),
    ],
)
def test_commands(text, expected, metadata):
    turn = turn_for(message(text), ENABLED)
    assert turn == Turn(expected, {"channel": "telegram", **metadata})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("DELETE", DELETE),
        ("dzēst", DELETE),
        ("Dzest!", DELETE),
        ("удалить", DELETE),
        ("menu", MENU),
        ("RU", change_language("ru")),
        ("start", GREET),
        # Twilio's opt-out words mean nothing on Telegram: the words go on as they are
        ("stop", "stop"),
        ("STOP", "STOP"),
        ("unsubscribe", "unsubscribe"),
        # only a whole message is a keyword
        ("please delete my data", "please delete my data"),
        ("Sveiki", "Sveiki"),
        ("  Sveiki  ", "Sveiki"),
    ],
)
def test_sms_keywords_as_whole_messages(text, expected):
    assert turn_for(message(text), ENABLED).text == expected


def test_a_message_without_text_shows_the_menu():
    incoming = parse_update(message_update(text=None, photo=[{"file_id": "x"}], language_code="en"))
    assert turn_for(incoming, ENABLED) == Turn(MENU, {"channel": "telegram", "lang": "en"})


@pytest.mark.parametrize("data", ["/affirm", "/delete_data", '/ask_rights{"rights_topic":"wages"}', "stop", "DELETE"])
def test_a_button_sends_its_payload_as_it_is(data):
    # callback data is a payload the bot made; never read as a keyword
    assert turn_for(parse_update(button_update(data, language_code="lv")), ENABLED) == Turn(
        data, {"channel": "telegram", "lang": "lv"}
    )


@pytest.mark.parametrize(
    "text, erases",
    [("/clear", True), ("/delete", True), ("DELETE", True), ("dzēst", True), ("/menu", False), ("hello", False)],
)
def test_erases(text, erases):
    assert turn_for(message(text), ENABLED).erases is erases


@pytest.mark.parametrize(
    "language_code, metadata",
    [
        ("lv", {"channel": "telegram", "lang": "lv"}),
        ("uz", {"channel": "telegram", "lang": "uz"}),
        ("de", {"channel": "telegram"}),  # not a language we speak: the usual default applies
        ("uk", {"channel": "telegram"}),  # a language of the registry, but not enabled here
        (None, {"channel": "telegram"}),
    ],
)
def test_metadata_names_the_channel_and_only_an_enabled_language(language_code, metadata):
    assert turn_for(message("hello", language_code=language_code), ENABLED).metadata == metadata


def test_a_start_parameter_overrides_the_language_telegram_reports():
    turn = turn_for(message("/start uz", language_code="ru"), ENABLED)
    assert turn.metadata == {"channel": "telegram", "lang": "uz"}


def test_a_start_parameter_in_an_unenabled_language_keeps_the_reported_one():
    turn = turn_for(message("/start de", language_code="ru"), ENABLED)
    assert turn == Turn(GREET, {"channel": "telegram", "lang": "ru"})


def test_the_enabled_set_decides_the_start_parameter():
    assert turn_for(message("/start de"), ENABLED | {"de"}).text == change_language("de")
