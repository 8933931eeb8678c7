"""Three-class comment sentiment (negative / neutral / positive) in every supported language.

One multinomial logistic regression per language over hashed word uni/bigrams and character
n-grams (``analysis.text_features``), TF-IDF weighted and L2-normalised; English adds three
unnormalised features from TextBlob's Pattern lexicon (counts of positive and negative words,
negation flipping them, and "no polar word"), trained by
``analysis.sentiment_training`` (scikit-learn, development only) and shipped as weights in
``analysis/data/sentiment_models.npz``; inference here is numpy only. The label is the class with the
highest log-probability plus a per-class offset chosen on validation data (no threshold on a
two-class score, so neutral is a real class).

Per comment: ``label``, ``probability`` (of that label), ``polarity`` = P(positive) − P(negative) in
[−1, 1] (what the summaries average), ``subjectivity`` = 1 − P(neutral), ``language``. Language:
``analysis.language.detect`` (the form language is a strong prior). ``not_scored`` only for a
language without a model or for text without letters; ``NOT_SCORED_REASONS`` says why in words.

Results are cached by SHA-256 of (model version, language hint, text); ``engine_calls`` counts the
texts the model actually scored, so a second run over unchanged comments does no model work. A batch
is featurised once (``analysis.feature_batch.FeatureBatch``: each distinct word hashed once) and the
same features serve the language detector and every language's model.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .language import route_cleaned, supported_languages
from .text_features import BUCKETS, clean, for_model, has_letters, model_text

DATA = Path(__file__).parent / "data"
MODELS_FILE = DATA / "sentiment_models.npz"
LABELS = ("negative", "neutral", "positive")
NOT_SCORED = "not_scored"
NOT_SCORED_REASONS = {"empty": "no text to score", "unsupported": "language not supported"}
PLAIN_THRESHOLD = 0.1  # plain TextBlob label (the reference): polarity > 0.1 positive, < -0.1 negative


def text_key(text: str) -> str:
    """Cache key of a comment: SHA-256 of its UTF-8 text (surrogates replaced)."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def plain_label(polarity: float) -> str:
    """Plain TextBlob label (the reference): polarity above +0.1 / below −0.1."""
    if polarity > PLAIN_THRESHOLD:
        return "positive"
    if polarity < -PLAIN_THRESHOLD:
        return "negative"
    return "neutral"


class SentimentModels:
    """The per-language linear models of ``sentiment_models.npz`` (numpy only)."""

    def __init__(self, path: Path = MODELS_FILE):
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            self._raw = {key: data[key] for key in data.files if key != "meta"}
        self.languages = tuple(sorted(self.meta["languages"]))
        self.version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self._tables: dict[str, tuple] = {}

    def _table(self, language: str):
        """(table, bias, offsets, lexicon weights, embedding weights) of a language, built on first use:
        ``table`` is (BUCKETS, 4) float32, per hash bucket idf·weights of the three classes and idf²."""
        import numpy as np

        table = self._tables.get(language)
        if table is None:
            gaps = self._raw.get(f"{language}.bucket_gaps")  # compact form (sentiment_training.compact)
            buckets = (np.cumsum(gaps.astype(np.int64)) if gaps is not None
                       else self._raw[f"{language}.buckets"].astype(np.int64))
            idf = self._raw[f"{language}.idf"].astype(np.float32)
            weights = self._raw[f"{language}.weights"].astype(np.float32)
            scale = self._raw.get(f"{language}.scale")
            if scale is not None:  # int8 weights, one scale per class
                weights = weights * scale.astype(np.float32)
            rows = np.zeros((BUCKETS, 4), dtype=np.float32)
            rows[buckets, :3] = weights * idf[:, None]
            rows[buckets, 3] = idf * idf
            embedding = self._block(f"{language}.embedding")
            if embedding is not None:
                self._check_encoder(language)
            table = (rows, self._raw[f"{language}.bias"].astype(np.float64),
                     self._raw[f"{language}.offsets"].astype(np.float64), self._block(f"{language}.lexicon"), embedding)
            self._tables[language] = table
        return table

    def _block(self, key: str):
        """The float64 weights of an optional feature block (lexicon, embedding), or None when absent."""
        import numpy as np

        block = self._raw.get(key)
        return block.astype(np.float64) if block is not None and len(block) else None

    def _check_encoder(self, language: str) -> None:
        """Refuse a model trained on another sentence encoder than the one ``sentence_encoder`` runs."""
        from . import sentence_encoder

        recorded = self.meta["languages"][language].get("sentence_encoder") or {}
        encoder = sentence_encoder.active()
        if (recorded.get("name"), recorded.get("dimensions")) != (encoder.name, encoder.dimensions):
            raise ValueError(f"the {language} sentiment model was trained on the sentence encoder {recorded!r}, "
                             f"not {encoder.name} ({encoder.dimensions} dimensions)")

    def negation(self, language: str) -> str:
        """How the language's model marks negation (``text_features.NEGATION_MODES``; files without the
        setting: "replace")."""
        return self.meta["languages"][language].get("negation", "replace")

    def log_probabilities(self, texts: list[str], language: str):
        """(n, 3) log-probabilities of negative/neutral/positive for cleaned texts of one language."""
        import numpy as np

        from .feature_batch import FeatureBatch

        rows = np.arange(len(texts))
        return self.log_probabilities_of(FeatureBatch([for_model(t) for t in texts]), rows, language)

    def log_probabilities_of(self, batch, rows, language: str):
        """(len(rows), 3) log-probabilities of the ``rows`` of a ``FeatureBatch`` of model texts."""
        import numpy as np

        table, bias, _, lexicon, embedding = self._table(language)
        sums = batch.sums(table, rows, negation=self.negation(language))[rows]
        norms = np.sqrt(sums[:, 3])
        norms[norms == 0] = 1.0
        logits = sums[:, :3] / norms[:, None] + bias
        if lexicon is not None:
            logits = logits + batch.lexicon_counts(rows)[rows, :len(lexicon)] @ lexicon
        if embedding is not None:
            from . import sentence_encoder

            logits = logits + sentence_encoder.encode([batch.texts[r] for r in rows.tolist()]) @ embedding
        logits -= logits.max(axis=1, keepdims=True)
        return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))

    def predict(self, texts: list[str], language: str) -> list[tuple[str, float, float, float]]:
        """(label, probability of the label, polarity, subjectivity) per cleaned text."""
        import numpy as np

        from .feature_batch import FeatureBatch

        if not texts:
            return []
        return self.predict_of(FeatureBatch([for_model(t) for t in texts]), np.arange(len(texts)), language)

    def predict_of(self, batch, rows, language: str) -> list[tuple[str, float, float, float]]:
        """``predict`` for the ``rows`` of a ``FeatureBatch`` of model texts."""
        import numpy as np

        log_p = self.log_probabilities_of(batch, rows, language)
        choice = (log_p + self._table(language)[2]).argmax(axis=1)
        p = np.exp(log_p)
        picked = p[np.arange(len(choice)), choice]
        return list(zip([LABELS[k] for k in choice.tolist()], picked.tolist(), (p[:, 2] - p[:, 0]).tolist(),
                        (1.0 - p[:, 1]).tolist(), strict=True))


@dataclass(frozen=True)
class Sentiment:
    """One comment's sentiment; the numbers are None when not scored (``reason`` then says why)."""

    label: str
    polarity: float | None
    subjectivity: float | None
    probability: float | None
    language: str
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"label": self.label, "polarity": self.polarity, "subjectivity": self.subjectivity,
                "probability": self.probability, "language": self.language, "reason": self.reason}


_MODELS: dict[Path, SentimentModels] = {}


def load_models(path: Path = MODELS_FILE) -> SentimentModels:
    """The models of ``path``, loaded once per process."""
    models = _MODELS.get(path)
    if models is None:
        models = _MODELS[path] = SentimentModels(path)
    return models


class CommentScorer:
    """Scores comments once per distinct (text, language hint), in batches per language.

    ``engine_calls`` counts texts the model scored, so callers and tests can see that a second
    run over unchanged comments does no model work. ``version`` names the model file; it is part of
    every cache key and stored with each enrichment.
    """

    def __init__(self, models: SentimentModels | None = None, cache: dict[str, dict] | None = None):
        self.models = models or load_models()
        self.cache: dict[str, dict] = cache if cache is not None else {}
        self.engine_calls = 0
        self.version = f"sentiment-{self.models.version}"

    def score(self, text, language_hint: str | None = None) -> Sentiment:
        """Sentiment of one comment (cached)."""
        return self.score_many([text], [language_hint])[0]

    def score_many(self, texts: Iterable, language_hints: Iterable[str | None] | None = None) -> list[Sentiment]:
        """Sentiments in input order; each distinct (text, hint) is computed once, batched per language."""
        texts = [clean(t) for t in texts]
        hints = list(language_hints) if language_hints is not None else [None] * len(texts)
        keys = [self._key(t, h) for t, h in zip(texts, hints, strict=True)]
        todo: dict[str, tuple[str, str | None]] = {}
        for key, text, hint in zip(keys, texts, hints, strict=True):
            if key not in self.cache:
                todo.setdefault(key, (text, hint if isinstance(hint, str) else None))
        if todo:
            self._compute(todo)
        return [Sentiment(**self.cache[k]) for k in keys]

    def _key(self, text: str, hint) -> str:
        return text_key(f"{self.version}\x00{hint if isinstance(hint, str) else ''}\x00{text}")

    def _compute(self, todo: dict[str, tuple[str, str | None]]) -> None:
        import numpy as np

        from .feature_batch import FeatureBatch

        supported = set(self.models.languages)
        with_letters = []
        for key, (text, hint) in todo.items():
            if has_letters(text):
                with_letters.append((key, text, hint))
            else:
                self.cache[key] = Sentiment(NOT_SCORED, None, None, None, (hint or "und").split("-")[0],
                                            "empty").to_dict()
        batch = FeatureBatch([model_text(t) for _, t, _ in with_letters])
        languages = route_cleaned([t for _, t, _ in with_letters], [h for _, _, h in with_letters], supported,
                                  batch)
        by_language: dict[str, list[int]] = {}
        for row, ((key, _, _), language) in enumerate(zip(with_letters, languages, strict=True)):
            if language not in supported:
                self.cache[key] = Sentiment(NOT_SCORED, None, None, None, language, "unsupported").to_dict()
                continue
            by_language.setdefault(language, []).append(row)
        for language, rows in by_language.items():
            results = self.models.predict_of(batch, np.asarray(rows), language)
            self.engine_calls += len(rows)
            for row, (label, probability, polarity, subjectivity) in zip(rows, results, strict=True):
                self.cache[with_letters[row][0]] = {
                    "label": label, "polarity": round(polarity, 4), "subjectivity": round(subjectivity, 4),
                    "probability": round(probability, 4), "language": language, "reason": None}


def supported() -> tuple[str, ...]:
    """Languages with a sentiment model."""
    return tuple(sorted(set(load_models().languages) & set(supported_languages())))


def load_cache(path: Path) -> dict[str, dict]:
    """A JSON sentiment cache written by ``save_cache`` (empty when missing or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(cache: dict[str, dict], path: Path) -> None:
    """Write the cache as JSON (creating the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cache, separators=(",", ":")), encoding="utf-8")
