"""The keyword safety net inside the NLU pipeline overrides whatever the model predicted."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import DangerPhrases, load_phrases
from bot.server.emergency import EmergencyKeywordClassifier


@pytest.fixture(scope="module")
def component():
    return EmergencyKeywordClassifier(DangerPhrases(load_phrases(CONTENT_DIR / "emergency_keywords")))


def parsed(text, intent="greet", confidence=0.9):
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
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
