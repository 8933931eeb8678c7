"""Comment themes: an editable taxonomy (analysis/data/themes.yaml) and offline discovery of
frequent noun phrases the taxonomy does not cover yet.

Noun phrases come from TextBlob's bundled Pattern chunker (``textblob.en.parse``, the engine
behind ``textblob.en.parsers.PatternParser``), which needs no downloaded corpora, unlike
TextBlob's default ``.noun_phrases``.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chalicelib.domain.errors import FieldProblem, InvalidInput

THEMES_FILE = Path(__file__).parent / "data" / "themes.yaml"
_LATIN = re.compile(r"^[\x00-\u024f\s'-]+$")
_SKIP_TAGS = {"DT", "PRP", "PRP$", "WDT", "WP", "WP$", "CD", "EX", "PDT", "POS"}
GENERIC = {"thing", "things", "lot", "lots", "time", "times", "way", "ways", "everything", "nothing",
           "something", "anything", "year", "years", "day", "days", "us", "we", "you", "they", "it", "i",
           "n/a", "na", "none", "bit", "partner", "partners", "program", "vendor", "company"}


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    phrases: tuple[str, ...]


class Taxonomy:
    """Themes and their phrases; ``match`` returns the theme ids a comment mentions."""

    def __init__(self, themes: list[Theme]):
        self.themes = themes
        self.labels = {t.id: t.label for t in themes}
        self._patterns = {t.id: _compile(t.phrases) for t in themes}

    @classmethod
    def load(cls, path: Path = THEMES_FILE) -> Taxonomy:
        """Read and validate a taxonomy file; problems name the theme."""
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise InvalidInput(FieldProblem(str(path), f"cannot read the theme taxonomy: {error}")) from None
        themes, problems = [], []
        entries = data.get("themes") if isinstance(data, dict) else None
        if not isinstance(entries, dict) or not entries:
            raise InvalidInput(FieldProblem(f"{path}: themes", "must be a mapping of theme id to label and phrases"))
        for theme_id, entry in entries.items():
            phrases = entry.get("phrases") if isinstance(entry, dict) else None
            if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip()
                                                                       for p in phrases):
                problems.append(FieldProblem(f"{path}: themes.{theme_id}.phrases", "must be a list of phrases"))
                continue
            themes.append(Theme(str(theme_id), str(entry.get("label") or theme_id),
                                tuple(p.strip().lower() for p in phrases)))
        if problems:
            raise InvalidInput(problems)
        return cls(themes)

    def match(self, text: str) -> list[str]:
        """Theme ids mentioned in ``text``, in taxonomy order."""
        lowered = text.lower()
        return [theme_id for theme_id, pattern in self._patterns.items() if pattern.search(lowered)]

    def covers(self, phrase: str) -> bool:
        """True when a taxonomy phrase occurs in ``phrase`` (so it is not a new theme)."""
        return bool(self.match(phrase))


def _compile(phrases: Iterable[str]) -> re.Pattern:
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        parts.append(rf"(?<!\w){escaped}(?!\w)" if _LATIN.match(phrase) else escaped)
    return re.compile("|".join(parts))


def noun_phrases(text: str) -> list[str]:
    """Lower-case noun phrases of an English text from the Pattern chunker (no corpora needed).

    Leading determiners, pronouns and numbers are dropped; phrases need a noun and are kept
    when they have two or more words, or one non-generic noun of four letters or more.
    """
    from textblob.en import parse

    phrases = []
    for sentence in parse(text, chunks=True, relations=False, lemmata=False).split("\n"):
        current: list[tuple[str, str]] = []
        for token in sentence.split(" ") + ["//O/O"]:
            parts = token.rsplit("/", 3)
            if len(parts) < 3:
                continue
            word, tag, chunk = parts[0], parts[1], parts[2]
            if chunk.endswith("NP") and not (chunk.startswith("B-") and current):
                current.append((word, tag))
                continue
            phrases.extend(_phrase(current))
            current = [(word, tag)] if chunk == "B-NP" else []
    return phrases


def _phrase(tokens: list[tuple[str, str]]) -> list[str]:
    while tokens and tokens[0][1] in _SKIP_TAGS:
        tokens = tokens[1:]
    words = [w.lower() for w, tag in tokens if re.match(r"^[\w'-]+$", w)]
    if not words or not any(tag.startswith("NN") for _, tag in tokens):
        return []
    phrase = " ".join(words)
    if len(words) == 1 and (len(phrase) < 4 or phrase in GENERIC):
        return []
    return [phrase]


def discover_phrases(texts: Iterable[str], taxonomy: Taxonomy, min_docs: int = 2, top: int = 20) -> list[dict]:
    """Frequent multi-word noun phrases (by number of comments) not covered by the taxonomy.

    Single nouns ("product", "business") are too vague to name a theme, so only phrases of two or
    more words count; most frequent first.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({p for p in noun_phrases(text) if " " in p and not taxonomy.covers(p)})
    ranked = sorted(((p, n) for p, n in counts.items() if n >= min_docs), key=lambda pn: (-pn[1], pn[0]))
    return [{"phrase": p, "comments": n} for p, n in ranked[:top]]
