"""A small offline language guess for comments: script first, then common function words.

Good enough to route comments: TextBlob's lexicon is English, so other languages are not
given an English sentiment score (they are labelled ``not_scored``).
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_STOPWORDS = {
    "en": {"the", "and", "is", "are", "to", "of", "for", "with", "not", "it", "we", "our", "too", "very",
           "this", "that", "was", "be", "have", "has", "in", "on", "but", "more", "no", "a", "an", "i"},
    "es": {"el", "la", "los", "las", "y", "es", "son", "de", "del", "para", "con", "muy", "pero", "que",
           "en", "un", "una", "por", "nuestro", "más", "lo", "se", "no", "demasiado"},
    "de": {"der", "die", "das", "und", "ist", "sind", "zu", "von", "für", "mit", "sehr", "aber", "nicht",
           "wir", "ein", "eine", "im", "den", "dem", "auch", "noch", "es"},
    "fr": {"le", "la", "les", "et", "est", "sont", "de", "des", "pour", "avec", "très", "mais", "nous",
           "un", "une", "du", "pas", "trop"},
    "pt": {"o", "os", "as", "e", "é", "são", "do", "da", "para", "com", "muito", "mas", "não", "um",
           "uma", "nosso", "mais"},
}


_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)


def guess_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 guess ('en', 'es', 'de', 'fr', 'pt', 'ja', 'zh', 'ko'); ``hint`` breaks ties.

    Text without letters returns the hint or 'en'.
    """
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK.search(text):
        return "ja" if hint == "ja" else "zh"
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return (hint or "en").split("-")[0]
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in words:
        for lang in _LANGUAGES_OF.get(word, ()):
            scores[lang] += 1
    best = max(scores.values())
    hint = (hint or "").split("-")[0]
    if best == 0:
        return hint or "en"
    leaders = [lang for lang, s in scores.items() if s == best]
    if hint in leaders:
        return hint
    return "en" if "en" in leaders else leaders[0]
