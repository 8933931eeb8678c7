"""Benchmark: the full text-analytics evaluation, for the docs, and the figures the tests check.

Runs ``analysis.evaluation.evaluate`` on every held-out set available (UMSAB val, Twitter Financial
News test, Financial PhraseBank, UCI sentences, Japanese held-out, neutral statements), the tone per
theme (partner set; SemEval-2014 ABSA when cached) and the checked-in slices, prints Markdown tables
and writes the slice and partner-set figures to ``analysis/data/eval/published.json`` (what
``tests/analysis/test_text_evaluation.py`` asserts within a tolerance).

    .venv/bin/python -m benchmarks.fetch_text_data   # once: cache the pinned public data
    .venv/bin/python -m benchmarks.bench_text_evaluation [--no-write]
"""
from __future__ import annotations

import argparse
import json
import time

KEYS = ("n", "macro_f1", "recall_negative", "recall_neutral", "recall_positive")


def main(argv=None) -> None:
    from analysis import aspect_evaluation, evaluation, text_data
    from analysis.sentiment import load_models

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = evaluation.evaluate()
    print("## Sentiment, held-out sets\n")
    print(evaluation.format_table(rows))
    aspects = aspect_evaluation.partner_aspects()
    for key in ("absa_restaurants", "absa_laptops"):
        path = text_data.cached(key)
        if path is not None:
            aspects += aspect_evaluation.absa(path, text_data.SOURCES[key].name)
    print("\n## Tone per theme / aspect\n")
    print(evaluation.format_table(aspects))
    slices = evaluation.evaluate(slices=evaluation.SLICES)
    print("\n## Checked-in slices\n")
    print(evaluation.format_table(slices))
    published = {"model": load_models().version,
                 "slices": {f"{r['data']}|{r['method']}": {k: r[k] for k in KEYS} for r in slices},
                 "aspects": {f"{r['data']}|{r['method']}": {k: r[k] for k in KEYS}
                             for r in aspects if r["data"].startswith("partner aspects")}}
    if not args.no_write:
        evaluation.PUBLISHED.write_text(json.dumps(published, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {evaluation.PUBLISHED}")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
