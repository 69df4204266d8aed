"""The tracker store's privacy promises, on real SQLite and PostgreSQL: a typed
contact detail is stored redacted, and "delete my data" erases the conversation."""

import asyncio
import json

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.stores import contact_replies, erase_requested


def contact_turn():
    return [
        ActionExecuted("action_listen"),
        UserUttered("/request_handoff", {"name": "request_handoff", "confidence": 1.0}),
        ActionExecuted("handoff_form"),
        SlotSet("requested_slot", "contact_value"),
        BotUttered("Please write the number"),
        ActionExecuted("action_listen"),
        UserUttered("+371 2000 1234", {"name": "out_of_scope", "confidence": 0.4}),
        ActionExecuted("handoff_form"),
        SlotSet("contact_value", "sealed:v1:abc"),
        SlotSet("requested_slot", "contact_time"),
        ActionExecuted("action_listen"),
        UserUttered("3", {"name": "nlu_fallback", "confidence": 0.3}),
    ]


def stored_text(store, sender):
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).all()
        return [json.loads(r.data) for r in rows]


def test_pure_helpers():
    events = contact_turn()
    assert contact_replies(events) == {6}
    assert not erase_requested(events)
    assert erase_requested(events + [ActionExecuted("action_delete_data"), ActionExecuted("action_listen")])


def test_a_typed_contact_detail_never_reaches_the_database(store):
    tracker = DialogueStateTracker.from_events("person-1", contact_turn())
    asyncio.run(store.save(tracker))
    data = stored_text(store, "person-1")
    assert len(data) == len(contact_turn())
    assert "2000 1234" not in json.dumps(data)
    assert [d["text"] for d in data if d["event"] == "user"] == ["/request_handoff", "[contact details, sealed]", "3"]
    # A later save adds only the new events, still redacted.
    tracker.update(ActionExecuted("handoff_form"))
    asyncio.run(store.save(tracker))
    assert len(stored_text(store, "person-1")) == len(contact_turn()) + 1


def test_delete_my_data_erases_the_whole_conversation(store):
    tracker = DialogueStateTracker.from_events("person-2", contact_turn())
    asyncio.run(store.save(tracker))
    other = DialogueStateTracker.from_events("someone-else", contact_turn())
    asyncio.run(store.save(other))
    tracker.update(UserUttered("delete my data", {"name": "delete_data", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_delete_data"))
    asyncio.run(store.save(tracker))
    assert stored_text(store, "person-2") == []
    assert len(stored_text(store, "someone-else")) == len(contact_turn())
