"""Evaluation of what the product outputs: the three labels, per language, beside TextBlob and VADER.

Data (read from paths, never copied; every set is held out: nothing here trains a model or chooses
a setting, see ``analysis.sentiment_training.train``): the UMSAB validation splits (three classes,
tweets; settings are chosen on a development part of the *train* splits), the Twitter Financial News
``valid`` file and the Financial PhraseBank (``analysis.text_data``, when cached), the UCI
sentences with ``sha256(text) % 10`` 0–7 (positive/negative only; 8–9 help choose the English
settings), the held-out part of the hand-labelled Japanese sentences, and
``analysis/data/neutral_business.txt`` (factual business statements written for this check, which
should come out neutral). ``--slices DIR`` evaluates only the checked-in slices
(``analysis/data/eval/*.<language>.tsv``), whose published figures are in ``published.json``.

Every text goes through the product path (``CommentScorer.score_many`` with the data set's language
as the form language), so language routing is part of the score: a ``not_scored`` comment counts as
wrong. Baselines in the same run: plain TextBlob (polarity > 0.1 positive, < −0.1 negative) and VADER
(compound ≥ 0.05 positive, ≤ −0.05 negative; VADER is a development dependency).

    .venv/bin/pulse text evaluate [--umsab DIR] [--sentences DIR] [--slices DIR] [--aspects] [--json]
"""
from __future__ import annotations

from pathlib import Path

from .sentiment import LABELS, NOT_SCORED, CommentScorer, plain_label
from .sentiment_training import (
    SENTENCES,
    UMSAB,
    UMSAB_LANGUAGES,
    is_held_out,
    load_japanese,
    load_sentences,
    load_umsab,
)

NEUTRAL_FILE = Path(__file__).parent / "data" / "neutral_business.txt"
SLICES = Path(__file__).parent / "data" / "eval"
PUBLISHED = SLICES / "published.json"
METHODS = ("product", "textblob", "vader")


def scores(pred: list[str], gold: list[str]) -> dict:
    """Macro-F1 over the three labels, recall per class, accuracy and the not-scored share."""
    out = {"n": len(gold)}
    f1s = []
    for label in LABELS:
        tp = sum(1 for p, g in zip(pred, gold, strict=True) if p == label and g == label)
        fp = sum(1 for p, g in zip(pred, gold, strict=True) if p == label and g != label)
        fn = sum(1 for p, g in zip(pred, gold, strict=True) if p != label and g == label)
        support = tp + fn
        out[f"recall_{label}"] = round(tp / support, 4) if support else None
        if support:
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    out["macro_f1"] = round(sum(f1s) / len(f1s), 4) if f1s else None
    out["accuracy"] = round(sum(p == g for p, g in zip(pred, gold, strict=True)) / len(gold), 4) if gold else None
    out["not_scored"] = round(sum(p == NOT_SCORED for p in pred) / len(pred), 4) if pred else None
    return out


def _baselines():
    from textblob.en import sentiment as pattern_sentiment

    def textblob(texts):
        return [plain_label(pattern_sentiment(t)[0]) for t in texts]

    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # reference only
        return {"textblob": textblob}
    analyzer = SentimentIntensityAnalyzer()

    def vader(texts):
        out = []
        for t in texts:
            c = analyzer.polarity_scores(t)["compound"]
            out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
        return out

    return {"textblob": textblob, "vader": vader}


def slice_sets(folder: Path = SLICES) -> list[tuple[str, str, list[str], list[str]]]:
    """The checked-in evaluation slices: ``<name>.<language>.tsv`` files of ``label<TAB>text`` lines."""
    from .text_data import read_slice

    sets = []
    for path in sorted(folder.glob("*.*.tsv")):
        name, language = path.name[:-len(".tsv")].rsplit(".", 1)
        texts, labels = read_slice(path)
        sets.append((f"slice {name}", language, texts, labels))
    return sets


def data_sets(umsab: Path = UMSAB, sentences: Path = SENTENCES) -> list[tuple[str, str, list[str], list[str]]]:
    """(name, language, texts, gold labels) of every evaluation set available."""
    from . import text_data

    sets = []
    for language in UMSAB_LANGUAGES:
        if (umsab / UMSAB_LANGUAGES[language]).exists():
            texts, labels, _ = load_umsab(umsab, language, "val")
            sets.append((f"UMSAB val {language}", language, texts, [LABELS[k] for k in labels]))
    for name, data in (("Twitter Financial News test en", text_data.tfn("test")),
                       ("Financial PhraseBank en (not trained on)", text_data.fpb())):
        if data is not None:
            sets.append((name, "en", data[0], [LABELS[k] for k in data[1]]))
    chabsa = text_data.chabsa("test")
    if chabsa is not None:
        sets.append(("chABSA ja (annual reports, held-out reports)", "ja", chabsa[0], [LABELS[k] for k in chabsa[1]]))
    rows = [r for r in load_japanese() if is_held_out(r[0])]
    sets.append(("hand-labelled ja (held out)", "ja", [r[0] for r in rows], [LABELS[r[1]] for r in rows]))
    if sentences.exists():  # buckets 8-9 help choose the English settings: only 0-7 are evaluated
        rows = [r for r in load_sentences(sentences) if text_data.bucket(r[1]) < 8]
        sets.append(("UCI sentences en (2-class, held-out part)", "en", [r[1] for r in rows],
                     [LABELS[r[2]] for r in rows]))
    neutral = [line.strip() for line in NEUTRAL_FILE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    sets.append(("neutral business statements en", "en", neutral, ["neutral"] * len(neutral)))
    return sets


def evaluate(umsab: Path = UMSAB, sentences: Path = SENTENCES, slices: Path | None = None) -> list[dict]:
    """One row per data set and method (see module docstring); with ``slices``, only the checked-in
    slices of that folder."""
    scorer = CommentScorer()
    baselines = _baselines()
    rows = []
    for name, language, texts, gold in (slice_sets(slices) if slices else data_sets(umsab, sentences)):
        predictions = {"product": [s.label for s in scorer.score_many(texts, [language] * len(texts))]}
        for method, predict in baselines.items():
            predictions[method] = predict(texts)
        for method in METHODS:
            if method in predictions:
                rows.append({"data": name, "language": language, "method": method,
                             **scores(predictions[method], gold)})
    return rows


def format_table(rows: list[dict]) -> str:
    """Markdown table of the evaluation rows."""
    def cell(value):
        return "–" if value is None else f"{value:.3f}"

    lines = ["| data | method | n | macro-F1 | recall neg | recall neu | recall pos | not scored |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['data']} | {r['method']} | {r['n']} | {cell(r['macro_f1'])} | "
                     f"{cell(r['recall_negative'])} | {cell(r['recall_neutral'])} | {cell(r['recall_positive'])} | "
                     f"{cell(r['not_scored'])} |")
    return "\n".join(lines)


THEME_SAMPLE = Path(__file__).parent / "data" / "theme_precision_sample.tsv"


def theme_precision(umsab: Path = UMSAB, sentences: Path = SENTENCES, taxonomy=None) -> dict:
    """Precision (and misses) of the theme matcher on the hand-judged sample.

    Texts are re-read from the data folders by index; a match the current taxonomy makes that
    differs from the judged one is counted as ``unjudged`` (re-judge after changing phrases).
    """
    from .themes import Taxonomy

    taxonomy = taxonomy or Taxonomy.load()
    cache: dict[tuple, list[str]] = {}

    def text_of(source, language, split, index):
        key = (source, language, split)
        if key not in cache:
            if source == "umsab":
                cache[key] = load_umsab(umsab, language, split)[0]
            else:
                cache[key] = [r[1] for r in load_sentences(sentences)]
        return cache[key][index]

    judged = right = unjudged = missed = negatives = 0
    per_theme: dict[str, list[int]] = {}
    for line in THEME_SAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, language, split, index, themes, verdict = line.split("\t")
        if source == "umsab" and not (umsab / UMSAB_LANGUAGES[language]).exists():
            continue
        if source == "uci" and not sentences.exists():
            continue
        now = ",".join(taxonomy.match(text_of(source, language, split, int(index)), language)) or "-"
        if now != themes:
            unjudged += 1
            continue
        if themes == "-":
            negatives += 1
            missed += verdict.startswith("missed")
            continue
        judged += 1
        right += verdict == "right"
        for theme in themes.split(","):
            per_theme.setdefault(theme, [0, 0])
            per_theme[theme][0] += verdict == "right"
            per_theme[theme][1] += 1
    return {"sample": judged + negatives + unjudged, "matched": judged, "right": right,
            "precision": round(right / judged, 4) if judged else None,
            "per_theme": {t: {"right": r, "matched": n} for t, (r, n) in sorted(per_theme.items())},
            "not_matched": negatives, "missed": missed, "unjudged": unjudged}
