"""Diagnostics of the two-waves-before coverage (issue 22): the shipped estimator against a jackknife
(CR3) cluster covariance on the same programs, and against twice the partners.

    nice -n 10 .venv/bin/python benchmarks/bench_impact_diagnostics.py [--runs 1000] [--variant all]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import analysis.cluster_ols as cluster_ols
import analysis.impact as impact
from analysis.impact_simulation import coverage_study


def jackknife_ols(y, X, groups, weights=None) -> cluster_ols.ClusteredFit:
    """Least squares with the leave-one-cluster-out (CR3) covariance, for comparison only."""
    y, X = np.asarray(y, dtype=float), np.asarray(X, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    codes, uniques = pd.factorize(pd.Series(groups))
    xtwx, xtwy = X.T @ (X * w[:, None]), X.T @ (w * y)
    params = np.linalg.pinv(xtwx) @ xtwy
    g = len(uniques)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(g + 1))
    leave = np.empty((g, X.shape[1]))
    for j in range(g):
        rows = order[bounds[j]:bounds[j + 1]]
        xg, wg = X[rows], w[rows]
        leave[j] = np.linalg.pinv(xtwx - xg.T @ (xg * wg[:, None])) @ (xtwy - xg.T @ (wg * y[rows]))
    centered = leave - leave.mean(axis=0)
    return cluster_ols.ClusteredFit(params, (g - 1) / g * centered.T @ centered, g, len(y))


VARIANTS = {"shipped": {}, "jackknife": {}, "partners400": {"partners": 400}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--variant", choices=[*VARIANTS, "all"], default="all")
    args = parser.parse_args()
    shipped = impact.clustered_ols
    for name in VARIANTS if args.variant == "all" else [args.variant]:
        impact.clustered_ols = jackknife_ols if name == "jackknife" else shipped
        start = time.perf_counter()
        r = coverage_study(args.runs, seed=args.seed, pre_waves=2, post_waves=1, **VARIANTS[name])
        print(f"{name}: coverage {r['coverage']:.1%} (nominal 90%), nulls flagged {r['false_positive_rate']:.1%} "
              f"(nominal 10%), pre-trend flags {r['pre_trend_flag_rate']:.1%}; {r['estimated']}/{r['runs']} "
              f"programs in {time.perf_counter() - start:.0f} s", flush=True)
    impact.clustered_ols = shipped


if __name__ == "__main__":
    main()
