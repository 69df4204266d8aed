"""NLU component: the safety net for emergencies.

Runs last in the pipeline. Whatever the model or the fallback classifier
decided, a message that bot/server/present_danger.py calls an emergency (a
danger phrase, `emergency` high enough in the ranking, or a danger report
happening now) becomes `emergency` with confidence 1.0.

config.yml:
    - name: bot.server.emergency.EmergencyKeywordClassifier
      emergency_threshold: 0.25  # `emergency` anywhere in the ranking with at least this
      report_threshold: 0.3  # report_violence / _threats / _movement_restricted with a present cue
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.paths import CONTENT_DIR
from bot.server.danger_phrases import SafetyWords, load_safety_words
from bot.server.present_danger import DEFAULT_THRESHOLDS, EMERGENCY, Thresholds, emergency_reason


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class EmergencyKeywordClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "phrases_dir": None,  # None: bot/data/content/emergency_keywords
            "emergency_threshold": DEFAULT_THRESHOLDS.emergency,
            "report_threshold": DEFAULT_THRESHOLDS.report,
        }

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyKeywordClassifier":
        directory = Path(config["phrases_dir"] or CONTENT_DIR / "emergency_keywords")
        thresholds = Thresholds(emergency=config["emergency_threshold"], report=config["report_threshold"])
        return cls(load_safety_words(directory), thresholds)

    def __init__(self, words: SafetyWords, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self._words = words
        self._thresholds = thresholds

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or [message.get(INTENT) or {}]
            if not emergency_reason(message.get(TEXT) or "", ranking, self._words, self._thresholds):
                continue
            emergency = {"name": EMERGENCY, "confidence": 1.0}
            others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency] + others, add_to_output=True)
        return messages
