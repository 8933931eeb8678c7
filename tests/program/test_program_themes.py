"""The applied program's theme taxonomy drives comment themes in the results refresh; a changed
taxonomy re-matches themes without scoring sentiment again; no themes in the program = the default."""
import pytest

from chalicelib.domain.responses import Response
from chalicelib.domain.waves import iso
from chalicelib.services.program import apply_program
from chalicelib.services.snapshot_builder import Thresholds, build_snapshot_parts
from chalicelib.storage.enrichments import InMemoryEnrichmentStore
from tests.builders import NOW, given_open_wave, make_partner
from tests.program.builders import METAL_PROGRAM

COMMENTS = ["Onboarding took weeks; price list is confusing", "Great onboarding, thanks!",
            "La incorporación fue lenta", "Deal registration is slow"]
ONBOARDING = {"onboarding": {"label": "Onboarding", "phrases": {"en": ["onboarding"], "es": ["incorporación"]}}}


def given_comments(moto_table, tokens):
    partners = [make_partner(f"P{i}", tier="gold", region="NORTH") for i in range(len(COMMENTS))]
    repos, links = given_open_wave(moto_table, tokens, partners)
    stamp = iso(NOW)
    repos.responses.put_many([Response(
        invitation_id=link.invitation.invitation_id, wave_id="w-test", survey_id="px-test", survey_version=1,
        partner_id=link.partner.partner_id, contact_id=link.invitation.contact_id,
        language="es" if "incorporación" in text else "en",
        answers={"q_nps": 7, "q_portal": 4, "q_comment": text}, status="submitted", version=1,
        created_at=stamp, updated_at=stamp, submitted_at=stamp, partner=link.partner.snapshot())
        for link, text in zip(links, COMMENTS, strict=True)])
    return repos


def comments_of(parts):
    from chalicelib.services.wave_state import comment_records

    return comment_records(parts)


def themes_by_text(parts):
    return {c["text"]: c["themes"] for c in comments_of(parts)}


def test_refresh_matches_the_applied_programs_taxonomy_and_rematches_without_rescoring(
        moto_table, tokens, monkeypatch):
    from analysis.sentiment import CommentScorer

    # Given a program whose taxonomy has an onboarding theme (en and es phrases)
    repos = given_comments(moto_table, tokens)
    apply_program(repos, {**METAL_PROGRAM, "themes": ONBOARDING}, NOW)
    store = InMemoryEnrichmentStore()
    # When the results are refreshed
    parts, _, _ = build_snapshot_parts(repos, "w-test", {}, Thresholds(), store)
    # Then comments carry the program's theme ids, per language, and the snapshot its labels
    assert themes_by_text(parts) == {COMMENTS[0]: ["onboarding"], COMMENTS[1]: ["onboarding"],
                                     COMMENTS[2]: ["onboarding"], COMMENTS[3]: []}
    assert parts["themes"] == {"onboarding": "Onboarding"}
    labels = {c["text"]: c["label"] for c in comments_of(parts)}

    # When a new program version changes the taxonomy and the results are refreshed again
    def no_model_work(self, todo):
        raise AssertionError(f"sentiment scored again for {len(todo)} comments")

    monkeypatch.setattr(CommentScorer, "_compute", no_model_work)
    apply_program(repos, {**METAL_PROGRAM, "version": 2, "themes": METAL_PROGRAM["themes"]}, NOW)
    writes = store.writes
    parts, _, _ = build_snapshot_parts(repos, "w-test", {}, Thresholds(), store)
    # Then themes are matched again with the new taxonomy, sentiment is reused as stored
    assert themes_by_text(parts) == {COMMENTS[0]: ["pricing"], COMMENTS[1]: [], COMMENTS[2]: [], COMMENTS[3]: []}
    assert parts["themes"] == {"pricing": "Pricing"}
    assert {c["text"]: c["label"] for c in comments_of(parts)} == labels
    assert store.writes - writes == len(COMMENTS)  # new taxonomy version stored with each enrichment

    # And a third refresh with nothing changed writes nothing
    build_snapshot_parts(repos, "w-test", {}, Thresholds(), store)
    assert store.writes - writes == len(COMMENTS)


def test_program_without_themes_uses_the_shipped_default(moto_table, tokens):
    from analysis.themes import Taxonomy

    repos = given_comments(moto_table, tokens)
    apply_program(repos, {k: v for k, v in METAL_PROGRAM.items() if k != "themes"}, NOW)
    parts, _, _ = build_snapshot_parts(repos, "w-test", {}, Thresholds(), InMemoryEnrichmentStore())
    assert themes_by_text(parts)[COMMENTS[3]] == ["deal_registration"]
    assert parts["themes"] == Taxonomy.load().labels


def test_demo_program_carries_the_default_taxonomy():
    from pathlib import Path

    import yaml

    from analysis.themes import Taxonomy
    from chalicelib.domain.program import parse_program_definition

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "examples" / "program.yaml").read_text("utf-8"))
    # from_mapping, not for_program: the per-process cache may hold an object built by an earlier test
    assert Taxonomy.from_mapping(parse_program_definition(data).themes).version == Taxonomy.load().version


@pytest.mark.parametrize("phrases", [{"any": ["sla"]}, ["sla", "uptime"], {"en-US": ["uptime"]}])
def test_program_themes_may_use_any_a_single_list_or_regional_tags(phrases):
    from analysis.themes import Taxonomy
    from chalicelib.domain.program import parse_program_definition

    program = parse_program_definition({**METAL_PROGRAM, "themes": {"uptime": {"label": "Uptime",
                                                                                "phrases": phrases}}})
    assert Taxonomy.for_program(program.themes).match("Our SLA and uptime were bad", "en") == ["uptime"]
