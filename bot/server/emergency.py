"""NLU component: the keyword safety net for emergencies.

Runs last in the pipeline. Whatever the model or the fallback classifier
decided, a message with a danger phrase in any language becomes `emergency`.
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
from bot.server.danger_phrases import DangerPhrases, load_phrases

EMERGENCY = "emergency"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class EmergencyKeywordClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"phrases_dir": None}  # None: bot/data/content/emergency_keywords

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyKeywordClassifier":
        directory = Path(config["phrases_dir"] or CONTENT_DIR / "emergency_keywords")
        return cls(DangerPhrases(load_phrases(directory)))

    def __init__(self, phrases: DangerPhrases) -> None:
        self._phrases = phrases

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not self._phrases.found_in(text):
                continue
            emergency = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency] + ranking, add_to_output=True)
        return messages
