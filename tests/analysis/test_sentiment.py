"""Sentiment labels, thresholds, caching, languages and reviewer corrections."""
from pathlib import Path

import pytest

from analysis import evaluation
from analysis.sentiment import NOT_SCORED, SentimentModel, TextBlobScorer, label_for, plain_label, tokens

DATA = Path("/work/shared/data/sentiment-labelled-sentences")


@pytest.fixture(scope="module")
def scorer():
    return TextBlobScorer()


def test_label_thresholds_are_the_documented_ones():
    assert label_for(0.6, True) == "positive" and label_for(0.59, True) == "neutral"
    assert label_for(0.4, True) == "negative" and label_for(0.41, True) == "neutral"
    assert label_for(0.99, False) == "neutral"
    assert plain_label(0.11) == "positive" and plain_label(-0.11) == "negative" and plain_label(0.1) == "neutral"


def test_clear_partner_comments_get_the_expected_labels(scorer):
    assert scorer.score("The partner portal is great and easy to use.").label == "positive"
    assert scorer.score("Payouts are delayed and the claims process is confusing.").label == "negative"
    assert scorer.score("Our account manager is very responsive and helpful.").label == "positive"


def test_negation_is_marked_until_the_clause_ends():
    assert tokens("not good, great")[:3] == ["not", "NOT_good", "great"]
    assert "not" in tokens("doesn't work")


def test_scores_carry_textblob_polarity_and_subjectivity(scorer):
    from textblob import TextBlob

    text = "The enablement sessions were excellent."
    result = scorer.score(text)
    blob = TextBlob(text).sentiment
    assert result.polarity == pytest.approx(blob.polarity, abs=1e-4)
    assert result.subjectivity == pytest.approx(blob.subjectivity, abs=1e-4)


def test_non_english_comments_are_not_scored_and_do_not_crash(scorer):
    for text, language in [("El portal es muy lento y confuso.", "es"), ("ポータルが使いにくいです。", "ja"),
                           ("Die Auszahlung kommt immer zu spät und das ist nicht gut.", "de")]:
        result = scorer.score(text)
        assert result.label == NOT_SCORED and result.polarity is None and result.language == language


def test_second_run_over_unchanged_comments_does_no_textblob_work():
    scorer = TextBlobScorer()
    texts = ["Support is slow.", "Great training.", "Support is slow."]
    first = scorer.score_many(texts)
    calls = scorer.engine_calls
    second = scorer.score_many(texts)
    assert calls == 2  # distinct texts only
    assert scorer.engine_calls == calls and first == second


def test_reviewer_corrections_move_the_model_toward_the_corrected_label(scorer):
    text = "The quarterly spiff tracker is a maze."
    before = scorer.score(text).probability
    model = scorer.model.updated_with([(text, "negative")] * 5 + [("The spiff tracker is a joke", "negative")])
    refined = TextBlobScorer(model=model, cache=scorer.cache)
    after = refined.score(text).probability
    assert after < before
    assert refined.version != scorer.version  # a shared cache never hands out the old model's label
    assert model.meta["corrections"] == 6
    assert scorer.model.updated_with([("meh", "neutral")]) is scorer.model


def test_model_round_trips_through_its_dict_form(scorer):
    again = SentimentModel.from_dict(scorer.model.to_dict())
    assert TextBlobScorer(model=again).score("Great program").probability == scorer.score("Great program").probability


def test_held_out_split_is_deterministic_and_disjoint():
    rows = [("x", f"sentence number {i}", i % 2) for i in range(200)]
    train, test = evaluation.split(rows)
    assert len(train) + len(test) == 200 and not {r[1] for r in train} & {r[1] for r in test}
    assert 30 <= len(test) <= 90
    assert evaluation.split(rows) == (train, test)


@pytest.mark.skipif(not DATA.is_dir(), reason="labelled sentences not available")
def test_project_labelling_beats_both_references_on_the_held_out_part():
    results = evaluation.evaluate(DATA)
    assert results["project"] >= max(results["textblob_plain"], results["vader"] or 0)


def test_the_clause_after_but_carries_the_point(scorer):
    assert scorer.score("Incentives are generous, but the payouts are too slow.").label == "negative"
    assert scorer.score("Onboarding was slow, but the team is now excellent and very helpful.").label == "positive"


def test_large_batches_split_over_processes_give_the_same_results(monkeypatch):
    import analysis.sentiment as sentiment

    texts = [f"Support is slow, case {i}" if i % 2 else f"Great training, week {i}" for i in range(40)]
    serial = TextBlobScorer().score_many(texts, workers=1)
    monkeypatch.setattr(sentiment, "PARALLEL_FROM", 10)
    parallel_scorer = TextBlobScorer()
    parallel = parallel_scorer.score_many(texts, workers=2)
    assert parallel == serial
    assert parallel_scorer.engine_calls == 40
