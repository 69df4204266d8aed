"""Stored messages keep no personal data, end to end: the real Rasa server (at DEBUG,
so that its log quotes every message it parses) and action server. Each kind of
personal data goes in over REST in several languages; afterwards the tracker
store, the outbox and the logs hold the placeholder (the positive control: the
message was stored and logged) and never the raw value. The assistant still
understands those messages as it understands them without the data."""

import json
import re

import pytest

from bot.privacy.logs import redact_log_text
from bot.server.stores import REDACTED
from tests.support import expect, stored
from tests.support.chat import Chat
from tests.support.servers import conversation_id, free_port, running_servers

# (language, message with personal data, the same without it, intent, placeholder, raw values).
# Synthetic values, unlike any other test's, so that a match can only come from here.
MESSAGES = [
    ("en", "my boss took my passport AB7316482", "my boss took my passport", "report_documents_taken",
     "[passport]", ["AB7316482", "7316482"]),
    ("ru", "работодатель держит мой паспорт АА5820413", "работодатель держит мой паспорт",
     "report_documents_taken", "[passport]", ["АА5820413", "5820413"]),
    ("lv", "darba devējs paņēma manu pasi, personas kods 180392-14736", "darba devējs paņēma manu pasi",
     "report_documents_taken", "[personal_code]", ["180392-14736", "18039214736"]),
    ("en", "what is the hotline number? mine is +371 2 947 3816", "what is the hotline number?",
     "ask_contacts", "[phone]", ["2 947 3816", "29473816"]),
    ("ru", "какой номер горячей линии? мой 8-029-318-27-46", "какой номер горячей линии?",
     "ask_contacts", "[phone]", ["318-27-46", "80293182746"]),
    ("ru", "какой номер горячей линии? мой +998 90 417 63 52", "какой номер горячей линии?",
     "ask_contacts", "[phone]", ["417 63 52", "998904176352"]),
    ("en", "is this anonymous? my email is maris.kalnins@inbox.lv", "is this anonymous?",
     "ask_privacy", "[email]", ["maris.kalnins", "kalnins@inbox"]),
    ("en", "they do not pay my salary to LV30 HABA 0551 0037 2941 8", "they do not pay my salary",
     "report_unpaid_wages", "[iban]", ["HABA 0551", "HABA0551", "05510037"]),
    ("en", "they do not pay my salary, my card 4556 7375 8689 9855", "they do not pay my salary",
     "report_unpaid_wages", "[card]", ["4556 7375", "4556737586899855"]),
]
KEPT = [  # said in the same conversations: must be stored exactly as typed
    ("en", "I work 12 hours a day for 500 eur, 09:00-21:00"),
    ("lv", "alga 1 200 euro, atbraucu 12.03.2024"),
]
CONTACT_EMAIL = "ilze.ozola.test@mail.lv"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("redaction")
    # Intakes wait in the outbox: nothing listens at this address.
    env = {"LOG_LEVEL": "DEBUG", "INTAKE_URL": f"http://127.0.0.1:{free_port()}/api/intakes"}
    with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as running:
        yield running


@pytest.fixture(scope="module")
def conversations(servers):
    """Each message in its own conversation, and the same words without the data in another."""
    sent = []
    for lang, message, plain, intent, placeholder, raws in MESSAGES:
        chat, control = Chat(servers, lang, prefix="redact-"), Chat(servers, lang, prefix="redact-")
        sent.append((chat, message, chat.say(message), control.say(plain), intent, placeholder, raws))
    return sent


def user_rows(servers, sender):
    rows = stored.tracker_events(servers.log_dir / "tracker.db", conversation_id(sender))
    return [(row["intent_name"], json.loads(row["data"])) for row in rows if row["type_name"] == "user"]


IDS = [f"{m[4]}-{m[0]}-{n}" for n, m in enumerate(MESSAGES)]
# The model reads the message as typed (redaction changes only what is kept); with the
# sentence encoder, a phone number in it no longer pulls the intent elsewhere.
@pytest.mark.parametrize("index", range(len(MESSAGES)), ids=IDS)
def test_the_assistant_answers_as_it_would_without_the_data(servers, conversations, index):
    chat, message, texts, control, intent, placeholder, _ = conversations[index]
    [(stored_intent, _)] = [(i, d) for i, d in user_rows(servers, chat.me) if placeholder in d["text"]]
    assert stored_intent == intent, message
    assert texts and texts == control, message


@pytest.mark.parametrize("index", range(len(MESSAGES)), ids=IDS)
def test_the_tracker_store_holds_the_placeholder_not_the_value(servers, conversations, index):
    chat, message, _, _, intent, placeholder, raws = conversations[index]
    # Positive control: the conversation and this very message, with its intent, are in the file.
    [(stored_intent, data)] = [(i, d) for i, d in user_rows(servers, chat.me) if placeholder in d["text"]]
    assert stored_intent
    assert data["text"] == data["parse_data"]["text"]
    everything = stored.everything(servers.log_dir / "tracker.db")
    assert chat.me in everything
    for raw in raws:
        assert raw not in data["text"] and raw not in everything, raw


def test_ages_money_dates_and_times_are_stored_as_typed(servers):
    for lang, message in KEPT:
        chat = Chat(servers, lang, prefix="redact-")
        chat.say(message)
        assert message in [d["text"] for _, d in user_rows(servers, chat.me)]


def test_the_bot_s_own_numbers_are_stored_as_said(servers):
    chat = Chat(servers, "en", prefix="redact-")
    chat.say("/ask_contacts")
    assert chat.heard("utter_contacts_intro"), chat.texts
    said = [json.loads(r["data"]).get("text") or "" for r in stored.tracker_events(
        servers.log_dir / "tracker.db", conversation_id(chat.me)) if r["type_name"] == "bot"]
    numbers = [n for text in chat.texts for n in re.findall(r"\+371 \d{8}", text)]
    assert numbers and all(any(n in text for text in said) for n in numbers), (numbers, said)


@pytest.fixture(scope="module")
def handoff(servers):
    """A handoff with an e-mail address typed at the contact step; returns the chat and reference."""
    chat = Chat(servers, "en", prefix="redact-")
    assert chat.say("/request_handoff") == [expect.text("utter_ask_consent_handoff", "en")]
    chat.say("/affirm")
    chat.say("1")
    chat.say("/affirm")
    assert chat.say("4") == [expect.text("utter_ask_contact_value", "en")]
    assert chat.say(CONTACT_EMAIL) == [expect.text("utter_ask_contact_time", "en")]
    chat.say("3")
    chat.say("/deny")
    found = re.search(r"\b([0-9A-Z]{4}) ([0-9A-Z]{4})\b", chat.say("/affirm")[0])
    assert found, chat.texts
    return chat, "".join(found.groups())


def test_the_contact_step_still_seals_its_reply(servers, handoff):
    chat, reference = handoff
    assert REDACTED in [d["text"] for _, d in user_rows(servers, chat.me)]
    # The outbox holds the intake (positive control), its contact sealed.
    outbox = servers.log_dir / "outbox.db"
    assert [r["kind"] for r in stored.rows(outbox, "SELECT kind FROM outbox WHERE reference = ?", reference)] == [
        "intake"]
    for db in ("tracker.db", "outbox.db"):
        everything = stored.everything(servers.log_dir / db)
        assert (chat.me if db == "tracker.db" else reference) in everything, db
        assert CONTACT_EMAIL not in everything and "ilze.ozola" not in everything, db


def test_no_log_line_carries_the_raw_values(servers, conversations, handoff):
    rasa_log = stored.log_text(servers.log_dir / "rasa.log")
    # Positive control: at DEBUG Rasa quotes each message it parses, here with its placeholders.
    parsed = "\n".join(line for line in rasa_log.splitlines() if "processor.message.parse" in line)
    # (an id all of whose twelve hex digits are decimal is redacted like a number: compare as logged)
    for chat, _, _, _, _, placeholder, _ in conversations:
        assert redact_log_text(chat.me) in rasa_log
        assert placeholder in parsed, placeholder
    assert redact_log_text(handoff[0].me) in rasa_log
    logs = servers.logs()
    assert stored.log_text(servers.log_dir / "actions.log")
    for *_, raws in conversations:
        for raw in raws:
            assert raw not in logs and raw.encode("unicode_escape").decode() not in logs, raw
    assert CONTACT_EMAIL not in logs and "ilze.ozola" not in logs
