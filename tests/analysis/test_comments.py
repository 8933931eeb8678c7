"""Per-segment comment summaries and their confidentiality."""
import pandas as pd

from analysis.comments import score_comments, summarise_comments
from analysis.sentiment import TextBlobScorer
from analysis.themes import Taxonomy


def test_large_segment_is_hidden_when_overall_minus_it_would_describe_few_comments():
    comments = pd.DataFrame({"region": ["EMEA"] * 9 + ["APJ", "LATAM"],
                             "comment": [f"The portal is slow {i}" for i in range(9)] + ["Great", "Bad"]})
    taxonomy = Taxonomy.load()
    scored = score_comments(comments["comment"], TextBlobScorer(), taxonomy)
    summary = summarise_comments(comments, scored, "comment", "region", taxonomy, threshold=8)
    segments = {s["segment"]: s for s in summary["segments"]}
    assert summary["overall"]["comments"] == 11
    assert segments["EMEA"]["suppressed"] == "complementary" and segments["EMEA"]["labels"] == "suppressed"
    assert segments["APJ"]["suppressed"] == "primary"


def test_non_english_comments_are_counted_and_themed_but_not_scored():
    comments = pd.DataFrame({"comment": ["El portal es muy lento y confuso."] * 8})
    taxonomy = Taxonomy.load()
    scored = score_comments(comments["comment"], TextBlobScorer(), taxonomy)
    summary = summarise_comments(comments, scored, "comment", None, taxonomy, threshold=8)
    overall = summary["overall"]
    assert overall["labels"] == {"not_scored": 8} and overall["mean_polarity"] is None
    assert overall["themes"][0]["theme"] == "partner_portal" and overall["themes"][0]["mean_polarity"] is None
