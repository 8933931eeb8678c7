"""Comment themes: a taxonomy per program and language, and offline discovery of phrases it misses.

Taxonomy shape (the default is ``analysis/data/themes.yaml``; a program file's ``themes`` mapping has
exactly the same shape and is loaded with ``Taxonomy.from_mapping``)::

    themes:
      <theme id>:
        label: <text>                      # or a mapping language -> label
        phrases: {en: [...], es: [...], de: [...], ja: [...], any: [...]}   # or one list for all

Matching is case-insensitive on NFKC-normalised text. Latin-script phrases match on word boundaries and
every word of a phrase also matches its regular inflections (``INFLECTIONS``) and hyphen/space
variants; Japanese (and other non-spaced) phrases match as substrings. A capitalised one-word match
right after another capitalised word ("David Price") is read as a name (not in German, which
capitalises every noun). Boundaries are "not a Latin
letter or digit", so "PoCの" matches ``poc``. A comment is matched with the phrases of its language
plus ``any``; without a language, with all phrases.

Noun phrases for discovery come from TextBlob's bundled Pattern chunker (``textblob.en.parse``).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from chalicelib.domain.errors import FieldProblem, InvalidInput

from .text_features import clean

THEMES_FILE = Path(__file__).parent / "data" / "themes.yaml"
ANY = "any"
INFLECTIONS = {"en": "(?:s|es)?", "es": "(?:s|es)?", "pt": "(?:s|es)?", "fr": "(?:s|x)?", "it": "(?:i|e)?",
               "de": "(?:e|en|n|s|es|er|ern)?", ANY: "(?:s|es)?"}
_LATIN = re.compile(r"^[\x00-\u024f\s'’-]+$")
_EDGE_BEFORE = r"(?<![0-9A-Za-z\u00c0-\u024f])"
_EDGE_AFTER = r"(?![0-9A-Za-z\u00c0-\u024f])"
_SKIP_TAGS = {"DT", "PRP", "PRP$", "WDT", "WP", "WP$", "CD", "EX", "PDT", "POS"}
GENERIC = {"thing", "things", "lot", "lots", "time", "times", "way", "ways", "everything", "nothing",
           "something", "anything", "year", "years", "day", "days", "us", "we", "you", "they", "it", "i",
           "n/a", "na", "none", "bit", "partner", "partners", "program", "vendor", "company"}


@dataclass(frozen=True)
class Theme:
    """One theme: id, label and phrases per language (``any`` for every language)."""

    id: str
    label: str
    phrases: dict[str, tuple[str, ...]]


def normalise(text) -> str:
    """Text as matched: cleaned (any input), NFKC, curly apostrophes straightened (case kept)."""
    return clean(text).replace("’", "'")


_BY_MAPPING: dict[str, Taxonomy] = {}
_NAME_BEFORE = re.compile(r"(?:^|[\s(\"'])([A-Z][a-z\u00e0-\u024f]+)\s+$")


def _is_name(text: str, match: re.Match) -> bool:
    """A capitalised one-word match right after another capitalised word ("David Price")
    reads as a name or title, not the theme's word."""
    word = match.group(0)
    if " " in word or not word[:1].isupper() or word.isupper():
        return False
    before = _NAME_BEFORE.search(text[:match.start()])
    if not before:
        return False
    preceding = text[:before.start(1)].rstrip()
    return not preceding or preceding[-1] not in ".!?:;"


class Taxonomy:
    """Themes and their phrases; ``match`` returns the theme ids a comment mentions."""

    def __init__(self, themes: list[Theme]):
        self.themes = themes
        self.labels = {t.id: t.label for t in themes}
        self.version = "themes-" + hashlib.sha256(json.dumps(
            [[t.id, t.label, sorted((k, list(v)) for k, v in t.phrases.items())] for t in themes],
            ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
        self._patterns: dict[str | None, dict[str, tuple[re.Pattern, tuple[str, ...]]]] = {}

    @classmethod
    def load(cls, path: Path = THEMES_FILE) -> Taxonomy:
        """Read and validate a taxonomy file; problems name the theme."""
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise InvalidInput(FieldProblem(str(path), f"cannot read the theme taxonomy: {error}")) from None
        entries = data.get("themes") if isinstance(data, dict) else None
        return cls.from_mapping(entries, source=f"{path}: themes")

    @classmethod
    def from_mapping(cls, entries, source: str = "themes") -> Taxonomy:
        """A taxonomy from a ``themes`` mapping (program file or taxonomy file); problems name the field."""
        if not isinstance(entries, Mapping) or not entries:
            raise InvalidInput(FieldProblem(source, "must be a mapping of theme id to label and phrases"))
        themes, problems = [], []
        for theme_id, entry in entries.items():
            field = f"{source}.{theme_id}"
            if not isinstance(entry, Mapping):
                problems.append(FieldProblem(field, "must be a mapping with label and phrases"))
                continue
            phrases = entry.get("phrases")
            if isinstance(phrases, list):
                phrases = {ANY: phrases}
            if not isinstance(phrases, Mapping) or not phrases:
                problems.append(FieldProblem(f"{field}.phrases", "must be a list of phrases or a mapping of "
                                                                 "language to phrases"))
                continue
            by_language = {}
            for language, items in phrases.items():
                if not isinstance(items, list) or not items or not all(isinstance(p, str) and p.strip()
                                                                       for p in items):
                    problems.append(FieldProblem(f"{field}.phrases.{language}", "must be a list of phrases"))
                    continue
                key = str(language).split("-")[0].lower()  # "en-US" phrases serve "en" comments
                by_language[key] = by_language.get(key, ()) + tuple(normalise(p).lower() for p in items)
            label = entry.get("label")
            if isinstance(label, Mapping):
                label = label.get("en") or next(iter(label.values()), None)
            themes.append(Theme(str(theme_id), str(label or theme_id), by_language))
        if problems:
            raise InvalidInput(problems)
        return cls(themes)

    @classmethod
    def for_program(cls, themes: Mapping | None) -> Taxonomy:
        """The taxonomy of a program definition's ``themes`` mapping, or the shipped default
        (``THEMES_FILE``) when the program has none; one object per distinct mapping, so its compiled
        patterns are reused by every refresh of the process."""
        key = json.dumps(themes, sort_keys=True, ensure_ascii=False, default=str) if themes else ""
        taxonomy = _BY_MAPPING.get(key)
        if taxonomy is None:
            taxonomy = cls.from_mapping(themes, source="program themes") if themes else cls.load()
            if len(_BY_MAPPING) >= 16:
                _BY_MAPPING.clear()
            _BY_MAPPING[key] = taxonomy
        return taxonomy

    def _compiled(self, language: str | None) -> dict[str, tuple[re.Pattern, tuple[str, ...]]]:
        compiled = self._patterns.get(language)
        if compiled is None:
            compiled = {}
            for theme in self.themes:
                pairs = [(lang, p) for lang, items in theme.phrases.items()
                         if language is None or lang in (language, ANY) for p in items]
                if pairs:  # anchors: a phrase can only match where its first word occurs as a substring
                    anchors = tuple(sorted({re.split(r"[\s-]+", p.strip())[0] for _, p in pairs}))
                    compiled[theme.id] = (_compile(pairs), anchors)
            self._patterns[language] = compiled
        return compiled

    def match(self, text, language: str | None = None) -> list[str]:
        """Theme ids mentioned in ``text`` (in the phrases of ``language`` and ``any``), in taxonomy order."""
        lowered = normalise(text)
        if not lowered:
            return []
        language = (language or "").split("-")[0].lower() or None
        patterns = self._compiled(language)
        if language is not None and not any(language in t.phrases for t in self.themes):
            patterns = self._compiled(None)  # a language without phrases: try them all
        names = language != "de"  # German capitalises every noun
        folded = lowered.lower()
        return [theme_id for theme_id, (pattern, anchors) in patterns.items()
                if any(a in folded for a in anchors)
                and any(not (names and _is_name(lowered, m)) for m in pattern.finditer(lowered))]

    def covers(self, phrase: str) -> bool:
        """True when a taxonomy phrase occurs in ``phrase`` (so it is not a new theme)."""
        return bool(self.match(phrase))


def _phrase_pattern(phrase: str, language: str) -> str:
    if not _LATIN.match(phrase):
        return re.escape(phrase)
    suffix = INFLECTIONS.get(language, INFLECTIONS[ANY])
    words = [w for w in re.split(r"[\s-]+", phrase) if w]
    body = r"[\s-]*".join(re.escape(w) + suffix for w in words)
    return _EDGE_BEFORE + body + _EDGE_AFTER


def _compile(pairs: Iterable[tuple[str, str]]) -> re.Pattern:
    parts = sorted({_phrase_pattern(p, lang) for lang, p in pairs}, key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


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
