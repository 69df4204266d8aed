"""Where each step is counted: one thin call per action (first_message and emergency_shown are
the Rasa process's, tests/bot/campaigns/test_funnel_counts.py). A count never changes or breaks
what the person hears, and "delete my data" leaves the counters."""

import asyncio

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import handoff, job_offer, rights, screening, session
from bot.campaigns.funnel import (
    CHAT_OPENED,
    DIRECT,
    HANDOFF_SENT,
    JOB_OFFER_FINISHED,
    RIGHTS_TOPIC_OPENED,
    SCREENING_STARTED,
    screening_finished,
)
from bot.campaigns.funnel_store import FunnelCounts, FunnelRecorder
from bot.campaigns.registry import OTHER
from bot.handoff import service
from bot.handoff.outbox import Outbox
from bot.screening.indicators import indicator_set
from bot.screening.walkthrough import indicator_slot

SENDER = "web-5f1c9e7a0b3d4c2e8f6a1b9d7c5e3a10.k3y"
TYPED = "they keep my passport, call me at 26123456"
ENTRY = {"lang": "uz", "src": "emb-tashkent", "channel": "web"}
SLOTS = {"language": "uz", "channel": "web", "source": "emb-tashkent"}


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    """The action server as it runs: an outbox, and the funnel's recorder on its database."""
    monkeypatch.setenv("SENDER_KEY", "funnel-test-key")
    box = Outbox(f"sqlite:///{tmp_path}/outbox.db", "funnel-test-key")
    recorder = FunnelRecorder(box.funnel)
    monkeypatch.setattr(service, "outbox", lambda: box)
    monkeypatch.setattr(service, "funnel", lambda: recorder)
    box.recorder = recorder
    yield box
    box.engine.dispose()


def totals(outbox):
    outbox.recorder.flush()
    return {(k.campaign, k.language, k.channel, k.step): n for k, n in outbox.funnel.totals().items()}


def tracker(slots=None, events=(), intent="affirm", text="yes", latest_action="action_listen", sender=SENDER):
    return Tracker(
        sender_id=sender, slots={**SLOTS, **(slots or {})}, latest_message={"intent": {"name": intent}, "text": text},
        events=list(events), paused=False, followup_action=None, active_loop={}, latest_action_name=latest_action,
    )


def run(action, tracker_, dispatcher=None):
    return asyncio.run(action.run(dispatcher or CollectingDispatcher(), tracker_, {}))


def user(text):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "x"}}}


@pytest.mark.parametrize(
    "metadata, before, counted",
    [
        (ENTRY, [], ("emb-tashkent", "uz", "web", CHAT_OPENED)),
        ({"lang": "ru", "src": "made-up-src", "channel": "telegram"}, [], (OTHER, "ru", "telegram", CHAT_OPENED)),
        ({"channel": "sms"}, [], (DIRECT, "lv", "sms", CHAT_OPENED)),  # the default language until one is chosen
        ({"lang": "uz"}, [], None),  # no channel of ours (Rasa's HTTP API): not counted
        # a later session of the same conversation (Rasa restarts sessions after an hour of silence)
        (ENTRY, [{"event": "session_started"}, user("/greet"), {"event": "action", "name": "action_greet"}], None),
    ],
)
def test_a_conversation_is_counted_when_it_opens(outbox, metadata, before, counted):
    opening = tracker(slots={"language": "lv", "channel": None, "source": None,
                             "session_started_metadata": metadata}, events=before)
    events = run(session.ActionSessionStart(), opening)
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"  # unchanged
    assert totals(outbox) == ({counted: 1} if counted else {})


def consent_reply():
    """The person's "yes" to the self-check's first question."""
    return tracker(
        slots={"requested_slot": "screening_consent"},
        events=[{"event": "action", "name": "screening_form"}, user("yes")], latest_action="action_listen",
    )


def test_the_self_check_counts_its_start_once_and_its_result(outbox):
    run(screening.ValidateScreeningForm(), consent_reply())
    # the next answer (age) does not start it again
    age = tracker(slots={"requested_slot": "age_group", "screening_consent": True},
                  events=[{"event": "action", "name": "screening_form"}, user("1")], text="1", intent="nlu_fallback")
    assert any(e.get("name") == "age_group" for e in run(screening.ValidateScreeningForm(), age))
    indicators = indicator_set()
    plan = [i.id for i in indicators.for_sector("construction")]
    answered = {indicator_slot(i): "no" for i in plan}
    done = tracker(slots={"screening_consent": True, "age_group": "adult", "location": "latvia",
                          "sector": "construction", "screening_plan": plan, "screening_complete": True, **answered})
    dispatcher = CollectingDispatcher()
    run(screening.ActionScreeningResult(), done, dispatcher)
    assert dispatcher.messages  # the person still got the result
    declined = tracker(slots={"screening_consent": False})
    run(screening.ActionScreeningResult(), declined)  # "not now": nothing finished
    assert totals(outbox) == {
        ("emb-tashkent", "uz", "web", SCREENING_STARTED): 1,
        ("emb-tashkent", "uz", "web", screening_finished("few_signs")): 1,
    }


def test_a_rights_topic_a_job_offer_check_and_a_handoff_are_counted(outbox):
    run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period"))
    run(rights.ActionExplainRights(), tracker(intent="ask_rights"))  # only the list of topics: none opened
    run(job_offer.ActionJobOfferResult(), tracker(slots={"job_offer_answers": {}}))
    confirmed = {"consent_handoff": True, "handoff_confirmed": True, "provider": "any"}
    events = run(handoff.ActionHandoffSubmit(), tracker(slots=confirmed))
    assert any(e.get("name") == "intake_reference" and e.get("value") for e in events)
    run(handoff.ActionHandoffSubmit(), tracker(slots={**confirmed, "handoff_confirmed": False}))  # not sent
    assert totals(outbox) == {
        ("emb-tashkent", "uz", "web", RIGHTS_TOPIC_OPENED): 1,
        ("emb-tashkent", "uz", "web", JOB_OFFER_FINISHED): 1,
        ("emb-tashkent", "uz", "web", HANDOFF_SENT): 1,
    }


def run_a_conversation(tmp_path, monkeypatch) -> FunnelCounts:
    """One conversation through every counted step, as the action server would run it."""
    monkeypatch.setenv("SENDER_KEY", "funnel-test-key")
    box = Outbox(f"sqlite:///{tmp_path}/conversation.db", "funnel-test-key")
    recorder = FunnelRecorder(box.funnel)
    monkeypatch.setattr(service, "outbox", lambda: box)
    monkeypatch.setattr(service, "funnel", lambda: recorder)
    run(session.ActionSessionStart(), tracker(slots={"language": "lv", "session_started_metadata": ENTRY}))
    run(screening.ValidateScreeningForm(), consent_reply())
    run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period", text=TYPED))
    run(job_offer.ActionJobOfferResult(), tracker(slots={"job_offer_answers": {}}))
    run(handoff.ActionHandoffSubmit(), tracker(slots={"consent_handoff": True, "handoff_confirmed": True,
                                                      "provider": "any"}))
    recorder.flush()
    return box.funnel


def test_the_database_holds_counts_and_nothing_about_the_person(tmp_path, monkeypatch):
    counts = run_a_conversation(tmp_path, monkeypatch)
    # positive control: the database file exists and holds this conversation's counts
    database = tmp_path / "conversation.db"
    assert database.exists()
    assert {k.step for k in counts.totals()} == {CHAT_OPENED, SCREENING_STARTED, RIGHTS_TOPIC_OPENED,
                                                 JOB_OFFER_FINISHED, HANDOFF_SENT}
    with counts.engine.connect() as conn:
        rows = repr(conn.execute(sa.text("SELECT * FROM funnel_counts")).all())
    assert "emb-tashkent" in rows and "handoff_sent" in rows
    assert SENDER not in rows and "5f1c9e7a" not in rows and "26123456" not in rows and "passport" not in rows
    # nor anywhere in the file, the outbox's sealed intake included
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("conversation.db*"))
    assert SENDER.encode() not in raw and b"26123456" not in raw and b"passport" not in raw


def test_delete_my_data_leaves_the_counters(outbox):
    run(session.ActionSessionStart(), tracker(slots={"language": "lv", "session_started_metadata": ENTRY}))
    run(handoff.ActionHandoffSubmit(), tracker(slots={"consent_handoff": True, "handoff_confirmed": True,
                                                      "provider": "any"}))
    before = totals(outbox)
    conversation = handoff.conversation_key(SENDER)
    assert before and outbox.references_of(conversation)  # counted, and an intake queued
    dispatcher = CollectingDispatcher()
    run(handoff.ActionDeleteData(), tracker(intent="delete_data"), dispatcher)
    # positive control: the deletion did happen, the undelivered intake is cancelled
    assert outbox.references_of(conversation) == [] and outbox.pending_count() == 0
    assert totals(outbox) == before


def test_a_count_never_breaks_or_changes_an_answer(outbox, monkeypatch, caplog):
    expected = CollectingDispatcher()
    expected_events = run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period"), expected)
    assert totals(outbox)  # positive control: this answer is counted when the recorder works

    class BrokenRecorder:
        counts = outbox.funnel

        def record(self, key):
            raise RuntimeError("recorder gone")

    monkeypatch.setattr(service, "funnel", lambda: BrokenRecorder())
    dispatcher = CollectingDispatcher()
    events = run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period"), dispatcher)
    assert dispatcher.messages == expected.messages and events == expected_events
    assert "a rights_topic_opened count was lost (RuntimeError)" in caplog.text
    assert TYPED not in caplog.text and SENDER not in caplog.text


def test_outside_the_action_server_nothing_is_counted(tmp_path, monkeypatch):
    """Before the action server starts its worker there is no recorder: action tests write nothing."""
    monkeypatch.setenv("OUTBOX_DB_URL", f"sqlite:///{tmp_path}/never.db")
    assert service.funnel() is None
    run(session.ActionSessionStart(), tracker(slots={"session_started_metadata": ENTRY}))
    run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period"))
    assert not (tmp_path / "never.db").exists()


def test_a_language_outside_the_enabled_ones_is_skipped(outbox):
    run(rights.ActionExplainRights(), tracker(slots={"language": "de"}, intent="ask_reflection_period"))
    run(rights.ActionExplainRights(), tracker(slots={"channel": None}, intent="ask_reflection_period"))
    assert totals(outbox) == {}
    run(rights.ActionExplainRights(), tracker(intent="ask_reflection_period"))  # positive control
    assert totals(outbox) == {("emb-tashkent", "uz", "web", RIGHTS_TOPIC_OPENED): 1}
