"""Comment sentiment with TextBlob as the engine.

Every English comment gets TextBlob's (Pattern lexicon) polarity and subjectivity. The project
label comes from a small logistic model on top of TextBlob's output:

    logit = b + TextBlob features (polarity, subjectivity, counts of positive and negative
            assessments, sign flags, length) + negation-marked word and bigram weights
            + domain-lexicon offsets (analysis/data/sentiment_lexicon.yaml)

trained on the training part of a documented split (``analysis.evaluation``). In a contrast
("the portal is nice, but search is broken") the clause after the last "but"/"however" gets 60%
of the weight, as partners put the point they care about there. Labels:
``positive`` when P(positive) >= 0.6, ``negative`` when <= 0.4, otherwise ``neutral``; a comment
with no sentiment evidence at all (no TextBlob assessment, no known word, no lexicon phrase) is
``neutral``. Comments not in English get ``not_scored`` and no numbers (the lexicon is English).

Scores are computed once per distinct text and kept in a cache keyed by the SHA-256 of the text
(with the language hint and the model/lexicon version, so a retrained model never reuses stale
labels), so
re-scoring unchanged comments does no TextBlob work. Reviewer corrections refine the model with
``SentimentModel.updated_with``.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .language import guess_language

DATA = Path(__file__).parent / "data"
MODEL_FILE = DATA / "sentiment_model.json"
LEXICON_FILE = DATA / "sentiment_lexicon.yaml"
POSITIVE_AT, NEGATIVE_AT = 0.6, 0.4
PLAIN_THRESHOLD = 0.1  # plain TextBlob label: polarity > 0.1 positive, < -0.1 negative
LABELS = ("negative", "neutral", "positive")
NOT_SCORED = "not_scored"
_TOKEN = re.compile(r"[a-z0-9']+|[.!?;,]")
_NEGATIONS = {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "hardly",
              "cannot", "dont", "cant", "wont", "isnt", "wasnt", "didnt", "doesnt", "arent"}
_CLAUSE_END = {".", "!", "?", ";", ",", "but"}
_CONTRAST = re.compile(r"\b(?:but|however)\b", re.IGNORECASE)
CONTRAST_WEIGHT = 0.6
DENSE = ("polarity", "subjectivity", "positive_assessments", "negative_assessments",
         "polarity_positive", "polarity_negative", "length")


def text_key(text: str) -> str:
    """Cache key of a comment: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def textblob_score(text: str):
    """TextBlob's Pattern sentiment of ``text``: (polarity, subjectivity, assessments).

    Calls the analyser TextBlob's ``.sentiment`` uses (``textblob.en.sentiment``) directly, which
    gives the same numbers without building a TextBlob object first.
    """
    from textblob.en import sentiment as pattern_sentiment

    score = pattern_sentiment(text)
    polarity, subjectivity = score
    return float(polarity), float(subjectivity), score.assessments


def tokens(text: str) -> list[str]:
    """Lower-case words with negation marking (``NOT_good`` until the clause ends) plus bigrams."""
    words = _TOKEN.findall(text.lower().replace("n't", " not").replace("’", "'"))
    out, negated = [], False
    for word in words:
        if word in _CLAUSE_END:
            negated = False
            continue
        if word in _NEGATIONS:
            negated = True
            out.append(word)
            continue
        out.append(f"NOT_{word}" if negated else word)
    plain = [w for w in words if w not in _CLAUSE_END]
    return out + [f"{a} {b}" for a, b in zip(plain, plain[1:], strict=False)]


def dense_features(polarity: float, subjectivity: float, assessments, text: str) -> list[float]:
    positive = sum(1 for a in assessments if a[1] > 0)
    negative = sum(1 for a in assessments if a[1] < 0)
    return [polarity, subjectivity, float(positive), float(negative), float(polarity > 0),
            float(polarity < 0), min(len(text), 300) / 100.0]


def load_lexicon(path: Path = LEXICON_FILE) -> dict[str, float]:
    """Domain phrases and their logit offsets (positive raises P(positive))."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).lower(): float(v) for k, v in (data.get("phrases") or {}).items()}


@dataclass
class SentimentModel:
    """Logistic model over TextBlob features and negation-marked words (see module docstring)."""

    vocabulary: dict[str, int]
    weights: list[float]
    dense_weights: list[float]
    bias: float
    l2: float = 1.0
    meta: dict = field(default_factory=dict)

    # --- inference -------------------------------------------------------------------------
    def logit(self, dense: list[float], words: Iterable[str]) -> tuple[float, int]:
        """Logit and the number of known words used."""
        z = self.bias + sum(w * x for w, x in zip(self.dense_weights, dense, strict=True))
        known = 0
        for word in set(words):
            j = self.vocabulary.get(word)
            if j is not None:
                z += self.weights[j]
                known += 1
        return z, known

    # --- training --------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], labels: list[int], min_count: int = 2, l2: float = 1.0,
            iterations: int = 500, meta: dict | None = None) -> SentimentModel:
        """Train on texts labelled 1 (positive) / 0 (negative)."""
        counts = Counter(w for t in texts for w in set(tokens(t)))
        vocabulary = {w: i for i, w in enumerate(sorted(w for w, n in counts.items() if n >= min_count))}
        model = cls(vocabulary, [0.0] * len(vocabulary), [0.0] * len(DENSE), 0.0, l2, meta or {})
        return model._optimise(texts, labels, iterations, prior=None)

    def updated_with(self, corrections: Iterable[tuple[str, str]], strength: float = 1.0,
                     iterations: int = 300) -> SentimentModel:
        """A copy refined on reviewer corrections [(text, 'positive'|'negative'|'neutral')].

        Starts from the current weights and stays close to them (an L2 pull toward the current
        model), so a few corrections adjust it without the original training data; new words in
        the corrections join the vocabulary. Neutral corrections carry no positive/negative signal
        and are skipped.
        """
        pairs = [(t, 1 if label == "positive" else 0) for t, label in corrections if label in ("positive", "negative")]
        if not pairs:
            return self
        texts, labels = [p[0] for p in pairs], [p[1] for p in pairs]
        vocabulary = dict(self.vocabulary)
        for word in sorted({w for t in texts for w in tokens(t)}):
            vocabulary.setdefault(word, len(vocabulary))
        weights = self.weights + [0.0] * (len(vocabulary) - len(self.weights))
        model = SentimentModel(vocabulary, weights, list(self.dense_weights), self.bias, self.l2 / strength,
                               {**self.meta, "corrections": self.meta.get("corrections", 0) + len(pairs)})
        return model._optimise(texts, labels, iterations, prior=(list(weights), list(self.dense_weights)))

    def _optimise(self, texts, labels, iterations, prior) -> SentimentModel:
        import numpy as np

        dense = np.array([dense_features(*textblob_score(t), t) for t in texts])
        sparse = np.zeros((len(texts), len(self.vocabulary)))
        for i, t in enumerate(texts):
            for w in set(tokens(t)):
                j = self.vocabulary.get(w)
                if j is not None:
                    sparse[i, j] = 1.0
        x = np.hstack([dense, sparse])
        y = np.asarray(labels, dtype=float)
        w = np.array(self.dense_weights + self.weights, dtype=float)
        w0 = np.zeros_like(w) if prior is None else np.array(prior[1] + prior[0], dtype=float)
        b = self.bias
        m, v, mb, vb = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
        n = len(y)
        for it in range(1, iterations + 1):  # Adam on the L2-penalised log-loss
            p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
            g = x.T @ (p - y) / n + self.l2 * (w - w0) / n
            gb = float((p - y).mean())
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
            w -= 0.05 * (m / (1 - 0.9 ** it)) / (np.sqrt(v / (1 - 0.999 ** it)) + 1e-8)
            b -= 0.05 * (mb / (1 - 0.9 ** it)) / (math.sqrt(vb / (1 - 0.999 ** it)) + 1e-8)
        k = len(DENSE)
        return SentimentModel(self.vocabulary, [float(round(a, 5)) for a in w[k:]],
                              [float(a) for a in w[:k]], float(b), self.l2, self.meta)

    # --- persistence -----------------------------------------------------------------------
    def to_dict(self) -> dict:
        words = sorted(self.vocabulary, key=self.vocabulary.get)
        return {"format": "pulse.sentiment-model/1", "meta": self.meta, "l2": self.l2, "bias": self.bias,
                "dense": dict(zip(DENSE, self.dense_weights, strict=True)),
                "words": {w: self.weights[self.vocabulary[w]] for w in words}}

    @classmethod
    def from_dict(cls, data: dict) -> SentimentModel:
        words = list(data["words"])
        return cls({w: i for i, w in enumerate(words)}, [float(data["words"][w]) for w in words],
                   [float(data["dense"][name]) for name in DENSE], float(data["bias"]),
                   float(data.get("l2", 1.0)), data.get("meta", {}))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SentimentModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Sentiment:
    """One comment's sentiment; polarity/subjectivity/probability are None when not scored."""

    label: str
    polarity: float | None
    subjectivity: float | None
    probability: float | None
    language: str

    def to_dict(self) -> dict:
        return {"label": self.label, "polarity": self.polarity, "subjectivity": self.subjectivity,
                "probability": self.probability, "language": self.language}


def label_for(probability: float, evidence: bool) -> str:
    """Documented thresholds: >= 0.6 positive, <= 0.4 negative, else (or without evidence) neutral."""
    if not evidence:
        return "neutral"
    if probability >= POSITIVE_AT:
        return "positive"
    if probability <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def plain_label(polarity: float) -> str:
    """Plain TextBlob label (the reference): polarity above +0.1 / below -0.1."""
    if polarity > PLAIN_THRESHOLD:
        return "positive"
    if polarity < -PLAIN_THRESHOLD:
        return "negative"
    return "neutral"


class TextBlobScorer:
    """Scores comments once per distinct text (cache keyed by SHA-256 of the text).

    ``engine_calls`` counts TextBlob evaluations, so callers and tests can see that a second
    run over unchanged comments does no TextBlob work.
    """

    def __init__(self, model: SentimentModel | None = None, lexicon: dict[str, float] | None = None,
                 cache: dict[str, dict] | None = None):
        self.model = model or SentimentModel.load()
        self.lexicon = load_lexicon() if lexicon is None else lexicon
        self._lexicon_pattern = (re.compile("|".join(rf"\b{re.escape(p)}\b" for p in
                                                     sorted(self.lexicon, key=len, reverse=True)))
                                 if self.lexicon else None)
        self.cache: dict[str, dict] = cache if cache is not None else {}
        self.engine_calls = 0
        # cached results are only valid for the model and lexicon that produced them
        self.version = text_key(json.dumps([self.model.to_dict(), self.lexicon], sort_keys=True))[:16]

    def score(self, text: str, language_hint: str | None = None) -> Sentiment:
        """Sentiment of one comment (cached)."""
        key = self._key(text, language_hint)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._compute(text, language_hint).to_dict()
            self.cache[key] = hit
        return Sentiment(**hit)

    def score_many(self, texts: Iterable[str], language_hints: Iterable[str | None] | None = None,
                   workers: int | None = None) -> list[Sentiment]:
        """Sentiments in input order; each distinct (text, hint) is computed once.

        Large batches of uncached texts (``PARALLEL_FROM`` or more) are split over ``workers``
        processes (default: the CPU count, at most 4); results are identical either way.
        """
        texts = list(texts)
        hints = list(language_hints) if language_hints is not None else [None] * len(texts)
        todo = {}
        for text, hint in zip(texts, hints, strict=True):
            key = self._key(text, hint)
            if key not in self.cache:
                todo.setdefault(key, (text, hint))
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        if workers > 1 and len(todo) >= PARALLEL_FROM:
            self._score_in_processes(todo, workers)
        return [self.score(t, h) for t, h in zip(texts, hints, strict=True)]

    def _key(self, text: str, hint: str | None) -> str:
        return text_key(f"{self.version}\x00{hint or ''}\x00{text}")

    def _score_in_processes(self, todo: dict, workers: int) -> None:
        import multiprocessing

        items = list(todo.items())
        chunks = [items[i::workers] for i in range(workers)]
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                              else "spawn")
        global _WORKER_SCORER
        _WORKER_SCORER = self
        try:
            with context.Pool(workers) as pool:
                for part in pool.map(_score_chunk, chunks):
                    for key, result, computed in part:
                        self.cache[key] = result
                        self.engine_calls += computed
        finally:
            _WORKER_SCORER = None

    def _compute(self, text: str, hint: str | None) -> Sentiment:
        text = text.strip()
        language = guess_language(text, hint)
        if not text:
            return Sentiment("neutral", 0.0, 0.0, 0.5, language)
        if language != "en":
            return Sentiment(NOT_SCORED, None, None, None, language)
        self.engine_calls += 1
        polarity, subjectivity, assessments = textblob_score(text)
        z, evidence = self._logit(text, polarity, subjectivity, assessments)
        probability = _sigmoid(z)
        return Sentiment(label_for(probability, evidence), round(polarity, 4), round(subjectivity, 4),
                         round(probability, 4), language)

    def probability(self, text: str) -> float:
        """P(positive) of an English text (no cache, no language routing): used by the evaluation."""
        return _sigmoid(self._logit(text, *textblob_score(text))[0])

    def _logit(self, text: str, polarity: float, subjectivity: float, assessments) -> tuple[float, bool]:
        """Model logit plus lexicon offsets; after a contrast ("..., but ...") the last clause weighs 60%."""
        z, known = self.model.logit(dense_features(polarity, subjectivity, assessments, text), tokens(text))
        hits = self._lexicon_pattern.findall(text.lower()) if self._lexicon_pattern else []
        z += sum(self.lexicon[h] for h in hits)
        evidence = bool(assessments or known or hits)
        contrast = list(_CONTRAST.finditer(text))
        if contrast:
            start = contrast[-1].end()
            tail = text[start:].strip()
            if len(tail.split()) >= 3:
                tail_assessments = _assessments_after(text, assessments, start)
                tail_polarity = _mean([a[1] for a in tail_assessments])
                tail_subjectivity = _mean([a[2] for a in tail_assessments])
                z_tail, _ = self.model.logit(dense_features(tail_polarity, tail_subjectivity, tail_assessments, tail),
                                             tokens(tail))
                tail_hits = self._lexicon_pattern.findall(tail.lower()) if self._lexicon_pattern else []
                z_tail += sum(self.lexicon[h] for h in tail_hits)
                z = (1 - CONTRAST_WEIGHT) * z + CONTRAST_WEIGHT * z_tail
        return z, evidence


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _assessments_after(text: str, assessments, start: int) -> list:
    """The TextBlob assessments whose words occur after character ``start`` (no second TextBlob run).

    Assessments come in text order; each one's first word is located from a moving cursor.
    """
    lowered, cursor, out = text.lower(), 0, []
    for assessment in assessments:
        words = assessment[0]
        first = words[0] if words else ""
        found = re.search(rf"(?<!\w){re.escape(first)}(?!\w)", lowered[cursor:]) if first else None
        if found:
            cursor += found.start()
        if cursor >= start:
            out.append(assessment)
        if found:
            cursor += len(first)
    return out


_WORKER_SCORER: TextBlobScorer | None = None
PARALLEL_FROM = 20_000


def _score_chunk(chunk):
    """Worker: score (key, (text, hint)) items with the scorer inherited from the parent."""
    scorer = _WORKER_SCORER if _WORKER_SCORER is not None else TextBlobScorer()
    out = []
    for key, (text, hint) in chunk:
        before = scorer.engine_calls
        out.append((key, scorer._compute(text, hint).to_dict(), scorer.engine_calls - before))
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def load_cache(path: Path) -> dict[str, dict]:
    """A JSON sentiment cache written by ``save_cache`` (empty when missing or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(cache: dict[str, dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cache, separators=(",", ":")), encoding="utf-8")
