"""NLU component: the `language` entity from the names in languages.yml.

A closed set needs no learned extractor: every name and inflection is data
(bot/language/mentions.py), so training pays nothing for it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.mentions import LanguageMentions
from bot.language.registry import registry

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageNameExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageNameExtractor":
        return cls(LanguageMentions(registry()))

    def __init__(self, mentions: LanguageMentions) -> None:
        self._mentions = mentions

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a payload brings its own entities
            found = [
                {
                    "entity": ENTITY,
                    "value": mention.code,
                    "start": mention.start,
                    "end": mention.end,
                    "confidence_entity": 1.0,
                    "extractor": type(self).__name__,
                }
                for mention in self._mentions.find(text)
            ]
            if found:
                message.set(ENTITIES, (message.get(ENTITIES) or []) + found, add_to_output=True)
        return messages
