"""Emerging topics: groups of comments about the same thing, per language, named by their terms.

Steps (numpy only): clean each comment (``@handles`` and URLs removed, NFKC, lower case), take
terms — words of 3+ letters that are not stopwords (nor, in English, adjectives of TextBlob's
Pattern lexicon, which carry tone rather than topic), and adjacent pairs of such words (Japanese:
runs of 2+ kanji or katakana, a dictionary-free stand-in for nouns) — keep terms used in at least
``min_docs`` comments, weight them TF-IDF (rows L2-normalised), factorise with NMF (multiplicative
updates, fixed seed) into ``k`` topics and give each comment to its strongest topic. A topic is
labelled by its two heaviest terms (a two-word term first, and never both words of a pair again),
reported with its comment count, tone (label mix and mean polarity of its comments) and two
distinct representative quotes (highest topic weight, different normalised text). Topics with
fewer comments than ``threshold`` are dropped, so no topic describes a group smaller than the
comment suppression threshold.
"""
from __future__ import annotations

import re
from collections import Counter

from .text_features import clean

_HANDLE_URL = re.compile(r"(?<!\w)@\w+|(?:https?://|www\.)\S+|#", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3,}(?:['’][^\W\d_]+)?", re.UNICODE)
_JA_TERM = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー]{2,}")
STOPWORDS = {
    "en": set("""a about above after again against all also am an and any are aren't as at be because been before
        being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
        during each few for from further get got had hadn't has hasn't have haven't having he her here hers herself him
        himself his how i i'm if in into is isn't it it's its itself just let's like me more most much must my myself
        no nor not now of off on once one only or other ought our ours ourselves out over own really same she should
        so some still such than that that's the their theirs them themselves then there these they they're this those
        through to too under until up upon us very was wasn't we we're were weren't what when where which while who
        whom why will with won't would you you're your yours yourself yourselves even ever every lot lots thing
        things way many make made since yet well back going want need thanks thank please day today tomorrow
        yesterday time year years new good great bad better best came come comes went go goes gone ordered say
        said says think thought try tried see saw seen felt feel gave give given never always know take took
        look looks looking put use used using tell told find found keep""".split()),
    "es": set("""a al algo algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas
        ellos en entre era eran es esa esas ese eso esos esta estaba estamos estan está están este esto estos fue fueron
        ha hace hacer han has hasta hay la las le les lo los mas más me mi mis mucho muy más nada ni no nos nosotros o
        otra otro para pero poco por porque que qué quien se sea ser si sí sido sin sobre solo son su sus también tan
        tanto te tengo tiene tienen todo todos tu tus un una uno unos usted ya yo bien mejor hoy mañana gracias
        voy estoy soy así vez ahora siempre tal mismo puedo creo ver menos muchas muchos cosas cosa dos día días
        buen buena buenos buenas aún jaja jajaja jajajaja ir hacer tener quiero sé va vamos""".split()),
    "de": set("""aber alle allem allen aller alles als also am an andere auch auf aus bei bin bis bist da damit dann
        das dass dem den der des dich die dies diese dieser dieses dir doch dort du durch ein eine einem einen einer
        eines er es etwas euch für gegen gibt hat hatte hier ich ihr ihre im in ist ja jetzt kann kein keine man mehr
        mich mir mit muss nach nicht nichts noch nur ob oder ohne schon sehr sein sich sie sind so soll über um und uns
        unser unsere vom von vor war waren was weil wenn wer wie wieder wir wird wo zu zum zur heute morgen gut
        danke mal immer""".split()),
    "fr": set("""au aux avec ce ces cette dans de des du elle en et eux il ils je la le les leur lui ma mais me même
        mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
        votre vous est sont était être avoir fait plus très tout tous bien aussi""".split()),
    "pt": set("""a ao aos as com como da das de do dos e ela ele eles em entre era essa esse esta este eu foi isso
        isto já mais mas me meu minha muito na não nas no nos nós o os ou para pela pelo por que se sem ser seu sua são
        também te tem um uma você está estão muito bem hoje""".split()),
    "it": set("""a al alla alle anche che chi con da dal dei del della delle di e ed gli ha hanno il in io la le lo
        lui ma mi mio ne nel nella non noi per più quando quello questa questo se si sono su sua suo tra tu un una
        uno voi è sono molto bene oggi""".split()),
}
_ALL_STOPWORDS = set().union(*STOPWORDS.values())


def _evaluative_words() -> frozenset[str]:
    """English adjectives of TextBlob's bundled Pattern lexicon: they carry tone, not topic."""
    if not _EVALUATIVE:
        try:
            from textblob.en import sentiment as pattern_lexicon

            _EVALUATIVE.append(frozenset(w for w in pattern_lexicon.keys() if " " not in w))
        except ImportError:  # pragma: no cover - TextBlob is a runtime dependency
            _EVALUATIVE.append(frozenset())
    return _EVALUATIVE[0]


_EVALUATIVE: list[frozenset[str]] = []


def terms(text, language: str | None) -> list[str]:
    """Topic terms of one comment (see module docstring); English drops TextBlob's evaluative words."""
    text = _HANDLE_URL.sub(" ", clean(text)).lower()
    if language == "ja" or _JA_TERM.search(text):
        return list(dict.fromkeys(_JA_TERM.findall(text)))
    stop = STOPWORDS.get(language or "", _ALL_STOPWORDS) | {"http", "https", "user", "amp", "rt"}
    if language in (None, "en"):
        stop = stop | _evaluative_words()
    words = [w.replace("’", "'") for w in _WORD.findall(text)]
    kept = [w if w not in stop else None for w in words]
    pairs = [f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a and b and a != b]
    return list(dict.fromkeys([w for w in kept if w] + pairs))


def _nmf(x, k: int, iterations: int = 200, seed: int = 13):
    import numpy as np

    rng = np.random.default_rng(seed)
    n, m = x.shape
    w = rng.random((n, k)) + 0.1
    h = rng.random((k, m)) + 0.1
    eps = 1e-9
    for _ in range(iterations):
        h *= (w.T @ x) / (w.T @ w @ h + eps)
        w *= (x @ h.T) / (w @ (h @ h.T) + eps)
    return w, h


def emerging_topics(texts: list[str], language: str | None, labels: list[str] | None = None,
                    polarities: list[float | None] | None = None, threshold: int = 8, k: int | None = None,
                    min_docs: int = 3, max_terms: int = 3000) -> list[dict]:
    """Topics of one language's comments: label, terms, count, tone and two distinct quotes."""
    import numpy as np

    texts = [clean(t) for t in texts]
    n = len(texts)
    if n < max(threshold, 2 * min_docs):
        return []
    doc_terms = [terms(t, language) for t in texts]
    df = Counter(t for ts in doc_terms for t in ts)
    vocab = [t for t, c in df.most_common(max_terms) if c >= min_docs and c <= 0.5 * n]
    if len(vocab) < 2:
        return []
    index = {t: j for j, t in enumerate(vocab)}
    x = np.zeros((n, len(vocab)))
    for i, ts in enumerate(doc_terms):
        for t in ts:
            j = index.get(t)
            if j is not None:
                x[i, j] = 1.0 + (0.5 if " " in t else 0.0)  # a shared pair says more than a shared word
    idf = np.log((1 + n) / (1 + np.array([df[t] for t in vocab]))) + 1
    x *= idf
    norms = np.linalg.norm(x, axis=1)
    has_terms = norms > 0
    x[has_terms] /= norms[has_terms, None]
    k = k or max(2, min(10, n // max(threshold, 1) // 3))
    w, h = _nmf(x, k)
    assignment = np.where(has_terms, w.argmax(axis=1), -1)
    topics = []
    for topic in range(k):
        members = np.flatnonzero(assignment == topic)
        if len(members) < threshold:
            continue
        order = np.argsort(-h[topic])
        top = [vocab[j] for j in order[:8] if h[topic, j] > 0]
        label_terms = _label(top)
        quotes, seen = [], set()
        for i in members[np.argsort(-w[members, topic])]:
            key = re.sub(r"\W+", " ", texts[i].lower()).strip()
            if key and key not in seen:
                seen.add(key)
                quotes.append(texts[i][:280])
            if len(quotes) == 2:
                break
        tone = Counter(labels[i] for i in members) if labels else Counter()
        values = [polarities[i] for i in members if polarities and polarities[i] is not None]
        topics.append({"label": " / ".join(label_terms), "terms": top[:6], "comments": int(len(members)),
                       "labels": dict(tone), "mean_polarity": round(float(np.mean(values)), 4) if values else None,
                       "quotes": quotes, "language": language})
    return sorted(topics, key=lambda t: (-t["comments"], t["label"]))


def _label(top: list[str]) -> list[str]:
    """Two heaviest terms, a pair first; words already in the label are not repeated."""
    chosen, used = [], set()
    for term in sorted(top[:4], key=lambda t: (" " not in t, top.index(t))) + top[4:]:
        words = set(term.split())
        if words & used:
            continue
        chosen.append(term)
        used |= words
        if len(chosen) == 2:
            break
    return chosen or top[:1]
