"""Negation marks (issue 26): the three modes give the documented word features, the batch path gives
exactly the per-text features in every mode, and a model file's recorded mode is used at inference."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.feature_batch import FeatureBatch
from analysis.text_features import (
    BUCKETS,
    NEGATION_MODES,
    NEGATIONS,
    for_model,
    hashed_features,
    negation_scope,
    word_features,
    word_tokens,
)

PIECES = ["no", "ni", "nunca", "ningún", "nicht", "kein", "not", "don't", "never", "without", "good", "malo",
          "problema", "gut", ".", ",", "!", "?", "😀", "日本", "Über", "x" * 300, "\u00a0"]


def test_replace_marks_the_words_after_a_negator_until_punctuation():
    assert word_features("no me gusta, bien", "replace")[:5] == ["no", "NOT_me", "NOT_gusta", ",", "bien"]


def test_beside_keeps_the_plain_words_and_adds_a_marked_unigram_per_negated_word():
    feats = word_features("no me gusta, bien", "beside")
    assert feats[:5] == ["no", "me", "gusta", ",", "bien"]
    assert "no me" in feats and "me gusta" in feats
    assert [f for f in feats if f.startswith("NEG_")] == ["NEG_me", "NEG_gusta"]
    assert not any(f.startswith(("NEG_", "NOT_")) for f in word_features("no me gusta, bien", "none"))


def test_spanish_negative_concord_keeps_one_scope_and_ni_is_a_negator():
    # "no hay ningún problema": both negators open the same scope, nothing flips it back
    assert [t for t, negated in negation_scope("no hay ningún problema con el portal") if negated] == \
        ["hay", "problema", "con", "el", "portal"]
    assert [t for t, negated in negation_scope("ni rápido ni barato") if negated] == ["rápido", "barato"]


def per_text_sums(texts, table, negation):
    docs, buckets = hashed_features(texts, negation=negation)
    values = table[buckets]
    return np.stack([np.bincount(docs, weights=values[:, c], minlength=len(texts)) for c in range(2)], axis=1)


@pytest.fixture(scope="module")
def table():
    return np.random.default_rng(11).integers(-50, 50, size=(BUCKETS, 2)).astype(np.float32)


@pytest.mark.parametrize("negation", NEGATION_MODES)
def test_batch_sums_equal_the_per_text_features_in_every_mode(table, negation):
    texts = [for_model(t) for t in ["No me gusta nada el nuevo portal", "No hay ningún problema con el portal",
                                    "The partner portal is great", "not good. good", "Das ist nicht gut, gut",
                                    "対応が良くない", "", "ni fu ni fa!"]]
    got = FeatureBatch(texts).sums(table, np.arange(len(texts)), negation=negation)
    assert np.array_equal(got, per_text_sums(texts, table, negation))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=10).map(" ".join),
                min_size=1, max_size=6))
def test_batch_sums_equal_the_per_text_features_on_any_text(table, raw):
    texts = [for_model(t) for t in raw]
    batch = FeatureBatch(texts)
    for negation in NEGATION_MODES:  # one batch serves every mode (and caches each)
        assert np.array_equal(batch.sums(table, np.arange(len(texts)), negation=negation),
                              per_text_sums(texts, table, negation))


def test_the_modes_give_different_features_only_when_a_negator_is_present(table):
    plain, negated = for_model("el portal funciona bien"), for_model("el portal no funciona bien")
    assert len({per_text_sums([plain], table, m).tobytes() for m in ("replace", "beside", "none")}) == 1
    assert len({per_text_sums([negated], table, m).tobytes() for m in NEGATION_MODES}) == 3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=12).map(" ".join))
def test_word_tokens_are_the_replace_marks_of_the_negation_scope(raw):
    text = for_model(raw)
    assert word_tokens(text) == [("NOT_" + t if negated else t) for t, negated in negation_scope(text, NEGATIONS)]
