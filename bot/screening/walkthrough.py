"""The self-check walkthrough as pure functions: what the person's message
means for the question being asked, and which question comes next.

The form asks, in order: consent, age group, location, sector, then the
sector's indicator questions (minus those the person already reported in
their own words). Everything here works on plain values, so the rules are
tested without Rasa; bot/actions/screening.py only moves slots in and out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, FrozenSet, Mapping, Optional, Sequence, Tuple

from bot.forms.reply import ANSWER_OPTIONS, GO_BACK, Kind, Message, Outcome, answer_of
from bot.forms.words import Vocabulary, number_in, pick_by_number
from bot.screening.indicators import IndicatorSet

FORM = "screening_form"
# Slots the form fills, in the order it asks for them.
CONSENT_SLOT = "screening_consent"
AGE_SLOT = "age_group"
LOCATION_SLOT = "location"
SECTOR_SLOT = "sector"
# Requested while indicator questions remain; set to True when all are answered.
QUESTIONS_SLOT = "screening_complete"
PLAN_SLOT = "screening_plan"
INDICATOR_SLOT_PREFIX = "indicator_"

MINOR = "minor"
AGE_OPTIONS = ("adult", MINOR, "unknown")
LOCATION_OPTIONS = ("latvia", "abroad")
ADULT_AGE = 18
# A typed age is believed only within this range; "2" is an option number.
PLAUSIBLE_AGES = range(5, 100)
EMERGENCY = "emergency"


def indicator_slot(indicator_id: str) -> str:
    return INDICATOR_SLOT_PREFIX + indicator_id


@dataclass(frozen=True)
class WalkState:
    consent: Optional[bool] = None
    age_group: Optional[str] = None
    location: Optional[str] = None
    sector: Optional[str] = None
    plan: Tuple[str, ...] = ()
    answers: Mapping[str, str] = field(default_factory=dict)

    @property
    def minor(self) -> bool:
        return self.age_group == MINOR

    def current_question(self) -> Optional[str]:
        return next((i for i in self.plan if i not in self.answers), None)

    def progress(self) -> Tuple[int, int]:
        """(position of the current question, number of questions), counted from 1."""
        current = self.current_question()
        position = self.plan.index(current) + 1 if current else len(self.plan)
        return position, len(self.plan)

    def in_progress(self) -> bool:
        """Consent given and questions left: a paused walkthrough can resume."""
        return self.consent is True and next_slot(self) is not None


def next_slot(state: WalkState) -> Optional[str]:
    """The slot to ask for next, or None when the walkthrough is over."""
    if state.consent is None:
        return CONSENT_SLOT
    if state.consent is False:
        return None
    for slot, value in ((AGE_SLOT, state.age_group), (LOCATION_SLOT, state.location), (SECTOR_SLOT, state.sector)):
        if value is None:
            return slot
    return QUESTIONS_SLOT if state.current_question() else None


def plan_for(indicators: IndicatorSet, sector: str, answers: Mapping[str, str]) -> Tuple[str, ...]:
    """The sector's questions, without those already answered (reported earlier)."""
    return tuple(i.id for i in indicators.for_sector(sector) if i.id not in answers)


def _age_of(message: Message, vocabulary: Vocabulary) -> Optional[str]:
    by_number = pick_by_number(message.text, AGE_OPTIONS)
    if by_number:
        return by_number
    worded = vocabulary.age_group.match(message.text, message.lang)
    age = number_in(message.text)  # a typed age beats the classifier's guess
    if age == ADULT_AGE:
        # "18" alone cannot tell "I am 18" from "under 18" or "not 18 yet": the words
        # and the classifier decide, and a child is never taken for an adult.
        return MINOR if message.intent == "is_minor" or worded == MINOR else worded or "adult"
    if age is not None and age in PLAUSIBLE_AGES:
        return MINOR if age < ADULT_AGE else "adult"
    if message.intent == "is_minor":
        return MINOR
    return worded


def _first_answer(
    requested: Optional[str], message: Message, indicators: IndicatorSet, vocabulary: Vocabulary
) -> Optional[str]:
    """The option the message gives to the age, place or sector question, by number or in words."""
    if requested == AGE_SLOT:
        return _age_of(message, vocabulary)
    if requested == LOCATION_SLOT:
        return _choice_of(message, LOCATION_OPTIONS, vocabulary.location.match(message.text, message.lang))
    if requested == SECTOR_SLOT:
        return _choice_of(message, indicators.sectors, vocabulary.sector.match(message.text, message.lang))
    return None


def _choice_of(
    message: Message, options: Sequence[str], words_match: Optional[str]
) -> Optional[str]:
    return pick_by_number(message.text, options) or words_match


def go_back(state: WalkState, requested: Optional[str]) -> WalkState:
    """Undo the answer before the one being asked."""
    if requested == QUESTIONS_SLOT:
        current = state.current_question()
        index = state.plan.index(current) if current else len(state.plan)
        if index > 0:
            previous = state.plan[index - 1]
            answers = {k: v for k, v in state.answers.items() if k != previous}
            return replace(state, answers=answers)
        return replace(state, sector=None, plan=())
    if requested == SECTOR_SLOT:
        return replace(state, location=None)
    if requested == LOCATION_SLOT:
        return replace(state, age_group=None)
    return state


def interpret(
    state: WalkState,
    requested: Optional[str],
    message: Message,
    indicators: IndicatorSet,
    vocabulary: Vocabulary,
    step_aside: FrozenSet[str],
) -> Outcome[WalkState]:
    """What the person's message means for the question `requested`; `step_aside`
    holds the intents the rules answer instead (bot/data/forms/step_aside.yml)."""
    if message.intent == GO_BACK:
        return Outcome(Kind.BACK, go_back(state, requested))
    # A bare number answers the question even if the classifier guessed otherwise.
    numbered = requested in (AGE_SLOT, LOCATION_SLOT, SECTOR_SLOT, QUESTIONS_SLOT) and (
        pick_by_number(message.text, _options(requested, indicators))
    )
    # An option named in words answers the question too: the classifier's guess at a short
    # answer ("strādāju restorānā" read as a question about help) must not take it away,
    # unless the guess is an emergency, which always comes first.
    answer = _first_answer(requested, message, indicators, vocabulary)
    if not numbered and message.intent in step_aside and (answer is None or message.intent == EMERGENCY):
        return Outcome(Kind.STEP_ASIDE, state)

    if requested == CONSENT_SLOT:
        answer = answer_of(message, vocabulary)
        if answer == "yes" or message.intent == "start_screening":
            return Outcome(Kind.FILLED, replace(state, consent=True))
        if answer == "no":
            return Outcome(Kind.FILLED, replace(state, consent=False))
        return Outcome(Kind.UNCLEAR, state)

    if requested in (AGE_SLOT, LOCATION_SLOT, SECTOR_SLOT) and answer is None:
        return Outcome(Kind.UNCLEAR, state)
    if requested == AGE_SLOT:
        return Outcome(Kind.FILLED, replace(state, age_group=answer))
    if requested == LOCATION_SLOT:
        return Outcome(Kind.FILLED, replace(state, location=answer))
    if requested == SECTOR_SLOT and answer is not None:
        return Outcome(
            Kind.FILLED,
            replace(state, sector=answer, plan=plan_for(indicators, answer, state.answers)),
        )

    if not numbered and message.intent == "is_minor" and not state.minor:
        return Outcome(Kind.NOTED, replace(state, age_group=MINOR), noted=MINOR)

    if requested == QUESTIONS_SLOT:
        current = state.current_question()
        reported = indicators.reported_by(message.intent or "")
        answer = answer_of(message, vocabulary)
        if answer is None and reported is not None and reported.id == current:
            answer = "yes"
        if answer is not None and current is not None:
            return Outcome(Kind.FILLED, replace(state, answers={**state.answers, current: answer}))
        if reported is not None and reported.id not in state.answers:
            return Outcome(
                Kind.NOTED, replace(state, answers={**state.answers, reported.id: "yes"}), noted=reported.id
            )
    return Outcome(Kind.UNCLEAR, state)


def _options(requested: Optional[str], indicators: IndicatorSet) -> Sequence[str]:
    return {
        AGE_SLOT: AGE_OPTIONS,
        LOCATION_SLOT: LOCATION_OPTIONS,
        SECTOR_SLOT: indicators.sectors,
        QUESTIONS_SLOT: ANSWER_OPTIONS,
    }.get(requested or "", ())


def state_from_slots(slots: Mapping[str, object], indicators: IndicatorSet) -> WalkState:
    answers: Dict[str, str] = {}
    for indicator_id in indicators.indicators:
        value = slots.get(indicator_slot(indicator_id))
        if value in ANSWER_OPTIONS:
            answers[indicator_id] = str(value)
    consent = slots.get(CONSENT_SLOT)
    return WalkState(
        consent=consent if isinstance(consent, bool) else None,
        age_group=_str_or_none(slots.get(AGE_SLOT)),
        location=_str_or_none(slots.get(LOCATION_SLOT)),
        sector=_str_or_none(slots.get(SECTOR_SLOT)),
        plan=tuple(slots.get(PLAN_SLOT) or ()),
        answers=answers,
    )


def slots_from_state(state: WalkState, indicators: IndicatorSet) -> Dict[str, object]:
    """Every slot the walkthrough owns, with its value (None = not answered)."""
    slots: Dict[str, object] = {
        CONSENT_SLOT: state.consent,
        AGE_SLOT: state.age_group,
        LOCATION_SLOT: state.location,
        SECTOR_SLOT: state.sector,
        PLAN_SLOT: list(state.plan) or None,
    }
    for indicator_id in indicators.indicators:
        slots[indicator_slot(indicator_id)] = state.answers.get(indicator_id)
    return slots


def changed_slots(before: WalkState, after: WalkState, indicators: IndicatorSet) -> Dict[str, object]:
    old, new = slots_from_state(before, indicators), slots_from_state(after, indicators)
    return {name: value for name, value in new.items() if old[name] != value}


def _str_or_none(value: object) -> Optional[str]:
    return str(value) if value not in (None, "") else None
