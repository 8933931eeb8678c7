"""Interface strings of the partner form: one JSON message catalogue per language.

``locale/<lang>.json`` maps a message id (``button.submit``) to its text with ``{name}``
placeholders. English is the reference catalogue; any id a language lacks falls back to
English, so a partial translation never shows a raw id. Survey texts themselves come from
the survey definition (``domain.survey.localized``), not from here.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
UI_LANGUAGES = ("en", "es", "ja", "de")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def catalogue(language: str) -> dict[str, str]:
    """The messages of one language (empty for a language we do not ship)."""
    if language not in UI_LANGUAGES:
        return {}
    return json.loads((LOCALE_DIR / f"{language}.json").read_text(encoding="utf-8"))


def language_name(code: str) -> str:
    """A language's own name for the switcher ("Deutsch"), or its code when we ship no catalogue."""
    return catalogue(code.split("-")[0]).get("language.name", code)


def placeholders(message: str) -> set[str]:
    """Names of the ``{name}`` placeholders in a message."""
    return set(_PLACEHOLDER.findall(message))


class Translator:
    """Looks up interface strings for one language, with English as the fallback."""

    def __init__(self, language: str):
        base = language.split("-")[0]
        self.language = language
        self._messages = {**catalogue(DEFAULT_LANGUAGE), **catalogue(base)}

    def __call__(self, message_id: str, **params) -> str:
        """The text of ``message_id`` with its placeholders filled (unknown ids raise KeyError)."""
        text = self._messages[message_id]
        return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


def negotiate(candidates: list[str | None], offered: tuple[str, ...] | list[str]) -> str:
    """The first candidate language the survey offers (exact, then base language), else English."""
    for candidate in candidates:
        if not candidate:
            continue
        if candidate in offered:
            return candidate
        base = candidate.split("-")[0].lower()
        if base in offered:
            return base
    return DEFAULT_LANGUAGE


def accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, best first (q-values respected)."""
    ranked = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]
