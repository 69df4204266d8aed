"""The intent classifier: sklearn's probabilities, computed without its per-message copy."""

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from sklearn.linear_model import LogisticRegression

from bot.server.intent_classifier import IntentClassifier

INTENTS = ["affirm", "deny", "emergency", "greet"]


def message(sparse_row, dense_row):
    msg = Message({TEXT: "x"})
    msg.add_features(Features(sp.coo_matrix(sparse_row), FEATURE_TYPE_SENTENCE, TEXT, "ngrams"))
    msg.add_features(Features(np.asarray(dense_row, dtype=np.float32), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return msg


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(2026)
    messages = [message(rng.poisson(0.3, (1, 50)).astype(float), rng.normal(size=(1, 8))) for _ in range(120)]
    labels = [INTENTS[i % len(INTENTS)] for i in range(len(messages))]
    component = IntentClassifier({"C": 30.0, "max_iter": 150, "random_state": 2026}, "intents", None, None)
    component.clf = LogisticRegression(C=30.0, max_iter=150, random_state=2026).fit(
        component._create_X(messages), labels
    )
    return component, messages


def test_the_same_probabilities_as_sklearn(trained):
    component, messages = trained
    X = component._create_X(messages)
    assert np.allclose(component.probabilities(X), component.clf.predict_proba(X), atol=1e-12)


def test_the_ngram_counts_are_unit_length_and_the_embedding_untouched(trained):
    component, _ = trained
    X = component._create_X([message([[3.0, 4.0] + [0.0] * 48], [[2.0] * 8])]).toarray()[0]
    assert X[:2].tolist() == [0.6, 0.8] and X[50:].tolist() == [2.0] * 8


def test_process_ranks_every_intent_best_first(trained):
    component, messages = trained
    [processed] = component.process([messages[0]])
    ranking = processed.get(INTENT_RANKING_KEY)
    assert processed.get(INTENT) == ranking[0]
    assert sorted(r["name"] for r in ranking) == INTENTS
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-9
    assert component.process([]) == []


def test_the_training_matrix_is_the_rows_of_single_messages(trained):
    """Built for all messages at once (fast), it equals the messages one by one."""
    component, messages = trained
    together = component._create_X(messages).toarray()
    one_by_one = np.vstack([component._create_X([m]).toarray() for m in messages])
    assert together.shape == (120, 58) and np.array_equal(together, one_by_one)
