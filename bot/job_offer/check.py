"""The job-offer check (job_offer_form) as a pure function: what a reply means
for the red-flag question being asked. The state is the answers so far, flag id
-> yes / no / unsure; bot/actions/job_offer.py keeps it in one slot."""

from __future__ import annotations

from typing import Dict, FrozenSet, Mapping

from bot.forms.reply import GO_BACK, Kind, Message, Outcome, answer_of
from bot.forms.words import Vocabulary
from bot.job_offer.flags import Flag, next_flag, previous_flag

FORM = "job_offer_form"


def interpret(
    answers: Mapping[str, str],
    message: Message,
    flags: Mapping[str, Flag],
    vocabulary: Vocabulary,
    step_aside: FrozenSet[str],
) -> Outcome[Dict[str, str]]:
    """"back" undoes the last answer; yes / no / not sure answers the next flag;
    an intent in `step_aside` (bot/data/forms/step_aside.yml) that is no answer is
    left to the rules."""
    if message.intent == GO_BACK:
        previous = previous_flag(flags, answers)
        return Outcome(Kind.BACK, {k: v for k, v in answers.items() if k != previous})
    answer = answer_of(message, vocabulary)
    if answer is None:
        kind = Kind.STEP_ASIDE if message.intent in step_aside else Kind.UNCLEAR
        return Outcome(kind, dict(answers))
    current = next_flag(flags, answers)
    filled = {**answers, current[2]: answer} if current is not None else dict(answers)
    return Outcome(Kind.FILLED, filled)
