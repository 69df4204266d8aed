"""The job-offer check (job_offer_form): red flags one by one, then what to
check and whom to ask (bot/job_offer/flags.py, bot/data/content/job_offer.yml)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import funnel
from bot.actions.common import language_of, output_channel_of, say, translator_for
from bot.actions.forms import REQUESTED_SLOT, FormValidation, leave_form
from bot.campaigns.funnel import JOB_OFFER_FINISHED
from bot.forms.reply import Message, Outcome
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.job_offer.check import FORM, interpret
from bot.job_offer.flags import ADVICE_CONTEXT, QUESTION_CONTEXT, assess_offer, job_offer_flags, next_flag

ANSWERS_SLOT = "job_offer_answers"
COMPLETE_SLOT = "job_offer_complete"


class ValidateJobOfferForm(FormValidation[Dict[str, str]]):
    form = FORM

    def state_of(self, tracker: Tracker) -> Dict[str, str]:
        return dict(tracker.get_slot(ANSWERS_SLOT) or {})

    def interpret(
        self, state: Dict[str, str], requested: Optional[str], message: Message
    ) -> Outcome[Dict[str, str]]:
        return interpret(state, message, job_offer_flags(), vocabulary(), step_aside_intents(FORM))

    def next_question(self, state: Dict[str, str]) -> Optional[str]:
        # One slot asks every flag in turn (action_ask_job_offer_complete).
        return None if next_flag(job_offer_flags(), state) is None else COMPLETE_SLOT

    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        answers = self.state_of(tracker)
        events: List[EventType] = []
        if tracker.get_slot(COMPLETE_SLOT):  # a finished check starts anew
            answers = {}
            events.append(SlotSet(COMPLETE_SLOT, None))
        return events + self._progress(answers) + [SlotSet(REQUESTED_SLOT, self.next_question(answers))]

    def apply(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        before: Dict[str, str],
        outcome: Outcome[Dict[str, str]],
    ) -> List[EventType]:
        return self._progress(outcome.state)

    def _progress(self, answers: Dict[str, str]) -> List[EventType]:
        done = next_flag(job_offer_flags(), answers) is None
        return [SlotSet(ANSWERS_SLOT, answers), SlotSet(COMPLETE_SLOT, True if done else None)]


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
        funnel.count(tracker, JOB_OFFER_FINISHED)
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
