"""The self-check walkthrough, whole conversations over REST against the real
Rasa and action servers, in every language languages.yml enables: every signal level,
the minor path, answers by button, by number and in words, an emergency that
pauses and resumes, stopping early, going back, and reports that pre-fill."""

import pytest

from bot.screening.indicators import RESULT_CONTEXT
from tests.support import expect
from tests.support.chat import INDICATORS, SECTOR_NUMBER, Chat, answer_all, start
from tests.support.languages import EMERGENCY, ENABLED, phrases

SAY = {key: phrases(key) for key in ("age_34", "age_16", "in_riga", "restaurant", "stop", "back", "passport")}
SAY["emergency"] = EMERGENCY


def assert_result(chat, signal, seen, minor=False):
    slots = chat.slots()
    assert slots["screening_signal"] == signal
    assert slots["screening_complete"] is True
    assert slots["urgent"] is minor
    assert chat.tracker()["active_loop"] in ({}, None) or not chat.tracker()["active_loop"].get("name")
    lead = expect.text("utter_result_seen", chat.lang).split("{signs}")[0]
    listed = [t for t in chat.texts if t.startswith(lead)]
    if seen:
        for indicator in seen:
            assert expect.phrase(chat.lang, RESULT_CONTEXT, INDICATORS.indicators[indicator].result) in listed[0]
    else:
        assert not listed
    assert chat.heard(f"utter_result_{signal}")
    assert chat.heard("utter_result_minor") is minor
    assert chat.heard("utter_result_next")
    assert expect.button_titles("utter_result_next", chat.lang) == chat.buttons
    for text in chat.texts:
        assert "victim" not in text.lower() and "you are fine" not in text.lower()


@pytest.mark.parametrize("lang", ENABLED)
def test_trafficking_signs_answered_by_buttons(servers, lang):
    chat = Chat(servers, lang)
    start(chat, sector="construction")
    seen = {
        "job_different", "pay_lower_than_promised", "excessive_hours", "bad_housing", "passport_kept", "cannot_leave"
    }
    positions = answer_all(chat, yes=seen)
    assert positions[0] == 1 and len(positions) == len(INDICATORS.for_sector("construction"))
    assert_result(chat, "trafficking_signs", seen)
    assert chat.heard("utter_result_rights_trafficking")
    slots = chat.slots()
    assert slots["indicator_passport_kept"] == "yes" and slots["indicator_threats"] == "no"
    assert slots["screening_assessment"]["dimensions"]["coercion"] is True


@pytest.mark.parametrize("lang", ENABLED)
def test_forced_labour_signs_answered_by_numbers(servers, lang):
    chat = Chat(servers, lang)
    start(chat, age="1", location="2", sector="agriculture")
    seen = {"excessive_hours", "dangerous_work", "passport_kept", "threats"}
    answer_all(chat, yes=seen, unsure={"violence"}, how="numbers")
    assert_result(chat, "forced_labour_signs", seen)
    assert chat.heard("utter_result_unsure")
    assert chat.slots()["indicator_violence"] == "unsure"
    assert chat.slots()["location"] == "abroad"


@pytest.mark.parametrize("lang", ENABLED)
def test_exploitation_signs_answered_in_words(servers, lang):
    chat = Chat(servers, lang)
    start(chat, age=SAY["age_34"][lang], location=SAY["in_riga"][lang], sector=SAY["restaurant"][lang])
    slots = chat.slots()
    assert (slots["age_group"], slots["location"], slots["sector"]) == ("adult", "latvia", "hospitality")
    answer_all(chat, yes={"wages_withheld"}, unsure={"afraid_of_authorities"}, how="words")
    assert_result(chat, "exploitation_signs", {"wages_withheld"})
    assert chat.slots()["indicator_afraid_of_authorities"] == "unsure"


@pytest.mark.parametrize("lang", ENABLED)
def test_few_signs_is_never_an_all_clear(servers, lang):
    chat = Chat(servers, lang)
    start(chat, age="3", sector="other")
    answer_all(chat)
    assert_result(chat, "few_signs", set())
    assert chat.heard("utter_result_rights_general")
    assert chat.slots()["age_group"] == "unknown"


@pytest.mark.parametrize("lang", ENABLED)
def test_a_minor_gets_the_child_helpline_and_an_urgent_result(servers, lang):
    chat = Chat(servers, lang)
    start(chat, age=SAY["age_16"][lang], sector="begging")
    assert chat.slots()["age_group"] == "minor"
    answer_all(chat, yes={"begging_quota"})
    assert_result(chat, "trafficking_signs", {"begging_quota"}, minor=True)
    assert chat.slots()["screening_assessment"]["urgent"] is True


@pytest.mark.parametrize("lang", ENABLED)
def test_an_emergency_pauses_the_questions_and_they_resume(servers, lang):
    chat = Chat(servers, lang)
    start(chat)
    answer_all(chat, yes={"job_different"}, until=3)
    assert chat.question()[0] == 4
    chat.say(SAY["emergency"][lang])
    assert chat.texts[0] == expect.text("utter_emergency", lang)
    assert chat.heard("utter_ask_safe_to_write")
    assert not chat.tracker()["active_loop"].get("name")
    chat.say("/affirm")
    assert chat.texts == [expect.text("utter_offer_resume", lang)]
    chat.say("/affirm")
    assert chat.heard("utter_screening_resume")
    assert chat.question()[0] == 4  # where we stopped, the first answers kept
    assert chat.slots()["indicator_job_different"] == "yes"
    answer_all(chat, yes={"excessive_hours", "passport_kept"})
    assert_result(chat, "exploitation_signs", {"job_different", "excessive_hours", "passport_kept"})


@pytest.mark.parametrize("lang", ENABLED)
def test_stopping_early_keeps_the_answers_and_offers_help(servers, lang):
    chat = Chat(servers, lang)
    start(chat, sector="cleaning_domestic")
    answer_all(chat, yes={"job_different", "pay_lower_than_promised"}, until=3)
    chat.say(SAY["stop"][lang])
    assert chat.texts == [expect.text("utter_screening_stopped", lang)]
    assert expect.button_titles("utter_screening_stopped", lang) == chat.buttons
    slots = chat.slots()
    assert slots["indicator_job_different"] == "yes" and slots["screening_signal"] is None
    assert slots["screening_in_progress"] is True and not chat.tracker()["active_loop"].get("name")
    chat.say("/ask_contacts")  # the rest of the assistant works as usual
    assert chat.heard("utter_contacts_intro")
    chat.say("/start_screening")  # the "continue" button
    assert chat.heard("utter_screening_resume") and chat.question()[0] == 4


@pytest.mark.parametrize("lang", ENABLED)
def test_back_asks_the_previous_question_again(servers, lang):
    chat = Chat(servers, lang)
    start(chat)
    first = chat.question()
    chat.say("/affirm")
    assert chat.question()[0] == 2
    chat.say(SAY["back"][lang])
    assert chat.question() == first
    assert chat.slots()[f"indicator_{first[2]}"] is None
    chat.say("/deny")
    assert chat.question()[0] == 2 and chat.slots()[f"indicator_{first[2]}"] == "no"


@pytest.mark.parametrize("lang", ENABLED)
def test_a_report_in_own_words_is_acknowledged_and_not_asked_again(servers, lang):
    chat = Chat(servers, lang)
    passport_kept = INDICATORS.indicators["passport_kept"]
    acknowledgement = expect.phrase(lang, "indicator_acknowledgement", passport_kept.acknowledgement)
    assert chat.say(SAY["passport"][lang])[0] == acknowledgement
    assert chat.heard("utter_report_offer_screening")
    assert chat.slots()["indicator_passport_kept"] == "yes"
    chat.say("/affirm")
    assert chat.heard("utter_ask_screening_consent")
    chat.say("/affirm"), chat.say("1"), chat.say("1"), chat.say(SECTOR_NUMBER["construction"])
    total = len(INDICATORS.for_sector("construction")) - 1
    assert chat.question()[:2] == (1, total)
    asked = []
    while chat.question():
        asked.append(chat.question()[2])
        chat.say("/deny")
    assert "passport_kept" not in asked and len(asked) == total
    assert chat.slots()["indicator_passport_kept"] == "yes"
    assert chat.slots()["screening_signal"] == "exploitation_signs"


@pytest.mark.parametrize("lang", ENABLED)
def test_a_side_question_is_answered_and_the_question_comes_back(servers, lang):
    chat = Chat(servers, lang)
    start(chat)
    asked = chat.question()
    chat.say("/ask_contacts")
    assert chat.heard("utter_contacts_intro")
    assert chat.question() == asked
    chat.say("I like football")  # neither an answer nor a question the form steps aside for
    assert chat.heard("utter_screening_hint") and chat.question() == asked


@pytest.mark.parametrize("lang", ENABLED)
def test_not_now_is_respected(servers, lang):
    chat = Chat(servers, lang)
    chat.say("/start_screening")
    chat.say("/deny")
    assert chat.texts == [expect.text("utter_screening_declined", lang)]
    assert chat.slots()["screening_consent"] is None
    chat.say("/start_screening")
    assert chat.heard("utter_ask_screening_consent")
