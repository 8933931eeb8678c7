"""Word valences of the VADER lexicon (MIT; ``analysis/data/valence_lexicon.tsv``) as two model features.

Per comment: the summed positive and the summed negative valence of its words (each divided by 4,
the scale's maximum, and capped at 3), a negated word (``NOT_``) counting with the opposite sign.
Only the words of the lexicon are used (its emoticons are not single tokens here). The weights are
learned with the rest of the English model; VADER itself is not needed at run time.
"""
from __future__ import annotations

from pathlib import Path

LEXICON_FILE = Path(__file__).parent / "data" / "valence_lexicon.tsv"
_VALENCE: dict[str, float] = {}


def valences() -> dict[str, float]:
    """Word -> valence in [-4, 4], read once."""
    if not _VALENCE:
        for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, value = line.split("\t")
                _VALENCE[word] = float(value)
    return _VALENCE


def valence_counts(tokens: list[str], doc, ids, size: int):
    """(size, 2): positive and negative valence mass per doc from a flat token stream
    (``feature_batch.batch_word_tokens``)."""
    import numpy as np

    out = np.zeros((size, 2))
    if len(ids) == 0:
        return out
    lexicon = valences()
    value = np.zeros(len(tokens))
    for k, token in enumerate(tokens):
        negated = token.startswith("NOT_")
        v = lexicon.get(token[4:] if negated else token, 0.0)
        value[k] = -v if negated else v
    v = value[ids]
    out[:, 0] = np.minimum(np.bincount(doc, weights=np.maximum(v, 0), minlength=size) / 4, 3)
    out[:, 1] = np.minimum(np.bincount(doc, weights=np.maximum(-v, 0), minlength=size) / 4, 3)
    return out
