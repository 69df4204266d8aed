"""action_session_start: carry the language over, read the entry metadata, and count a
conversation that opens (chat_opened: once per conversation, not per later session)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import funnel
from bot.campaigns.funnel import CHAT_OPENED, is_new_conversation
from bot.campaigns.registry import campaigns
from bot.language.registry import registry
from bot.session_metadata import session_entry

# Slots that belong to one session only (Rasa's own, or per-visit facts).
NOT_CARRIED_OVER = {"session_started_metadata", "requested_slot"}


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value)
            for name, value in tracker.slots.items()
            if value is not None and name not in NOT_CARRIED_OVER
        ]
        entry = session_entry(tracker.get_slot("session_started_metadata"), registry())
        if entry.language:
            events += [SlotSet("language", entry.language), SlotSet("language_chosen", True)]
        if entry.source:  # a registered campaign, or "other": never what the link said
            events.append(SlotSet("source", campaigns().tag(entry.source)))
        if entry.channel:
            events.append(SlotSet("channel", entry.channel))
        if is_new_conversation(tracker.events):
            funnel.count(tracker, CHAT_OPENED, events)
        events.append(ActionExecuted("action_listen"))
        return events
