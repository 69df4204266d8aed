"""Conversations over REST against the real Rasa and action servers (SQLite tracker store)."""

import uuid

import pytest
import requests
import sqlalchemy as sa

from bot.language.registry import registry
from tests.support import expect
from tests.support.languages import DEFAULT, EMERGENCY, ENABLED, native_names, other_language, phrases
from tests.support.servers import conversation_id

# Languages people may name that Palīgs does not speak (yet): listed but not enabled, or not offered.
DISABLED = [code for code, language in registry().all.items() if not language.enabled] + sorted(
    registry().not_offered
)
# Asking for a language in its own words (examples the NLU was trained on).
ASK_FOR_IT = phrases("ask_for_it")


def sender() -> str:
    return "e2e-" + uuid.uuid4().hex[:12]


def texts(replies):
    return [r.get("text") for r in replies if r.get("text")]


def buttons(replies):
    return [b["title"] for r in replies for b in r.get("buttons", [])]


@pytest.mark.parametrize("lang", ENABLED)
def test_greeting_in_the_preselected_language(servers, lang):
    me = sender()
    replies = servers.say(me, "/greet", lang=lang, src="EMB-Tashkent")  # a registered campaign, any case
    assert texts(replies)[0] == expect.text("utter_greet", lang)
    assert texts(replies)[-1] == expect.text("utter_menu", lang)
    assert buttons(replies) == expect.button_titles("utter_menu", lang)
    slots = servers.tracker(me)["slots"]
    assert (slots["language"], slots["source"], slots["channel"], slots["language_chosen"]) == (
        lang, "emb-tashkent", "rest", True)


def test_without_a_language_the_person_is_asked_in_native_names(servers):
    replies = servers.say(sender(), "/greet")
    assert texts(replies)[0] == expect.text("utter_greet", DEFAULT)
    assert texts(replies)[-1] == expect.text("utter_choose_language", DEFAULT)
    assert buttons(replies) == native_names()


@pytest.mark.parametrize("lang", ENABLED)
def test_language_switch_mid_conversation(servers, lang):
    """By button to another language, then by words to this one."""
    me, before = sender(), other_language(lang, -1)
    servers.say(me, "/greet")
    replies = servers.say(me, f'/change_language{{"language":"{before}"}}')
    assert texts(replies) == [expect.text("utter_language_changed", before), expect.text("utter_menu", before)]
    replies = servers.say(me, ASK_FOR_IT[lang])
    assert texts(replies)[0] == expect.text("utter_language_changed", lang)
    replies = servers.say(me, "/ask_contacts")
    assert texts(replies)[0] == expect.text("utter_contacts_intro", lang)
    assert servers.tracker(me)["slots"]["language"] == lang


@pytest.mark.parametrize("code", DISABLED)
def test_a_language_not_yet_available_is_explained_with_choices(servers, code):
    me = sender()
    servers.say(me, "/greet", lang="en")
    replies = servers.say(me, f'/change_language{{"language":"{code}"}}')
    assert texts(replies) == [expect.text("utter_language_not_available", "en")]
    assert buttons(replies) == native_names()
    assert servers.tracker(me)["slots"]["language"] == "en"


@pytest.mark.parametrize("lang", ENABLED)
def test_emergency_inside_the_menu_by_free_text(servers, lang):
    me = sender()
    servers.say(me, "/greet", lang=lang)
    servers.say(me, "/show_menu")
    replies = servers.say(me, EMERGENCY[lang])
    assert texts(replies) == [expect.text("utter_emergency", lang), expect.text("utter_ask_safe_to_write", lang)]
    assert "112" in texts(replies)[0]
    replies = servers.say(me, "/deny")
    assert texts(replies) == [expect.text("utter_not_safe_to_write", lang)]


@pytest.mark.parametrize("lang", ENABLED)
def test_contacts_with_open_or_closed_now(servers, lang):
    me = sender()
    servers.say(me, "/greet", lang=lang)
    replies = servers.say(me, "/ask_contacts")
    body = "\n".join(texts(replies))
    for phone in ("+371 28612120", "+371 67378539", "+371 67898343", "112"):
        assert phone in body
    statuses = [expect.phrase(lang, "contacts", s).split("{")[0][:12]
                for s in ("Open now, until {time}.", "Closed now. Opens today at {time}.",
                          "Closed now. Opens tomorrow at {time}.", "Closed now. Opens on {day} at {time}.",
                          # run on a public holiday
                          "Closed today, a public holiday. Opens tomorrow at {time}.",
                          "Closed today, a public holiday. Opens on {day} at {time}.")]
    assert sum(body.count(s) for s in set(statuses)) >= 3
    assert texts(replies)[-1] == expect.text("utter_anything_else", lang)


def test_two_stage_fallback_ends_with_menu_and_hotline(servers):
    me = sender()
    servers.say(me, "/greet", lang="en")
    first = servers.say(me, "zxqv wbrt plmk")
    assert texts(first) == [expect.text("utter_ask_rephrase", "en")]
    second = servers.say(me, "zxqv wbrt plmk")
    assert texts(second) == [expect.text("utter_fallback_menu", "en")]
    assert "+371 28612120" in texts(second)[0]
    assert buttons(second) == expect.button_titles("utter_menu", "en")


@pytest.mark.parametrize(
    "body, content_type",
    [(b"", "application/json"), (b"{broken", "application/json"), (b'{"message": "hi"}', "application/json"),
     (b"[]", "application/json"), (b"sender=a&message=b", "application/x-www-form-urlencoded")],
)
def test_malformed_requests_get_400(servers, body, content_type):
    reply = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", data=body,
                          headers={"Content-Type": content_type}, timeout=30)
    assert reply.status_code == 400
    assert "error" in reply.json()


def test_conversation_is_stored_in_the_sqlite_tracker_store(servers):
    me = sender()
    servers.say(me, "/greet", lang="lv")
    engine = sa.create_engine(servers.tracker_db_url)
    with engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": conversation_id(me)}).scalar()
    engine.dispose()
    assert count > 3
