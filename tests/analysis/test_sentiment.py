"""Three-class sentiment in every supported language: labels, neutral business text, caching, robustness."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import evaluation
from analysis.sentiment import MODELS_FILE, NOT_SCORED, NOT_SCORED_REASONS, CommentScorer, load_models, plain_label
from analysis.sentiment_training import is_held_out, sha256_of

UMSAB = Path("/work/shared/data/umsab-sentiment")


@pytest.fixture(scope="module")
def scorer():
    return CommentScorer()


def test_plain_textblob_reference_label_uses_the_documented_threshold():
    assert plain_label(0.11) == "positive" and plain_label(-0.11) == "negative" and plain_label(0.1) == "neutral"


@pytest.mark.parametrize(("text", "language", "label"), [
    ("The new onboarding team was fantastic, thank you so much!", "en", "positive"),
    ("Worst support experience ever, nobody answers and the tool keeps crashing.", "en", "negative"),
    ("Excelente atención, muy contentos con el equipo.", "es", "positive"),
    ("Muy mal servicio, es un desastre.", "es", "negative"),
    ("Super Zusammenarbeit, vielen Dank an das ganze Team!", "de", "positive"),
    ("Eine Katastrophe, die Abrechnung ist schon wieder falsch und keiner hilft.", "de", "negative"),
    ("対応がとても丁寧で、本当に感謝しています。", "ja", "positive"),
    ("何度問い合わせても返事がなく、非常に不満です。", "ja", "negative"),
])
def test_clear_comments_get_the_expected_label_in_each_language(scorer, text, language, label):
    result = scorer.score(text, language)
    assert (result.language, result.label) == (language, label)
    assert result.probability is not None and 1 / 3 < result.probability <= 1


def test_factual_business_statements_stay_neutral(scorer):
    # analysis/data/neutral_business.txt: factual statements written for this check (not the demo)
    texts = [line for line in evaluation.NEUTRAL_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    labels = [s.label for s in scorer.score_many(texts, ["en"] * len(texts))]
    assert len(texts) >= 40
    assert labels.count("neutral") / len(labels) >= 0.8, list(zip(texts, labels, strict=True))


def test_neutral_is_a_real_class_in_every_language(scorer):
    for text, language in [("We registered three opportunities this quarter.", "en"),
                           ("La reunión es el martes a las diez.", "es"),
                           ("Das Treffen findet am Dienstag um zehn Uhr statt.", "de"),
                           ("来月の説明会には二名で参加する予定です。", "ja")]:
        assert scorer.score(text, language).label == "neutral", text


def test_only_unsupported_languages_and_text_without_letters_are_not_scored(scorer):
    korean = scorer.score("포털이 너무 느려요", "ko")
    assert korean.label == NOT_SCORED and korean.reason == "unsupported" and korean.language == "ko"
    for empty in ("", "   ", "!!! ???", "12345", None, 42):
        result = scorer.score(empty, "en")
        assert result.label == NOT_SCORED and result.reason == "empty" and result.polarity is None
    assert NOT_SCORED_REASONS["unsupported"] == "language not supported"
    assert scorer.score("Works as described.", "en").label != NOT_SCORED
    assert scorer.score("Works as described.", "en").language == "en"


def test_comment_in_another_language_than_the_form_is_routed_by_its_text(scorer):
    result = scorer.score("Eine Katastrophe, die Abrechnung ist schon wieder falsch und keiner hilft.", "en")
    assert result.language == "de" and result.label == "negative"
    assert scorer.score("Die Auszahlungen kommen seit Monaten zu spät.", "en").language == "de"
    assert scorer.score("El portal funciona bien.", "de").language == "es"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=80))
def test_any_text_including_lone_surrogates_and_control_characters_is_scored_without_error(text):
    result = CommentScorer(models=load_models()).score(text, "en")
    assert result.label in ("negative", "neutral", "positive", NOT_SCORED)


def test_lone_surrogate_and_controls_in_a_real_comment_keep_its_label(scorer):
    assert scorer.score("Terrible\ud800 support,\x00 nobody\x1b answers.", "en").label == "negative"


def test_second_run_over_unchanged_comments_does_no_model_work():
    scorer = CommentScorer()
    texts = ["Support is slow.", "Great training.", "Support is slow."]
    first = scorer.score_many(texts, ["en"] * 3)
    calls = scorer.engine_calls
    second = scorer.score_many(texts, ["en"] * 3)
    assert calls == 2  # distinct texts only
    assert scorer.engine_calls == calls and first == second


def test_polarity_and_subjectivity_come_from_the_three_probabilities(scorer):
    result = scorer.score("Fantastic partner team, thank you!", "en")
    assert -1 <= result.polarity <= 1 and 0 <= result.subjectivity <= 1 and result.polarity > 0


def test_model_file_records_the_sha256_of_its_training_data():
    meta = load_models().meta
    assert set(meta["languages"]) >= {"en", "es", "de", "ja"}
    for language, info in meta["languages"].items():
        assert info["sources"], language
        for path, digest in info["sources"].items():
            local = Path(path) if Path(path).is_absolute() else MODELS_FILE.parents[2] / path
            if local.exists():
                assert sha256_of(local) == digest, path


def test_japanese_split_is_deterministic_and_disjoint():
    texts = [f"文{i}" for i in range(300)]
    held = [t for t in texts if is_held_out(t)]
    assert 60 <= len(held) <= 120 and held == [t for t in texts if is_held_out(t)]


@pytest.mark.skipif(not UMSAB.is_dir(), reason="UMSAB data not available")
def test_validation_macro_f1_meets_the_targets_and_beats_the_references():
    rows = {(r["data"], r["method"]): r for r in evaluation.evaluate(UMSAB)}
    for language, target in (("en", 0.58), ("es", 0.52), ("de", 0.58)):
        product = rows[(f"UMSAB val {language}", "product")]
        assert product["macro_f1"] >= target, (language, product)
        assert product["not_scored"] <= 0.02
        assert product["macro_f1"] > rows[(f"UMSAB val {language}", "textblob")]["macro_f1"]
        if language != "en":  # on English tweets VADER is level with us (0.608 vs 0.600): not claimed
            assert product["macro_f1"] > rows[(f"UMSAB val {language}", "vader")]["macro_f1"]
    neutral = rows[("neutral business statements en", "product")]
    # issue 26: the English model now also reads business and review language (UCI 0.81, PhraseBank 0.61);
    # on these 40 factual statements it keeps 82.5% neutral, above TextBlob (77.5%), below VADER (85%)
    assert neutral["recall_neutral"] >= max(0.8, rows[("neutral business statements en", "textblob")]["recall_neutral"])
    print(json.dumps(rows[("UMSAB val en", "product")]))
