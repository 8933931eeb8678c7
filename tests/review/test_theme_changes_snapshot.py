"""The snapshot's theme comparison end to end (issue 24): two waves of one survey on moto, a theme that
grows shows up for the program (staff overview included), a scoped viewer gets only its tier, and the
first wave compares nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

PAYOUTS = "Incentive payouts arrive late"
PORTAL = "The partner portal search works well"


@pytest.fixture
def two_waves(moto_table, tokens, app_env):
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services import results
    from chalicelib.services.catalogue import open_wave
    from chalicelib.services.invitations import create_invitations
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

    partners = [make_partner(f"A{i:03d}", tier="advanced" if i % 2 else "enrolled") for i in range(40)]
    start = NOW - timedelta(days=200)
    repos, links = given_open_wave(moto_table, tokens, partners, wave_id="w-theme-1", now=start)
    for i, link in enumerate(links):
        text = PAYOUTS if i % 5 in (0, 1) else PORTAL  # 40% (8 comments in each tier: the threshold)
        submit_response(repos, tokens, token_of(link), {"answers": {**VALID_ANSWERS, "q_comment": text},
                                                        "language": "en", "final": True}, start)
    open_wave(repos, "px-test", "w-theme-2", (NOW + timedelta(days=30)).date().isoformat(), NOW)
    for i, link in enumerate(create_invitations(repos, tokens, "w-theme-2", "http://pulse.test", NOW)):
        text = PAYOUTS if i % 5 != 0 else PORTAL  # 80%
        submit_response(repos, tokens, token_of(link), {"answers": {**VALID_ANSWERS, "q_comment": text},
                                                        "language": "en", "final": True}, NOW)
    wiring = app_env(moto_table)
    results.clear_cache()
    stores = wiring.review_stores()
    for wave_id in ("w-theme-1", "w-theme-2"):
        results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, wave_id,
                                 Thresholds(), 5, NOW)
    yield stores, StaffIdentity("admin@vendor.example", "admin")
    results.clear_cache()


def test_a_growing_theme_is_significant_in_the_snapshot_and_on_the_overview(two_waves):
    from chalice.test import Client

    from app import app
    from chalicelib.services import results
    from tests.review.test_dashboard_pages import cookie, html

    stores, admin = two_waves
    part = results.theme_changes(stores.snapshots, "w-theme-2", admin)
    assert part["compared"] is True and part["previous_wave"] == "w-theme-1"
    grown = [t for t in part["tests"] if t["group"] == "all" and t["measure"] == "share" and t["significant"]
             and t["difference"] > 0.3]
    assert grown, part["tests"]
    assert {t["group"] for t in part["tests"]} >= {"all", "tier:advanced", "tier:enrolled"}
    assert results.theme_changes(stores.snapshots, "w-theme-1", admin)["compared"] is False  # the first wave

    from chalicelib.security.staff import StaffIdentity, parse_scope

    tier_viewer = StaffIdentity("v@vendor.example", "viewer", parse_scope("tier=advanced"))
    assert {t["group"] for t in results.theme_changes(stores.snapshots, "w-theme-2", tier_viewer)["tests"]} \
        == {"tier:advanced"}
    region_viewer = StaffIdentity("v@vendor.example", "viewer", parse_scope("region=EMEA"))
    assert results.theme_changes(stores.snapshots, "w-theme-2", region_viewer)["tests"] == []

    with Client(app, stage_name="test") as client:
        page = html(client.http.get("/staff?wave=w-theme-2", headers=cookie("analyst")))
    assert f"comments about {grown[0]['label']}</a> rose" in page
    assert "Comment themes are compared with the previous wave" in page
