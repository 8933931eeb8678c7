"""`pulse text evaluate` on the checked-in slices reproduces the published figures; the model file loads
with numpy alone."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import evaluation
from analysis.sentiment import MODELS_FILE, load_models
from analysis.sentiment_training import LEXICON_COLUMNS
from pulse_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 0.01


@pytest.fixture(scope="module")
def evaluated():
    result = CliRunner().invoke(cli, ["text", "evaluate", "--slices", str(evaluation.SLICES), "--aspects", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def published():
    return json.loads(evaluation.PUBLISHED.read_text(encoding="utf-8"))


def test_published_figures_belong_to_the_shipped_model(published):
    assert published["model"] == load_models().version


def test_slices_reproduce_the_published_macro_f1_and_recall(evaluated, published):
    rows = {f"{r['data']}|{r['method']}": r for r in evaluated["sentiment"]}
    assert set(rows) == set(published["slices"]) and rows
    for key, expected in published["slices"].items():
        for field in ("macro_f1", "recall_negative", "recall_neutral", "recall_positive"):
            if expected[field] is not None:
                assert rows[key][field] == pytest.approx(expected[field], abs=TOLERANCE), (key, field)


def test_business_slice_beats_both_baselines_with_every_class_recalled(evaluated):
    rows = {r["method"]: r for r in evaluated["sentiment"] if r["data"] == "slice tfn_test"}
    product = rows["product"]
    assert product["macro_f1"] >= 0.60
    assert min(product[f"recall_{k}"] for k in ("negative", "neutral", "positive")) >= 0.5
    assert product["macro_f1"] > max(rows[m]["macro_f1"] for m in ("textblob", "vader") if m in rows)


def test_japanese_public_slice_beats_both_baselines_with_every_class_recalled(evaluated):
    """chABSA sentences of reports no model saw (annual reports; a public labelled Japanese set)."""
    rows = {r["method"]: r for r in evaluated["sentiment"] if r["data"] == "slice chabsa_test"}
    product = rows["product"]
    assert product["n"] >= 150 and product["not_scored"] == 0
    assert product["macro_f1"] >= 0.60
    assert min(product[f"recall_{k}"] for k in ("negative", "neutral", "positive")) >= 0.5
    assert product["macro_f1"] > max(rows[m]["macro_f1"] for m in ("textblob", "vader") if m in rows)


def test_theme_tone_reproduces_the_published_figures_and_beats_one_tone_per_comment(evaluated, published):
    rows = {f"{r['data']}|{r['method']}": r for r in evaluated["aspects"]}
    for key, expected in published["aspects"].items():
        assert rows[key]["macro_f1"] == pytest.approx(expected["macro_f1"], abs=TOLERANCE), key
    for language in ("en", "es", "de", "ja", "all"):
        theme = rows[f"partner aspects {language}|product (theme tone)"]
        comment = rows[f"partner aspects {language}|product (comment tone)"]
        assert theme["macro_f1"] > comment["macro_f1"], language


def test_model_file_loads_and_scores_with_numpy_alone_and_stays_small():
    # the Lambda package has numpy but neither scipy nor scikit-learn: block them in a fresh interpreter
    code = ("import sys; sys.modules.update(scipy=None, sklearn=None, vaderSentiment=None); "
            "from analysis.sentiment import CommentScorer; "
            "print(CommentScorer().score('Net sales rose 12 % and profit doubled.', 'en').label)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() in ("positive", "neutral", "negative")
    meta = load_models().meta
    assert meta["format"] == "pulse.sentiment-models/2" and meta["lexicon_columns"] == LEXICON_COLUMNS
    assert MODELS_FILE.stat().st_size < 4_000_000
