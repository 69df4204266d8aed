"""The job-offer check's interpret: what a reply means for the flag asked, table-driven."""

import pytest

from bot.forms.reply import Kind, Message
from bot.forms.step_aside import step_aside_intents
from bot.forms.words import vocabulary
from bot.job_offer.check import FORM, interpret
from bot.job_offer.flags import job_offer_flags

FLAGS = job_offer_flags()
FIRST, SECOND, *_, LAST = FLAGS
ALL_BUT_LAST = {flag: "no" for flag in FLAGS if flag != LAST}


def read(answers, intent, text, lang="en"):
    return interpret(answers, Message(intent, text, lang), FLAGS, vocabulary(), step_aside_intents(FORM))


@pytest.mark.parametrize(
    "answers, intent, text, lang, kind, after",
    [
        ({}, "affirm", "yes", "en", "filled", {FIRST: "yes"}),
        ({}, None, "2", "en", "filled", {FIRST: "no"}),
        ({}, "out_of_scope", "не знаю", "ru", "filled", {FIRST: "unsure"}),
        ({FIRST: "yes"}, "deny", "nē", "lv", "filled", {FIRST: "yes", SECOND: "no"}),
        ({FIRST: "yes"}, "ask_contacts", "3", "en", "filled", {FIRST: "yes", SECOND: "unsure"}),  # a number wins
        (ALL_BUT_LAST, "affirm", "yes", "en", "filled", {**ALL_BUT_LAST, LAST: "yes"}),
        ({FIRST: "yes"}, "go_back", "back", "en", "back", {}),
        ({}, "go_back", "back", "en", "back", {}),
        ({FIRST: "yes"}, "out_of_scope", "bananas", "en", "unclear", {FIRST: "yes"}),
        ({FIRST: "yes"}, "ask_contacts", "who can I call?", "en", "step_aside", {FIRST: "yes"}),
        ({}, "emergency", "help they hit me", "en", "step_aside", {}),
        ({}, "ask_privacy", "is this anonymous", "en", "unclear", {}),  # not a step aside in this form
    ],
)
def test_replies(answers, intent, text, lang, kind, after):
    outcome = read(answers, intent, text, lang)
    assert outcome.kind is Kind(kind)
    assert outcome.state == after


def test_interpret_leaves_the_answers_it_was_given_alone():
    answers = {FIRST: "yes"}
    read(answers, "go_back", "back")
    read(answers, "affirm", "yes")
    assert answers == {FIRST: "yes"}
