"""NLU component: which enabled language a message is clearly written in.

Adds `detected_language` to the parse data (a code; absent when unsure); it
decides nothing. After the turn the channels offer that language if it is not
the conversation's (bot/server/channels/language_offer.py). The identifier
(bot/language/identify.py) profiles the enabled languages from their NLU
examples and catalogs when the model loads, so it needs no training.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.identify import LanguageIdentifier, Thresholds
from bot.language.registry import registry
from bot.language.samples import project_samples

DETECTED_LANGUAGE = "detected_language"


class RecentDetections:
    """Hashes of the latest texts this process found in a language: the channels read
    a conversation back for the offer only after such a text (most messages are not),
    instead of after every message. Hashes, so no text is kept."""

    def __init__(self, size: int = 4096) -> None:
        self._hashes: "OrderedDict[bytes, None]" = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def note(self, text: str) -> None:
        with self._lock:
            self._hashes[self._key(text)] = None
            self._hashes.move_to_end(self._key(text))
            while len(self._hashes) > self._size:
                self._hashes.popitem(last=False)

    def __contains__(self, text: object) -> bool:
        with self._lock:
            return isinstance(text, str) and self._key(text) in self._hashes


RECENT = RecentDetections()


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LanguageDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return asdict(Thresholds())  # min_words, min_letters ... (bot/language/identify.py)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        thresholds = Thresholds(**{name: config[name] for name in cls.get_default_config()})
        samples = project_samples(registry().enabled_codes)
        return cls(LanguageIdentifier.from_samples(samples, thresholds))

    def __init__(self, identifier: LanguageIdentifier) -> None:
        self._identifier = identifier

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detected = None if text.startswith("/") else self._identifier.identify(text)
            message.set(DETECTED_LANGUAGE, detected, add_to_output=True)
            if detected:
                RECENT.note(text)
        return messages
