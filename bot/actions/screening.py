"""The self-check walkthrough (screening_form): thin actions around
bot.screening.walkthrough (what a message means, what comes next) and
bot.screening.result (what the person hears at the end)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import funnel
from bot.actions.common import language_of, output_channel_of, say, translator_for
from bot.actions.forms import REQUESTED_SLOT, AskWithResponse, FormValidation, latest_message, leave_form
from bot.campaigns.funnel import SCREENING_STARTED, screening_finished
from bot.forms.reply import Kind, Message, Outcome
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.screening.indicators import (
    ACKNOWLEDGEMENT_CONTEXT,
    QUESTION_CONTEXT,
    RESULT_CONTEXT,
    IndicatorSpec,
    indicator_set,
)
from bot.screening.result import assessment_record, plan_result
from bot.screening.scoring import assess
from bot.screening.walkthrough import (
    FORM,
    MINOR,
    QUESTIONS_SLOT,
    SECTOR_SLOT,
    WalkState,
    changed_slots,
    indicator_slot,
    interpret,
    next_slot,
    slots_from_state,
    state_from_slots,
)
from bot.vocabulary import SMS

IN_PROGRESS_SLOT = "screening_in_progress"
RESULT_SLOTS = ("screening_signal", "screening_assessment", "urgent")
CHOICE_SLOTS = ("age_group", "location", SECTOR_SLOT)


def _state(tracker: Tracker) -> WalkState:
    return state_from_slots(tracker.slots, indicator_set())


def _fresh_start_events() -> List[EventType]:
    """Forget a finished walkthrough so that "check my situation" starts anew."""
    slots = slots_from_state(WalkState(), indicator_set())
    return [SlotSet(name, None) for name in slots] + [
        SlotSet(QUESTIONS_SLOT, None),
        *(SlotSet(name, None) for name in RESULT_SLOTS),
    ]


def _acknowledge(dispatcher: CollectingDispatcher, tracker: Tracker, spec: IndicatorSpec) -> None:
    """Name the wrong the person reported, in plain words."""
    if spec.acknowledgement:
        text = translator_for(tracker).pgettext(ACKNOWLEDGEMENT_CONTEXT, spec.acknowledgement)
        dispatcher.utter_message(text=text)


class ValidateScreeningForm(FormValidation[WalkState]):
    """Reads each reply, keeps the answers in slots and names the next question."""

    form = FORM

    def state_of(self, tracker: Tracker) -> WalkState:
        return _state(tracker)

    def interpret(self, state: WalkState, requested: Optional[str], message: Message) -> Outcome[WalkState]:
        return interpret(state, requested, message, indicator_set(), vocabulary(), step_aside_intents(FORM))

    def next_question(self, state: WalkState) -> Optional[str]:
        return next_slot(state)

    def hint(self, requested: Optional[str]) -> str:
        return "utter_screening_choice_hint" if requested in CHOICE_SLOTS else "utter_screening_hint"

    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        before = _state(tracker)
        events: List[EventType] = []
        if tracker.get_slot(QUESTIONS_SLOT) or before.consent is False:
            events += _fresh_start_events()
            before = WalkState()
        elif before.in_progress():
            say(dispatcher, "utter_screening_resume", language_of(tracker), output_channel_of(tracker))
        return events + _progress(before, before) + [SlotSet(REQUESTED_SLOT, next_slot(before))]

    def apply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, before: WalkState, outcome: Outcome[WalkState]
    ) -> List[EventType]:
        if outcome.kind is Kind.NOTED and outcome.noted == MINOR:
            say(dispatcher, "utter_screening_noted_minor", language_of(tracker), output_channel_of(tracker))
        elif outcome.kind is Kind.NOTED and outcome.noted:
            _acknowledge(dispatcher, tracker, indicator_set().indicators[outcome.noted])
        if before.consent is None and outcome.state.consent:  # started: yes to the questions, once per walkthrough
            funnel.count(tracker, SCREENING_STARTED)
        return _progress(before, outcome.state)


def _progress(before: WalkState, after: WalkState) -> List[EventType]:
    """The changed answers, whether a walkthrough is under way, and the result once all are answered."""
    indicators = indicator_set()
    events: List[EventType] = [
        SlotSet(name, value) for name, value in changed_slots(before, after, indicators).items()
    ]
    events.append(SlotSet(IN_PROGRESS_SLOT, after.in_progress()))
    if next_slot(after) is None and after.consent:
        assessment = assess(indicators.scoring(), after.answers, minor=after.minor)
        events += [
            SlotSet(QUESTIONS_SLOT, True),
            SlotSet("screening_signal", assessment.signal),
            SlotSet("screening_assessment", assessment_record(assessment)),
            SlotSet("urgent", assessment.urgent),
        ]
    return events


class ActionAskScreeningConsent(AskWithResponse):
    slot = "screening_consent"


class ActionAskAgeGroup(AskWithResponse):
    slot = "age_group"


class ActionAskLocation(AskWithResponse):
    slot = "location"


class ActionAskSector(AskWithResponse):
    slot = "sector"


class ActionAskScreeningQuestion(Action):
    """Asks the current indicator question with its progress ("4 / 15")."""

    def name(self) -> str:
        return "action_ask_screening_complete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        state = _state(tracker)
        current = state.current_question()
        if current is None:
            return []
        position, total = state.progress()
        t = translator_for(tracker)
        question = t.pgettext(QUESTION_CONTEXT, indicator_set().indicators[current].question)
        say(
            dispatcher,
            "utter_screening_question",
            language_of(tracker),
            output_channel_of(tracker),
            values={"position": str(position), "total": str(total), "question": question},
        )
        return []


class ActionScreeningResult(Action):
    """After the form: the result, or a kind "not now" when consent was declined."""

    def name(self) -> str:
        return "action_screening_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        state = _state(tracker)
        if not tracker.get_slot(QUESTIONS_SLOT):
            say(dispatcher, "utter_screening_declined", lang, channel)
            return [SlotSet("screening_consent", None), SlotSet(IN_PROGRESS_SLOT, False)]
        indicators = indicator_set()
        assessment = assess(indicators.scoring(), state.answers, minor=state.minor)
        funnel.count(tracker, screening_finished(assessment.signal))
        plan = plan_result(assessment, indicators, state.minor)
        t = translator_for(tracker)
        *meaning, next_steps = plan.responses
        # On SMS a long reply is cut at its end: there the list of signs goes last,
        # so that what the signs may mean and the rights always arrive.
        sms = channel == SMS
        for response in meaning if sms else []:
            say(dispatcher, response, lang, channel)
        if plan.seen:
            lines = "".join(f"\n– {t.pgettext(RESULT_CONTEXT, indicators.indicators[i].result)}" for i in plan.seen)
            say(dispatcher, "utter_result_seen", lang, channel, values={"signs": lines})
        for response in [] if sms else meaning:
            say(dispatcher, response, lang, channel)
        say(dispatcher, next_steps, lang, channel)
        return [SlotSet("rights_topic", plan.rights_topic)]


class ActionScreeningStop(Action):
    """"Stop": leave the questions, keep the answers, offer help and a way back."""

    def name(self) -> str:
        return "action_screening_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        say(dispatcher, "utter_screening_stopped", language_of(tracker), output_channel_of(tracker))
        return leave_form()


class ActionPauseForm(Action):
    """Steps out of a form silently (emergency, menu ...); its answers are kept."""

    def name(self) -> str:
        return "action_pause_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return leave_form()


class ActionAcknowledgeReport(Action):
    """A report in the person's own words: name the wrong, keep it as a "yes"
    for the walkthrough, and offer the questions."""

    def name(self) -> str:
        return "action_acknowledge_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = latest_message(tracker).intent or ""
        spec = indicator_set().reported_by(intent)
        lang, channel = language_of(tracker), output_channel_of(tracker)
        events: List[EventType] = []
        if spec is not None:
            _acknowledge(dispatcher, tracker, spec)
            if not tracker.get_slot(QUESTIONS_SLOT):
                events.append(SlotSet(indicator_slot(spec.id), "yes"))
        say(dispatcher, "utter_report_offer_screening", lang, channel)
        return events


