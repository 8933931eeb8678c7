"""A tone per theme: mixed comments give each theme the tone of its own part, in every language."""
import pandas as pd
import pytest

from analysis.aspect_tone import segments
from analysis.comments import score_comments, theme_summaries
from analysis.sentiment import CommentScorer
from analysis.themes import Taxonomy

MIXED = [
    ("en", "The partner portal is great and easy to use, but the payouts are always late and wrong.",
     {"partner_portal": "positive", "incentives_payouts": "negative"}),
    ("en", "Payouts arrived quickly this quarter, thank you. However, the portal is slow and keeps crashing.",
     {"incentives_payouts": "positive", "partner_portal": "negative"}),
    # "El portal es excelente y muy fácil de usar" alone comes out negative (P 0.37 against 0.37) since
    # the Spanish retraining of issue 26: docs/analysis.md "Left out / limits"
    ("es", "El portal es excelente, me encanta, pero el incentivo es pésimo y nunca llega.",
     {"partner_portal": "positive", "incentives_payouts": "negative"}),
    ("de", "Das Portal ist hervorragend, wir sind sehr zufrieden, aber die Auszahlung ist leider schlecht und "
           "kommt viel zu spät.",
     {"partner_portal": "positive", "incentives_payouts": "negative"}),
    ("ja", "ポータルはとても使いやすくて便利ですが、インセンティブの支払いがいつも遅くて非常に不満です。",
     {"partner_portal": "positive", "incentives_payouts": "negative"}),
]


@pytest.fixture(scope="module")
def scored():
    texts = pd.Series([t for _, t, _ in MIXED])
    return score_comments(texts, CommentScorer(), Taxonomy.load(), pd.Series([lang for lang, _, _ in MIXED]))


@pytest.mark.parametrize("row", range(len(MIXED)), ids=[f"{m[0]}-{i}" for i, m in enumerate(MIXED)])
def test_each_theme_of_a_mixed_comment_gets_the_tone_of_its_own_part(scored, row):
    language, _, expected = MIXED[row]
    result = scored.iloc[row]
    assert result["language"] == language
    assert set(result["themes"]) == set(expected)
    assert {theme: tone["label"] for theme, tone in result["theme_tones"].items()} == expected
    segments_used = {tone["segment"] for tone in result["theme_tones"].values()}
    assert len(segments_used) == 2  # each theme was scored on its own part, not on the whole comment


def test_theme_summary_counts_the_theme_tone_and_keeps_the_comment_mean_beside_it(scored):
    part = scored.assign(text=[t for _, t, _ in MIXED])
    summary = {t["theme"]: t for t in theme_summaries(part, Taxonomy.load())}
    portal, payouts = summary["partner_portal"], summary["incentives_payouts"]
    assert portal["positive"] == 4 and portal["negative"] == 1
    assert payouts["negative"] == 4 and payouts["positive"] == 1
    assert portal["mean_polarity"] > 0 > payouts["mean_polarity"]
    assert portal["tone"] == "theme" and portal["comment_mean_polarity"] is not None


def test_a_single_segment_comment_gives_its_themes_the_comment_tone():
    scorer = CommentScorer()
    result = score_comments(pd.Series(["The portal keeps crashing."]), scorer, Taxonomy.load()).iloc[0]
    assert result["theme_tones"] == {"partner_portal": {"label": result["label"], "polarity": result["polarity"],
                                                        "segment": "The portal keeps crashing."}}
    assert scorer.engine_calls == 1  # no extra model work for a comment that is not cut


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("en", "Great portal, but slow payouts. Training was fine; support not.",
     ["Great portal", "but slow payouts.", "Training was fine", "support not."]),
    ("es", "Buen portal, pero pagos lentos.", ["Buen portal", "pero pagos lentos."]),
    ("de", "Gutes Portal, aber langsame Auszahlung.", ["Gutes Portal", "aber langsame Auszahlung."]),
    ("ja", "ポータルは良いですが、支払いが遅い。研修は最高。",
     ["ポータルは良いですが", "支払いが遅い。", "研修は最高。"]),
])
def test_comments_are_cut_at_sentences_and_contrasts(language, text, expected):
    assert segments(text, language) == expected


def test_enrichment_stores_each_theme_tone_and_a_new_taxonomy_rematches_without_model_work():
    from analysis.enrichment import enrich

    text, expected = MIXED[0][1], MIXED[0][2]
    stored, _ = enrich([{"id": "i1.q", "text": text, "language": "en"}], {}, CommentScorer(), Taxonomy.load())
    assert {t: v["label"] for t, v in stored["i1.q"]["theme_tones"].items()} == expected
    assert set(stored["i1.q"]["theme_tones"]["partner_portal"]) == {"label", "polarity"}
    program = Taxonomy.from_mapping({"portal": {"label": "Portal", "phrases": {"en": ["portal"]}}})
    scorer = CommentScorer()
    again, changed = enrich([{"id": "i1.q", "text": text, "language": "en"}], stored, scorer, program)
    assert scorer.engine_calls == 0 and len(changed) == 1
    assert again["i1.q"]["theme_tones"] == {"portal": {"label": again["i1.q"]["label"],
                                                       "polarity": again["i1.q"]["polarity"]}}
