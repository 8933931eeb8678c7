"""Text clean-up and the n-gram features shared by the sentiment model and the language detector.

Standard library only (numpy is not needed to extract features), so training and inference use the
same code. Every function accepts any ``str``: unpaired surrogates become U+FFFD, control
characters become spaces, and the text is NFKC-normalised (full-width Latin and half-width kana
fold to one form), so nothing downstream raises on stored text.
"""
from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")
# words (letters/digits, with inner apostrophes), or one symbol such as "!" or an emoji
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]", re.UNICODE)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")
NEGATIONS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "hardly", "cannot",
    "don't", "can't", "won't", "isn't", "wasn't", "didn't", "doesn't", "aren't", "dont", "cant", "wont",
    "isnt", "didnt", "doesnt",  # en
    "nunca", "nada", "nadie", "ningún", "ninguna", "sin", "jamás", "tampoco",  # es (+ pt "nunca", "sem")
    "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "nichts", "ohne",  # de
    "pas", "jamais", "rien", "personne", "sans", "aucun", "aucune",  # fr
    "não", "nao", "sem", "nenhum", "nenhuma",  # pt
    "non", "mai", "niente", "nessuno", "senza",  # it
})
CLAUSE_END = frozenset(".!?;,:")
# How a language's model marks negation (recorded per language in the model file, issue 26):
# "replace" (the first models): a word after a negator becomes ``NOT_word``, in unigrams and bigrams;
# "beside": the plain unigrams and bigrams stay and each negated word adds a ``NEG_word`` unigram
# (Das & Chen 2001, Pang et al. 2002), with ``SCOPE_NEGATIONS`` as negators; "none": no marks.
NEGATION_MODES = ("replace", "beside", "none")
SCOPE_NEGATIONS = NEGATIONS | {"ni", "ninguno", "ningunos", "ningunas"}


def clean(text) -> str:
    """Any value as safe text: str, surrogates repaired, control characters removed, NFKC, trimmed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.isascii():  # ASCII is NFKC already and has no surrogates (split() = runs of \s, trimmed)
        return " ".join((text if text.isprintable() else _CONTROL.sub(" ", text)).split())
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: pair what pairs, replace the rest
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL.sub(" ", text)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def for_model(text: str) -> str:
    """Lower-case cleaned text with URLs and @handles replaced by placeholders."""
    return model_text(clean(text))


def model_text(cleaned: str) -> str:
    """``for_model`` of text that ``clean`` already returned (``clean`` is idempotent)."""
    lower = cleaned.lower()
    url = "http" in lower or "www." in lower
    if not url and "@" not in cleaned:
        return lower  # nothing to replace; clean already left single spaces and no edges
    text = _URL.sub(" http ", cleaned) if url else cleaned
    if "@" in text:
        text = _HANDLE.sub(" @user ", text)
    return " ".join(text.lower().split())


def has_letters(text: str) -> bool:
    """True when the text has at least one letter (of any script)."""
    if text.isascii():
        return _ASCII_LETTER.search(text) is not None
    return any(ch.isalpha() for ch in text)


def is_japanese_script(text: str) -> bool:
    """True when the text contains kana or CJK ideographs."""
    return bool(_JA.search(text))


def word_tokens(text: str) -> list[str]:
    """Word tokens of model text; words after a negation (until punctuation) get a ``NOT_`` prefix
    (``negation_scope`` with ``NEGATIONS``: the per-text path of the "replace" models)."""
    return ["NOT_" + token if negated else token for token, negated in negation_scope(text, NEGATIONS)]


def negation_scope(text: str, negators=SCOPE_NEGATIONS) -> list[tuple[str, bool]]:
    """(token, negated) of model text: a word is negated when a negator came before it in its clause
    (punctuation ends a clause); negators and symbols themselves are not."""
    out, negated = [], False
    for token in TOKEN_PATTERN.findall(text):
        if token in CLAUSE_END:
            negated = False
            out.append((token, False))
        elif token in negators:
            negated = True
            out.append((token, False))
        else:
            out.append((token, negated and token[0].isalnum()))
    return out


def word_features(text: str, negation: str = "replace") -> list[str]:
    """Word unigrams and bigrams of model text (Japanese: none; its char n-grams carry the words),
    negation marked as ``negation`` says (``NEGATION_MODES``)."""
    if is_japanese_script(text):
        return []
    if negation == "replace":
        words = word_tokens(text)
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    scope = negation_scope(text)
    words = [t for t, _ in scope]
    marks = [f"NEG_{t}" for t, negated in scope if negated] if negation == "beside" else []
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)] + marks


def char_features(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams: within space-padded words for spaced scripts, over the whole text for Japanese."""
    if is_japanese_script(text):
        compact = "".join(text.split())
        padded = f" {compact} "
        return [padded[i:i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)]
    out = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n > size:
                break
            out.extend(padded[i:i + n] for i in range(size - n + 1))
    return out


# --- hashed features in numpy (used by the sentiment model and the language detector) ---------------
BUCKETS = 1 << 20
_PRIME = 0x01000193
_MIX = 0x9E3779B1


_LEXICON: dict[str, float] = {}


def textblob_lexicon() -> dict[str, float]:
    """Word -> polarity of TextBlob's bundled Pattern lexicon (one-word entries with a polarity)."""
    if not _LEXICON:
        for word, senses in pattern_sentiment_lexicon().items():
            values = [v[0] for v in senses.values() if v and v[0]]
            if " " not in word and values:
                _LEXICON[word] = sum(values) / len(values)
        _LEXICON.setdefault("", 0.0)
    return _LEXICON


def pattern_sentiment_lexicon() -> dict[str, dict]:
    """``textblob.en.sentiment`` as a plain dict, read from TextBlob's ``en-sentiment.xml`` the way
    Pattern's ``Sentiment.load`` does (senses averaged per part of speech, then over all of them under
    ``None``; adjectives also give their ``-ly`` adverb), without importing ``textblob``: its package
    import pulls in NLTK and SciPy, ~3-12 s of fixed cost in every small refresh (issue 23).
    tests/analysis/test_pattern_lexicon.py checks the result equals TextBlob's own."""
    import importlib.util
    from pathlib import Path
    from xml.etree import ElementTree

    spec = importlib.util.find_spec("textblob")  # locates the package without running it
    path = Path(next(iter(spec.submodule_search_locations))) / "en" / "en-sentiment.xml"

    def avg(values) -> float:
        return sum(values) / float(len(values) or 1)

    senses: dict[str, dict] = {}
    for element in ElementTree.parse(path).getroot().findall("word"):  # noqa: S314 - the bundled file
        form = element.attrib.get("form")
        if form:
            senses.setdefault(form, {}).setdefault(element.attrib.get("pos"), []).append((
                float(element.attrib.get("polarity", 0.0)), float(element.attrib.get("subjectivity", 0.0)),
                float(element.attrib.get("intensity", 1.0))))
    words = {w: {pos: [avg(each) for each in zip(*psi, strict=True)] for pos, psi in by_pos.items()}
             for w, by_pos in senses.items()}
    for w, by_pos in list(words.items()):
        words[w][None] = [avg(each) for each in zip(*by_pos.values(), strict=True)]
    for w, by_pos in list(words.items()):  # Pattern's English adverbs: "terrible" -> "terribly"
        if "JJ" in by_pos:
            stem = w[:-1] + "i" if w.endswith("y") else w
            stem = stem[:-2] if stem.endswith("le") else stem
            p, s, i = by_pos["JJ"]
            entry = words.setdefault(stem + "ly", {})
            entry["RB"] = entry[None] = (p, s, i)
    return words


def lexicon_tokens(text: str) -> list[str]:
    """Evidence tokens from TextBlob's lexicon: one ``__lex_pos__``/``__lex_neg__`` per polar word
    (negated words flip), ``__lex_none__`` when the text has no polar word. English only."""
    lexicon = textblob_lexicon()
    out = []
    for token in word_tokens(text):
        negated = token.startswith("NOT_")
        value = lexicon.get(token[4:] if negated else token, 0.0)
        if abs(value) >= 0.1:
            out.append("__lex_pos__" if (value > 0) != negated else "__lex_neg__")
    return out or ["__lex_none__"]


def lexicon_counts(texts: list[str]):
    """(n, 3) array per model text: polar words of TextBlob's lexicon that are positive, negative
    (each capped at 3; negation flips), and 1 when there is none. Kept outside the TF-IDF block, so
    the evidence is not diluted by the hundreds of n-grams of a long comment."""
    import numpy as np

    out = np.zeros((len(texts), 3))
    for i, text in enumerate(texts):
        tokens = lexicon_tokens(text)
        out[i] = (min(tokens.count("__lex_pos__"), 3), min(tokens.count("__lex_neg__"), 3),
                  float(tokens == ["__lex_none__"]))
    return out


def hashed_features(texts: list[str], words: bool = True, low: int = 2, high: int = 5, negation: str = "replace"):
    """Hashed n-gram occurrences of a batch of *model texts* (see ``for_model``).

    Returns ``(doc, bucket)``: two int64 arrays with one entry per feature occurrence. Character
    n-grams (``low``..``high`` within space-padded words; 1..3 over the whole text for Japanese) are
    hashed in numpy; word unigrams and bigrams (negation marked as ``negation`` says) with CRC-32. Training and
    inference call this same function, so they see identical features.
    """
    import zlib

    import numpy as np

    docs, buckets = [], []
    spaced, japanese = [], []
    for i, text in enumerate(texts):
        (japanese if is_japanese_script(text) else spaced).append(i)
        if words:
            feats = word_features(text, negation)
            if feats:
                docs.append(np.full(len(feats), i, dtype=np.int64))
                buckets.append(np.fromiter((zlib.crc32(f.encode("utf-8", "replace")) for f in feats),
                                           dtype=np.int64, count=len(feats)))
    for members, lo, hi, whole in ((spaced, low, high, False), (japanese, 1, 3, True)):
        if members:
            d, b = _char_ngrams([texts[i] for i in members], lo, hi, whole)
            docs.append(np.asarray(members, dtype=np.int64)[d])
            buckets.append(b)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs), np.concatenate(buckets) % BUCKETS


def _char_ngrams(texts: list[str], low: int, high: int, whole: bool):
    """(local doc index, hash) of character n-grams; ``whole`` ignores word boundaries (Japanese)."""
    import numpy as np

    parts = char_ngram_parts(texts, low, high, whole)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([d for _, d, _ in parts]), np.concatenate([h for _, _, h in parts])


def char_ngram_parts(texts: list[str], low: int, high: int, whole: bool) -> list[tuple]:
    """``[(n, local doc index, hash)]`` per n-gram length: FNV-1a-style over code points, 32-bit
    (uint32 arithmetic wraps exactly like the mask of the 64-bit form), seeded by the length."""
    import numpy as np

    joined = "\x00" + "\x00".join((" " + ("".join(t.split()) if whole else t) + " ") for t in texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le", "replace"), dtype=np.uint32)
    size = len(codes)
    barrier = codes == 0
    doc_of = np.cumsum(barrier) - 1  # separator i starts doc i
    cum_barrier = np.concatenate([[0], np.cumsum(barrier)])
    cum_space = np.concatenate([[0], np.cumsum(codes == 32)])
    prime = np.uint32(_PRIME)
    out = []
    for n in range(low, high + 1):
        if size < n:
            break
        starts = np.arange(size - n + 1)
        ends = starts + n
        ok = (cum_barrier[ends] - cum_barrier[starts]) == 0  # no separator inside
        if not whole and n > 2:  # char_wb: no space strictly inside the n-gram
            ok &= (cum_space[ends - 1] - cum_space[starts + 1]) == 0
        if not whole and n == 1:
            ok &= codes[starts] != 32
        starts = starts[ok]
        h = np.full(len(starts), n * _MIX & 0xFFFFFFFF, dtype=np.uint32)
        for k in range(n):
            h ^= codes[starts + k]
            h *= prime
        out.append((n, doc_of[starts].astype(np.int64), (h ^ np.uint32(0x5bd1e995)).astype(np.int64)))
    return out
