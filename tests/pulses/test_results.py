"""Transactional results: scorecards by event type, attribute and month, and the link to relationship NPS."""
from datetime import timedelta

import pytest

from chalicelib.domain.waves import iso
from chalicelib.security.tokens import InvitationClaims
from tests.builders import VALID_ANSWERS, given_open_wave, make_partner
from tests.pulses.conftest import T0

PARTNERS = 12


def answer(world, event_id: str, score: int, ease: int, comment: str, at):
    from chalicelib.services.submissions import submit_response

    event = world.stored_event(event_id)
    tokens = world.wiring.invitation_tokens()
    token = tokens.issue(InvitationClaims(event["invitation_id"], event["partner_id"], event["wave_id"]))
    submit_response(world.repos, tokens, token, {"answers": {"q_score": score, "q_ease": ease,
                                                             "q_comment": comment},
                                                 "language": "en", "final": True}, at)


@pytest.fixture
def answered(pulse_world, tokens):
    """12 partners: a closed relationship wave (their NPS), then one PoC pulse each, all answered;
    partners with a good pulse also gave a good relationship score."""
    partners = [make_partner(f"R{i:02d}", region="EMEA" if i % 2 else "APJ") for i in range(PARTNERS)]
    repos, links = given_open_wave(pulse_world.table, tokens, partners, wave_id="px-2026-h1",
                                   now=T0 - timedelta(days=120))
    from chalicelib.services.submissions import submit_response
    from tests.builders import token_of

    for link in links:
        good = int(link.partner.partner_id[1:]) < 6
        submit_response(repos, tokens, token_of(link), {"answers": {**VALID_ANSWERS, "q_nps": 10 if good else 3},
                                                         "language": "en", "final": True}, T0 - timedelta(days=110))
    repos.waves.close("px-2026-h1", iso(T0 - timedelta(days=90)))
    for i in range(PARTNERS):
        pulse_world.event(f"poc-{i}", T0 + timedelta(days=i % 2 * 31), partner_id=f"R{i:02d}",
                          contact={"email": f"c0.R{i:02d}@partner.example"},
                          attributes={"outcome": "funded" if i % 3 else "declined", "amount": 5000 * i})
    pulse_world.run(T0 + timedelta(days=2, hours=1))
    pulse_world.run(T0 + timedelta(days=33, hours=1))
    for i in range(PARTNERS):
        answer(pulse_world, f"poc-{i}", 9 if i < 6 else 4, 4 if i < 6 else 2, "funding was slow" if i >= 6 else "quick",
               T0 + timedelta(days=40))
    return pulse_world


def build(world, **options):
    from chalicelib.services.program import current_program
    from chalicelib.services.pulse_results import build_pulse_results

    return build_pulse_results(world.repos, world.wiring.pulse_store(), current_program(world.repos),
                               T0 + timedelta(days=41), **options)


def test_scorecard_by_event_type_attribute_and_month(answered):
    doc = build(answered, threshold=3, min_partners=1)
    poc = next(t for t in doc["event_types"] if t["event_type"] == "poc_funded")
    assert (poc["events"], poc["invited"], poc["respondents"]) == (12, 12, 12)
    overall = poc["scorecard"]["overall"]
    assert overall["respondents"] == 12 and overall["nps"]["value"] == 0.0  # 6 promoters, 6 detractors
    by_region = next(b for b in poc["scorecard"]["breakdowns"] if b["by"] == ["region"])
    assert {c["segment"]["region"] for c in by_region["cells"]} == {"EMEA", "APJ"}
    outcome = {c["segment"]["outcome"]: c["respondents"] for c in poc["attributes"]["outcome"]}
    assert outcome == {"funded": 8, "declined": 4}
    months = [c["segment"]["month"] for c in poc["trend"]]
    assert months == ["2026-12", "2027-01"]


def test_small_cells_are_suppressed_like_the_relationship_scorecard(answered):
    doc = build(answered, threshold=5, min_partners=3)
    poc = next(t for t in doc["event_types"] if t["event_type"] == "poc_funded")
    outcome = {c["segment"]["outcome"]: c for c in poc["attributes"]["outcome"]}
    assert outcome["declined"]["suppressed"]  # 4 respondents < 5
    assert outcome["funded"]["suppressed"]    # its complement would reveal the declined cell


def test_the_link_to_relationship_nps_is_positive_here_and_cant_tell_with_few_partners(answered):
    doc = build(answered, threshold=3, min_partners=1)
    link = doc["link"]
    assert link["relationship_wave"] == "px-2026-h1" and link["partners"] == PARTNERS
    assert link["verdict"] == "positive" and link["r_interval"][0] > 0, str(link)
    import pandas as pd

    from analysis.pulses import link_analysis

    few = link_analysis(pd.Series({"A": 9.0, "B": 3.0}), pd.Series({"A": 100.0, "B": -100.0}))
    assert few["verdict"] == "cant_tell" and few["words"].startswith("Can't tell yet")
