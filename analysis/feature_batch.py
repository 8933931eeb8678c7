"""The hashed features of a batch of model texts, computed once per distinct word (numpy).

``text_features.hashed_features`` lists every feature occurrence of every text: about 400 character
n-grams and 40 word n-grams for a 100-character comment, hashed one text at a time. The sentiment
model and the language detector only ever need *sums* of table rows over those occurrences, and for
spaced scripts every character n-gram lies inside one space-padded word (``char_wb``), so:

* the sum over a text's character n-grams is the sum over its words of each word's own sum; a
  batch hashes each distinct word once (a vocabulary lookup), then adds word sums per text with
  ``numpy.bincount``;
* word unigrams are hashed once per distinct token; a bigram's CRC-32 is combined from its two
  tokens' CRCs in numpy (``crc32(a + " " + b) = shift_len(b)(crc32(a + " ")) ^ crc32(b)``, the
  zlib combine rule), so no bigram string is built;
* TextBlob-lexicon counts come from one polarity class per distinct token.

The sums equal those over ``hashed_features`` up to floating-point summation order; texts with
kana or CJK ideographs (whole-text n-grams, no words) take the per-text path unchanged.
"""
from __future__ import annotations

import zlib

from .text_features import (
    BUCKETS,
    CLAUSE_END,
    NEGATIONS,
    SCOPE_NEGATIONS,
    TOKEN_PATTERN,
    char_ngram_parts,
    hashed_features,
    is_japanese_script,
    lexicon_counts,
    textblob_lexicon,
)

MAX_SHIFT = 256  # longest token (bytes) whose bigram CRC is combined in numpy
_SHIFT: list = []  # [table]: (length + 1, 4, 256) uint32, CRC-32 shift operator per byte length


def _shift_tables(max_length: int):
    """``T[n, k, v]`` = effect on a CRC-32 of appending n bytes, for the byte ``v`` at position ``k``
    of the running CRC (linear over GF(2), so four lookups per value); grown on demand."""
    import numpy as np

    table = _SHIFT[0] if _SHIFT else None
    if table is not None and len(table) > max_length:
        return table
    size = max(max_length + 1, 64, 2 * (len(table) if table is not None else 0))
    values = (np.arange(256, dtype=np.uint32)[None, :] << (8 * np.arange(4, dtype=np.uint32))[:, None])
    one = np.array([[zlib.crc32(b"\0", int(v)) ^ zlib.crc32(b"\0", 0) for v in row] for row in values],
                   dtype=np.uint32)
    out = np.empty((size, 4, 256), dtype=np.uint32)
    out[0] = values
    for n in range(1, size):
        prev = out[n - 1]
        out[n] = (one[0][prev & 0xFF] ^ one[1][(prev >> 8) & 0xFF] ^ one[2][(prev >> 16) & 0xFF]
                  ^ one[3][prev >> 24])
    _SHIFT[:] = [out]
    return out


def crc32_after(crc, lengths, tail_crc):
    """``zlib.crc32(tail, crc)`` for arrays: the CRC of a string whose CRC is ``crc`` followed by a
    ``lengths``-byte tail whose own CRC is ``tail_crc`` (all uint32 arrays)."""
    table = _shift_tables(int(lengths.max()) if len(lengths) else 0)
    return (table[lengths, 0, crc & 0xFF] ^ table[lengths, 1, (crc >> 8) & 0xFF]
            ^ table[lengths, 2, (crc >> 16) & 0xFF] ^ table[lengths, 3, crc >> 24] ^ tail_crc)


class FeatureBatch:
    """Feature sums of a batch of model texts (``text_features.for_model`` output)."""

    def __init__(self, texts: list[str]):
        import numpy as np

        self.texts = texts
        self.size = len(texts)
        japanese = np.fromiter((not t.isascii() and is_japanese_script(t) for t in texts), dtype=bool,
                               count=len(texts))
        self.japanese = np.flatnonzero(japanese)
        self.spaced = np.flatnonzero(~japanese)
        spaced_texts = [texts[i] for i in self.spaced]
        self.words, self.occ_word = _factorize(" ".join(spaced_texts).split(" "))
        self.occ_doc = np.repeat(self.spaced, [t.count(" ") + 1 for t in spaced_texts])
        self._spaced_texts = spaced_texts
        self._ngrams = None
        self._tokens = {}
        self._word_buckets = {}

    # --- character n-grams, once per distinct word ---------------------------------------------------
    def _word_ngrams(self, low: int, high: int):
        """(word id, bucket) of the character ``low``..``high``-grams of the distinct words."""
        import numpy as np

        if self._ngrams is None:
            parts = char_ngram_parts(self.words, 1, 5, whole=False)
            self._ngrams = ({n: len(d) for n, d, _ in parts},
                            np.concatenate([d for _, d, _ in parts] or [np.zeros(0, np.int64)]),
                            np.concatenate([h for _, _, h in parts] or [np.zeros(0, np.int64)]) % BUCKETS)
        sizes, word, bucket = self._ngrams
        start = sum(sizes.get(n, 0) for n in range(1, low))
        end = start + sum(sizes.get(n, 0) for n in range(low, high + 1))
        return word[start:end], bucket[start:end]

    def _rows_mask(self, rows):
        import numpy as np

        mask = np.zeros(self.size, dtype=bool)
        mask[rows] = True
        return mask

    def sums(self, table, rows, words: bool = True, low: int = 2, high: int = 5, negation: str = "replace"):
        """(size, k) float64: per text in ``rows``, the sum of ``table`` (BUCKETS, k) over its hashed
        features as ``hashed_features(texts, words, low, high, negation)`` lists them; other rows are 0."""
        import numpy as np

        k = table.shape[1]
        out = np.zeros((self.size, k))
        mask = self._rows_mask(rows)
        occ = mask[self.occ_doc]
        if occ.any():
            used = np.zeros(len(self.words), dtype=bool)
            used[self.occ_word[occ]] = True
            word, bucket = self._word_ngrams(low, high)
            keep = used[word]
            word, values = word[keep], table[bucket[keep]]
            per_word = np.stack([np.bincount(word, weights=values[:, c], minlength=len(self.words))
                                 for c in range(k)], axis=1)
            docs, values = self.occ_doc[occ], per_word[self.occ_word[occ]]
            if words:
                token_doc, token_bucket = self._word_feature_buckets(negation)
                keep = mask[token_doc]
                docs = np.concatenate([docs, token_doc[keep]])
                values = np.concatenate([values, table[token_bucket[keep]]])
            for c in range(k):
                out[:, c] = np.bincount(docs, weights=values[:, c], minlength=self.size)
        japanese = self.japanese[mask[self.japanese]]
        if len(japanese):
            docs, buckets = hashed_features([self.texts[i] for i in japanese], words=words, low=low, high=high,
                                            negation=negation)
            values = table[buckets]
            for c in range(k):
                out[japanese, c] += np.bincount(docs, weights=values[:, c], minlength=len(japanese))
        return out

    # --- word tokens (with negation marks), once per distinct token -----------------------------------
    def _token_ids(self, negation: str = "replace"):
        """(distinct tokens, doc per token, token id per token[, negated per token]): the tokens of every
        spaced text from one regex pass over the whole batch (``batch_word_tokens``)."""
        if negation not in self._tokens:
            self._tokens[negation] = batch_word_tokens(self._spaced_texts, self.spaced, negation)
        return self._tokens[negation]

    def _word_feature_buckets(self, negation: str = "replace"):
        """(doc, bucket) of the word unigrams and bigrams of the spaced texts (and, for "beside", the
        ``NEG_`` unigrams of their negated words)."""
        import numpy as np

        tokens, doc, ids, *scope = self._token_ids(negation)
        if negation not in self._word_buckets:
            encoded = [t.encode("utf-8", "replace") for t in tokens]
            crc = np.fromiter((zlib.crc32(b) for b in encoded), dtype=np.uint32, count=len(encoded))
            crc_space = np.fromiter((zlib.crc32(b" ", c) for c in crc.tolist()), dtype=np.uint32,
                                    count=len(encoded))
            lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
            pair = np.flatnonzero(doc[:-1] == doc[1:])
            first, second = ids[pair], ids[pair + 1]
            long = np.flatnonzero(lengths[second] > MAX_SHIFT)  # rare: CRC by zlib, tables stay small
            short = np.ones(len(pair), dtype=bool)
            short[long] = False
            bigram = np.empty(len(pair), dtype=np.uint32)
            bigram[short] = crc32_after(crc_space[first[short]], lengths[second[short]], crc[second[short]])
            for j in long.tolist():
                bigram[j] = zlib.crc32(encoded[second[j]], int(crc_space[first[j]]))
            unigram = crc.astype(np.int64)[ids]
            docs, buckets = [doc, doc[pair]], [unigram, bigram.astype(np.int64)]
            if negation == "beside":
                negated = scope[0]
                marked = np.fromiter((zlib.crc32(b"NEG_" + b) for b in encoded), dtype=np.int64, count=len(encoded))
                docs.append(doc[negated])
                buckets.append(marked[ids[negated]])
            self._word_buckets[negation] = (np.concatenate(docs), np.concatenate(buckets) % BUCKETS)
        return self._word_buckets[negation]

    def lexicon_counts(self, rows):
        """(size, 7) per text in ``rows`` (other rows 0): ``text_features.lexicon_counts`` (TextBlob
        polar words), ``business_lexicon.direction_counts`` (figures up / down) and
        ``valence_lexicon.valence_counts`` (VADER positive / negative mass)."""
        import numpy as np

        from .business_lexicon import direction_counts
        from .valence_lexicon import valence_counts

        out = np.zeros((self.size, 7))
        mask = self._rows_mask(rows)
        tokens, doc, ids = self._token_ids()
        lexicon = textblob_lexicon()
        polarity = np.zeros(len(tokens), dtype=np.int8)  # +1 positive, -1 negative evidence
        for k, token in enumerate(tokens):
            negated = token.startswith("NOT_")
            value = lexicon.get(token[4:] if negated else token, 0.0)
            if abs(value) >= 0.1:
                polarity[k] = 1 if (value > 0) != negated else -1
        keep = mask[doc]
        doc, sign = doc[keep], polarity[ids[keep]]
        positive = np.bincount(doc[sign > 0], minlength=self.size)
        negative = np.bincount(doc[sign < 0], minlength=self.size)
        out[:, 0] = np.minimum(positive, 3)
        out[:, 1] = np.minimum(negative, 3)
        out[:, 2] = (positive + negative) == 0
        out[:, 3:5] = direction_counts(tokens, doc, ids[keep], self.size)
        out[:, 5:7] = valence_counts(tokens, doc, ids[keep], self.size)
        out[~mask] = 0.0
        japanese = self.japanese[mask[self.japanese]]
        if len(japanese):
            out[japanese, :3] = lexicon_counts([self.texts[i] for i in japanese])
        return out


def _factorize(items: list[str]):
    """(distinct items in first-seen order, int64 id of each item): ``pandas.factorize``, about twice
    as fast as a dict pass here."""
    import numpy as np
    import pandas as pd

    if not items:
        return [], np.zeros(0, dtype=np.int64)
    values = np.empty(len(items), dtype=object)
    values[:] = items
    codes, distinct = pd.factorize(values)
    return distinct.tolist(), codes.astype(np.int64, copy=False)


def batch_word_tokens(texts: list[str], docs, negation: str = "replace"):
    """``word_tokens`` of many model texts at once: ``(distinct tokens, doc of each token, token id of
    each token)``, ``docs[i]`` being the doc number of ``texts[i]``. With ``negation`` "beside" or
    "none" the tokens are unmarked and a fourth array says which are negated (``negation_scope`` with
    ``SCOPE_NEGATIONS``).

    One ``findall`` over the texts joined by NUL (which ``clean`` removes, and which the token pattern
    returns as a token of its own, so it marks the text boundaries); the negation state is a running
    maximum: a word is negated when a negation came after the last clause end or text start.
    """
    import numpy as np

    mode = negation
    flat = TOKEN_PATTERN.findall("\x00".join(texts))
    distinct, ids = _factorize(flat)
    separator = np.zeros(len(distinct), dtype=bool)
    negation = np.zeros(len(distinct), dtype=bool)
    clause_end = np.zeros(len(distinct), dtype=bool)
    word = np.zeros(len(distinct), dtype=bool)
    negators = NEGATIONS if mode == "replace" else SCOPE_NEGATIONS
    for k, item in enumerate(distinct):
        separator[k] = item == "\x00"
        clause_end[k] = item in CLAUSE_END
        negation[k] = item in negators and not clause_end[k]
        word[k] = item[0].isalnum()
    is_separator = separator[ids]
    doc_of = np.asarray(docs, dtype=np.int64)[np.cumsum(is_separator)] if len(flat) else np.zeros(0, np.int64)
    positions = np.arange(len(flat))
    last_negation = np.maximum.accumulate(np.where(negation[ids], positions, -1)) if len(flat) else positions
    last_reset = (np.maximum.accumulate(np.where(clause_end[ids] | is_separator, positions, -1))
                  if len(flat) else positions)
    negated = np.zeros(len(flat), dtype=bool)
    negated[1:] = last_negation[:-1] > last_reset[:-1]
    negated &= word[ids] & ~negation[ids] & ~clause_end[ids]
    keep = ~is_separator
    if mode != "replace":
        return distinct, doc_of[keep], ids[keep], negated[keep]
    if negated.any():
        marked = np.unique(ids[negated])
        remap = np.arange(len(distinct))
        remap[marked] = len(distinct) + np.arange(len(marked))
        distinct = distinct + ["NOT_" + distinct[k] for k in marked.tolist()]
        ids = np.where(negated, remap[ids], ids)
    return distinct, doc_of[keep], ids[keep]
