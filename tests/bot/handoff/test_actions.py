"""The handoff actions when the outbox fails: the person hears it honestly, with the hotline."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import handoff
from bot.actions.common import fact_values
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
