"""Training embeddings are computed once per text and survive a new process."""

import numpy as np

from bot.encoder.cache import EmbeddingCache, text_key


class CountingEncoder:
    def __init__(self):
        self.seen = []

    def __call__(self, texts):
        self.seen.extend(texts)
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)


def test_each_text_is_embedded_once_and_in_order(tmp_path):
    encoder = CountingEncoder()
    cache = EmbeddingCache(tmp_path, "model-a")
    first = cache.embed(["hello", "sveiki", "hello"], encoder)
    assert encoder.seen == ["hello", "sveiki"]
    assert first.shape == (3, 3) and (first[0] == first[2]).all() and first[1][0] == 6
    again = cache.embed(["sveiki", "привет"], encoder)
    assert encoder.seen == ["hello", "sveiki", "привет"]
    assert (again[0] == first[1]).all()


def test_a_new_process_reads_the_cache_from_disk(tmp_path):
    EmbeddingCache(tmp_path, "model-a").embed(["a", "bb", "ccc"], CountingEncoder())
    encoder = CountingEncoder()
    reloaded = EmbeddingCache(tmp_path, "model-a")
    assert len(reloaded) == 3
    vectors = reloaded.embed(["ccc", "a"], encoder)
    assert encoder.seen == [] and vectors[:, 0].tolist() == [3, 1]
    assert not list(tmp_path.glob("*.tmp"))


def test_another_model_never_reuses_vectors(tmp_path):
    EmbeddingCache(tmp_path, "model-a").embed(["same text"], CountingEncoder())
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path, "model-b").embed(["same text"], encoder)
    assert encoder.seen == ["same text"]
    assert text_key("model-a", "x") != text_key("model-b", "x")


def test_keys_ending_in_zero_bytes_survive_the_round_trip(tmp_path):
    # numpy's bytes type would drop trailing NULs; the cache stores raw rows of 32 bytes
    texts = [f"text {i}" for i in range(600)]
    assert any(text_key("m", t).endswith(b"\0") for t in texts)
    EmbeddingCache(tmp_path, "m").embed(texts, CountingEncoder())
    encoder = CountingEncoder()
    EmbeddingCache(tmp_path, "m").embed(texts, encoder)
    assert encoder.seen == []
