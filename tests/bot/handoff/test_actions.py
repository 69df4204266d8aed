"""The handoff actions when the outbox fails: the person hears it honestly, with the hotline."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import handoff
from bot.actions.common import fact_values
from bot.handoff.outbox import Outbox
from tests.support import expect


class BrokenOutbox:
    def __getattr__(self, name):
        raise RuntimeError("database unavailable")


def tracker(slots):
    return Tracker(
        sender_id="action-test", slots={"language": "en", **slots}, latest_message={"intent": {"name": "affirm"}},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="handoff_form",
    )


@pytest.fixture
def broken(monkeypatch):
    monkeypatch.setenv("SENDER_KEY", "test-key")
    monkeypatch.setattr(handoff.service, "outbox", lambda: BrokenOutbox())


def test_a_handoff_the_outbox_cannot_keep_ends_with_the_hotline(broken):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(handoff.ActionHandoffSubmit().run(
        dispatcher, tracker({"consent_handoff": True, "handoff_confirmed": True, "provider": "any"}), {}))
    [message] = dispatcher.messages
    assert message["text"] == expect.text("utter_handoff_failed", "en")
    assert fact_values()["hotline"] in message["text"]
    assert not any(e.get("name") == "intake_reference" and e.get("value") for e in events)


def test_delete_still_tells_what_to_do_when_the_withdrawal_cannot_be_queued(broken):
    dispatcher = CollectingDispatcher()
    asyncio.run(handoff.ActionDeleteData().run(dispatcher, tracker({"intake_references": ["K7M29QX4"]}), {}))
    [message] = dispatcher.messages
    assert "K7M2 9QX4" in message["text"] and fact_values()["hotline"] in message["text"]


def test_past_the_intake_limit_the_person_is_told_kindly_with_the_hotline(monkeypatch, tmp_path):
    monkeypatch.setenv("SENDER_KEY", "test-key")
    monkeypatch.setenv("INTAKE_LIMIT_PER_DAY", "2")
    outbox = Outbox(f"sqlite:///{tmp_path}/outbox.db", "test-key")
    monkeypatch.setattr(handoff.service, "outbox", lambda: outbox)
    slots = {"consent_handoff": True, "handoff_confirmed": True, "provider": "any"}
    texts, references = [], []
    for _ in range(3):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(handoff.ActionHandoffSubmit().run(dispatcher, tracker(slots), {}))
        [message] = dispatcher.messages
        texts.append(message["text"])
        references += [e["value"] for e in events if e.get("name") == "intake_reference" and e.get("value")]
    # the positive control: the first two were queued and the person got their references
    assert len(references) == 2 and outbox.pending_count() == 2
    sent = expect.text("utter_handoff_sent", "en").split("{reference}")[0]
    assert texts[0].startswith(sent) and texts[1].startswith(sent)
    assert texts[2] == expect.text("utter_handoff_limit_reached", "en")
    assert texts[2].rstrip(".").endswith(fact_values()["hotline"])
    # another conversation is not affected
    other = tracker(slots)
    other.sender_id = "another-conversation"
    dispatcher = CollectingDispatcher()
    asyncio.run(handoff.ActionHandoffSubmit().run(dispatcher, other, {}))
    assert outbox.pending_count() == 3
