"""Training and inference featurise the same text identically (repeated features included)."""
import numpy as np
import pytest

pytest.importorskip("scipy")

from analysis.sentiment import SentimentModels  # noqa: E402
from analysis.sentiment_training import LEXICON_COLUMNS, features, matrix, write  # noqa: E402
from analysis.text_features import BUCKETS  # noqa: E402

TEXTS = [
    "good good good service",
    "Very very very bad, bad support!!! bad",
    "The payout was late late late and nobody answered.",
    "Net sales rose 12 % and profit rose again; sales rose.",
    "Muy muy bueno, bueno, bueno.",
    "Nicht gut, nicht gut, gar nicht gut.",
    "No me gusta nada, no no no. Ni bueno ni barato, ningún problema",
    "とても良い、良い、良い対応でした。",
    "ok",
]


def make_model(tmp_path, lexicon: bool, negation: str = "replace"):
    """A model file with random weights on every bucket the texts use (idf exact in float16, weights
    exact in the stored int8 steps)."""
    rng = np.random.default_rng(3)
    used = np.unique(matrix(TEXTS, negation).nonzero()[1]).astype(np.int32)
    idf = rng.uniform(1.0, 4.0, len(used)).astype(np.float16)
    steps = rng.integers(-127, 128, (len(used), 3))
    steps[0] = 127
    fitted = {"buckets": used, "idf": idf.astype(np.float32),
              "weights": (steps / 32).astype(np.float32),
              "bias": rng.normal(0, 1, 3).astype(np.float32), "offsets": np.zeros(3, dtype=np.float32),
              "lexicon": (rng.normal(0, 1, (LEXICON_COLUMNS, 3)) if lexicon else np.zeros((0, 3))).astype(np.float32)}
    path = tmp_path / "models.npz"
    write({"en": fitted}, {"languages": {"en": {"sources": {}, "negation": negation}}}, path)
    return path, fitted


@pytest.mark.parametrize(("lexicon", "negation"), [(False, "replace"), (True, "replace"), (False, "beside"),
                                                   (True, "beside"), (False, "none")])
def test_training_and_inference_give_the_same_logits_for_repeated_features(tmp_path, lexicon, negation):
    # Given a model (recording its negation mode) and texts that repeat words and n-grams within one comment
    path, fitted = make_model(tmp_path, lexicon, negation)
    idf = np.zeros(BUCKETS)
    idf[fitted["buckets"]] = fitted["idf"]
    # When training's design matrix and the inference path score them
    x = features(TEXTS, idf, lexicon, negation=negation)
    coef = np.zeros((x.shape[1], 3))
    coef[fitted["buckets"]] = fitted["weights"]
    if lexicon:
        coef[BUCKETS:] = fitted["lexicon"]
    logits = x @ coef + fitted["bias"]
    expected = logits - np.log(np.exp(logits - logits.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) \
        - logits.max(axis=1, keepdims=True)
    got = SentimentModels(path).log_probabilities(TEXTS, "en")
    # Then both give the same log-probabilities
    np.testing.assert_allclose(got, expected, atol=2e-4)


def test_repeating_a_word_changes_the_features_the_same_way_on_both_sides(tmp_path):
    path, fitted = make_model(tmp_path, lexicon=False)
    idf = np.zeros(BUCKETS)
    idf[fitted["buckets"]] = fitted["idf"]
    x = features(["good good good service", "good service"], idf)
    assert not np.allclose(x[0].toarray(), x[1].toarray())  # repetition is not collapsed away
    norms = np.sqrt(np.asarray(matrix(["good good good service"]) @ (idf * idf)).ravel())
    assert np.isclose(x[0].multiply(x[0]).sum() * norms[0] ** 2,
                      (matrix(["good good good service"]).multiply(idf).power(2)).sum())
