"""The consent flow's questions and replies, table-driven."""

import pytest

from bot.forms.reply import Kind, Message
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.handoff.flow import (
    CONFIRMED_SLOT,
    CONSENT_SLOT,
    CONTACT_MESSAGE_SLOT,
    CONTACT_METHOD_SLOT,
    CONTACT_TIME_SLOT,
    CONTACT_VALUE_SLOT,
    CONTACT_WANTED_SLOT,
    FORM,
    PROVIDER_SLOT,
    HandoffState,
    contact_value_ok,
    interpret,
    next_slot,
)

WORDS = vocabulary()
AGREED = HandoffState(consent=True)
CHOSEN = HandoffState(consent=True, provider="marta")


def said(intent, text="", lang="en"):
    return Message(intent, text, lang)


def read(state, requested, message):
    """The form's interpret with the project's own data."""
    return interpret(state, requested, message, WORDS, step_aside_intents(FORM))


AGREED_TO_CONTACT = HandoffState(True, "marta", True)
ASKING_NUMBER = HandoffState(True, "marta", True, "sms")
NUMBER_GIVEN = HandoffState(True, "marta", True, "sms", True)


@pytest.mark.parametrize(
    "state, slot",
    [
        (HandoffState(), CONSENT_SLOT),
        (HandoffState(consent=False), None),  # declined: nothing more is asked
        (AGREED, PROVIDER_SLOT),
        (CHOSEN, CONTACT_WANTED_SLOT),
        (HandoffState(consent=True, provider="any", contact_wanted=False), CONFIRMED_SLOT),
        (HandoffState(consent=True, provider="any", contact_wanted=True), CONTACT_METHOD_SLOT),
        (HandoffState(consent=True, provider="any", contact_wanted=True, contact_method="sms"), CONTACT_VALUE_SLOT),
        (HandoffState(True, "any", True, "sms", True), CONTACT_TIME_SLOT),
        (HandoffState(True, "any", True, "sms", True, "evening"), CONTACT_MESSAGE_SLOT),
        (HandoffState(True, "any", True, "sms", True, "evening", False), CONFIRMED_SLOT),
        (HandoffState(True, "any", False, confirmed=True), None),
        (HandoffState(True, "any", False, confirmed=False), None),
    ],
)
def test_next_question(state, slot):
    assert next_slot(state) == slot


@pytest.mark.parametrize(
    "state, requested, message, kind, field, value",
    [
        (HandoffState(), CONSENT_SLOT, said("affirm", "yes"), "filled", "consent", True),
        (HandoffState(), CONSENT_SLOT, said("deny", "нет", "ru"), "filled", "consent", False),
        (HandoffState(), CONSENT_SLOT, said("unsure", "not sure"), "unclear", "consent", None),
        (AGREED, PROVIDER_SLOT, said(None, "2"), "filled", "provider", "drosa_maja"),
        (AGREED, PROVIDER_SLOT, said(None, "to Marta please"), "filled", "provider", "marta"),
        (AGREED, PROVIDER_SLOT, said(None, "любая"), "filled", "provider", "any"),
        (AGREED, PROVIDER_SLOT, said(None, "4"), "unclear", "provider", None),
        (AGREED, PROVIDER_SLOT, said(None, "Drošās mājas", "lv"), "filled", "provider", "drosa_maja"),
        (AGREED, PROVIDER_SLOT, said(None, "either is fine"), "filled", "provider", "any"),
        # whole words: "company" is not "any"
        (AGREED, PROVIDER_SLOT, said(None, "a company"), "unclear", "provider", None),
        (AGREED, PROVIDER_SLOT, said("ask_privacy", "who will see this?"), "step_aside", "provider", None),
        (CHOSEN, CONTACT_WANTED_SLOT, said("deny", "no"), "filled", "contact_wanted", False),
        (AGREED_TO_CONTACT, CONTACT_METHOD_SLOT, said(None, "3"), "filled", "contact_method", "messenger"),
        (ASKING_NUMBER, CONTACT_VALUE_SLOT, said("out_of_scope", "+371 2000 0000"), "value", "has_contact_value", True),
        (ASKING_NUMBER, CONTACT_VALUE_SLOT, said("out_of_scope", "tomorrow"), "unclear", "has_contact_value", False),
        (ASKING_NUMBER, CONTACT_VALUE_SLOT, said("emergency", "help"), "step_aside", "has_contact_value", False),
        # a number read as "ask_contacts" is still the number; a wrong one gets a hint, not the contacts
        (ASKING_NUMBER, CONTACT_VALUE_SLOT, said("ask_contacts", "+371 2000 0000"), "value", "has_contact_value", True),
        (ASKING_NUMBER, CONTACT_VALUE_SLOT, said("ask_contacts", "phone"), "unclear", "has_contact_value", False),
        (NUMBER_GIVEN, CONTACT_TIME_SLOT, said(None, "4"), "filled", "contact_time", "any_time"),
        (HandoffState(True, "marta", False), CONFIRMED_SLOT, said("affirm", "/affirm"), "filled", "confirmed", True),
        (HandoffState(True, "marta", False), CONFIRMED_SLOT, said("stop", "stop"), "step_aside", "confirmed", None),
        (CHOSEN, CONTACT_WANTED_SLOT, said("go_back", "back"), "back", "provider", None),
    ],
)
def test_replies(state, requested, message, kind, field, value):
    reply = read(state, requested, message)
    assert reply.kind is Kind(kind)
    assert getattr(reply.state, field) == value


def test_the_contact_value_is_handed_back_for_sealing_not_kept_in_the_state():
    reply = read(HandoffState(True, "marta", True, "email"), CONTACT_VALUE_SLOT, said(None, " a.b@example.org "))
    assert reply.value == "a.b@example.org" and "example" not in repr(reply.state)


@pytest.mark.parametrize(
    "method, text, ok",
    [("phone", "+371 20 000 000", True), ("sms", "2000", False), ("sms", "call me", False),
     ("email", "a@b.lv", True), ("email", "a@b", False), ("messenger", "@ivan_k", True), ("messenger", "x", False)],
)
def test_contact_value_check(method, text, ok):
    assert contact_value_ok(method, text) is ok
