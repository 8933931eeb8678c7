"""Theme taxonomy per program and language: loading, matching on boundaries with inflections, precision."""
from pathlib import Path

import pytest

from analysis import evaluation
from analysis.themes import Taxonomy, discover_phrases, noun_phrases
from chalicelib.domain.errors import InvalidInput

UMSAB = Path("/work/shared/data/umsab-sentiment")


@pytest.fixture(scope="module")
def taxonomy():
    return Taxonomy.load()


def test_taxonomy_has_the_partner_program_themes(taxonomy):
    for theme in ("deal_registration", "incentives_payouts", "partner_portal", "technical_assessments",
                  "proofs_of_concept", "partner_to_partner", "enablement_training", "technical_support",
                  "pricing_margins", "subscription_transition", "account_management", "channel_conflict"):
        assert theme in taxonomy.labels


def test_comment_gets_every_theme_it_mentions(taxonomy):
    text = "Deal registrations take weeks and our account manager never replies about the PoC."
    assert taxonomy.match(text, "en") == ["deal_registration", "proofs_of_concept", "account_management"]


def test_plurals_and_inflections_match_in_each_language(taxonomy):
    assert "proofs_of_concept" in taxonomy.match("Two proofs of concept were approved", "en")
    assert "pricing_margins" in taxonomy.match("Los precios y los márgenes bajaron", "es")
    assert "incentives_payouts" in taxonomy.match("Die Auszahlungen kommen spät", "de")
    assert "deal_registration" in taxonomy.match("Die Deal-Registrierung dauert zu lange", "de")


def test_japanese_matches_inside_unspaced_text(taxonomy):
    assert "proofs_of_concept" in taxonomy.match("PoCの準備に時間がかかります", "ja")
    assert "partner_portal" in taxonomy.match("ポータルが使いにくいです", "ja")
    assert "proofs_of_concept" in taxonomy.match("ＰｏＣの環境", "ja")  # full-width folds by NFKC


def test_generic_words_do_not_fire_out_of_context(taxonomy):
    for text in ("We are running a pilot with a new customer.", "I opened a ticket for the concert.",
                 "They claim it works.", "It is a complex market.", "Thanks for your support!",
                 "a pocket guide", "In this case we agree.", "David Price is pitching tonight."):
        assert taxonomy.match(text, "en") == [], text


def test_loader_accepts_a_program_themes_mapping_with_languages_and_labels():
    mapping = {"roadmap": {"label": {"en": "Roadmap", "es": "Hoja de ruta"},
                           "phrases": {"en": ["product roadmap"], "es": ["hoja de ruta"], "ja": ["ロードマップ"]}},
               "portal": {"label": "Portal", "phrases": ["partner portal"]}}
    taxonomy = Taxonomy.from_mapping(mapping, source="program.yaml: themes")
    assert taxonomy.labels == {"roadmap": "Roadmap", "portal": "Portal"}
    assert taxonomy.match("Our product roadmaps are unclear", "en") == ["roadmap"]
    assert taxonomy.match("La hoja de ruta no está clara", "es") == ["roadmap"]
    assert taxonomy.match("ロードマップが不明確", "ja") == ["roadmap"]
    assert taxonomy.match("The partner portal is down", "de") == ["portal"]  # list = every language
    assert taxonomy.version != Taxonomy.load().version


def test_bad_taxonomy_names_the_field():
    with pytest.raises(InvalidInput) as error:
        Taxonomy.from_mapping({"pricing": {"label": "Pricing", "phrases": {"en": []}}}, source="program.yaml: themes")
    assert error.value.problems[0].field == "program.yaml: themes.pricing.phrases.en"
    with pytest.raises(InvalidInput):
        Taxonomy.from_mapping([], source="themes")


def test_bad_taxonomy_file_names_the_problem(tmp_path):
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes:\n  pricing:\n    label: Pricing\n    phrases: []\n")
    with pytest.raises(InvalidInput) as error:
        Taxonomy.load(bad)
    assert "themes.pricing.phrases" in error.value.problems[0].field


def test_matching_survives_any_text(taxonomy):
    assert taxonomy.match("price\ud800\x00 list", "en") == ["pricing_margins"]
    assert taxonomy.match(None, "en") == [] and taxonomy.match("", None) == []


@pytest.mark.skipif(not UMSAB.is_dir(), reason="UMSAB data not available")
def test_precision_on_the_hand_judged_sample_is_at_least_85_percent():
    result = evaluation.theme_precision(UMSAB)
    assert result["sample"] >= 200 and result["unjudged"] == 0
    assert result["precision"] >= 0.85, result


def test_noun_phrases_come_from_the_offline_chunker():
    assert "partner portal" in noun_phrases("The partner portal is confusing.")


def test_discovery_reports_frequent_uncovered_phrases_only(taxonomy):
    texts = ["Roadmap visibility is poor.", "The roadmap visibility could improve.", "No roadmap visibility at all",
             "The partner portal is slow.", "The partner portal is confusing.", "Lunch was nice."]
    found = discover_phrases(texts, taxonomy, min_docs=2)
    assert found[0] == {"phrase": "roadmap visibility", "comments": 3}
    assert all("portal" not in f["phrase"] for f in found)
