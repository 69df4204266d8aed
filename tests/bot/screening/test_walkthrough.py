"""The walkthrough's pure core: what a reply means and what is asked next, table-driven."""

import pytest

from bot.forms.reply import Kind, Message
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.screening.indicators import indicator_set
from bot.screening.walkthrough import (
    AGE_SLOT,
    CONSENT_SLOT,
    FORM,
    LOCATION_SLOT,
    QUESTIONS_SLOT,
    SECTOR_SLOT,
    WalkState,
    changed_slots,
    indicator_slot,
    interpret,
    next_slot,
    plan_for,
    slots_from_state,
    state_from_slots,
)

INDICATORS = indicator_set()
WORDS = vocabulary()
CONSTRUCTION = plan_for(INDICATORS, "construction", {})
ASKING = WalkState(consent=True, age_group="adult", location="latvia", sector="construction", plan=CONSTRUCTION)


def reply(intent, text="", lang="en"):
    return Message(intent=intent, text=text, lang=lang)


def read(state, requested, message):
    """The form's interpret with the project's own data."""
    return interpret(state, requested, message, INDICATORS, WORDS, step_aside_intents(FORM))


@pytest.mark.parametrize(
    "state, slot",
    [
        (WalkState(), CONSENT_SLOT),
        (WalkState(consent=False), None),
        (WalkState(consent=True), AGE_SLOT),
        (WalkState(consent=True, age_group="minor"), LOCATION_SLOT),
        (WalkState(consent=True, age_group="adult", location="abroad"), SECTOR_SLOT),
        (ASKING, QUESTIONS_SLOT),
        (WalkState(**{**ASKING.__dict__, "answers": {i: "no" for i in CONSTRUCTION}}), None),
    ],
)
def test_next_slot(state, slot):
    assert next_slot(state) == slot


@pytest.mark.parametrize(
    "requested, message, expected",
    [
        (CONSENT_SLOT, reply("affirm", "yes"), ("filled", {"consent": True})),
        (CONSENT_SLOT, reply("deny", "no"), ("filled", {"consent": False})),
        (CONSENT_SLOT, reply("nlu_fallback", "jā", "lv"), ("filled", {"consent": True})),
        (CONSENT_SLOT, reply("out_of_scope", "bananas"), ("unclear", {})),
        (AGE_SLOT, reply("nlu_fallback", "1"), ("filled", {"age_group": "adult"})),
        (AGE_SLOT, reply("nlu_fallback", "2"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("nlu_fallback", "3."), ("filled", {"age_group": "unknown"})),
        (AGE_SLOT, reply("is_minor", "I am fifteen"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("out_of_scope", "мне 16 лет", "ru"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("out_of_scope", "man ir 34 gadi", "lv"), ("filled", {"age_group": "adult"})),
        (AGE_SLOT, reply("is_minor", "man ir 34 gadi", "lv"), ("filled", {"age_group": "adult"})),
        # 18 itself: the words around it decide ("under 18" is a child)
        (AGE_SLOT, reply("out_of_scope", "I am 18"), ("filled", {"age_group": "adult"})),
        (AGE_SLOT, reply("out_of_scope", "under 18"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("is_minor", "im not 18 yet"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("out_of_scope", "мне ещё нет 18", "ru"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("out_of_scope", "over 18"), ("filled", {"age_group": "adult"})),
        (AGE_SLOT, reply("out_of_scope", "nepilngadīgs", "lv"), ("filled", {"age_group": "minor"})),
        (AGE_SLOT, reply("nlu_fallback", "what?"), ("unclear", {})),
        (LOCATION_SLOT, reply("nlu_fallback", "2"), ("filled", {"location": "abroad"})),
        (LOCATION_SLOT, reply("out_of_scope", "I am in Riga"), ("filled", {"location": "latvia"})),
        (LOCATION_SLOT, reply("out_of_scope", "сейчас за границей", "ru"), ("filled", {"location": "abroad"})),
        (LOCATION_SLOT, reply("nlu_fallback", "7"), ("unclear", {})),
        (SECTOR_SLOT, reply("nlu_fallback", "10"), ("filled", {"sector": "other"})),
        (SECTOR_SLOT, reply("out_of_scope", "работаю на стройке", "ru"), ("filled", {"sector": "construction"})),
        (SECTOR_SLOT, reply("out_of_scope", "strādāju restorānā", "lv"), ("filled", {"sector": "hospitality"})),
        (SECTOR_SLOT, reply("out_of_scope", "I clean houses", "en"), ("unclear", {})),
        (SECTOR_SLOT, reply("out_of_scope", "cleaning houses", "en"), ("filled", {"sector": "cleaning_domestic"})),
        (SECTOR_SLOT, reply("emergency", "help they beat me"), ("step_aside", {})),
        # a named option answers even when the classifier guessed a question
        (SECTOR_SLOT, reply("ask_rehabilitation", "strādāju restorānā", "lv"), ("filled", {"sector": "hospitality"})),
        (LOCATION_SLOT, reply("ask_contacts", "I am in Riga"), ("filled", {"location": "latvia"})),
        (AGE_SLOT, reply("ask_rights", "man ir 34 gadi", "lv"), ("filled", {"age_group": "adult"})),
        (AGE_SLOT, reply("ask_rights", "nepilngadīgs", "lv"), ("filled", {"age_group": "minor"})),
        # ... but an emergency still comes first, and a question naming no option is a question
        (SECTOR_SLOT, reply("emergency", "strādāju restorānā, viņš mani tagad sit", "lv"), ("step_aside", {})),
        (AGE_SLOT, reply("emergency", "I am 30 and they are beating me"), ("step_aside", {})),
        (SECTOR_SLOT, reply("ask_contacts", "hotline number?"), ("step_aside", {})),
        (LOCATION_SLOT, reply("ask_rights", "what are my rights?"), ("step_aside", {})),
    ],
)
def test_the_first_questions(requested, message, expected):
    kind, fields = expected
    state = WalkState(consent=True) if requested != CONSENT_SLOT else WalkState()
    outcome = read(state, requested, message)
    assert outcome.kind is Kind(kind)
    for name, value in fields.items():
        assert getattr(outcome.state, name) == value


def test_choosing_a_sector_plans_its_questions_without_those_already_reported():
    state = WalkState(consent=True, age_group="adult", location="latvia", answers={"passport_kept": "yes"})
    outcome = read(state, SECTOR_SLOT, reply(None, "1"))
    assert outcome.state.plan == tuple(i for i in CONSTRUCTION if i != "passport_kept")
    assert outcome.state.progress() == (1, len(CONSTRUCTION) - 1)


FIRST = CONSTRUCTION[0]


@pytest.mark.parametrize(
    "message, kind, answer",
    [
        (reply("affirm", "/affirm"), "filled", "yes"),
        (reply("deny", "/deny"), "filled", "no"),
        (reply("unsure", "/unsure"), "filled", "unsure"),
        (reply("nlu_fallback", "1"), "filled", "yes"),
        (reply("emergency", "2"), "filled", "no"),  # a bare number is an answer
        (reply("is_minor", "2"), "filled", "no"),
        (reply("nlu_fallback", " 3 "), "filled", "unsure"),
        (reply("nlu_fallback", "4"), "unclear", None),
        (reply("out_of_scope", "да", "ru"), "filled", "yes"),
        (reply("out_of_scope", "nē", "lv"), "filled", "no"),
        (reply("out_of_scope", "не знаю", "ru"), "filled", "unsure"),
        (reply("report_deception", "they lied about the job"), "filled", "yes"),  # reports the question asked
        (reply("out_of_scope", "purple"), "unclear", None),
        (reply("stop", "stop"), "step_aside", None),
        (reply("ask_contacts", "hotline number?"), "step_aside", None),
        (reply("emergency", "they are beating me"), "step_aside", None),
    ],
)
def test_answers_to_an_indicator_question(message, kind, answer):
    outcome = read(ASKING, QUESTIONS_SLOT, message)
    assert outcome.kind is Kind(kind)
    assert outcome.state.answers.get(FIRST) == answer


def test_a_report_about_another_indicator_is_noted_and_the_question_stays():
    outcome = read(ASKING, QUESTIONS_SLOT, reply("report_documents_taken", "they have my passport"))
    assert (outcome.kind, outcome.noted) == (Kind.NOTED, "passport_kept")
    assert outcome.state.answers == {"passport_kept": "yes"}
    assert outcome.state.current_question() == FIRST


def test_saying_one_is_under_18_mid_walkthrough_is_noted():
    outcome = read(ASKING, QUESTIONS_SLOT, reply("is_minor", "I am only 16"))
    assert (outcome.kind, outcome.noted, outcome.state.age_group) == (Kind.NOTED, "minor", "minor")


@pytest.mark.parametrize(
    "state, requested, expected",
    [
        # back from question 3 clears question 2
        (WalkState(**{**ASKING.__dict__, "answers": {CONSTRUCTION[0]: "yes", CONSTRUCTION[1]: "no"}}), QUESTIONS_SLOT,
         {"answers": {CONSTRUCTION[0]: "yes"}}),
        # back from the first question returns to the sector
        (ASKING, QUESTIONS_SLOT, {"sector": None, "plan": ()}),
        (WalkState(consent=True, age_group="adult", location="abroad"), SECTOR_SLOT, {"location": None}),
        (WalkState(consent=True, age_group="adult"), LOCATION_SLOT, {"age_group": None}),
        (WalkState(consent=True), AGE_SLOT, {"consent": True}),
    ],
)
def test_back_goes_one_step_back(state, requested, expected):
    outcome = read(state, requested, reply("go_back", "back"))
    assert outcome.kind is Kind.BACK
    for name, value in expected.items():
        assert getattr(outcome.state, name) == value


def test_progress_counts_from_one():
    state = WalkState(**{**ASKING.__dict__, "answers": {CONSTRUCTION[0]: "yes", CONSTRUCTION[1]: "unsure"}})
    assert state.progress() == (3, len(CONSTRUCTION))
    assert state.in_progress()


def test_slots_round_trip_and_only_changes_are_set():
    state = WalkState(**{**ASKING.__dict__, "answers": {"passport_kept": "yes"}})
    slots = slots_from_state(state, INDICATORS)
    assert slots[indicator_slot("passport_kept")] == "yes"
    assert state_from_slots(slots, INDICATORS) == state
    later = WalkState(**{**state.__dict__, "answers": {"passport_kept": "yes", FIRST: "no"}})
    assert changed_slots(state, later, INDICATORS) == {indicator_slot(FIRST): "no"}
