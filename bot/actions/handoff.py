"""Consent and handoff (handoff_form), and "delete my data": thin actions around
bot.handoff.flow (the questions), bot.handoff.intake (the record) and the outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import funnel
from bot.actions.common import language_of, output_channel_of, rendered, say
from bot.actions.forms import REQUESTED_SLOT, AskWithResponse, FormValidation, leave_form
from bot.campaigns.funnel import HANDOFF_SENT
from bot.forms.reply import ANSWER_OPTIONS, Kind, Message, Outcome
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.handoff import service
from bot.handoff.flow import (
    CONTACT_METHODS,
    CONTACT_TIMES,
    CONTACT_VALUE_SLOT,
    FORM,
    PROVIDERS,
    HandoffState,
    interpret,
    next_slot,
    slot_values,
    state_from_slots,
)
from bot.handoff.intake import Contact, HandoffRequest, build_intake
from bot.handoff.outbox import Outbox
from bot.handoff.reference import display
from bot.handoff.sealing import seal, unseal
from bot.screening.indicators import indicator_set
from bot.screening.walkthrough import indicator_slot
from bot.settings import load_settings
from bot.vocabulary import ANY_PROVIDER, ERASE_CHAT, REST, TELEGRAM, WHATSAPP

logger = logging.getLogger(__name__)

REFERENCE_SLOT = "intake_reference"
REFERENCES_SLOT = "intake_references"
CONSENT_AT_SLOT = "handoff_consent_at"
CONTACT_AT_SLOT = "contact_consent_at"
INTAKE_LIMIT_PERIOD = dt.timedelta(days=1)
FLOW_SLOTS = tuple(slot_values(HandoffState())) + (CONTACT_VALUE_SLOT, CONSENT_AT_SLOT, CONTACT_AT_SLOT)


def conversation_key(sender_id: str) -> str:
    """The outbox finds a conversation's intakes by this keyed hash, never by the sender id."""
    key = load_settings().sender_key.encode("utf-8")
    return hmac.new(key, b"conversation:" + sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _clear_flow() -> List[EventType]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


def _choice_title(response: str, options: tuple, value: Optional[str], tracker: Tracker) -> str:
    """The translated button title of a choice, e.g. the provider's name."""
    buttons = rendered(response, language_of(tracker), None).get("buttons", [])
    return buttons[options.index(value)]["title"] if value in options else ""


class ActionAskConsentHandoff(AskWithResponse):
    slot = "consent_handoff"


class ActionAskProvider(AskWithResponse):
    slot = "provider"


class ActionAskContactWanted(AskWithResponse):
    slot = "contact_wanted"


class ActionAskContactMethod(AskWithResponse):
    slot = "contact_method"


class ActionAskContactValue(AskWithResponse):
    slot = "contact_value"


class ActionAskContactTime(AskWithResponse):
    slot = "contact_time"


class ActionAskContactMessageOk(AskWithResponse):
    slot = "contact_message_ok"


class ValidateHandoffForm(FormValidation[HandoffState]):
    form = FORM

    def state_of(self, tracker: Tracker) -> HandoffState:
        return state_from_slots(tracker.slots)

    def interpret(
        self, state: HandoffState, requested: Optional[str], message: Message
    ) -> Outcome[HandoffState]:
        return interpret(state, requested, message, vocabulary(), step_aside_intents(FORM))

    def next_question(self, state: HandoffState) -> Optional[str]:
        return next_slot(state)

    def hint(self, requested: Optional[str]) -> str:
        return "utter_contact_value_hint" if requested == CONTACT_VALUE_SLOT else "utter_screening_choice_hint"

    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        return _clear_flow() + [SlotSet(REQUESTED_SLOT, next_slot(HandoffState()))]

    def apply(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        before: HandoffState,
        outcome: Outcome[HandoffState],
    ) -> List[EventType]:
        old, new = slot_values(before), slot_values(outcome.state)
        events: List[EventType] = [SlotSet(name, value) for name, value in new.items() if old[name] != value]
        if outcome.kind is Kind.VALUE and outcome.value:
            events.append(SlotSet(CONTACT_VALUE_SLOT, seal(load_settings().sender_key, outcome.value)))
            events.append(SlotSet(CONTACT_AT_SLOT, _now().isoformat()))
        if outcome.kind is Kind.BACK and before.has_contact_value and not outcome.state.has_contact_value:
            events.append(SlotSet(CONTACT_VALUE_SLOT, None))
        if before.consent is None and outcome.state.consent:
            events.append(SlotSet(CONSENT_AT_SLOT, _now().isoformat()))
        return events


class ActionAskHandoffConfirmed(Action):
    """The final check: what goes to whom, and whether they will be in touch."""

    def name(self) -> str:
        return "action_ask_handoff_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        state = state_from_slots(tracker.slots)
        lang, channel = language_of(tracker), output_channel_of(tracker)
        if state.provider == ANY_PROVIDER:
            provider = rendered("utter_handoff_provider_either", lang, channel)["text"]
        else:
            provider = _choice_title("utter_ask_provider", PROVIDERS, state.provider, tracker)
        if state.contact_wanted:
            contact = rendered(
                "utter_handoff_summary_contact",
                lang,
                channel,
                values={
                    "method": _choice_title("utter_ask_contact_method", CONTACT_METHODS, state.contact_method, tracker),
                    "time": _choice_title("utter_ask_contact_time", CONTACT_TIMES, state.contact_time, tracker),
                },
            )["text"]
        else:
            contact = rendered("utter_handoff_summary_no_contact", lang, channel)["text"]
        say(dispatcher, "utter_ask_handoff_confirmed", lang, channel, values={"provider": provider, "contact": contact})
        return []


class ActionHandoffSubmit(Action):
    """After the form: queue the intake durably, then tell the person its reference."""

    def name(self) -> str:
        return "action_handoff_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        state = state_from_slots(tracker.slots)
        if not (state.consent and state.confirmed):
            say(dispatcher, "utter_handoff_not_sent", lang, channel)
            return _clear_flow()
        try:
            outbox = service.outbox()
            key = conversation_key(tracker.sender_id)
            if await asyncio.to_thread(_over_intake_limit, outbox, key):
                say(dispatcher, "utter_handoff_limit_reached", lang, channel)
                return _clear_flow()
            reference = await asyncio.to_thread(outbox.new_reference)
            intake = build_intake(self._request(tracker, state, reference), indicator_set())
            await asyncio.to_thread(outbox.add_intake, intake, key)
        except Exception:  # the outbox cannot keep it: say so, and give the hotline
            logger.exception("handoff: the intake could not be queued")
            say(dispatcher, "utter_handoff_failed", lang, channel)
            return _clear_flow()
        service.wake_worker()
        funnel.count(tracker, HANDOFF_SENT)
        say(dispatcher, "utter_handoff_sent", lang, channel, values={"reference": display(reference)})
        references = list(tracker.get_slot(REFERENCES_SLOT) or []) + [reference]
        return _clear_flow() + [SlotSet(REFERENCE_SLOT, reference), SlotSet(REFERENCES_SLOT, references)]

    @staticmethod
    def _request(tracker: Tracker, state: HandoffState, reference: str) -> HandoffRequest:
        indicators = indicator_set()
        answers = {
            i: tracker.get_slot(indicator_slot(i))
            for i in indicators.indicators
            if tracker.get_slot(indicator_slot(i)) in ANSWER_OPTIONS
        }
        contact = None
        sealed = tracker.get_slot(CONTACT_VALUE_SLOT)
        if state.contact_wanted and sealed:
            contact = Contact(
                method=state.contact_method or "phone",
                value=unseal(load_settings().sender_key, sealed),
                best_time=state.contact_time,
                leave_message=state.contact_message_ok,
                given_at=_parse(tracker.get_slot(CONTACT_AT_SLOT)),
            )
        return HandoffRequest(
            reference=reference,
            provider=state.provider or ANY_PROVIDER,
            language=language_of(tracker),
            channel=tracker.get_slot("channel") or REST,
            source=tracker.get_slot("source"),
            age_group=tracker.get_slot("age_group"),
            location=tracker.get_slot("location"),
            sector=tracker.get_slot("sector"),
            answers=answers,
            consent_given_at=_parse(tracker.get_slot(CONSENT_AT_SLOT)),
            contact=contact,
        )


class ActionHandoffCancel(Action):
    """"Stop" inside the consent flow: nothing is sent."""

    def name(self) -> str:
        return "action_handoff_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        say(dispatcher, "utter_handoff_not_sent", language_of(tracker), output_channel_of(tracker))
        return leave_form() + _clear_flow()


class ActionDeleteData(Action):
    """Withdraw every intake of this conversation and erase the conversation:
    the tracker store deletes its events when it sees this action (bot/server/stores.py)."""

    def name(self) -> str:
        return "action_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        # Withdrawn: only what the outbox holds under this conversation's key (slots come
        # from the caller). The codes this conversation was shown are only repeated to the
        # person if the outbox cannot be reached, so they can quote them on the phone.
        shown = sorted(set(tracker.get_slot(REFERENCES_SLOT) or []))
        try:
            outbox = service.outbox()
            key = conversation_key(tracker.sender_id)
            references = sorted(set(await asyncio.to_thread(outbox.references_of, key)))
            for reference in references:
                await asyncio.to_thread(outbox.withdraw, reference, key)
        except Exception:  # the conversation is still erased; the withdrawal goes by phone
            logger.exception("delete: the withdrawal could not be queued")
            say(dispatcher, "utter_delete_withdraw_failed", lang, channel,
                values={"references": ", ".join(display(r) for r in shown)})
            _erase_on_the_phone(dispatcher, lang, channel)
            return []
        service.wake_worker()
        if references:
            say(dispatcher, "utter_delete_done_withdrawn", lang, channel,
                values={"references": ", ".join(display(r) for r in references)})
        else:
            say(dispatcher, "utter_delete_done", lang, channel)
        _erase_on_the_phone(dispatcher, lang, channel)
        return []


def _erase_on_the_phone(dispatcher: CollectingDispatcher, lang: str, channel: Optional[str]) -> None:
    """What happens to the chat on the person's phone: Telegram deletes it (the channel does,
    on this signal, which is never shown), WhatsApp cannot, and says so."""
    if channel == TELEGRAM:
        say(dispatcher, "utter_delete_chat_telegram", lang, channel)
        dispatcher.utter_message(json_message={ERASE_CHAT: True})
    elif channel == WHATSAPP:
        say(dispatcher, "utter_delete_chat_whatsapp", lang, channel)


def _over_intake_limit(outbox: Outbox, conversation: str) -> bool:
    """At most INTAKE_LIMIT_PER_DAY intakes per conversation in any 24 hours."""
    since = dt.datetime.utcnow().replace(microsecond=0) - INTAKE_LIMIT_PERIOD
    return outbox.intakes_since(conversation, since) >= max(1, load_settings().intake_limit_per_day)


def _parse(value: Optional[str]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value) if value else _now()
    except ValueError:
        return _now()
