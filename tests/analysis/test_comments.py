"""Per-segment comment summaries and their confidentiality."""
import pandas as pd

from analysis.comments import score_comments, summarise_comments
from analysis.sentiment import CommentScorer
from analysis.themes import Taxonomy


def test_large_segment_is_hidden_when_overall_minus_it_would_describe_few_comments():
    comments = pd.DataFrame({"region": ["EMEA"] * 9 + ["APJ", "LATAM"],
                             "comment": [f"The portal is slow {i}" for i in range(9)] + ["Great", "Bad"]})
    taxonomy = Taxonomy.load()
    scored = score_comments(comments["comment"], CommentScorer(), taxonomy)
    summary = summarise_comments(comments, scored, "comment", "region", taxonomy, threshold=8)
    segments = {s["segment"]: s for s in summary["segments"]}
    assert summary["overall"]["comments"] == 11
    assert segments["EMEA"]["suppressed"] == "complementary" and segments["EMEA"]["labels"] == "suppressed"
    assert segments["APJ"]["suppressed"] == "primary"


def test_spanish_comments_are_scored_and_themed_in_spanish():
    texts = ["Muy mal servicio, el portal es un desastre.", "Odio el portal, es un desastre.",
             "El portal es horrible, una pérdida de tiempo."]
    comments = pd.DataFrame({"comment": [f"{texts[i % 3]} Caso {i}." for i in range(8)]})
    taxonomy = Taxonomy.load()
    scored = score_comments(comments["comment"], CommentScorer(), taxonomy, pd.Series(["es"] * 8))
    summary = summarise_comments(comments, scored, "comment", None, taxonomy, threshold=8)
    overall = summary["overall"]
    assert set(scored["language"]) == {"es"} and "not_scored" not in overall["labels"]
    assert overall["labels"].get("negative", 0) >= 5 and overall["mean_polarity"] < 0
    assert overall["themes"][0]["theme"] == "partner_portal"
    assert len(set(overall["themes"][0]["examples"])) == len(overall["themes"][0]["examples"]) == 3


def test_theme_examples_are_distinct_even_when_comments_repeat():
    comments = pd.DataFrame({"comment": ["The partner portal is slow."] * 6 + ["The partner portal is SLOW!",
                                                                              "Partner portal search is broken."]})
    taxonomy = Taxonomy.load()
    scored = score_comments(comments["comment"], CommentScorer(), taxonomy, pd.Series(["en"] * 8))
    summary = summarise_comments(comments, scored, "comment", None, taxonomy, threshold=8)
    examples = summary["overall"]["themes"][0]["examples"]
    assert len(examples) == 2 and "Partner portal search is broken." in examples


def test_stored_enrichments_are_used_instead_of_scoring_again():
    from analysis.comments import scored_from_enrichments
    from analysis.enrichment import enrich

    taxonomy, scorer = Taxonomy.load(), CommentScorer()
    rows = pd.DataFrame({"response_id": ["r1", "r2"], "question_id": ["q", "q"],
                         "text": ["Support is slow.", "Great training."], "language": ["en", "en"]})
    stored, _ = enrich([{"id": "r1.q", "text": "Support is slow.", "language": "en"}], {}, scorer, taxonomy)
    fresh = CommentScorer()
    scored = scored_from_enrichments(rows, fresh, taxonomy, stored)
    assert fresh.engine_calls == 1  # only r2, which had no stored enrichment
    assert scored.loc[0, "label"] == stored["r1.q"]["label"]
