"""What every form shares (screening_form, job_offer_form, handoff_form): one
validation base, `FormValidation`, that knows whether a message replies to the
form's question, reads it through the form's pure `interpret` (bot/forms/ and
each capability's package), leaves step-aside intents to the rules, and answers a
reply that is no answer — a hint first, then the hotline and a way out, never a
loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Generic, List, Optional, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import language_of, output_channel_of, say
from bot.forms.reply import Kind, Message, Outcome

State = TypeVar("State")

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


class FormValidation(Action, ABC, Generic[State]):
    """validate_<form>: one pattern for every form.

    On the form's first turn (and when it resumes) `start` sets it up. After
    that each reply goes through the form's pure `interpret`: a step-aside intent
    sets only the question to come back to, so Rasa rejects the form and a rule
    answers; anything else is counted (a hint, then the way out) and `apply`
    turns the outcome into slots. The next question always comes last."""

    form: str

    def name(self) -> str:
        return f"validate_{self.form}"

    @abstractmethod
    def state_of(self, tracker: Tracker) -> State:
        """The form's state, read from the slots."""

    @abstractmethod
    def interpret(self, state: State, requested: Optional[str], message: Message) -> Outcome[State]:
        """What the reply means: the form's pure interpret with its data."""

    @abstractmethod
    def next_question(self, state: State) -> Optional[str]:
        """The slot to ask for next, or None when the form is done."""

    @abstractmethod
    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Events when the form starts or resumes, its next question included."""

    @abstractmethod
    def apply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, before: State, outcome: Outcome[State]
    ) -> List[EventType]:
        """Slots (and words) for an outcome that was not a step aside."""

    def hint(self, requested: Optional[str]) -> str:
        """The response that helps after a reply that was no answer."""
        return "utter_screening_hint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if not replying_to(tracker, self.form):
            return self.start(dispatcher, tracker)
        before = self.state_of(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        outcome = self.interpret(before, requested, latest_message(tracker))
        if outcome.kind is Kind.STEP_ASIDE:
            return [SlotSet(REQUESTED_SLOT, self.next_question(before))]
        events = count_reply(dispatcher, tracker, outcome.understood, self.hint(requested))
        events += self.apply(dispatcher, tracker, before, outcome)
        return events + [SlotSet(REQUESTED_SLOT, self.next_question(outcome.state))]
