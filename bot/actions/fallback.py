"""Two-stage fallback: first ask to rephrase, then the menu and the hotline."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import language_of, output_channel_of, say

NAME = "action_handle_fallback"
IGNORED = {"action_listen", None}


def previous_bot_action(events: List[Dict[str, Any]]) -> Optional[str]:
    """The last action before the current user message (None at the start)."""
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in IGNORED:
            return event.get("name")
    return None


def fallback_stage(events: List[Dict[str, Any]]) -> int:
    return 2 if previous_bot_action(events) == NAME else 1


class ActionHandleFallback(Action):
    def name(self) -> str:
        return NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        stage = fallback_stage(tracker.events)
        say(dispatcher, "utter_ask_rephrase" if stage == 1 else "utter_fallback_menu", lang, channel)
        return []
