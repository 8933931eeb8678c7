"""A tone per theme: each theme a comment matches is scored on the part of the comment about it.

A comment is cut into **segments**: sentences, then clauses at a contrast ("but", "however",
"although", "pero", "aunque", "aber", "jedoch", "obwohl", "が、", "けど", "しかし", ...) and at
semicolons. A theme's tone is the sentiment (``CommentScorer``) of the segments in which the taxonomy
matches the theme, joined; when the theme's phrase only matches across a cut, or the comment is a
single segment, the theme takes the whole comment's tone. Segments are scored in one batch with the
comment's detected language as the form language, so they are cached and routed like comments.

Output per comment: ``{theme id: {"label", "polarity", "segment"}}`` where ``segment`` is the text
the tone was taken from (the whole comment when it was not cut).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .sentiment import CommentScorer
from .text_features import clean
from .themes import Taxonomy

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_CONTRAST = {
    "en": r"\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bwhereas\b|\bwhile\b|\byet\b|\bexcept\b|\bon the other hand\b",
    "es": r"\bpero\b|\bsin embargo\b|\baunque\b|\bmientras que\b|\bno obstante\b|\bsino\b",
    "de": r"\baber\b|\bjedoch\b|\bobwohl\b|\ballerdings\b|\bdoch\b|\bsondern\b|\bwährend\b|\bdagegen\b",
    "ja": r"(?<=が)、|けど、?|けれど(?:も)?、?|しかし、?|一方(?:で)?、?|ものの、?|のに、?",
}
_SEMICOLON = re.compile(r"\s*;\s*")
_SPLITTERS: dict[str, re.Pattern] = {}


def _splitter(language: str | None) -> re.Pattern:
    key = (language or "").split("-")[0].lower()
    pattern = _SPLITTERS.get(key)
    if pattern is None:
        parts = [_CONTRAST[key]] if key in _CONTRAST else list(_CONTRAST.values())
        pattern = _SPLITTERS[key] = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    return pattern


def segments(text, language: str | None = None) -> list[str]:
    """The sentences and contrast clauses of a comment, in order, without empty pieces. The contrast
    word starts the following clause ("but the payouts are late")."""
    text = clean(text)
    out = []
    for sentence in _SENTENCE.split(text):
        for part in _SEMICOLON.split(sentence):
            start = 0
            for match in _splitter(language).finditer(part):
                if match.start() > start:
                    out.append(part[start:match.start()])
                start = match.start()
            out.append(part[start:])
    return [s.strip(" ,、") for s in out if re.search(r"\w", s)]


def theme_tones(texts: Sequence[str], languages: Sequence[str | None], themes: Sequence[Sequence[str]],
                whole: Sequence[dict], scorer: CommentScorer | None, taxonomy: Taxonomy) -> list[dict]:
    """Per comment: ``{theme: {"label", "polarity", "segment"}}`` for its matched ``themes``.

    ``languages`` are the detected languages, ``whole`` the comment sentiments (``label``,
    ``polarity``), used when a theme has no segment of its own. Only comments with a theme and more
    than one segment cost model work; every distinct segment is scored once. Without a ``scorer``
    (no model work allowed) every theme takes the comment's tone.
    """
    plans: list[dict[str, str] | None] = []
    todo: dict[tuple[str, str | None], None] = {}
    for text, language, matched in zip(texts, languages, themes, strict=True):
        plan = None
        if matched and scorer is not None:
            parts = segments(text, language)
            if len(parts) > 1:
                plan = {}
                for theme in matched:
                    own = [p for p in parts if theme in taxonomy.match(p, language)]
                    if own and len(own) < len(parts):
                        plan[theme] = " ".join(own)
                        todo[(plan[theme], language)] = None
        plans.append(plan)
    keys = list(todo)
    scored = dict(zip(keys, scorer.score_many([k[0] for k in keys], [k[1] for k in keys]), strict=True)) if keys else {}
    out = []
    for text, language, matched, sentiment, plan in zip(texts, languages, themes, whole, plans, strict=True):
        tones = {}
        for theme in matched:
            part = (plan or {}).get(theme)
            own = scored.get((part, language)) if part else None
            if own is not None and own.label != "not_scored":
                tones[theme] = {"label": own.label, "polarity": own.polarity, "segment": part}
            else:
                tones[theme] = {"label": sentiment.get("label"), "polarity": sentiment.get("polarity"),
                                "segment": clean(text)}
        out.append(tones)
    return out
