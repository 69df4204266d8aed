"""A reply to a form's question, and what it did: the types every form's pure
`interpret` shares (bot/screening/walkthrough.py, bot/job_offer/check.py,
bot/handoff/flow.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, Optional, TypeVar

from bot.forms.words import Vocabulary, pick_by_number
from bot.vocabulary import ANSWERS

ANSWER_OPTIONS = ANSWERS
ANSWER_BY_INTENT = {"affirm": "yes", "deny": "no", "unsure": "unsure"}
GO_BACK = "go_back"

State = TypeVar("State")


@dataclass(frozen=True)
class Message:
    """What the person sent: the classifier's intent, the text and the conversation's language."""

    intent: Optional[str]
    text: str
    lang: str


class Kind(enum.Enum):
    FILLED = "filled"  # it answered the question asked (state updated)
    VALUE = "value"  # it gave a value to keep sealed, outside the state (a contact address)
    BACK = "back"  # go back one question (state updated)
    NOTED = "noted"  # it told something else worth keeping (state updated); ask again
    UNCLEAR = "unclear"  # no answer: ask again with a hint
    STEP_ASIDE = "step_aside"  # the rules answer it; the form is rejected


@dataclass(frozen=True)
class Outcome(Generic[State]):
    """What a reply did to a form's state. `noted` names what was noted (an
    indicator id, or "minor"); `value` carries a VALUE reply's text."""

    kind: Kind
    state: State
    noted: Optional[str] = None
    value: Optional[str] = None

    @property
    def understood(self) -> bool:
        return self.kind is not Kind.UNCLEAR


def answer_of(message: Message, vocabulary: Vocabulary) -> Optional[str]:
    """yes / no / unsure: by number (1, 2, 3), by the classifier, or in words."""
    by_number = pick_by_number(message.text, ANSWER_OPTIONS)
    if by_number:
        return by_number
    if message.intent in ANSWER_BY_INTENT:
        return ANSWER_BY_INTENT[message.intent]
    return vocabulary.answers.match(message.text, message.lang)
