"""Response rates by segment, with the revenue share of responding partners."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from chalicelib.services.distribution import send_invitations
from chalicelib.services.response_rates import response_rates
from chalicelib.services.submissions import submit_response
from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

from .conftest import make_distribution


def test_rates_by_tier_region_type_and_program_with_revenue_share(moto_table, tokens, tmp_path):
    from chalicelib.mail.outbox import OutboxMailer

    # 6 advanced EMEA resellers (revenue 100 each) and 2 principal APJ cloud partners (1000 each).
    partners = [replace(make_partner(f"A{n}"), annual_revenue=Decimal(100)) for n in range(6)]
    partners += [replace(make_partner(f"B{n}", contacts=2), tier="principal", region="APJ",
                         partner_types=("cloud",), programs=("partner_to_partner",),
                         annual_revenue=Decimal(1000)) for n in range(2)]
    repos, links = given_open_wave(moto_table, tokens, partners)
    d = make_distribution(moto_table, tokens, OutboxMailer(tmp_path))
    send_invitations(d, "w-test", NOW)
    by_partner = {}
    for link in links:
        by_partner.setdefault(link.partner.partner_id, []).append(link)
    for pid in ("A0", "A1", "A2", "B0"):  # three resellers and one principal answer
        submit_response(repos, tokens, token_of(by_partner[pid][0]), {"answers": VALID_ANSWERS, "language": "en"}, NOW)
    submit_response(repos, tokens, token_of(by_partner["A3"][0]),
                    {"answers": {"q_nps": 3}, "language": "en", "final": False}, NOW)

    rates = response_rates(repos, "w-test", min_partners=5)

    assert rates["invitations"] == 10
    assert rates["states"] == {"created": 0, "sent": 5, "opened": 0, "started": 1, "submitted": 4}
    assert rates["reached"]["sent"] == 10 and rates["reached"]["started"] == 5
    overall = rates["overall"]
    assert (overall["partners_invited"], overall["partners_responding"], overall["contacts_submitted"]) == (8, 4, 4)
    assert overall["revenue_share"] == round(1300 / 2600, 4)
    tiers = {row["segment"]: row for row in rates["by"]["tier"]}
    assert tiers["advanced"]["partner_rate"] == 0.5 and tiers["advanced"]["revenue_share"] == 0.5
    assert tiers["principal"]["hidden"] is True and tiers["principal"]["partners_responding"] is None
    programs = {row["segment"]: row for row in rates["by"]["program"]}
    assert set(programs) == {"proof_of_concept", "partner_to_partner"}
    assert programs["proof_of_concept"]["contacts_invited"] == 6
    types = {row["segment"] for row in rates["by"]["partner_type"]}
    assert types == {"reseller", "cloud"}

    shown = response_rates(repos, "w-test", min_partners=1)
    principal = {row["segment"]: row for row in shown["by"]["tier"]}["principal"]
    assert principal["partners_responding"] == 1 and principal["contact_rate"] == 0.25
    assert principal["revenue_share"] == 0.5
