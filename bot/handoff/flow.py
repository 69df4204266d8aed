"""The consent flow (handoff_form) as pure functions: which question comes next
and what a reply means. Consent to share comes first and alone; contact is a
separate, optional question with its own consent; nothing is sent without a
final "send"."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import FrozenSet, Mapping, Optional

from bot.forms.reply import GO_BACK, Kind, Message, Outcome, answer_of
from bot.forms.words import Vocabulary, pick_by_number
from bot.vocabulary import CONTACT_METHODS, PROVIDERS

FORM = "handoff_form"
CONSENT_SLOT = "consent_handoff"
PROVIDER_SLOT = "provider"
CONTACT_WANTED_SLOT = "contact_wanted"
CONTACT_METHOD_SLOT = "contact_method"
CONTACT_VALUE_SLOT = "contact_value"
CONTACT_TIME_SLOT = "contact_time"
CONTACT_MESSAGE_SLOT = "contact_message_ok"
CONFIRMED_SLOT = "handoff_confirmed"

CONTACT_TIMES = ("morning", "afternoon", "evening", "any_time")
CHOICES = {PROVIDER_SLOT: PROVIDERS, CONTACT_METHOD_SLOT: CONTACT_METHODS, CONTACT_TIME_SLOT: CONTACT_TIMES}
# Which HandoffState field each question fills.
CHOICE_FIELDS = {PROVIDER_SLOT: "provider", CONTACT_METHOD_SLOT: "contact_method", CONTACT_TIME_SLOT: "contact_time"}
YES_NO_FIELDS = {
    CONSENT_SLOT: "consent",
    CONTACT_WANTED_SLOT: "contact_wanted",
    CONTACT_MESSAGE_SLOT: "contact_message_ok",
    CONFIRMED_SLOT: "confirmed",
}

PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
# While a contact address is asked for, a phone number or e-mail is easily read as
# one of these; an invalid address then gets a hint rather than the side answer.
NOT_ASIDE_FOR_CONTACT_VALUE = frozenset({"ask_contacts", "ask_privacy"})


@dataclass(frozen=True)
class HandoffState:
    consent: Optional[bool] = None
    provider: Optional[str] = None
    contact_wanted: Optional[bool] = None
    contact_method: Optional[str] = None
    has_contact_value: bool = False
    contact_time: Optional[str] = None
    contact_message_ok: Optional[bool] = None
    confirmed: Optional[bool] = None


def next_slot(state: HandoffState) -> Optional[str]:
    """The next question, or None when the flow is over (declined or confirmed either way)."""
    if state.consent is None:
        return CONSENT_SLOT
    if state.consent is False:
        return None
    if state.provider is None:
        return PROVIDER_SLOT
    if state.contact_wanted is None:
        return CONTACT_WANTED_SLOT
    if state.contact_wanted:
        for slot, missing in (
            (CONTACT_METHOD_SLOT, state.contact_method is None),
            (CONTACT_VALUE_SLOT, not state.has_contact_value),
            (CONTACT_TIME_SLOT, state.contact_time is None),
            (CONTACT_MESSAGE_SLOT, state.contact_message_ok is None),
        ):
            if missing:
                return slot
    return CONFIRMED_SLOT if state.confirmed is None else None


def contact_value_ok(method: Optional[str], text: str) -> bool:
    value = text.strip()
    if method in ("phone", "sms"):
        return bool(PHONE.fullmatch(value)) and sum(ch.isdigit() for ch in value) >= 7
    if method == "email":
        return bool(EMAIL.fullmatch(value))
    return 3 <= len(value) <= 100 and "\n" not in value  # a messenger number or user name


def provider_of(message: Message, vocabulary: Vocabulary) -> Optional[str]:
    """By number (1, 2, 3) or by name, whole words only ("company" is not "any")."""
    return pick_by_number(message.text, PROVIDERS) or vocabulary.provider.match(message.text, message.lang)


def go_back(state: HandoffState, requested: Optional[str]) -> HandoffState:
    order = [
        (PROVIDER_SLOT, {"consent": None}),
        (CONTACT_WANTED_SLOT, {"provider": None}),
        (CONTACT_METHOD_SLOT, {"contact_wanted": None}),
        (CONTACT_VALUE_SLOT, {"contact_method": None}),
        (CONTACT_TIME_SLOT, {"has_contact_value": False}),
        (CONTACT_MESSAGE_SLOT, {"contact_time": None}),
    ]
    if requested == CONFIRMED_SLOT:
        if state.contact_wanted:
            return replace(state, contact_message_ok=None)
        return replace(state, contact_wanted=None)
    for slot, undo in order:
        if slot == requested:
            return replace(state, **undo)
    return state


def interpret(
    state: HandoffState,
    requested: Optional[str],
    message: Message,
    vocabulary: Vocabulary,
    step_aside: FrozenSet[str],
) -> Outcome[HandoffState]:
    """What the reply means for the question `requested`; `step_aside` holds the
    intents the rules answer instead (bot/data/forms/step_aside.yml). A contact
    address comes back as a VALUE outcome, to be sealed, never in the state."""
    if message.intent == GO_BACK:
        return Outcome(Kind.BACK, go_back(state, requested))
    if requested == CONTACT_VALUE_SLOT:
        if message.intent in step_aside - NOT_ASIDE_FOR_CONTACT_VALUE and not contact_value_ok(
            state.contact_method, message.text
        ):
            return Outcome(Kind.STEP_ASIDE, state)
        if contact_value_ok(state.contact_method, message.text):
            return Outcome(Kind.VALUE, replace(state, has_contact_value=True), value=message.text.strip())
        return Outcome(Kind.UNCLEAR, state)
    if requested in CHOICES:
        if requested == PROVIDER_SLOT:
            choice = provider_of(message, vocabulary)
        else:
            choice = pick_by_number(message.text, CHOICES[requested])
        if choice:
            field = CHOICE_FIELDS[requested]
            return Outcome(Kind.FILLED, replace(state, **{field: choice}))
    elif requested in YES_NO_FIELDS:
        answer = answer_of(message, vocabulary)
        if answer in ("yes", "no"):
            field = YES_NO_FIELDS[requested]
            return Outcome(Kind.FILLED, replace(state, **{field: answer == "yes"}))
    if message.intent in step_aside:
        return Outcome(Kind.STEP_ASIDE, state)
    return Outcome(Kind.UNCLEAR, state)


def state_from_slots(slots: Mapping[str, object]) -> HandoffState:
    def flag(name: str) -> Optional[bool]:
        value = slots.get(name)
        return value if isinstance(value, bool) else None

    def choice(name: str) -> Optional[str]:
        value = slots.get(name)
        return str(value) if value in CHOICES[name] else None

    return HandoffState(
        consent=flag(CONSENT_SLOT),
        provider=choice(PROVIDER_SLOT),
        contact_wanted=flag(CONTACT_WANTED_SLOT),
        contact_method=choice(CONTACT_METHOD_SLOT),
        has_contact_value=bool(slots.get(CONTACT_VALUE_SLOT)),
        contact_time=choice(CONTACT_TIME_SLOT),
        contact_message_ok=flag(CONTACT_MESSAGE_SLOT),
        confirmed=flag(CONFIRMED_SLOT),
    )


def slot_values(state: HandoffState) -> dict:
    """Slots owned by the flow, except the sealed contact value (set by the action)."""
    return {
        CONSENT_SLOT: state.consent,
        PROVIDER_SLOT: state.provider,
        CONTACT_WANTED_SLOT: state.contact_wanted,
        CONTACT_METHOD_SLOT: state.contact_method,
        CONTACT_TIME_SLOT: state.contact_time,
        CONTACT_MESSAGE_SLOT: state.contact_message_ok,
        CONFIRMED_SLOT: state.confirmed,
    }
