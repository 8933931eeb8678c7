"""Quotes for the report: each one matches the tone stated for its theme, and a quote in another
language is marked with its language and translated when a translator is configured.

A theme's candidates come from the snapshot's report part (``quotes``: text, sentiment label,
language). The tone rule: a negative theme quotes only negative comments, a positive one only
positive comments, a mixed one a negative and a positive comment when it has both. Candidates
without a label (snapshots older than labelled quotes) are used for mixed themes only. Standard
library only; the translator is any object with ``translate(text, source_language) -> str | None``.
"""
from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
                  "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "pt": "Portuguese", "zh": "Chinese"}
HOME_LANGUAGE = "en"


def language_name(code: str | None) -> str | None:
    """"Japanese" for ``ja``; None for English or unknown; the code itself for other languages."""
    if not code or code == HOME_LANGUAGE:
        return None
    return LANGUAGE_NAMES.get(code, code)


def matches_tone(label: str | None, tone: str) -> bool:
    """True when a comment labelled ``label`` may illustrate a theme of tone ``tone``."""
    if tone in ("negative", "positive"):
        return label == tone
    return True


def choose_quotes(candidates: list[dict], tone: str, limit: int) -> list[dict]:
    """Up to ``limit`` distinct candidates whose label matches ``tone`` (mixed: negative and positive
    first, so both sides are heard)."""
    fitting = [c for c in candidates if c.get("label") is not None and matches_tone(c["label"], tone)]
    if tone == "mixed":
        unlabelled = [c for c in candidates if c.get("label") is None]
        by_side = [next((c for c in fitting if c["label"] == side), None) for side in ("negative", "positive")]
        fitting = [c for c in by_side if c] + [c for c in fitting if c not in by_side] + unlabelled
    out, seen = [], set()
    for candidate in fitting:
        key = " ".join(str(candidate["text"]).lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(candidate)
        if len(out) == limit:
            break
    return out


def present_quote(candidate: dict, translator=None, shorten=lambda text: text) -> dict:
    """The quote as the report shows it: text, the language's name when not English, and an English
    translation when a translator is configured and answers."""
    language = language_name(candidate.get("language"))
    translation = None
    if language and translator is not None:
        translated = translator.translate(str(candidate["text"]), candidate.get("language"))
        translation = shorten(translated) if translated else None
    return {"text": shorten(str(candidate["text"])), "label": candidate.get("label"), "language": language,
            "translation": translation}
