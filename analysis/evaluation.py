"""Sentiment evaluation on the UCI "Sentiment Labelled Sentences" data (and model training).

Split: a sentence is held out when int(sha256(sentence), 16) % 10 < 3 (about 30%), otherwise it
is training data; the split depends only on the text, so it is reproducible and never mixes.
The data set has no neutral sentences, so accuracy is measured on the positive/negative decision:

* plain TextBlob: polarity > 0 is positive;
* VADER (reference only, dev dependency): compound > 0 is positive;
* project: P(positive) >= 0.5 from the full labelling (model trained on the training part only,
  contrast handling, domain lexicon); ``project_model_only`` leaves out contrast and lexicon.

Run ``python -m analysis.evaluation --data DIR [--write-model]``; ``--write-model`` stores the
model trained on the training part in analysis/data/sentiment_model.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path

from .sentiment import MODEL_FILE, SentimentModel, TextBlobScorer, dense_features, textblob_score, tokens

DEFAULT_DATA = Path("/work/shared/data/sentiment-labelled-sentences")
MIN_COUNT, L2 = 2, 1.0


def load_sentences(directory: Path) -> list[tuple[str, str, int]]:
    """(source, sentence, label) for every ``*_labelled.txt`` line ``sentence<TAB>label``."""
    rows = []
    for path in sorted(directory.glob("*_labelled.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                text, label = line.rsplit("\t", 1)
                if label.strip() in ("0", "1") and text.strip():
                    rows.append((path.stem.split("_")[0], text.strip(), int(label)))
    return rows


def is_held_out(text: str) -> bool:
    """The documented split: ~30% of sentences, chosen by the SHA-256 of the text."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 10 < 3


def split(rows):
    train = [r for r in rows if not is_held_out(r[1])]
    test = [r for r in rows if is_held_out(r[1])]
    return train, test


def model_probability(model: SentimentModel, text: str) -> float:
    polarity, subjectivity, assessments = textblob_score(text)
    z, _ = model.logit(dense_features(polarity, subjectivity, assessments, text), tokens(text))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def evaluate(directory: Path = DEFAULT_DATA, write_model: bool = False) -> dict:
    """Accuracy of plain TextBlob, VADER and the project's model on the held-out part."""
    rows = load_sentences(directory)
    train, test = split(rows)
    model = SentimentModel.fit([r[1] for r in train], [r[2] for r in train], min_count=MIN_COUNT, l2=L2,
                               meta={"trained_on": "UCI sentiment labelled sentences, training split "
                                                   "(sha256 % 10 >= 3)", "train_size": len(train)})
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        vader = SentimentIntensityAnalyzer()
    except ImportError:  # reference only: reported as missing
        vader = None

    def accuracy(predict, data):
        return round(sum(int(predict(t)) == y for _, t, y in data) / len(data), 4) if data else None

    results = {"sentences": len(rows), "train": len(train), "held_out": len(test), "held_out_by_source": {}}
    scorer = TextBlobScorer(model=model)
    methods = {
        "textblob_plain": lambda t: textblob_score(t)[0] > 0,
        "vader": (lambda t: vader.polarity_scores(t)["compound"] > 0) if vader else None,
        "project_model_only": lambda t: model_probability(model, t) >= 0.5,
        "project": lambda t: scorer.probability(t) >= 0.5,
    }
    for name, predict in methods.items():
        results[name] = accuracy(predict, test) if predict else None
        if predict:
            for source in sorted({r[0] for r in test}):
                part = [r for r in test if r[0] == source]
                results["held_out_by_source"].setdefault(source, {})[name] = accuracy(predict, part)
    results["project_train_accuracy"] = accuracy(methods["project"], train)
    if write_model:
        model.save(MODEL_FILE)
        results["model_written"] = str(MODEL_FILE)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write-model", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(args.data, args.write_model), indent=2))


if __name__ == "__main__":
    main()
