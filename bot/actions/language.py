"""Greeting and language choice."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    language_buttons,
    language_of,
    output_channel_of,
    say,
)
from bot.language.names import language_code
from bot.language.registry import registry
from bot.vocabulary import WEB_OUTPUT_CHANNEL


class ActionGreet(Action):
    """Greets in the chosen language; asks for one first if none was chosen."""

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        say(dispatcher, "utter_greet", lang, channel)
        say(dispatcher, "utter_greet_leave_anytime", lang, channel)
        if tracker.get_slot("language_chosen"):
            say(dispatcher, "utter_menu", lang, channel)
        else:
            say(dispatcher, "utter_choose_language", lang, channel, buttons=language_buttons())
        return []


class ActionChangeLanguage(Action):
    """Switches language when a supported one is named, else offers the choice."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        current, channel = language_of(tracker), output_channel_of(tracker)
        named = language_code(next(tracker.get_latest_entity_values("language"), None), registry())
        wanted = registry().supported(named)
        if wanted:
            # Rendered here in the new language: a response uttered by the
            # action would still see the old slot value.
            say(dispatcher, "utter_language_changed", wanted, channel)
            say(dispatcher, "utter_menu", wanted, channel)
            if channel == WEB_OUTPUT_CHANNEL:
                dispatcher.utter_message(json_message={"data": {"ui_language": wanted}})
            return [SlotSet("language", wanted), SlotSet("language_chosen", True)]
        response = "utter_language_not_available" if named else "utter_choose_language"
        say(dispatcher, response, current, channel, buttons=language_buttons())
        return []
