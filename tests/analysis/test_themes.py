"""Theme taxonomy matching and discovery of uncovered noun phrases."""
import pytest

from analysis.themes import Taxonomy, discover_phrases, noun_phrases
from chalicelib.domain.errors import InvalidInput


@pytest.fixture(scope="module")
def taxonomy():
    return Taxonomy.load()


def test_taxonomy_has_the_partner_program_themes(taxonomy):
    for theme in ("deal_registration", "incentives_payouts", "partner_portal", "technical_assessments",
                  "proofs_of_concept", "partner_to_partner", "enablement_training", "technical_support",
                  "pricing_margins", "subscription_transition", "account_management", "channel_conflict"):
        assert theme in taxonomy.labels


def test_comment_gets_every_theme_it_mentions(taxonomy):
    text = "Deal registration takes weeks and our account manager never replies about the PoC."
    assert taxonomy.match(text) == ["deal_registration", "proofs_of_concept", "account_management"]


def test_phrases_match_whole_words_only(taxonomy):
    assert "technical_support" not in taxonomy.match("They are very supportive")
    assert "proofs_of_concept" not in taxonomy.match("a pocket guide")


def test_other_languages_match_their_phrases(taxonomy):
    assert taxonomy.match("Die Deal-Registrierung dauert zu lange") == ["deal_registration"]
    assert "partner_portal" in taxonomy.match("ポータルが使いにくいです")
    assert "incentives_payouts" in taxonomy.match("Los pagos llegan tarde")


def test_noun_phrases_come_from_the_offline_chunker():
    assert "partner portal" in noun_phrases("The partner portal is confusing.")


def test_discovery_reports_frequent_uncovered_phrases_only(taxonomy):
    texts = ["Roadmap visibility is poor.", "The roadmap visibility could improve.", "No roadmap visibility at all",
             "The partner portal is slow.", "The partner portal is confusing.", "Lunch was nice."]
    found = discover_phrases(texts, taxonomy, min_docs=2)
    assert found[0] == {"phrase": "roadmap visibility", "comments": 3}
    assert all("portal" not in f["phrase"] for f in found)


def test_bad_taxonomy_file_names_the_problem(tmp_path):
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes:\n  pricing:\n    label: Pricing\n    phrases: []\n")
    with pytest.raises(InvalidInput) as error:
        Taxonomy.load(bad)
    assert "themes.pricing.phrases" in error.value.problems[0].field
