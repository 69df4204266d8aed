"""The job-offer check (job_offer_form): red flags one by one, then what to
check and whom to ask (bot/job_offer/flags.py, bot/data/content/job_offer.yml)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import language_of, output_channel_of, say, translator_for
from bot.actions.forms import REQUESTED_SLOT, count_reply, latest_message, leave_form, replying_to
from bot.forms.words import vocabulary
from bot.job_offer.flags import (
    ADVICE_CONTEXT,
    QUESTION_CONTEXT,
    assess_offer,
    job_offer_flags,
    next_flag,
    previous_flag,
)
from bot.screening.walkthrough import answer_of

FORM = "job_offer_form"
ANSWERS_SLOT = "job_offer_answers"
COMPLETE_SLOT = "job_offer_complete"
# Messages with their own path; the rules answer them (bot/data/rules/job_offer.yml).
STEP_ASIDE_INTENTS = frozenset(
    {
        "emergency", "stop", "show_menu", "ask_contacts", "change_language", "request_handoff",
        "goodbye", "start_screening", "ask_rights", "ask_reflection_period", "ask_residence_permit",
        "ask_rehabilitation", "ask_police", "ask_return_home", "ask_compensation", "delete_data",
    }
)


class ValidateJobOfferForm(Action):
    def name(self) -> str:
        return "validate_job_offer_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        flags = job_offer_flags()
        answers: Dict[str, str] = dict(tracker.get_slot(ANSWERS_SLOT) or {})
        events: List[EventType] = []
        if not replying_to(tracker, FORM):
            if tracker.get_slot(COMPLETE_SLOT):  # a finished check starts anew
                answers = {}
                events += [SlotSet(COMPLETE_SLOT, None)]
            return events + self._advance(answers)

        message = latest_message(tracker)
        if message.intent == "go_back":
            previous = previous_flag(flags, answers)
            answers.pop(previous or "", None)
            understood = True
        else:
            answer = answer_of(message, vocabulary())
            if answer is None and message.intent in STEP_ASIDE_INTENTS:
                return []  # nothing filled: Rasa rejects the form and the rules answer
            current = next_flag(flags, answers)
            if answer is not None and current is not None:
                answers[current[2]] = answer
            understood = answer is not None
        events += count_reply(dispatcher, tracker, understood, "utter_screening_hint")
        return events + self._advance(answers)

    @staticmethod
    def _advance(answers: Dict[str, str]) -> List[EventType]:
        done = next_flag(job_offer_flags(), answers) is None
        return [
            SlotSet(ANSWERS_SLOT, answers),
            SlotSet(COMPLETE_SLOT, True if done else None),
            SlotSet(REQUESTED_SLOT, None if done else COMPLETE_SLOT),
        ]


class ActionAskJobOfferQuestion(Action):
    """The next red-flag question with its progress; the intro before the first."""

    def name(self) -> str:
        return "action_ask_job_offer_complete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        flags = job_offer_flags()
        answers = tracker.get_slot(ANSWERS_SLOT) or {}
        upcoming = next_flag(flags, answers)
        if upcoming is None:
            return []
        position, total, flag_id = upcoming
        lang, channel = language_of(tracker), output_channel_of(tracker)
        if not answers:
            say(dispatcher, "utter_job_offer_intro", lang, channel, values={"total": str(total)})
        question = translator_for(tracker).pgettext(QUESTION_CONTEXT, flags[flag_id].question)
        # The same question shape and yes / no / not sure buttons as the self-check.
        say(
            dispatcher,
            "utter_screening_question",
            lang,
            channel,
            values={"position": str(position), "total": str(total), "question": question},
        )
        return []


class ActionJobOfferResult(Action):
    def name(self) -> str:
        return "action_job_offer_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        flags = job_offer_flags()
        check = assess_offer(flags, tracker.get_slot(ANSWERS_SLOT) or {})
        lang, channel = language_of(tracker), output_channel_of(tracker)
        t = translator_for(tracker)
        say(dispatcher, f"utter_job_offer_result_{check.risk}", lang, channel)
        if check.flagged:
            lines = "".join(f"\n– {t.pgettext(ADVICE_CONTEXT, flags[i].advice)}" for i in check.flagged)
            say(dispatcher, "utter_job_offer_flags", lang, channel, values={"flags": lines})
        if check.unsure:
            say(dispatcher, "utter_job_offer_unsure", lang, channel)
        say(dispatcher, "utter_job_offer_advice", lang, channel)
        return [SlotSet("job_offer_risk", check.risk)]


class ActionJobOfferStop(Action):
    def name(self) -> str:
        return "action_job_offer_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        say(dispatcher, "utter_job_offer_stopped", language_of(tracker), output_channel_of(tracker))
        return leave_form()
