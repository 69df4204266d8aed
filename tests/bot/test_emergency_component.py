"""The safety net inside the NLU pipeline overrides whatever the model predicted."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import load_safety_words
from bot.server.emergency import EmergencyKeywordClassifier
from bot.server.present_danger import Thresholds


@pytest.fixture(scope="module")
def component():
    return EmergencyKeywordClassifier(load_safety_words(CONTENT_DIR / "emergency_keywords"))


def created(**config):
    """The component as Rasa makes it from config.yml (storage and context are unused)."""
    return EmergencyKeywordClassifier.create(
        {**EmergencyKeywordClassifier.get_default_config(), **config}, None, None, None
    )


def parsed(text, intent="greet", confidence=0.9, *others):
    """A message as the classifiers leave it; `others`: more (name, confidence) pairs of the ranking."""
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    ranking = [{"name": intent, "confidence": confidence}]
    ranking += [{"name": name, "confidence": conf} for name, conf in zip(others[::2], others[1::2], strict=True)]
    message.set(INTENT_RANKING_KEY, ranking)
    return message


@pytest.mark.parametrize("text", ["меня бьют", "MENYA BYUT", "they are beating me right now"])
def test_danger_phrase_wins_over_the_model(component, text):
    [message] = component.process([parsed(text, "report_violence")])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "emergency"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "report_violence"]


@pytest.mark.parametrize("text", ["hello there", "/greet", "what are my rights"])
def test_other_messages_keep_their_intent(component, text):
    [message] = component.process([parsed(text)])
    assert message.get(INTENT)["name"] == "greet"


def test_even_a_fallback_becomes_an_emergency(component):
    [message] = component.process([parsed("mani sit tagad", "nlu_fallback", 0.3)])
    assert message.get(INTENT)["name"] == "emergency"


def test_emergency_high_in_the_ranking_comes_first(component):
    [message] = component.process([parsed("steidzami!!", "request_handoff", 0.4, "emergency", 0.3)])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "request_handoff"]


def test_a_danger_report_happening_now_is_an_emergency(component):
    message = parsed("they don't let me out of the room right now", "report_movement_restricted", 0.6)
    [message] = component.process([message])
    assert message.get(INTENT)["name"] == "emergency"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["emergency", "report_movement_restricted"]


def test_under_the_fallback_the_real_guesses_count(component):
    message = parsed("сейчас не выпускают", "nlu_fallback", 0.3, "report_movement_restricted", 0.25, "greet", 0.1)
    [message] = component.process([message])
    assert message.get(INTENT)["name"] == "emergency"
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert names == ["emergency", "nlu_fallback", "report_movement_restricted", "greet"]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("they don't let me leave the dormitory", "report_movement_restricted"),
        ("my employer hit me last year", "report_violence"),
        ("now I want to know my rights", "ask_rights"),
    ],
)
def test_reports_and_questions_without_present_danger_stay(component, text, intent):
    [message] = component.process([parsed(text, intent, 0.8, "report_violence", 0.05, "emergency", 0.02)])
    assert message.get(INTENT) == {"name": intent, "confidence": 0.8}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == intent


def test_a_message_without_a_ranking_uses_its_intent(component):
    message = Message({TEXT: "hmm"})
    message.set(INTENT, {"name": "emergency", "confidence": 0.2})
    [message] = component.process([message])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}


def test_default_config_names_the_thresholds():
    assert EmergencyKeywordClassifier.get_default_config() == {
        "phrases_dir": None,
        "emergency_threshold": Thresholds().emergency,
        "report_threshold": Thresholds().report,
    }


@pytest.mark.parametrize(
    "config, becomes_emergency",
    [({}, True), ({"emergency_threshold": 0.5}, False), ({"emergency_threshold": 0.3}, True)],
)
def test_the_emergency_threshold_comes_from_the_config(config, becomes_emergency):
    [message] = created(**config).process([parsed("come please", "request_handoff", 0.5, "emergency", 0.3)])
    assert (message.get(INTENT)["name"] == "emergency") is becomes_emergency


@pytest.mark.parametrize(
    "config, becomes_emergency",
    [({}, True), ({"report_threshold": 0.5}, False), ({"report_threshold": 0.2}, True)],
)
def test_the_report_threshold_comes_from_the_config(config, becomes_emergency):
    message = parsed("he is outside my door", "ask_police", 0.5, "report_threats", 0.3)
    [message] = created(**config).process([message])
    assert (message.get(INTENT)["name"] == "emergency") is becomes_emergency


def test_a_threshold_outside_zero_to_one_stops_the_model_loading():
    with pytest.raises(ValueError):
        created(report_threshold=2)


def test_phrases_dir_points_at_other_words(tmp_path):
    (tmp_path / "xx.yml").write_text("phrases: [blue moon]\npresent_cues: [anon]\n", encoding="utf-8")
    component = created(phrases_dir=str(tmp_path))
    [moon, rest, now] = component.process(
        [parsed("a blue moon"), parsed("меня бьют"), parsed("anon they beat me", "report_violence", 0.8)]
    )
    assert moon.get(INTENT)["name"] == "emergency"
    assert rest.get(INTENT)["name"] == "greet"
    assert now.get(INTENT)["name"] == "emergency"
