"""The batch featuriser gives exactly the per-text features (``hashed_features``, ``word_tokens``,
``lexicon_counts``) the models were trained on, only computed once per distinct word."""
import re
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.feature_batch import FeatureBatch, batch_word_tokens, crc32_after
from analysis.text_features import BUCKETS, clean, for_model, hashed_features, lexicon_counts, model_text, word_tokens

PIECES = ["not", "no", "nicht", "nunca", "good", "bad", "great", "don't", "it's", "ok", ".", ",", "!", "?", "(",
          "@bob", "http://x.io/a", "WWW.Example.com", "Über", "niño", "café", "对", "日本", "ｶﾀｶﾅ", "😀", "'", "’",
          "ref", "12", "_", "a_b", "İstanbul", "ß", "\u00a0", "\t", "\ud800", "\x00", "\u200b", "ﬁne"]
texts_strategy = st.lists(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=12)
                          .map(" ".join), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def table():
    # small integers: every sum is exact in float64, so any order of addition gives the same number
    return np.random.default_rng(7).integers(-50, 50, size=(BUCKETS, 4)).astype(np.float32)


def per_text_sums(texts, table, **features):
    docs, buckets = hashed_features(texts, **features)
    values = table[buckets]
    return np.stack([np.bincount(docs, weights=values[:, c], minlength=len(texts)) for c in range(4)], axis=1)


def _assert_batch_matches_per_text(table, texts):
    """The batch's feature sums and lexicon counts equal the per-text reference; returns the indexes."""
    batch = FeatureBatch(texts)
    every = np.arange(len(texts))
    assert np.array_equal(batch.sums(table, every), per_text_sums(texts, table))
    assert np.array_equal(batch.sums(table, every, words=False, low=1, high=4),
                          per_text_sums(texts, table, words=False, low=1, high=4))
    assert np.array_equal(batch.lexicon_counts(every)[:, :3], lexicon_counts(texts))
    return every


def test_sums_equal_the_per_text_features_on_real_comments(table):
    texts = [for_model(t) for t in [
        "The portal is not fast, but support is great!", "No, it's NOT ok. Really not ok", "",
        "Excelente atención, muy contentos con el equipo.", "Das ist nicht gut, gar nicht.",
        "対応がとても丁寧で、本当に感謝しています。", "ok 漢 word with a few Latin words", "@anna see https://x.y/z",
        "same same same same", "a", "Works as described.", "very " + "long" * 100 + " word " + "x" * 300]]
    _assert_batch_matches_per_text(table, texts)


@settings(max_examples=60, deadline=None)
@given(texts_strategy)
def test_sums_tokens_and_lexicon_equal_the_per_text_reference_on_any_text(table, raw):
    texts = [for_model(t) for t in raw]
    every = _assert_batch_matches_per_text(table, texts)
    distinct, docs, ids = batch_word_tokens(texts, every)
    assert [[distinct[k] for k, d in zip(ids, docs, strict=True) if d == i] for i in every] == \
        [word_tokens(t) for t in texts]


def test_sums_of_a_subset_leave_the_other_rows_empty(table):
    texts = [for_model(t) for t in ["good", "bad", "日本語です", "fine"]]
    rows = np.array([1, 2])
    got = FeatureBatch(texts).sums(table, rows)
    assert np.array_equal(got[rows], per_text_sums(texts, table)[rows])
    assert not got[[0, 3]].any()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.text(max_size=40))
def test_combined_crc_equals_zlib_crc_of_the_joined_bytes(head, tail):
    head, tail = head.encode("utf-8", "replace"), tail.encode("utf-8", "replace")
    got = crc32_after(np.array([zlib.crc32(head)], dtype=np.uint32), np.array([len(tail)]),
                      np.array([zlib.crc32(tail)], dtype=np.uint32))
    assert int(got[0]) == zlib.crc32(head + tail)


def reference_clean(text):
    """``clean`` as first written (regex whitespace collapse, NFKC on every text)."""
    import unicodedata

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]", " ", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=8).map("".join))
def test_clean_is_idempotent_and_model_text_matches_the_full_rewrite(raw):
    cleaned = clean(raw)
    assert cleaned == reference_clean(raw) and clean(cleaned) == cleaned
    full = re.sub(r"\s+", " ", _HANDLE.sub(" @user ", _URL.sub(" http ", cleaned)).lower()).strip()
    assert model_text(cleaned) == full == for_model(raw)


def test_clean_is_idempotent_and_unchanged_for_every_code_point():
    for start in range(0, 0x110000, 4096):  # every code point, doubled, between letters
        text = "".join(f"a{c}{c}b" for c in map(chr, range(start, start + 4096)))
        assert clean(text) == reference_clean(text) and clean(clean(text)) == clean(text), hex(start)
    ascii_pairs = [a + b for a in map(chr, range(128)) for b in map(chr, range(128))]
    for text in ascii_pairs + [f" {t} x{t}" for t in ascii_pairs]:
        assert clean(text) == reference_clean(text) and clean(clean(text)) == clean(text), repr(text)
