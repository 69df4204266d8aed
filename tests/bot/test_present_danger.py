"""The safety net's decision (bot/server/present_danger.py), table-driven, with the real words."""

import pytest

from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import load_safety_words
from bot.server.present_danger import Reason, Thresholds, emergency_reason


@pytest.fixture(scope="module")
def words():
    return load_safety_words(CONTENT_DIR / "emergency_keywords")


def ranking(*pairs):
    """ranking("report_violence", 0.6, "greet", 0.1) -> [{"name", "confidence"}, ...]"""
    return [{"name": name, "confidence": confidence} for name, confidence in zip(pairs[::2], pairs[1::2], strict=True)]


PHRASE, INTENT, NOW = Reason.DANGER_PHRASE, Reason.EMERGENCY_INTENT, Reason.REPORT_HAPPENING_NOW
FALLBACK = "nlu_fallback"

CASES = [
    # a danger phrase anywhere, whatever the model said
    ("menya zaperli v komnate", ranking("greet", 0.9), PHRASE),
    ("они меня заперли!!", ranking(FALLBACK, 0.3, "greet", 0.2), PHRASE),
    ("I'M LOCKED IN pls", ranking("ask_contacts", 0.7), PHRASE),
    ("he's hitting me", ranking("report_violence", 0.8), PHRASE),
    ("mani sit", ranking("report_violence", 0.8), PHRASE),
    ("viņi lauž durvis", ranking("out_of_scope", 0.5), PHRASE),
    ("spasite menya b'yut", ranking("greet", 0.5), PHRASE),
    # emergency first, or high enough anywhere ("when in doubt, 112 first")
    ("palīgā!", ranking("emergency", 0.2, "greet", 0.19), INTENT),
    ("steidzami!!", ranking("request_handoff", 0.4, "emergency", 0.25), INTENT),
    ("the men came back", ranking("report_threats", 0.3, "emergency", 0.29), INTENT),
    ("i need someone", ranking("request_handoff", 0.6, "emergency", 0.24), None),
    # a danger report happening now: first, or high enough, with a present cue
    ("they don't let me leave right now", ranking("report_movement_restricted", 0.7), NOW),
    ("man tagad neļauj iziet no istabas", ranking("report_movement_restricted", 0.5), NOW),
    ("šobrīd viņš draud man", ranking("report_threats", 0.4), NOW),
    ("хозяин сейчас не выпускает меня из комнаты", ranking("report_movement_restricted", 0.6), NOW),
    ("нас щас не выпускают", ranking("report_movement_restricted", 0.6), NOW),
    ("boss seychas b'et druga", ranking("report_violence", 0.6), NOW),
    ("hozjain sejchas ne vypuskaet", ranking("report_movement_restricted", 0.6), NOW),
    ("my boss is hitting my friend", ranking("report_violence", 0.6), NOW),  # progressive
    ("they are here and they say they will hurt me", ranking("report_threats", 0.5), NOW),
    ("the boss beat my friend just now", ranking("ask_police", 0.4, "report_violence", 0.3), NOW),
    ("the boss beat my friend just now", ranking("ask_police", 0.4, "report_violence", 0.29), None),
    ("now they don't pay me", ranking("report_unpaid_wages", 0.8, "report_threats", 0.1), None),
    # under nlu_fallback, the real guesses below it count
    ("tagad vins mani neizlaiz", ranking(FALLBACK, 0.3, "report_movement_restricted", 0.2, "greet", 0.1), NOW),
    ("vins mani neizlaiz", ranking(FALLBACK, 0.3, "report_movement_restricted", 0.2, "greet", 0.1), None),
    ("mmm", ranking(FALLBACK, 0.3, "emergency", 0.15, "greet", 0.1), INTENT),
    ("mmm", ranking(FALLBACK, 0.3, "greet", 0.15, "emergency", 0.1), None),
    # reports that are not happening now stay reports
    ("they don't let me leave the dormitory", ranking("report_movement_restricted", 0.8), None),
    ("my employer hit me last year", ranking("report_violence", 0.8), None),
    ("pagājušajā mēnesī priekšnieks man iesita", ranking("report_violence", 0.8), None),
    ("в прошлом месяце начальник меня ударил", ranking("report_violence", 0.8), None),
    ("they threaten to call immigration", ranking("report_threats", 0.8), None),
    # a present cue in another intent is no emergency
    ("now I want to know my rights", ranking("ask_rights", 0.8, "report_violence", 0.05), None),
    ("сейчас не могу говорить", ranking("goodbye", 0.7), None),
    # never a slash payload: a button already says what it means
    ("/greet", ranking("emergency", 0.9), None),
    ('/change_language{"language":"ru"}', ranking("report_violence", 0.9), None),
    ("/emergency", ranking("emergency", 1.0), None),
    # nothing to go on
    ("hello", [], None),
    ("hello", [{"name": None, "confidence": None}], None),
]


@pytest.mark.parametrize("text, ranked, expected", CASES)
def test_emergency_reason(words, text, ranked, expected):
    assert emergency_reason(text, ranked, words) is expected


def test_the_ranking_may_come_in_any_order(words):
    ranked = ranking("greet", 0.1, "report_violence", 0.5, "ask_police", 0.2)
    assert emergency_reason("they hurt me right now", ranked, words) is NOW


@pytest.mark.parametrize(
    "thresholds, expected",
    [(Thresholds(), INTENT), (Thresholds(emergency=0.5), None), (Thresholds(emergency=0.3), INTENT)],
)
def test_the_emergency_threshold_is_configurable(words, thresholds, expected):
    ranked = ranking("request_handoff", 0.5, "emergency", 0.3)
    assert emergency_reason("come please", ranked, words, thresholds) is expected


@pytest.mark.parametrize(
    "thresholds, expected",
    [(Thresholds(), NOW), (Thresholds(report=0.5), None), (Thresholds(report=0.2), NOW)],
)
def test_the_report_threshold_is_configurable(words, thresholds, expected):
    ranked = ranking("ask_police", 0.5, "report_threats", 0.3)
    assert emergency_reason("he is outside my door", ranked, words, thresholds) is expected


@pytest.mark.parametrize("values", [{"emergency": 0.0}, {"report": 1.5}, {"report": -0.1}])
def test_thresholds_outside_zero_to_one_are_refused(values):
    with pytest.raises(ValueError):
        Thresholds(**values)
