"""Rights content: complete, sourced, dated, reachable, translated in every language."""

import datetime as dt

import pytest
import yaml

from bot.i18n.catalogs import Catalogs, fill
from bot.language.registry import registry
from bot.paths import LOCALES_DIR, REPO_DIR
from bot.rights.topics import (
    ANSWER_CONTEXT,
    MORE_CONTEXT,
    NEXT_STEPS,
    OTHER_RIGHTS,
    TELL_MORE,
    TITLE_CONTEXT,
    answer_payloads,
    more_payloads,
    rights,
)

RIGHTS = rights()
EXPECTED_TOPICS = {
    "reflection_period", "residence_permit", "rehabilitation", "self_referral", "criminal_proceedings",
    "police", "compensation", "going_home", "labour_basics", "children", "latvians_abroad",
}
FAQ_INTENTS = {
    "ask_reflection_period": "reflection_period",
    "ask_residence_permit": "residence_permit",
    "ask_rehabilitation": "rehabilitation",
    "ask_police": "police",
    "ask_return_home": "going_home",
    "ask_compensation": "compensation",
}


def test_every_topic_of_the_issue_is_there():
    assert set(RIGHTS.topics) == EXPECTED_TOPICS


@pytest.mark.parametrize("topic", list(RIGHTS.topics.values()), ids=lambda t: t.id)
def test_every_topic_has_a_source_a_date_and_short_first_answer(topic):
    assert topic.source.strip()
    assert isinstance(topic.verified_on, dt.date) and topic.verified_on <= dt.date.today()
    assert topic.answer.count(". ") + 1 <= 3, "first answer: at most three sentences"
    assert topic.next and set(topic.next) <= set(NEXT_STEPS)


@pytest.mark.parametrize("intent, topic_id", sorted(FAQ_INTENTS.items()))
def test_each_faq_intent_finds_its_topic(intent, topic_id):
    assert RIGHTS.find(intent, None).id == topic_id


@pytest.mark.parametrize(
    "intent, named, expected",
    [
        ("ask_rights", None, None),  # the list of topics
        ("ask_rights", "children", "children"),
        ("ask_police", "compensation", "compensation"),  # a named topic wins
        ("ask_rights", "no_such_topic", None),
        (None, None, None),
    ],
)
def test_finding_a_topic(intent, named, expected):
    found = RIGHTS.find(intent, named)
    assert (found.id if found else None) == expected


def test_next_steps_start_with_more_and_end_with_other_rights():
    topic = RIGHTS.topics["reflection_period"]
    assert answer_payloads(topic) == [TELL_MORE, "/ask_contacts", "/request_handoff", OTHER_RIGHTS]
    assert more_payloads(topic) == ["/ask_contacts", "/request_handoff", OTHER_RIGHTS]


def test_every_faq_intent_of_the_domain_has_a_topic_and_a_rule():
    domain = yaml.safe_load((REPO_DIR / "domain.yml").read_text("utf-8"))
    rules = (REPO_DIR / "bot" / "data" / "rules" / "rights.yml").read_text("utf-8")
    for intent in FAQ_INTENTS:
        assert intent in domain["intents"] and f"intent: {intent}\n" in rules


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_every_topic_exists_in_every_language(lang):
    catalogs = Catalogs(LOCALES_DIR)
    for topic in RIGHTS.topics.values():
        msgids = ((TITLE_CONTEXT, topic.title), (ANSWER_CONTEXT, topic.answer), (MORE_CONTEXT, topic.more))
        for context, msgid in msgids:
            text = catalogs.pgettext(lang, context, msgid)
            assert text.strip()
            if lang != registry().source_language:
                assert text != msgid, (lang, topic.id, context, "untranslated")
            assert "{" not in fill(text, {"hotline": "1", "child_helpline": "2"}), (lang, topic.id)
