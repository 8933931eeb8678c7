"""Language of a comment: the survey form's language as a strong prior, a detector for the rest.

* Script first: kana → ``ja``; Han without kana → ``ja`` when the form was Japanese, else ``zh``;
  Hangul ``ko``, Cyrillic ``ru``, Arabic ``ar``, Hebrew ``he``, Greek ``el``, Thai ``th``, Devanagari
  ``hi`` (none of these has a sentiment model, so they are ``not_scored`` with the reason in words).
* Latin script: a multinomial naive Bayes over hashed character 1–4-grams of the six supported
  Latin-script languages (en, es, de, fr, pt, it), trained by ``analysis.sentiment_training`` on the
  UMSAB training tweets (``analysis/data/language_model.npz``), restricted to the languages asked
  for. The form language adds ``HINT_PRIOR`` nats, chosen on the UMSAB validation tweets so a short
  comment stays in the form's language unless the text clearly says otherwise.

Numpy is imported only when a Latin-script text must be detected.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from .text_features import BUCKETS, clean, for_model, has_letters, model_text

LANGUAGE_FILE = Path(__file__).parent / "data" / "language_model.npz"
LATIN_LANGUAGES = ("de", "en", "es", "fr", "it", "pt")
NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese", "it": "Italian",
         "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ru": "Russian", "ar": "Arabic", "he": "Hebrew",
         "el": "Greek", "th": "Thai", "hi": "Hindi", "und": "undetermined"}
_SCRIPTS = (("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")), ("ru", re.compile(r"[\u0400-\u04ff]")),
            ("ar", re.compile(r"[\u0600-\u06ff]")), ("he", re.compile(r"[\u0590-\u05ff]")),
            ("el", re.compile(r"[\u0370-\u03ff]")), ("th", re.compile(r"[\u0e00-\u0e7f]")),
            ("hi", re.compile(r"[\u0900-\u097f]")))
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_LATIN = re.compile("[" + "".join(p.pattern[1:-1] for p in (*(p for _, p in _SCRIPTS), _KANA, _HAN)) + "]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
HINT_PRIOR = 4.0  # nats added to the form language (replaced by the trained value from the model file)


def supported_languages() -> tuple[str, ...]:
    """Languages the detector can return for scoring: the Latin six and Japanese."""
    return (*LATIN_LANGUAGES, "ja")


def language_name(code: str | None) -> str:
    """English name of a language code (the code itself when unknown)."""
    return NAMES.get((code or "und").split("-")[0], code or "undetermined")


class LanguageDetector:
    """Naive Bayes over hashed character n-grams (see module docstring)."""

    def __init__(self, path: Path = LANGUAGE_FILE):
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            self.meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            buckets = data["buckets"].astype(np.int64)
            log_p = data["log_p"].astype(np.float32)
            unseen = data["unseen"].astype(np.float32)
        self.languages = tuple(self.meta["languages"])
        self.hint_prior = float(self.meta.get("hint_prior", HINT_PRIOR))
        self.table = np.tile(unseen, (BUCKETS, 1))
        self.table[buckets] = log_p

    def scores(self, texts: list[str]):
        """(n, languages) log-likelihoods of model texts."""
        import numpy as np

        from .feature_batch import FeatureBatch

        return self.scores_of(FeatureBatch(texts), np.arange(len(texts)))

    def scores_of(self, batch, rows):
        """(batch size, languages) log-likelihoods of the ``rows`` of a ``FeatureBatch`` (others 0)."""
        return batch.sums(self.table, rows, words=False, low=1, high=4)

    def detect(self, text: str, hint: str | None, allowed: Iterable[str]) -> str | None:
        """Most likely allowed language of a Latin-script text (None when none is allowed)."""
        columns = [i for i, lang in enumerate(self.languages) if lang in set(allowed)]
        if not columns:
            return None
        scores = self.scores([for_model(text)])[0]
        best, best_score = None, None
        for i in columns:
            score = float(scores[i]) + (self.hint_prior if self.languages[i] == hint else 0.0)
            if best_score is None or score > best_score:
                best, best_score = self.languages[i], score
        return best


_DETECTOR: list[LanguageDetector] = []


def detector() -> LanguageDetector:
    """The detector, loaded once per process."""
    if not _DETECTOR:
        _DETECTOR.append(LanguageDetector())
    return _DETECTOR[0]


def script_language(text: str, hint: str | None = None) -> str | None:
    """Language given by the script alone (``None`` for Latin script or no letters)."""
    if text.isascii() or not _NOT_LATIN.search(text):
        return None
    if _KANA.search(text):
        return "ja"
    latin = len(_LATIN_LETTER.findall(text))
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(text)) > latin:
            return code
    han = len(_HAN.findall(text))
    if han and han >= latin:
        return "ja" if hint == "ja" else "zh"
    return None


def detect_many(texts: list, hints: list[str | None], allowed: Iterable[str] | None = None) -> list[str]:
    """``detect`` for a batch: the Latin-script texts go through the detector in one numpy pass."""
    return route_cleaned([clean(t) for t in texts], hints, allowed)


def route_cleaned(texts: list[str], hints: list[str | None], allowed: Iterable[str] | None = None,
                  batch=None) -> list[str]:
    """``detect_many`` of texts ``clean`` already returned. ``batch``: a ``FeatureBatch`` of their
    model texts (``for_model``) when the caller has one to share (the sentiment model does)."""
    import numpy as np

    allowed_latin = set(allowed or supported_languages()) & set(LATIN_LANGUAGES)
    out: list[str | None] = []
    pending: list[int] = []
    normalised = []
    for i, (text, hint) in enumerate(zip(texts, hints, strict=True)):
        hint = (hint or "").split("-")[0].lower() or None
        normalised.append(hint)
        by_script = script_language(text, hint)
        if by_script:
            out.append(by_script)
        elif not has_letters(text):
            out.append(hint or "und")
        else:
            out.append(None)
            pending.append(i)
    if pending:
        model = detector()
        columns = [k for k, lang in enumerate(model.languages) if lang in allowed_latin]
        if not columns:
            for i in pending:
                out[i] = normalised[i] or "und"
        else:
            rows = np.asarray(pending)
            if batch is None:
                from .feature_batch import FeatureBatch

                batch = FeatureBatch([model_text(texts[i]) for i in pending])
                rows = np.arange(len(pending))
            scores = model.scores_of(batch, rows)[rows][:, columns]
            position = {model.languages[k]: j for j, k in enumerate(columns)}
            hinted = np.array([position.get(normalised[i], -1) for i in pending])
            with_hint = np.flatnonzero(hinted >= 0)
            scores[with_hint, hinted[with_hint]] += model.hint_prior
            for i, best in zip(pending, scores.argmax(axis=1).tolist(), strict=True):
                out[i] = model.languages[columns[best]]
    return [lang or "und" for lang in out]


def detect(text, hint: str | None = None, allowed: Iterable[str] | None = None) -> str:
    """ISO 639-1 code of a comment; ``hint`` (the form language) is a strong prior; ``allowed``
    restricts the Latin-script detector (default: all supported languages).

    Text without letters returns the hint (or ``und``).
    """
    text = clean(text)
    hint = (hint or "").split("-")[0].lower() or None
    by_script = script_language(text, hint)
    if by_script:
        return by_script
    if not any(ch.isalpha() for ch in text):
        return hint or "und"
    allowed = set(allowed or supported_languages()) & set(LATIN_LANGUAGES)
    return detector().detect(text, hint, allowed) or hint or "und"

