"""Train the per-language sentiment models (development only: needs scikit-learn).

    .venv/bin/python -m analysis.sentiment_training --umsab /work/shared/data/umsab-sentiment \\
        --sentences /work/shared/data/sentiment-labelled-sentences [--write]

Per language: a multinomial logistic regression (scikit-learn, lbfgs) over hashed word uni/bigrams
and character 2–5-grams (``analysis.text_features.hashed_features``), TF-IDF weighted and
L2-normalised. Fitted on the UMSAB ``train`` split (English also gets TextBlob-lexicon evidence
tokens; the UCI sentences are not used for training: with only positive/negative labels they
pushed factual text away from neutral, so they serve as evaluation data only); en/es/de add the
in-domain neutral sentences of ``analysis/data/neutral_business_train.tsv``; the regularisation
``C`` and per-class decision offsets are chosen on the UMSAB ``val`` split by macro-F1 of the
three labels. Japanese uses the hand-labelled sentences in
``analysis/data/ja_sentiment_labelled.tsv`` (split by a hash of the text). ``--write`` stores the
weights in ``analysis/data/sentiment_models.npz`` with the sha256 of every input file. Data files
are read from the paths given; nothing is copied into the repository.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

from .text_features import BUCKETS, NEGATION_MODES, for_model, hashed_features

UMSAB = Path("/work/shared/data/umsab-sentiment")
SENTENCES = Path("/work/shared/data/sentiment-labelled-sentences")
JA_FILE = Path(__file__).parent / "data" / "ja_sentiment_labelled.tsv"
NEUTRAL_TRAIN_FILE = Path(__file__).parent / "data" / "neutral_business_train.tsv"
UMSAB_LANGUAGES = {"en": "english", "es": "spanish", "de": "german", "fr": "french", "pt": "portuguese",
                   "it": "italian"}
CLASSES = ("negative", "neutral", "positive")
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
JA_SOURCE_WEIGHTS = True
# Spanish (issue 26), chosen by 5-fold cross-validation over the UMSAB es train file and test split
# (folds by sha256(text) % 5; the grid and its scores are in docs/analysis.md): NB-scaled features
# (``nb_scale``, alpha 0.3) and the Portuguese UMSAB train and test tweets at weight 0.25.
# embedding: the weight of the sentence-encoder block (``sentence_encoder.PRODUCT``) beside the n-grams
# (0: none); 1 by cross-validation over the encoders and weights of docs/analysis.md ("Spanish:
# multilingual-e5-small"; ``python -m benchmarks.study_sentence_encoder``).
SPANISH = {"folds": 5, "nb_alpha": 0.3, "extra": {"pt": 0.25}, "negation": "replace", "embedding": 1.0}
NEGATION = {}  # language -> ``text_features.NEGATION_MODES`` entry when not "replace" (Spanish: ``SPANISH``)
LEXICON_COLUMNS = 7  # TextBlob pos / neg / none, business up / down, VADER pos / neg (FeatureBatch.lexicon_counts)
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unescape(line: str) -> str:
    """UMSAB lines carry literal ``\\uXXXX`` escapes (e.g. ``\\u2019``); decode them."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)


def load_umsab(root: Path, language: str, split: str) -> tuple[list[str], list[int], list[Path]]:
    """Texts and labels (0 negative, 1 neutral, 2 positive) of one UMSAB split."""
    folder = root / UMSAB_LANGUAGES[language]
    text_path, label_path = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    texts = [unescape(t) for t in text_path.read_text(encoding="utf-8").splitlines()]
    labels = [int(x) for x in label_path.read_text(encoding="utf-8").split()]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels in {split}")
    return texts, labels, [text_path, label_path]


def is_held_out(text: str) -> bool:
    """The documented split of the UCI sentences and the Japanese set: sha256(text) % 10 < 3."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 10 < 3


def load_sentences(root: Path) -> list[tuple[str, str, int]]:
    """(source, sentence, label 0/2) of the UCI sentiment-labelled sentences."""
    rows = []
    for path in sorted(root.glob("*_labelled.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                text, label = line.rsplit("\t", 1)
                if label.strip() in ("0", "1") and text.strip():
                    rows.append((path.stem.split("_")[0], text.strip(), 2 * int(label)))
    return rows


def load_japanese(path: Path = JA_FILE) -> list[tuple[str, int]]:
    """(text, label) rows of the hand-labelled Japanese file (``label<TAB>text``)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((text.strip(), CLASSES.index(label.strip())))
    return rows


def load_neutral_train(language: str, path: Path = NEUTRAL_TRAIN_FILE) -> list[str]:
    """In-domain neutral training sentences of one language (``language<TAB>text`` lines)."""
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [text.strip() for lang, text in rows if lang == language]


def matrix(texts: list[str], negation: str = "replace"):
    """TF-IDF-ready sparse count matrix (scipy) of the hashed features."""
    import numpy as np
    from scipy.sparse import csr_matrix

    docs, buckets = hashed_features([for_model(t) for t in texts], negation=negation)
    return csr_matrix((np.ones(len(docs)), (docs, buckets)), shape=(len(texts), BUCKETS))


def tfidf(counts, idf):
    """Rows of feature ``counts`` weighted by ``idf`` and divided by the norm the inference computes.

    The norm is ``sqrt(sum(count * idf**2))``: every occurrence of a feature adds its ``idf**2``
    once, which is what ``SentimentModels`` sums per occurrence (``FeatureBatch.sums``). A feature
    repeated within one comment therefore weighs the same in training and at inference.
    """
    import numpy as np

    counts = counts.tocsr()
    norms = np.sqrt(np.asarray(counts @ (idf * idf)).ravel())
    norms[norms == 0] = 1.0
    return counts.multiply(idf).multiply(1.0 / norms[:, None]).tocsr()


def features(texts: list[str], idf, lexicon: bool = False, counts=None, negation: str = "replace",
             embedding: float = 0.0):
    """The training design matrix of ``texts``: the TF-IDF block (all ``BUCKETS`` columns); when
    ``lexicon``, the unnormalised lexicon block after it (``LEXICON_COLUMNS`` columns, computed by
    the inference code itself: ``FeatureBatch.lexicon_counts``); when ``embedding``, the sentence
    encoder's vectors times ``embedding`` after those (``sentence_encoder.active().dimensions`` columns, the
    call the inference makes). ``counts`` is ``matrix(texts)`` when the caller has it already."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    from .feature_batch import FeatureBatch

    x = tfidf(matrix(texts, negation) if counts is None else counts, idf)
    blocks = [x]
    if lexicon:
        lexicon_block = FeatureBatch([for_model(t) for t in texts]).lexicon_counts(np.arange(len(texts)))
        blocks.append(csr_matrix(lexicon_block[:, :LEXICON_COLUMNS]))
    if embedding:
        blocks.append(csr_matrix(embeddings(texts) * embedding))
    return blocks[0] if len(blocks) == 1 else hstack(blocks).tocsr()


_EMBEDDED: dict[tuple[str, str], object] = {}  # (encoder, model text) -> vector: each tweet is encoded once


def embeddings(texts: list[str]):
    """(n, dimensions) vectors of the model text of ``texts`` from the ``sentence_encoder.active``
    encoder (memoised for the run)."""
    import numpy as np

    from . import sentence_encoder

    name = sentence_encoder.active().name
    keys = [(name, for_model(t)) for t in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in _EMBEDDED))
    _EMBEDDED.update(zip(missing, sentence_encoder.encode([text for _, text in missing]), strict=True))
    return np.vstack([_EMBEDDED[key] for key in keys]) if keys else sentence_encoder.encode([])


def _design(texts, labels, lexicon: bool, negation: str = "replace", embedding: float = 0.0):
    """(used buckets, columns, idf, design matrix) of training texts: IDF from their document
    frequencies; the columns are the used buckets, then the lexicon and embedding blocks (if any)."""
    import numpy as np

    from .sentence_encoder import active

    counts = matrix(texts, negation)
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    used = np.flatnonzero(df)
    idf = np.zeros(BUCKETS)
    idf[used] = np.log((1 + len(texts)) / (1 + df[used])) + 1.0
    extra = (LEXICON_COLUMNS if lexicon else 0) + (active().dimensions if embedding else 0)
    columns = np.concatenate([used, BUCKETS + np.arange(extra)])
    x = features(texts, idf, lexicon, counts=counts, negation=negation, embedding=embedding)
    return used, columns, idf, x[:, columns]


def nb_scale(x, y, alpha: float, tfidf_columns: int):
    """Per-column scale of the NB-weighted features (Wang & Manning 2012): for each class, the log ratio
    of a column's (``alpha``-smoothed) share of that class's TF-IDF mass to its share of the other
    classes'; the scale is the largest absolute ratio over the three classes. Columns past
    ``tfidf_columns`` (the lexicon block) keep 1. Training only: the model's weights are multiplied
    by it (``_fit``), so inference is unchanged."""
    import numpy as np

    y = np.asarray(y)
    ratios = []
    for k in range(3):
        p = alpha + np.asarray(x[y == k].sum(axis=0)).ravel()[:tfidf_columns]
        q = alpha + np.asarray(x[y != k].sum(axis=0)).ravel()[:tfidf_columns]
        ratios.append(np.abs(np.log((p / p.sum()) / (q / q.sum()))))
    return np.concatenate([np.max(ratios, axis=0), np.ones(x.shape[1] - tfidf_columns)])


def _fit(x, y, c: float, weights=None, scale=None, class_weight="balanced"):
    """(coefficients (columns × 3), intercept) of a multinomial logistic regression on ``x`` with its
    columns multiplied by ``scale`` (when given), folded back so that they apply to ``x`` itself."""
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight)
    model.fit(x if scale is None else x @ diags(scale), y, sample_weight=weights)
    coef = model.coef_.T if scale is None else model.coef_.T * scale[:, None]
    return coef, model.intercept_


def _log_proba(x, coef, intercept):
    """Log-probabilities of the three classes: log-softmax of ``x @ coef + intercept``."""
    import numpy as np

    z = np.asarray(x @ coef) + intercept
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _model_arrays(used, idf, coef, intercept, offsets, lexicon: bool, embedding: float = 0.0) -> dict:
    """The stored arrays of one language's model; the embedding block's weights carry its scale, so
    inference multiplies the encoder's vectors by them directly."""
    import numpy as np

    lexicon_end = len(used) + (LEXICON_COLUMNS if lexicon else 0)
    none = np.zeros((0, 3), dtype=np.float32)
    return {"buckets": used.astype(np.int32), "idf": idf[used].astype(np.float32),
            "weights": coef[:len(used)].astype(np.float32), "bias": np.asarray(intercept, dtype=np.float32),
            "lexicon": coef[len(used):lexicon_end].astype(np.float32) if lexicon else none,
            "embedding": (coef[lexicon_end:] * embedding).astype(np.float32) if embedding else none,
            "offsets": np.asarray(offsets, dtype=np.float32)}


def fit_language(train_texts, train_labels, val_texts, val_labels, c_grid=C_GRID, lexicon: bool = False,
                 class_weight="balanced", val_groups=None, refit: bool = True, max_offset: float = 1.5,
                 min_recall: float = 0.0, train_weights=None, val_weights=None, negation: str = "replace") -> dict:
    """Fit on train, choose C and the class offsets on validation (the mean macro-F1 over
    ``val_groups`` when given, so a large set does not drown a small one), then, with ``refit``,
    fit once more on train + validation with the chosen C (offsets kept); returns the model arrays
    and the settings."""
    import numpy as np

    used, columns, idf, xt = _design(train_texts, train_labels, lexicon, negation)
    xv = features(val_texts, idf, lexicon, negation=negation)[:, columns]
    y_train, y_val = np.asarray(train_labels), np.asarray(val_labels)
    groups = np.asarray(val_groups if val_groups is not None else [0] * len(val_labels))
    best = None
    for c in c_grid:
        coef, intercept = _fit(xt, y_train, c, train_weights, class_weight=class_weight)
        offsets, f1, objective = choose_offsets(_log_proba(xv, coef, intercept), y_val, groups, max_offset,
                                                min_recall)
        print(f"  C={c}: validation macro-F1 {f1:.4f} (objective {objective:.4f}) offsets {offsets}", flush=True)
        if best is None or objective > best["objective"]:
            best = {"C": c, "val_macro_f1": f1, "objective": objective, "offsets": offsets, "fit": (coef, intercept)}
    coef, intercept = best["fit"]
    if refit:
        used, columns, idf, x_all = _design(list(train_texts) + list(val_texts), list(train_labels) + list(val_labels),
                                            lexicon, negation)
        weights = None if train_weights is None else np.concatenate([train_weights, val_weights])
        coef, intercept = _fit(x_all, np.concatenate([y_train, y_val]), best["C"], weights, class_weight=class_weight)
    return {**_model_arrays(used, idf, coef, intercept, best["offsets"], lexicon),
            "settings": {"C": best["C"], "val_macro_f1": round(best["val_macro_f1"], 4),
                         "offsets": [round(float(o), 3) for o in best["offsets"]], "train_size": len(train_texts),
                         "val_size": len(val_texts), "refit_on_train_and_validation": refit,
                         "max_offset": max_offset, "min_recall": min_recall,
                         "features": int(len(used)), "lexicon": lexicon, "negation": negation}}


def cross_fit_language(texts, labels, fixed_texts=(), fixed_labels=(), fixed_weights=(), folds: int = 5,
                       c_grid=C_GRID, nb_alpha: float = 0.0, max_offset: float = 1.5,
                       min_recall: float = 0.0, negation: str = "replace", embedding: float = 0.0) -> dict:
    """Choose C and the class offsets by ``folds``-fold cross-validation over ``texts`` (fold
    ``sha256(text) % folds``; the ``fixed`` rows, e.g. another language's tweets, train in every fold
    and are never predicted): the offsets maximise the macro-F1 of the pooled out-of-fold predictions
    (less the recall shortfall, as in ``choose_offsets``). Then fit on everything with that C. With
    ``nb_alpha`` the features are NB-scaled (``nb_scale``) in every fit; with ``embedding`` the
    sentence encoder's vectors, times ``embedding``, are features too. Returns what ``fit_language``
    returns."""
    import numpy as np

    fold = np.array([int(hashlib.sha256(t.encode("utf-8", "replace")).hexdigest(), 16) % folds for t in texts])
    y, fixed_y = np.asarray(labels), list(fixed_labels)
    weights = np.concatenate([np.ones(len(texts)), np.asarray(fixed_weights, dtype=float)])

    def design(rows):
        train_texts = [texts[i] for i in rows] + list(fixed_texts)
        train_y = np.concatenate([y[rows], fixed_y]).astype(int)
        used, columns, idf, x = _design(train_texts, train_y, False, negation, embedding)
        scale = nb_scale(x, train_y, nb_alpha, len(used)) if nb_alpha else None
        return used, columns, idf, x, train_y, scale

    parts = []
    for f in range(folds):
        rows, held = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        used, columns, idf, x, train_y, scale = design(rows)
        parts.append((held, x, train_y, scale, np.concatenate([weights[rows], weights[len(texts):]]),
                      features([texts[i] for i in held], idf, negation=negation, embedding=embedding)[:, columns]))
    best = None
    for c in c_grid:
        oof = np.zeros((len(texts), 3))
        for held, x, train_y, scale, w, x_held in parts:
            oof[held] = _log_proba(x_held, *_fit(x, train_y, c, w, scale))
        offsets, f1, objective = choose_offsets(oof, y, None, max_offset, min_recall)
        print(f"  C={c}: cross-validated macro-F1 {f1:.4f} (objective {objective:.4f}) offsets {offsets}", flush=True)
        if best is None or objective > best["objective"]:
            best = {"C": c, "val_macro_f1": f1, "objective": objective, "offsets": offsets}
    used, columns, idf, x, train_y, scale = design(np.arange(len(texts)))
    coef, intercept = _fit(x, train_y, best["C"], weights, scale)
    return {**_model_arrays(used, idf, coef, intercept, best["offsets"], False, embedding),
            "settings": {"C": best["C"], "val_macro_f1": round(best["val_macro_f1"], 4),
                         "offsets": [round(float(o), 3) for o in best["offsets"]], "train_size": len(texts),
                         "fixed_train_size": len(fixed_texts), "cv_folds": folds, "nb_alpha": nb_alpha,
                         "refit_on_train_and_validation": True, "max_offset": max_offset,
                         "min_recall": min_recall, "features": int(len(used)), "lexicon": False,
                         "negation": negation, **_encoder_setting(embedding)}}


def _encoder_setting(embedding: float) -> dict:
    """The model file's record of the sentence encoder a language's model uses (none: empty)."""
    from . import sentence_encoder

    if not embedding:
        return {}
    encoder = sentence_encoder.active()
    return {"sentence_encoder": {"name": encoder.name, "package": encoder.package,
                                 "dimensions": encoder.dimensions, "scale": embedding}}


def macro_f1(pred, gold) -> float:
    """Macro-F1 over the three classes."""
    scores = []
    for k in range(3):
        tp = sum(1 for p, g in zip(pred, gold, strict=True) if p == k and g == k)
        fp = sum(1 for p, g in zip(pred, gold, strict=True) if p == k and g != k)
        fn = sum(1 for p, g in zip(pred, gold, strict=True) if p != k and g == k)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / 3


def choose_offsets(log_p, gold, groups=None, limit: float = 1.5,
                   min_recall: float = 0.0) -> tuple[list[float], float, float]:
    """Per-class additive offsets (negative and positive vs neutral) that maximise validation macro-F1
    (the mean over ``groups`` when given). With ``min_recall``, every class's recall below it in any
    three-class group is subtracted from that score (a two-class set such as the review sentences
    cannot say how much neutral is right), so a class is not given up for a
    slightly higher mean: the product promises a recall per class, not only a macro-F1. Returns the
    offsets, the plain score at them and the score less the recall shortfall (what was maximised)."""
    import numpy as np

    gold = np.asarray(gold)
    groups = np.zeros(len(gold), dtype=int) if groups is None else np.asarray(groups)
    members = [groups == g for g in np.unique(groups)]
    three_class = [m for m in members if len(np.unique(gold[m])) == 3]

    def score(pred):
        return float(np.mean([fast_macro_f1(pred[m], gold[m]) for m in members]))

    def shortfall(pred):
        short = 0.0
        for m in three_class:
            for k in range(3):
                short += max(0.0, min_recall - float(np.sum((pred[m] == k) & (gold[m] == k)))
                             / int(np.sum(gold[m] == k)))
        return short

    grid = np.arange(-limit, limit + 0.01, 0.25)
    pred = log_p.argmax(axis=1)
    best = ([0.0, 0.0, 0.0], score(pred), score(pred) - shortfall(pred))
    for neg in grid:
        for pos in grid:
            pred = (log_p + np.array([neg, 0.0, pos])).argmax(axis=1)
            f1 = score(pred)
            objective = f1 - shortfall(pred) if min_recall else f1
            if objective > best[2] + 1e-9:
                best = ([float(neg), 0.0, float(pos)], f1, objective)
    return best


def fast_macro_f1(pred, gold) -> float:
    """``macro_f1`` for numpy arrays."""
    import numpy as np

    scores = []
    for k in range(3):
        tp = int(np.sum((pred == k) & (gold == k)))
        wrong = int(np.sum((pred == k) != (gold == k)))
        scores.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return sum(scores) / 3


def split_train_dev(texts: list[str], labels: list[int]) -> tuple[tuple[list, list], tuple[list, list]]:
    """The documented development split of a training file: ``sha256(text) % 10`` 0–7 train, 8–9 dev."""
    from .text_data import bucket

    dev = [bucket(t) >= 8 for t in texts]
    train_rows = [i for i, d in enumerate(dev) if not d]
    dev_rows = [i for i, d in enumerate(dev) if d]
    return (([texts[i] for i in train_rows], [labels[i] for i in train_rows]),
            ([texts[i] for i in dev_rows], [labels[i] for i in dev_rows]))


def train(umsab: Path = UMSAB, sentences: Path = SENTENCES, languages=None, c_grid=C_GRID,
          max_offset: float = 1.5, min_recall: float = 0.0, negation: str | None = None) -> tuple[dict, dict]:
    """Models per language and the metadata (settings, data sha256) to store beside them.

    Every set the evaluation reports is held out: the UMSAB ``val`` splits, the Twitter Financial News
    ``valid`` file, the Financial PhraseBank, the UCI sentences with ``sha256(text) % 10`` 0–7 and the
    held-out Japanese sentences. Settings are chosen on a development part of the *training* files
    (``split_train_dev``); Spanish by cross-validation over its train file and the UMSAB test split
    (``_fit_spanish``; ``text_data.umsab_test`` must be cached); English also on the UCI sentences with
    ``sha256(text) % 10`` 8–9 (review language; positive/negative only; never trained on), each
    development set weighing the same.
    """
    from . import text_data

    languages = languages or [*UMSAB_LANGUAGES, "ja"]
    models, meta = {}, {"format": "pulse.sentiment-models/2", "classes": list(CLASSES), "buckets": BUCKETS,
                        "lexicon_columns": LEXICON_COLUMNS, "languages": {}}
    for language in languages:
        groups, weights = None, (None, None)
        if language == "ja":
            rows = [r for r in load_japanese() if not is_held_out(r[0])]
            (texts, labels), (dev_texts, dev_labels) = split_train_dev([r[0] for r in rows], [r[1] for r in rows])
            sources = {"analysis/data/ja_sentiment_labelled.tsv": sha256_of(JA_FILE)}
            if text_data.chabsa("train") is not None:  # annual-report sentences, split by report
                (report_texts, report_labels), report_dev = text_data.chabsa("train"), text_data.chabsa("dev")
                groups = [0] * len(dev_texts) + [1] * len(report_dev[0])
                if JA_SOURCE_WEIGHTS:  # each source weighs the same in total: comments are not reports
                    weights = ([len(report_texts) / len(texts)] * len(texts) + [1.0] * len(report_texts),
                               [len(report_dev[0]) / len(dev_texts)] * len(dev_texts) + [1.0] * len(report_dev[0]))
                texts, labels = texts + report_texts, labels + report_labels
                dev_texts, dev_labels = dev_texts + report_dev[0], dev_labels + report_dev[1]
                chabsa = text_data.CHABSA
                sources[f"github:{chabsa['repo']}@{chabsa['commit']}:{chabsa['path']} -> {chabsa['file']}"] = \
                    chabsa["sha256"]
        else:
            all_texts, all_labels, paths = load_umsab(umsab, language, "train")
            sources = {str(p): sha256_of(p) for p in paths}
            neutral = load_neutral_train(language)
            if neutral:
                sources["analysis/data/neutral_business_train.tsv"] = sha256_of(NEUTRAL_TRAIN_FILE)
            if language == "es":  # cross-validated over train + the UMSAB test split (``SPANISH``)
                fitted = _fit_spanish(umsab, all_texts, all_labels, neutral, sources, max_offset, min_recall, c_grid,
                                      negation)
                models[language] = fitted
                meta["languages"][language] = {**fitted["settings"], "sources": sources}
                print(language, json.dumps(fitted["settings"]), flush=True)
                continue
            (texts, labels), (dev_texts, dev_labels) = split_train_dev(all_texts, all_labels)
            texts, labels = texts + neutral, labels + [1] * len(neutral)
            if language == "en" and text_data.tfn("train") is not None:
                tfn_train, tfn_dev = text_data.tfn("train"), text_data.tfn("dev")
                groups = [0] * len(dev_texts) + [1] * len(tfn_dev[0])
                texts, labels = texts + tfn_train[0], labels + tfn_train[1]
                dev_texts, dev_labels = dev_texts + tfn_dev[0], dev_labels + tfn_dev[1]
                source = text_data.SOURCES["tfn_train"]
                sources[f"github:{source.repo}@{source.commit}:{source.path}"] = source.sha256
            if language == "en" and sentences.exists():  # review sentences: development part only
                reviews = [r for r in load_sentences(sentences) if text_data.bucket(r[1]) >= 8]
                groups = (groups or [0] * len(dev_texts)) + [2] * len(reviews)
                dev_texts, dev_labels = dev_texts + [r[1] for r in reviews], dev_labels + [r[2] for r in reviews]
                sources.update({str(p): sha256_of(p) for p in sorted(sentences.glob("*_labelled.txt"))})
        fitted = fit_language(texts, labels, dev_texts, dev_labels, c_grid=c_grid, lexicon=language == "en",
                              val_groups=groups, max_offset=max_offset, min_recall=min_recall,
                              train_weights=weights[0], val_weights=weights[1],
                              negation=negation or NEGATION.get(language, "replace"))
        models[language] = fitted
        meta["languages"][language] = {**fitted["settings"], "sources": sources}
        print(language, json.dumps(fitted["settings"]), flush=True)
    return models, meta


def _fit_spanish(umsab: Path, texts, labels, neutral, sources: dict, max_offset: float, min_recall: float,
                 c_grid=C_GRID, negation: str | None = None, embedding: float | None = None) -> dict:
    """The Spanish model (``SPANISH``): C and offsets by cross-validation over the UMSAB es train file
    and test split; the rows of ``spanish_fixed_rows`` train in every fold. Adds every file read to
    ``sources``."""
    dev_texts, dev_labels = _umsab_test("es", sources)
    fixed_texts, fixed_labels, fixed_weights = spanish_fixed_rows(umsab, neutral, sources)
    fitted = cross_fit_language(list(texts) + dev_texts, list(labels) + dev_labels, fixed_texts, fixed_labels,
                                fixed_weights, SPANISH["folds"], c_grid, SPANISH["nb_alpha"], max_offset, min_recall,
                                negation or SPANISH["negation"],
                                SPANISH["embedding"] if embedding is None else embedding)
    fitted["settings"]["extra_tweets"] = SPANISH["extra"]
    return fitted


def spanish_fixed_rows(umsab: Path, neutral: list[str], sources: dict) -> tuple[list, list, list]:
    """(texts, labels, weights) every Spanish fit trains on beside its own tweets: the in-domain neutral
    sentences (weight 1) and the extra languages' tweets, their train files and UMSAB test splits at
    their ``SPANISH["extra"]`` weight. Adds every file read to ``sources``."""
    texts, labels, weights = list(neutral), [1] * len(neutral), [1.0] * len(neutral)
    for language, weight in SPANISH["extra"].items():
        extra_texts, extra_labels, paths = load_umsab(umsab, language, "train")
        sources.update({str(p): sha256_of(p) for p in paths})
        test_texts, test_labels = _umsab_test(language, sources)
        texts += extra_texts + test_texts
        labels += extra_labels + test_labels
        weights += [weight] * (len(extra_texts) + len(test_texts))
    return texts, labels, weights


def _umsab_test(language: str, sources: dict) -> tuple[list[str], list[int]]:
    """The cached UMSAB test split of ``language`` (``text_data.umsab_test``), its files added to ``sources``."""
    from . import text_data

    data = text_data.umsab_test(language)
    if data is None:
        raise SystemExit(f"the UMSAB {language} test split is not cached: run python -m benchmarks.fetch_text_data")
    for part in ("text", "labels"):
        source = text_data.SOURCES[f"umsab_test_{language}_{part}"]
        sources[f"github:{source.repo}@{source.commit}:{source.path}"] = source.sha256
    return data


def write(models: dict, meta: dict, path: Path) -> None:
    """Store the weights (float16) and metadata in one compressed npz; languages not retrained in
    this run are kept from the existing file."""
    import numpy as np

    arrays = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as old:
            old_meta = json.loads(bytes(old["meta"]).decode("utf-8"))
            for language, info in old_meta["languages"].items():
                if language not in models:
                    meta["languages"][language] = info
                    arrays.update({k: old[k] for k in old.files if k.startswith(f"{language}.")})
                    if f"{language}.bucket_gaps" in arrays:  # compact form: back to bucket numbers
                        arrays[f"{language}.buckets"] = np.cumsum(arrays.pop(f"{language}.bucket_gaps")
                                                                  .astype(np.int64)).astype(np.int32)
    for language, fitted in models.items():
        arrays[f"{language}.buckets"] = fitted["buckets"]
        arrays[f"{language}.idf"] = fitted["idf"].astype(np.float16)
        arrays[f"{language}.weights"] = fitted["weights"].astype(np.float16)
        arrays[f"{language}.bias"] = fitted["bias"]
        arrays[f"{language}.offsets"] = fitted["offsets"]
        arrays[f"{language}.lexicon"] = fitted["lexicon"]
        arrays[f"{language}.embedding"] = fitted.get("embedding", np.zeros((0, 3), dtype=np.float32))
    arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(path, **compact(arrays))


def compact(arrays: dict) -> dict:
    """The stored form of the model arrays (about 2 MB for seven languages instead of 4.5): weights as
    int8 with one float32 scale per class (``<language>.scale``; ``weights * scale`` restores them to
    within half a step), bucket numbers as uint32 gaps (``<language>.bucket_gaps``; their running sum
    restores them). Arrays already in that form are kept."""
    import numpy as np

    out = dict(arrays)
    for key in [k for k in arrays if k.endswith(".weights")]:
        language = key[:-len(".weights")]
        if arrays[key].dtype != np.int8:
            weights = arrays[key].astype(np.float32)
            scale = np.abs(weights).max(axis=0) / 127.0
            scale[scale == 0] = 1.0
            out[key] = np.round(weights / scale).astype(np.int8)
            out[f"{language}.scale"] = scale.astype(np.float32)
        if f"{language}.buckets" in arrays:
            buckets = out.pop(f"{language}.buckets").astype(np.int64)
            out[f"{language}.bucket_gaps"] = np.diff(buckets, prepend=0).astype(np.uint32)
    return out


def train_language_detector(umsab: Path = UMSAB, priors=(0.0, 2.0, 4.0, 6.0, 8.0, 12.0)) -> tuple[dict, dict]:
    """Naive Bayes over hashed character 1–4-grams of the UMSAB training tweets per Latin language.

    The form-language prior (nats) is chosen on the validation tweets: each validation tweet is
    detected once with its own language as the form language and once with every other one, and the
    prior with the best mean accuracy over both cases wins.
    """
    import numpy as np

    from .language import LATIN_LANGUAGES

    languages = list(LATIN_LANGUAGES)
    counts = np.zeros((BUCKETS, len(languages)))
    sources = {}
    for k, language in enumerate(languages):
        texts, _, paths = load_umsab(umsab, language, "train")
        sources.update({str(p): sha256_of(p) for p in paths})
        _, buckets = hashed_features([for_model(t) for t in texts], words=False, low=1, high=4)
        counts[:, k] = np.bincount(buckets, minlength=BUCKETS)
    alpha = 0.1
    totals = counts.sum(axis=0) + alpha * BUCKETS
    used = np.flatnonzero(counts.sum(axis=1))
    log_p = np.log((counts[used] + alpha) / totals)
    unseen = np.log(alpha / totals)
    table = np.tile(unseen, (BUCKETS, 1))
    table[used] = log_p
    val = [(for_model(t), language) for language in languages for t in load_umsab(umsab, language, "val")[0]]
    docs, buckets = hashed_features([t for t, _ in val], words=False, low=1, high=4)
    rows = table[buckets]
    scores = np.stack([np.bincount(docs, weights=rows[:, k], minlength=len(val)) for k in range(len(languages))],
                      axis=1)
    gold = np.array([languages.index(lang) for _, lang in val])
    results = {}
    for prior in priors:
        same = (scores + prior * np.eye(len(languages))[gold]).argmax(axis=1) == gold
        other = [((scores + prior * np.eye(len(languages))[h]).argmax(axis=1) == gold)[gold != h].mean()
                 for h in range(len(languages))]
        results[prior] = (float(same.mean()), float(np.mean(other)))
    best = max(priors, key=lambda p: sum(results[p]))
    meta = {"format": "pulse.language-model/1", "languages": languages, "hint_prior": best, "alpha": alpha,
            "ngrams": "char 1-4 (hashed)", "sources": sources,
            "validation": {str(p): {"form_language_right": round(a, 4), "form_language_wrong": round(b, 4)}
                           for p, (a, b) in results.items()}}
    print("language", json.dumps(meta["validation"]), "prior", best)
    return {"buckets": used.astype(np.int32), "log_p": log_p.astype(np.float16),
            "unseen": unseen.astype(np.float32)}, meta


def write_language(arrays: dict, meta: dict, path: Path) -> None:
    """Store the detector tables and metadata in one compressed npz."""
    import numpy as np

    np.savez_compressed(path, **arrays,
                        meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8))


def main(argv=None) -> None:
    """Command line: train, print the validation scores, optionally write the model file."""
    from .sentiment import MODELS_FILE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--umsab", type=Path, default=UMSAB)
    parser.add_argument("--sentences", type=Path, default=SENTENCES)
    parser.add_argument("--languages", default=None, help="comma-separated subset, e.g. en,es")
    parser.add_argument("--write", action="store_true", help=f"write {MODELS_FILE}")
    parser.add_argument("--c-grid", default=None, help=f"comma-separated C values (default {C_GRID})")
    parser.add_argument("--negation", default=None, choices=NEGATION_MODES,
                        help="negation marks for the languages trained (default: SPANISH / NEGATION, else replace)")
    parser.add_argument("--skip-language-model", action="store_true", help="keep the language detector as is")
    parser.add_argument("--max-offset", type=float, default=1.5, help="largest class offset tried (nats)")
    parser.add_argument("--min-recall", type=float, default=0.0,
                        help="recall every class should reach on development; shortfalls count against a setting")
    args = parser.parse_args(argv)
    from .language import LANGUAGE_FILE

    if not args.skip_language_model:
        arrays, language_meta = train_language_detector(args.umsab)
        if args.write:
            write_language(arrays, language_meta, LANGUAGE_FILE)
    c_grid = tuple(float(c) for c in args.c_grid.split(",")) if args.c_grid else C_GRID
    models, meta = train(args.umsab, args.sentences, args.languages.split(",") if args.languages else None, c_grid,
                         args.max_offset, args.min_recall, args.negation)
    if args.write:
        write(models, meta, MODELS_FILE)
        print(f"wrote {MODELS_FILE} ({MODELS_FILE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
