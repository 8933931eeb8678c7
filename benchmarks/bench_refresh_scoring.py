"""Benchmark: the model work of refreshing the 100k benchmark wave, previous vs current model file.

``bench_results`` seeds its 100,000-response wave with the demo generator (``pulse_cli.demo``), whose
comments come from ``pulse_cli.demo_comments``: every distinct (comment, language) the wave can hold
is listed there. A refresh scores each distinct comment once (``CommentScorer``), so this times
exactly the model-dependent part of that refresh for each model file, in the same run, plus the
one-time load of the Spanish model's sentence encoder (best of 3, CPU seconds). The rest of the
refresh (reading the wave, scorecards, snapshot writes) does not depend on the model file.

    .venv/bin/python -m benchmarks.bench_refresh_scoring --baseline-models <previous model file>
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    from analysis import sentence_encoder
    from analysis.sentiment import MODELS_FILE, CommentScorer, SentimentModels
    from pulse_cli.demo_comments import COMMENTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-models", type=Path, required=True)
    args = parser.parse_args()
    pairs = sorted({(text, language) for topic in COMMENTS.values() for tone in topic.values()
                    for language, texts in tone.items() for text in texts})
    texts, languages = [t for t, _ in pairs], [lang for _, lang in pairs]
    print(f"{len(pairs)} distinct comments ({languages.count('es')} Spanish); load average {os.getloadavg()[0]:.2f}")
    start = time.process_time()
    sentence_encoder.encode(["calentar"])
    print(f"sentence encoder load: {time.process_time() - start:.2f} s CPU (once per process)")
    for label, path in (("previous", args.baseline_models), ("current", MODELS_FILE)):
        models = SentimentModels(path)
        CommentScorer(models).score_many(["calentar"], ["es"])  # tables built outside the timing
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            CommentScorer(models).score_many(texts, languages)
            best = min(best, time.process_time() - start)
        print(f"{label} ({path}): {best:.3f} s CPU")


if __name__ == "__main__":
    main()
