"""The featurizer adds one embedding per typed message, and none is computed for a button's payload."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.encoder.sentence import DIMENSIONS, shared_encoder
from bot.server.encoder import SentenceEncoderFeaturizer, is_payload


@pytest.mark.parametrize(
    "text, payload",
    [
        ("/affirm", True),
        ('/change_language{"language":"lv"}', True),
        ("/start_screening", True),
        ("affirm", False),
        ("/ 2", False),
        ("2/3 of my pay", False),
        ("", False),
        ("мне / помогите", False),
    ],
)
def test_is_payload(text, payload):
    assert is_payload(text) is payload


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**SentenceEncoderFeaturizer.get_default_config(), "weight": 2.0}
    return SentenceEncoderFeaturizer.create(config, storage, Resource("encoder"), ExecutionContext(None, "test"))


def _sentence(message):
    _, sentence = message.get_dense_features(TEXT)
    return sentence.features[0]


def test_typed_text_gets_its_weighted_embedding_and_a_payload_zeros(featurizer, monkeypatch):
    typed, payload, empty = Message({TEXT: "my boss took my passport"}), Message({TEXT: "/affirm"}), Message({})
    embedded = []
    real_embed = shared_encoder(1).embed
    monkeypatch.setattr(shared_encoder(1), "embed", lambda texts: embedded.extend(texts) or real_embed(texts))

    assert featurizer.process([typed, payload, empty]) == [typed, payload, empty]

    assert embedded == ["my boss took my passport"]  # the payload never reached the encoder
    assert _sentence(typed).shape == (DIMENSIONS,)
    assert np.allclose(np.linalg.norm(_sentence(typed)), 2.0, atol=1e-3)
    assert not _sentence(payload).any()
    assert empty.get_dense_features(TEXT) == (None, None)


def test_a_message_typed_without_accents_is_embedded_as_spelled_with_them(featurizer, monkeypatch):
    embedded = []
    real_embed = shared_encoder(1).embed
    monkeypatch.setattr(shared_encoder(1), "embed", lambda texts: embedded.extend(texts) or real_embed(texts))
    plain, english = Message({TEXT: "manas tiesibas"}), Message({TEXT: "a bus ticket home"})

    featurizer.process([plain, english])

    assert embedded == ["manas tiesības", "a bus ticket home"]
    assert np.allclose(_sentence(plain), 2.0 * real_embed(["manas tiesības"])[0], atol=1e-5)


def test_rasa_re_embeds_the_training_data_when_a_catalog_spelling_changes(monkeypatch):
    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    import bot.server.encoder as encoder

    config = SentenceEncoderFeaturizer.get_default_config()

    def key(latvian):
        monkeypatch.setattr(encoder, "catalog_samples", lambda codes: {"lv": latvian, "en": ["my rights"]})
        return calculate_fingerprint_key(SentenceEncoderFeaturizer, config, {})

    before = key(["manas tiesības"])
    assert key(["manas tiesības"]) == before
    assert key(["manas tiesibas"]) != before
    monkeypatch.setattr(encoder, "PREPARATION", "accents-next")  # a new way of preparing texts
    assert key(["manas tiesības"]) != before
