"""Consent and handoff end to end: the real Rasa server, action server and intake
service. One intake arrives once, whatever fails in between; declining sends
nothing; "delete my data" withdraws the intake and erases the conversation."""

import json
import re
import time

import pytest

from bot.screening.indicators import indicator_set
from bot.server.stores import REDACTED
from tests.support import expect, stored
from tests.support.chat import Chat, answer_all, start
from tests.support.languages import ENABLED, phrases
from tests.support.servers import INTAKE_SECRET, PortalServer, conversation_id, running_servers

DELETE_DATA = phrases("delete_data")
PHONE = "+371 2000 1234"
SEEN = {"excessive_hours", "dangerous_work", "passport_kept", "threats"}
CONFIRM = "Please check: I will send your answers to {provider}. {contact} Send now?"
SENT = (
    "Done. Your reference code is {reference}. Quote it when you call the hotline {hotline}. "
    'If you change your mind, write "delete my data".'
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("handoff")
    portal = PortalServer(tmp)
    portal.start()
    env = {"INTAKE_URL": portal.intake_url, "INTAKE_SECRET": INTAKE_SECRET}
    try:
        with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
            yield servers, portal
    finally:
        portal.stop()


def reference_in(texts):
    found = [m.group(1).replace(" ", "") for m in (re.search(r"\b([0-9A-Z]{4} [0-9A-Z]{4})\b", t) for t in texts) if m]
    assert found, texts
    return found[-1]


def wait_for(portal, reference, seconds=30, status=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = [r for r in portal.intakes() if r["reference"] == reference]
        if rows and (status is None or rows[0]["status"] == status):
            return rows
        time.sleep(0.3)
    raise AssertionError(f"intake {reference} did not arrive ({status or 'any status'})")


def hand_off(chat, contact=False, confirm=True):
    """Consent, provider, contact (or not), confirmation; returns the last texts."""
    assert chat.say("/request_handoff") == [expect.text("utter_ask_consent_handoff", chat.lang)]
    assert chat.say("/affirm") == [expect.text("utter_ask_provider", chat.lang)]
    assert chat.say("1") == [expect.text("utter_ask_contact_wanted", chat.lang)]
    if contact:
        chat.say("/affirm")
        assert chat.say("2") == [expect.text("utter_ask_contact_value", chat.lang)]
        assert chat.say(PHONE) == [expect.text("utter_ask_contact_time", chat.lang)]
        chat.say("3")
        texts = chat.say("/deny")
    else:
        texts = chat.say("/deny")
    assert texts[-1].endswith(expect.phrase(chat.lang, "utter_ask_handoff_confirmed", CONFIRM).split("{contact}")[-1])
    return chat.say("/affirm" if confirm else "/deny")


def test_a_screening_in_russian_ends_in_exactly_one_intake(stack):
    servers, portal = stack
    chat = Chat(servers, "ru")
    start(chat, sector="agriculture")
    answer_all(chat, yes=SEEN, unsure={"violence"})
    texts = hand_off(chat, contact=True)
    assert texts[0].startswith(expect.phrase("ru", "utter_handoff_sent", SENT).split("{reference}")[0])
    reference = reference_in(texts)
    [intake] = wait_for(portal, reference)
    assert (intake["language"], intake["provider"], intake["signal"], intake["channel"]) == (
        "ru", "marta", "forced_labour_signs", "rest")
    answers = {i["id"]: i["answer"] for i in json.loads(intake["indicators"])}
    assert {i for i, a in answers.items() if a == "yes"} == SEEN and answers["violence"] == "unsure"
    assert len(answers) == len(indicator_set().for_sector("agriculture"))
    assert intake["has_contact"] and intake["contact_sealed"] and PHONE.encode() not in intake["contact_sealed"]
    assert servers.tracker(chat.me)["slots"]["intake_reference"] == reference
    time.sleep(1)
    assert len([r for r in portal.intakes() if r["reference"] == reference]) == 1
    # The number was typed in the chat, but is nowhere in clear: tracker store, outbox.
    # First the positive controls: both files hold this conversation, the reply with the number too.
    events = stored.tracker_events(servers.log_dir / "tracker.db", conversation_id(chat.me))
    assert any(json.loads(e["data"]).get("text") == REDACTED for e in events), "the contact reply was not stored"
    assert any(e["action_name"] == "action_handoff_submit" for e in events)
    outbox = stored.rows(servers.log_dir / "outbox.db", "SELECT * FROM outbox WHERE reference = ?", reference)
    assert [entry["kind"] for entry in outbox] == ["intake"]
    digits = PHONE.replace(" ", "")[-8:]
    for db, this_conversation in (("tracker.db", conversation_id(chat.me)), ("outbox.db", reference)):
        everything = stored.everything(servers.log_dir / db)
        assert this_conversation in everything, db
        assert "2000 1234" not in everything and digits not in everything.replace(" ", ""), db


@pytest.mark.parametrize("step", ["consent", "confirmation"])
def test_declining_at_either_step_sends_nothing(stack, step):
    servers, portal = stack
    before = len(portal.intakes())
    chat = Chat(servers, "en")
    if step == "consent":
        chat.say("/request_handoff")
        texts = chat.say("/deny")
    else:
        texts = hand_off(chat, confirm=False)
    assert texts == [expect.text("utter_handoff_not_sent", "en")]
    time.sleep(2)
    assert len(portal.intakes()) == before
    assert not servers.tracker(chat.me)["slots"]["intake_reference"]


def test_the_intake_waits_while_the_service_is_down_and_arrives_once(stack):
    servers, portal = stack
    portal.stop()
    try:
        chat = Chat(servers, "lv")
        texts = hand_off(chat)
        reference = reference_in(texts)
        assert expect.text("utter_handoff_not_sent", "lv") not in texts
        time.sleep(2)
    finally:
        portal.start()
    assert len(wait_for(portal, reference)) == 1
    time.sleep(2)
    assert len([r for r in portal.intakes() if r["reference"] == reference]) == 1


def test_a_crash_of_the_action_server_right_after_confirming_loses_nothing(stack):
    servers, portal = stack
    portal.stop()
    try:
        chat = Chat(servers, "en")
        reference = reference_in(hand_off(chat))
        servers.kill_actions()
        servers.start_actions()
    finally:
        portal.start()
    assert len(wait_for(portal, reference)) == 1
    time.sleep(2)
    assert len([r for r in portal.intakes() if r["reference"] == reference]) == 1


def test_delete_my_data_withdraws_the_intake_and_erases_the_conversation(stack):
    servers, portal = stack
    chat = Chat(servers, "ru")
    reference = reference_in(hand_off(chat, contact=True))
    wait_for(portal, reference)
    # the file that holds the conversation
    assert stored.tracker_events(servers.log_dir / "tracker.db", conversation_id(chat.me))
    texts = chat.say("удалить мои данные")
    assert reference[:4] in texts[0] and reference[4:] in texts[0]
    [intake] = wait_for(portal, reference, status="withdrawn")
    assert intake["contact_sealed"] is None and intake["contact_erased_at"] and intake["contact_key_id"] is None
    assert stored.tracker_events(servers.log_dir / "tracker.db", conversation_id(chat.me)) == []


@pytest.mark.parametrize("lang", ENABLED)
def test_in_every_language_a_self_check_reaches_the_portal_and_delete_in_its_words_withdraws_it(stack, lang):
    """A self-check to its signal, the handoff with the conversation's language on the intake,
    then "delete my data" as a person writes it in that language."""
    servers, portal = stack
    chat = Chat(servers, lang)
    start(chat, sector="construction")
    answer_all(chat, yes={"passport_kept", "excessive_hours"})
    assert chat.slots()["screening_signal"] == "exploitation_signs"
    assert chat.heard("utter_result_exploitation_signs")
    texts = hand_off(chat)
    assert texts[0].startswith(expect.phrase(lang, "utter_handoff_sent", SENT).split("{reference}")[0])
    reference = reference_in(texts)
    [intake] = wait_for(portal, reference)
    assert (intake["language"], intake["signal"], intake["has_contact"]) == (lang, "exploitation_signs", False)
    texts = chat.say(DELETE_DATA[lang])
    assert reference[:4] in texts[0] and reference[4:] in texts[0], texts
    wait_for(portal, reference, status="withdrawn")
    assert stored.tracker_events(servers.log_dir / "tracker.db", conversation_id(chat.me)) == []
