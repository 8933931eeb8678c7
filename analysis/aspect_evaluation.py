"""Evaluation of the tone per theme (``analysis.aspect_tone``) against gold tones per aspect.

Two sets:

* ``analysis/data/eval/partner_aspects.tsv``: 120 partner-style comments (en, es, de, ja), each
  about two themes of opposite tone (written for this project; see ``benchmarks/make_partner_aspects.py``).
  The product's theme tone is compared with the gold tone of each theme, beside the whole comment's
  tone (what a theme got before: one comment, one tone).
* SemEval-2014 Task 4 aspect terms (restaurants, laptops; cached by ``benchmarks/fetch_text_data.py``,
  evaluation only): each aspect term's tone is the tone of the segment containing it, beside the
  tone of the whole sentence from the product, TextBlob and VADER. ``conflict`` aspects are left out.
  Reported for all aspects and for the sentences whose aspects differ in tone ("mixed").
"""
from __future__ import annotations

from pathlib import Path

from .aspect_tone import segments
from .evaluation import _baselines, scores
from .sentiment import CommentScorer
from .text_features import clean

PARTNER_FILE = Path(__file__).parent / "data" / "eval" / "partner_aspects.tsv"


def load_partner_aspects(path: Path = PARTNER_FILE) -> list[tuple[str, str, dict[str, str]]]:
    """(language, comment, {theme: gold tone}) rows."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, text, gold = line.split("\t")
            rows.append((language, text, dict(pair.split("=") for pair in gold.split(";"))))
    return rows


def partner_aspects(scorer: CommentScorer | None = None, path: Path = PARTNER_FILE) -> list[dict]:
    """Rows per language and overall: theme tone vs whole-comment tone against the gold tones."""
    import pandas as pd

    from .comments import score_comments
    from .themes import Taxonomy

    scorer = scorer or CommentScorer()
    rows = load_partner_aspects(path)
    scored = score_comments(pd.Series([r[1] for r in rows]), scorer, Taxonomy.load(),
                            pd.Series([r[0] for r in rows]))
    pairs: dict[str, dict[str, list]] = {}
    for (language, _, gold), (_, result) in zip(rows, scored.iterrows(), strict=True):
        for theme, tone in gold.items():
            own = result["theme_tones"].get(theme)
            for key in (language, "all"):
                bucket = pairs.setdefault(key, {"gold": [], "theme": [], "comment": []})
                bucket["gold"].append(tone)
                bucket["theme"].append(own["label"] if own else "missed")
                bucket["comment"].append(result["label"])
    out = []
    for key, bucket in pairs.items():
        for method in ("theme", "comment"):
            out.append({"data": f"partner aspects {key}", "method": f"product ({method} tone)",
                        **scores(bucket[method], bucket["gold"]),
                        "theme_missed": sum(p == "missed" for p in bucket["theme"])})
    return out


def read_absa(path: Path) -> list[tuple[str, list[tuple[str, int, int, str]]]]:
    """(sentence, [(term, from, to, polarity)]) of a SemEval-2014 Task 4 XML file (no ``conflict``)."""
    import xml.etree.ElementTree as ET  # noqa: N817 - standard alias

    out = []
    tree = ET.parse(path)  # noqa: S314 - a pinned file, checked against its sha256 (text_data.cached)
    for sentence in tree.getroot().iter("sentence"):
        text = sentence.findtext("text") or ""
        terms = [(t.get("term"), int(t.get("from")), int(t.get("to")), t.get("polarity"))
                 for t in sentence.iter("aspectTerm") if t.get("polarity") in ("positive", "negative", "neutral")]
        if terms:
            out.append((text, terms))
    return out


def segment_at(text: str, position: int) -> str:
    """The segment (``aspect_tone.segments``) of ``text`` that covers character ``position``."""
    parts = segments(text, "en")
    cleaned = clean(text)
    start = 0
    for part in parts:
        found = cleaned.find(part, start)
        if found < 0:
            continue
        if found <= position < found + len(part) + 1:
            return part
        start = found + len(part)
    return parts[-1] if parts else cleaned


def absa(path: Path, name: str, scorer: CommentScorer | None = None) -> list[dict]:
    """Aspect-term tone on one SemEval file: segment tone vs whole-sentence tones (see module docstring)."""
    scorer = scorer or CommentScorer()
    sentences = read_absa(path)
    items = [(text, term_from, polarity, segment_at(text, term_from) if clean(text) == text else text)
             for text, terms in sentences for _, term_from, _, polarity in terms]
    mixed_sentences = {text for text, terms in sentences if len({t[3] for t in terms}) > 1}
    whole = {t: s.label for t, s in zip([s for s, _ in sentences],
                                        scorer.score_many([s for s, _ in sentences], ["en"] * len(sentences)),
                                        strict=True)}
    segment_texts = sorted({i[3] for i in items})
    own = dict(zip(segment_texts, [s.label for s in scorer.score_many(segment_texts, ["en"] * len(segment_texts))],
                   strict=True))
    baselines = _baselines()
    base = {m: dict(zip([s for s, _ in sentences], f([s for s, _ in sentences]), strict=True))
            for m, f in baselines.items()}
    out = []
    for subset, keep in (("all", lambda t: True), ("mixed", lambda t: t in mixed_sentences)):
        chosen = [i for i in items if keep(i[0])]
        gold = [i[2] for i in chosen]
        predictions = {"product (segment tone)": [own[i[3]] for i in chosen],
                       "product (sentence tone)": [whole[i[0]] for i in chosen]}
        for method, labels in base.items():
            predictions[f"{method} (sentence tone)"] = [labels[i[0]] for i in chosen]
        for method, pred in predictions.items():
            out.append({"data": f"{name} {subset}", "method": method, **scores(pred, gold)})
    return out
