"""Reading yes / no / not sure, shared by every form, table-driven."""

import pytest

from bot.forms.reply import Kind, Message, Outcome, answer_of
from bot.forms.words import vocabulary

WORDS = vocabulary()


@pytest.mark.parametrize(
    "intent, text, lang, answer",
    [
        (None, "1", "en", "yes"),
        (None, "2", "lv", "no"),
        (None, " 3. ", "ru", "unsure"),
        ("deny", "2", "en", "no"),
        ("affirm", "2", "en", "no"),  # a bare number beats the classifier
        ("affirm", "/affirm", "en", "yes"),
        ("unsure", "hmm", "en", "unsure"),
        ("nlu_fallback", "jā", "lv", "yes"),
        ("out_of_scope", "не знаю", "ru", "unsure"),
        ("out_of_scope", "bananas", "en", None),
        (None, "4", "en", None),
    ],
)
def test_answer_of(intent, text, lang, answer):
    assert answer_of(Message(intent, text, lang), WORDS) == answer


@pytest.mark.parametrize("kind, understood", [(kind, kind is not Kind.UNCLEAR) for kind in Kind])
def test_only_an_unclear_reply_counts_as_not_understood(kind, understood):
    assert Outcome(kind, state=None).understood is understood
