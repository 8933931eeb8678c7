"""Builders for report tests: a wave with submitted responses per tier, report settings."""
from __future__ import annotations

from decimal import Decimal

from chalicelib.domain.responses import Response
from chalicelib.domain.waves import iso
from tests.builders import NOW, given_open_wave, make_partner

SCRIPT_COMMENT = "<script>alert('x')</script> Payouts are slow <img src=x onerror=alert(1)>"
SENDER = "Partner Pulse <pulse@vendor.example>"
RECIPIENTS = ("ceo@vendor.example", "cro@vendor.example")
BUCKET = "pulse-reports-test"

# tier -> (respondents, NPS score given by all of them, comment)
DEFAULT_TIERS = {
    "advanced": (20, 9, SCRIPT_COMMENT),
    "principal": (12, 10, "Great portal and fast deal registration"),
    "enrolled": (3, 0, "Payouts never arrive"),  # below 5: suppressed; its NPS would be -100
}


def given_wave_with_responses(table, tokens, tiers: dict | None = None, wave_id: str = "w-report"):
    """Partners per tier (one contact each), an open wave, and every invitation answered."""
    tiers = tiers or DEFAULT_TIERS
    partners, plan = [], {}
    for tier, (count, score, comment) in tiers.items():
        for i in range(count):
            partner_id = f"{tier[:3].upper()}{i:03d}"
            partners.append(make_partner(partner_id, tier=tier,
                                         annual_revenue=Decimal(100000 + 1000 * i)))
            plan[partner_id] = (score, comment, i)
    repos, links = given_open_wave(table, tokens, partners, wave_id=wave_id)
    stamp = iso(NOW)
    responses = []
    for link in links:
        score, comment, i = plan[link.partner.partner_id]
        answers = {"q_nps": score, "q_comment": comment, "q_portal": 2 + i % 4,
                   "q_model": "services", "q_programs": ["proof_of_concept"]}
        responses.append(Response(
            invitation_id=link.invitation.invitation_id, wave_id=wave_id, survey_id="px-test", survey_version=1,
            partner_id=link.partner.partner_id, contact_id=link.invitation.contact_id, language="en",
            answers=answers, status="submitted", version=1, created_at=stamp, updated_at=stamp,
            submitted_at=stamp, partner=link.partner.snapshot()))
    repos.responses.put_many(responses)
    return repos


def report_env(monkeypatch, transport: str = "ses", bucket: str | None = BUCKET, **extra) -> None:
    """Environment of the report job (what a stage sets in .chalice/config.json)."""
    values = {"PULSE_REPORT_SURVEYS": "px-test", "PULSE_REPORT_RECIPIENTS": ",".join(RECIPIENTS),
              "PULSE_REPORT_SENDER": SENDER, "PULSE_REPORT_TRANSPORT": transport, **extra}
    if bucket:
        values["PULSE_REPORT_BUCKET"] = bucket
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def snapshot_stores(table, now=None) -> dict:
    """``snapshots`` and ``refresh`` of a report context on ``table``: the report renders the wave's
    results snapshot, built on first need by the same refresh the dashboard's snapshots come from."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.storage.corrections import DynamoCorrectionRepository
    from chalicelib.storage.enrichments import DynamoEnrichmentStore
    from chalicelib.storage.followups import DynamoFollowupRepository
    from chalicelib.storage.snapshots import DynamoSnapshotStore
    from tests.builders import make_repositories

    snapshots = DynamoSnapshotStore(table)

    def refresh(wave_id: str) -> dict:
        return results.refresh_snapshot(make_repositories(table), snapshots, DynamoCorrectionRepository(table),
                                        DynamoFollowupRepository(table), wave_id, Thresholds(), 5, now or NOW,
                                        enrichments=DynamoEnrichmentStore(table))

    return {"snapshots": snapshots, "refresh": refresh}
