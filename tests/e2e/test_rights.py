"""Rights and the job-offer check, whole conversations over REST against the
real servers in every language languages.yml enables: each FAQ intent in words, the
menu path, "tell me more", and a risky and a safer job offer."""

import re
from pathlib import Path

import pytest
import yaml

from bot.contacts.book import contact_book, response_values
from bot.i18n.catalogs import fill
from bot.job_offer.flags import ADVICE_CONTEXT, QUESTION_CONTEXT, job_offer_flags
from bot.rights.topics import ANSWER_CONTEXT, MORE_CONTEXT, TITLE_CONTEXT, rights
from tests.support import expect
from tests.support.chat import Chat
from tests.support.languages import ENABLED, phrases

NLU = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu"
FAQ = {
    "ask_reflection_period": "reflection_period",
    "ask_residence_permit": "residence_permit",
    "ask_rehabilitation": "rehabilitation",
    "ask_police": "police",
    "ask_return_home": "going_home",
    "ask_compensation": "compensation",
}
TELL_MORE = phrases("tell_more")
VALUES = response_values(contact_book(), 30)
FLAGS = job_offer_flags()
QUESTION = re.compile(r"^(\d+) / (\d+)\. (.+)$", re.S)


def first_example(lang, intent):
    for path in sorted((NLU / lang).glob("*.yml")):
        for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            if block.get("intent") == intent and "[" not in block["examples"]:
                return block["examples"].splitlines()[0].lstrip("- ").strip()
    raise AssertionError(f"no example of {intent} in {lang}")


def topic_text(lang, context, msgid):
    return fill(expect.phrase(lang, context, msgid), VALUES)


@pytest.mark.parametrize("lang", ENABLED)
@pytest.mark.parametrize("intent", sorted(FAQ))
def test_each_faq_in_words_gets_a_short_answer_more_and_next_steps(servers, lang, intent):
    topic = rights().topics[FAQ[intent]]
    chat = Chat(servers, lang, prefix="rights-")
    texts = chat.say(first_example(lang, intent))
    assert texts == [topic_text(lang, ANSWER_CONTEXT, topic.answer), expect.text("utter_rights_next", lang)]
    payloads = [p for _, p in chat.choices]
    assert payloads[0] == "/tell_more" and payloads[-1] == "/ask_rights"
    assert chat.say("/tell_more")[0] == topic_text(lang, MORE_CONTEXT, topic.more)
    assert "/tell_more" not in [p for _, p in chat.choices]


@pytest.mark.parametrize("lang", ENABLED)
def test_the_menu_path_to_a_topic_and_more_in_words(servers, lang):
    chat = Chat(servers, lang, prefix="rights-")
    assert chat.say("/ask_rights") == [expect.text("utter_rights_menu", lang)]
    titles = [t for t, _ in chat.choices]
    assert titles == [expect.phrase(lang, TITLE_CONTEXT, t.title) for t in rights().topics.values()]
    children = rights().topics["children"]
    payload = dict((p, p) for _, p in chat.choices)[children.payload()]
    assert chat.say(payload)[0] == topic_text(lang, ANSWER_CONTEXT, children.answer)
    assert chat.say(TELL_MORE[lang])[0] == topic_text(lang, MORE_CONTEXT, children.more)


def answer_offer(chat, yes=()):
    asked = []
    texts = chat.say("/ask_job_offer")
    assert texts[0] == expect.text("utter_job_offer_intro", chat.lang).replace("{total}", str(len(FLAGS)))
    while True:
        questions = [m for m in (QUESTION.match(t) for t in texts) if m]
        if not questions:
            return texts
        position, total, question = questions[-1].groups()
        flag = next(f for f in FLAGS.values() if expect.phrase(chat.lang, QUESTION_CONTEXT, f.question) == question)
        asked.append(int(position))
        assert int(total) == len(FLAGS) and int(position) == len(asked)
        texts = chat.say("1" if flag.id in yes else "/deny")


@pytest.mark.parametrize("lang", ENABLED)
def test_a_risky_job_offer(servers, lang):
    chat = Chat(servers, lang, prefix="rights-")
    texts = answer_offer(chat, yes=("recruitment_fee", "passport_handover", "pressure"))
    assert texts[0] == expect.text("utter_job_offer_result_high", lang)
    listed = texts[1]
    assert listed.startswith(expect.text("utter_job_offer_flags", lang).split("{flags}")[0])
    for flag in ("recruitment_fee", "passport_handover", "pressure"):
        assert expect.phrase(lang, ADVICE_CONTEXT, FLAGS[flag].advice) in listed
    assert texts[-1] == expect.text("utter_job_offer_advice", lang)
    tracker = chat.servers.tracker(chat.me)
    assert tracker["slots"]["job_offer_risk"] == "high"


@pytest.mark.parametrize("lang", ENABLED)
def test_a_safer_job_offer_is_still_not_called_safe(servers, lang):
    chat = Chat(servers, lang, prefix="rights-")
    texts = answer_offer(chat)
    assert texts == [expect.text("utter_job_offer_result_low", lang), expect.text("utter_job_offer_advice", lang)]
    assert chat.servers.tracker(chat.me)["slots"]["job_offer_risk"] == "low"
    # A second check starts from the first question again.
    assert answer_offer(chat, yes=("pay_too_good",))[0] == expect.text("utter_job_offer_result_some", lang)


@pytest.mark.parametrize("lang", ENABLED)
def test_stopping_the_job_offer_check(servers, lang):
    chat = Chat(servers, lang, prefix="rights-")
    chat.say("/ask_job_offer")
    chat.say("/affirm")
    assert chat.say("/stop") == [expect.text("utter_job_offer_stopped", lang)]
    assert not chat.servers.tracker(chat.me)["active_loop"].get("name")
