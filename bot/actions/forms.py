"""What every question form shares (screening_form, job_offer_form): knowing
whether a message replies to the form's question, reading it, and answering a
reply that is no answer — a hint first, then the hotline and a way out, never
a loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import language_of, output_channel_of, say
from bot.screening.walkthrough import Message

REQUESTED_SLOT = "requested_slot"
UNCLEAR_SLOT = "form_unclear_replies"
# The second reply in a row that is no answer gets the hotline and a way out.
UNCLEAR_BEFORE_HELP = 2


def replying_to(tracker: Tracker, form: str) -> bool:
    """Whether the latest message replies to a question `form` asked: the last
    action before it was the form. Not on activation, and not on the message
    that brings a paused form back (a "yes, continue")."""
    events = tracker.events
    last_user = max((n for n, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return False
    for event in reversed(events[:last_user]):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == form
    return False


def latest_message(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    return Message(intent=intent, text=latest.get("text") or "", lang=language_of(tracker))


def count_reply(
    dispatcher: CollectingDispatcher, tracker: Tracker, understood: bool, hint: str
) -> List[EventType]:
    """Count replies that were no answer; say `hint`, or after two the way out.

    The count is always set, so Rasa sees the reply as handled and keeps the form."""
    unclear = 0 if understood else (tracker.get_slot(UNCLEAR_SLOT) or 0) + 1
    lang, channel = language_of(tracker), output_channel_of(tracker)
    if unclear >= UNCLEAR_BEFORE_HELP:
        say(dispatcher, "utter_form_stuck", lang, channel)
    elif unclear:
        say(dispatcher, hint, lang, channel)
    return [SlotSet(UNCLEAR_SLOT, unclear)]


def leave_form() -> List[EventType]:
    return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]


class AskWithResponse(Action, ABC):
    """Asks for a form's slot with its response utter_ask_<slot>, rendered here so
    that a form's words all come from the same place (and the same language)."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for; its response is utter_ask_<slot>."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        say(dispatcher, f"utter_ask_{self.slot}", language_of(tracker), output_channel_of(tracker))
        return []
