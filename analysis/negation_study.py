"""Cross-validated comparison of the negation modes (development only: needs scikit-learn; issue 26).

    .venv/bin/python -m analysis.negation_study --languages es,de --modes replace,beside,none

Spanish: its shipped protocol (``sentiment_training._fit_spanish``: 5-fold CV over the UMSAB es train
file and test split, NB scaling, Portuguese tweets). Other languages: 5-fold cross-validation
(fold ``sha256(text) % 5``) over their UMSAB train file, the in-domain neutral sentences training in
every fold, C and the offsets chosen on the pooled out-of-fold predictions (``--max-offset 0.5
--min-recall 0.5``). No ``val`` file, no evaluation set is read. The rule, fixed before running: a
language switches from ``replace`` only when another mode's cross-validated macro-F1 is at least
0.005 higher.
"""
from __future__ import annotations

import argparse
import json

from . import sentiment_training as st

PROBES = {"es": ["No me gusta nada el nuevo portal", "No hay ningún problema con el portal"],
          "en": ["The partner portal is great"], "de": ["Das Portal ist nicht gut"]}


def cross_validated(language: str, negation: str, max_offset: float = 0.5, min_recall: float = 0.5,
                    c_grid=st.C_GRID) -> dict:
    """The fitted model (``settings["val_macro_f1"]`` is the cross-validated macro-F1) of one language
    and mode."""
    texts, labels, paths = st.load_umsab(st.UMSAB, language, "train")
    neutral = st.load_neutral_train(language)
    if language == "es":
        fitted = st._fit_spanish(st.UMSAB, texts, labels, neutral, {}, max_offset, min_recall, c_grid, negation)
    else:
        fitted = st.cross_fit_language(texts, labels, neutral, [1] * len(neutral), [1.0] * len(neutral),
                                       c_grid=c_grid, max_offset=max_offset, min_recall=min_recall,
                                       negation=negation)
    return fitted


def probe(fitted: dict, language: str, texts: list[str]) -> list[tuple[str, float]]:
    """(label, probability) of ``texts`` under a fitted model, through the product's inference path."""
    import tempfile
    from pathlib import Path

    from .sentiment import SentimentModels

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "models.npz"
        st.write({language: fitted}, {"languages": {language: fitted["settings"]}}, path)
        return [(label, round(p, 4)) for label, p, _, _ in SentimentModels(path).predict(texts, language)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="es")
    parser.add_argument("--modes", default="replace,beside,none")
    parser.add_argument("--c-grid", default=None, help="comma-separated C values (default: the training grid)")
    args = parser.parse_args(argv)
    c_grid = tuple(float(c) for c in args.c_grid.split(",")) if args.c_grid else st.C_GRID
    for language in args.languages.split(","):
        for mode in args.modes.split(","):
            fitted = cross_validated(language, mode, c_grid=c_grid)
            settings = fitted["settings"]
            texts = PROBES.get(language, [])
            print("RESULT", json.dumps({"language": language, "negation": mode, "cv_macro_f1": settings["val_macro_f1"],
                                        "C": settings["C"], "offsets": settings["offsets"],
                                        "features": settings["features"],
                                        "probes": dict(zip(texts, probe(fitted, language, texts), strict=True))},
                                       ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
