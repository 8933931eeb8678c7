"""CSAT over every wave of a survey: per rating question, the top-2-box (with interval) and mean each
wave's own snapshot publishes for the viewer's scope, overall and per tier (staff API and the
per-question page); suppressed stays suppressed; a question a wave did not ask has no point."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.review.conftest import auth
from tests.review.test_dashboard_pages import cookie, html

# Four waves of one survey, oldest first. W0 has no snapshot (its values come from W1's comparison);
# W2 uses version 2 of the survey, which does not ask q_support; in W3 only four partners answer
# q_support (below the threshold of five: suppressed overall while the NPS is published).
W0, W1, W2, W3 = "w-trend-0", "w-trend-1", "w-trend-2", "w-trend-3"
SUPPORT = {"id": "q_support", "type": "rating", "scale": 5, "text": "Support?",
           "labels": {"low": "Very dissatisfied", "high": "Very satisfied"}}


def _definition(version: int, with_support: bool) -> dict:
    from tests.builders import survey_definition

    definition = survey_definition(version=version)
    if with_support:
        definition["sections"][-1]["questions"].append(dict(SUPPORT))
    return definition


def _partners():
    from tests.builders import make_partner

    return ([make_partner(f"A{i:03d}", tier="advanced", region="EMEA" if i % 2 else "AMER") for i in range(12)]
            + [make_partner(f"E{i:03d}", tier="enrolled", region="EMEA" if i % 2 else "AMER") for i in range(12)]
            + [make_partner(f"P{i:03d}", tier="principal", region="APJ") for i in range(3)])


@pytest.fixture(scope="module")
def trend_client():
    """Four waves (three with snapshots) on a moto table, and a chalice test client (module-wide)."""
    import os

    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import wiring
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import results
    from chalicelib.services.catalogue import open_wave, publish_survey
    from chalicelib.services.invitations import create_invitations
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from tests.builders import NOW, TEST_SECRET, VALID_ANSWERS, make_repositories, restore_environment, token_of
    from tests.conftest import _make_table

    saved = {k: os.environ.get(k) for k in ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT",
                                             "PULSE_STAGE")}
    tokens = InvitationTokens(TEST_SECRET)
    with mock_aws():
        table = _make_table(None)
        repos = make_repositories(table)
        start = NOW - timedelta(days=400)
        publish_survey(repos, _definition(1, True), start)
        publish_survey(repos, _definition(2, False), start)
        repos.partners.put_many(_partners(), "2026-01-01T00:00:00Z")
        closes = (NOW + timedelta(days=30)).date().isoformat()
        for k, wave_id in enumerate((W0, W1, W2, W3)):
            opened = start + timedelta(days=100 * k)
            open_wave(repos, "px-test", wave_id, closes, opened, version=2 if wave_id == W2 else 1)
            for i, link in enumerate(create_invitations(repos, tokens, wave_id, "http://pulse.test", opened)):
                if i % 7 == 6 and link.partner.tier != "principal":  # some invited partners do not answer
                    continue
                answers = {**VALID_ANSWERS, "q_nps": (i * i + k) % 11, "q_portal": 1 + (i * i + k) % 5}
                if wave_id != W2 and (wave_id != W3 or i < 4):
                    answers["q_support"] = 1 + (i * i * (k + 1) + 2 * k) % 5
                submit_response(repos, tokens, token_of(link), {"answers": answers, "language": "en",
                                                                "final": True}, NOW)
        os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test"})
        os.environ.pop("PULSE_DYNAMODB_ENDPOINT", None)
        wiring.reset()
        results.clear_cache()
        stores = wiring.review_stores()
        for wave_id in (W1, W2, W3):
            results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, wave_id,
                                     Thresholds(), 5, NOW)
        with Client(app, stage_name="test") as client:
            yield client
        results.clear_cache()
        restore_environment(saved)


def _get(client, path: str, headers: dict) -> dict:
    response = client.http.get(path, headers=headers)
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def _scorecard(client, wave_id: str, scope: str | None = None) -> dict:
    return _get(client, f"/api/v1/staff/waves/{wave_id}/scorecard", auth("viewer", scope))


def _trend(client, wave_id: str = W3, scope: str | None = None) -> dict:
    return _get(client, f"/api/v1/staff/waves/{wave_id}/trend", auth("viewer", scope))


def _published(cell: dict, qid: str) -> dict:
    """What a scorecard cell publishes for a rating question, in the trend's shape."""
    value = cell["csat"][qid]
    if cell["suppressed"] or value == "suppressed":
        return {"top2": "suppressed", "mean": "suppressed"}
    pick = ("value", "ci_low", "ci_high", "n")
    return {"top2": {k: value["top2"][k] for k in pick if k in value["top2"]},
            "mean": {k: value["mean"][k] for k in pick if k in value["mean"]}}


# -- staff API ------------------------------------------------------------------------------------
def test_each_wave_shows_the_csat_its_own_snapshot_publishes(trend_client):
    body = _trend(trend_client)
    points = {p["wave_id"]: p for p in body["waves"]}
    assert list(points) == [W0, W1, W2, W3]
    for wave_id in (W1, W2, W3):
        doc = _scorecard(trend_client, wave_id)
        ratings = [q["id"] for q in doc["questions"] if q["type"] == "rating"]
        assert set(points[wave_id]["csat"]) == set(ratings)
        for qid in ratings:
            entry = points[wave_id]["csat"][qid]
            assert {k: entry[k] for k in ("top2", "mean")} == _published(doc["overall"], qid)
            vs = doc["overall"]["vs_previous"]
            assert entry["change"] == (vs["csat_top2"].get(qid) if isinstance(vs, dict) else None)
            for cell in next(b["cells"] for b in doc["breakdowns"] if b["by"] == ["tier"]):
                tier = points[wave_id]["csat_by"]["tier"][cell["segment"]["tier"]]
                assert tier[qid] == _published(cell, qid)
    # the NPS fields are unchanged beside the new ones
    assert {"wave_id", "opens_at", "source", "overall", "change", "by"} <= set(points[W3])
    assert points[W3]["overall"]["nps"]["value"] == _scorecard(trend_client, W3)["overall"]["nps"]["value"]


def test_suppressed_csat_stays_the_marker_and_never_a_number(trend_client):
    points = {p["wave_id"]: p for p in _trend(trend_client)["waves"]}
    # W3: four answers to q_support overall (threshold five) while its NPS is published
    assert points[W3]["csat"]["q_support"]["top2"] == "suppressed"
    assert points[W3]["csat"]["q_support"]["mean"] == "suppressed"
    assert isinstance(points[W3]["overall"]["nps"], dict)
    # principal has three respondents: every rating of that tier is the marker in every snapshot wave
    for wave_id in (W1, W2, W3):
        principal = points[wave_id]["csat_by"]["tier"]["principal"]
        assert principal and all(v == {"top2": "suppressed", "mean": "suppressed"} for v in principal.values())
    numbers = [v for p in points.values() for cell in p["csat_by"]["tier"].values() for v in cell.values()
               if isinstance(v["top2"], dict)]
    assert numbers  # some tier values are published


def test_a_question_missing_in_a_wave_has_no_point(trend_client):
    points = {p["wave_id"]: p for p in _trend(trend_client)["waves"]}
    assert "q_support" not in points[W2]["csat"] and "q_portal" in points[W2]["csat"]
    assert all("q_support" not in cell for cell in points[W2]["csat_by"]["tier"].values())
    assert "q_support" in points[W1]["csat"]
    # W3's comparison is with W2, which did not ask q_support: no change for it
    assert points[W3]["csat"]["q_portal"]["change"] is not None
    assert points[W3]["csat"]["q_support"]["change"] is None


def test_a_wave_without_a_snapshot_gets_the_top2_the_next_comparison_published(trend_client):
    points = {p["wave_id"]: p for p in _trend(trend_client)["waves"]}
    w1 = _scorecard(trend_client, W1)
    assert points[W0]["source"] == f"comparison in {W1}"
    for qid, compared in w1["overall"]["vs_previous"]["csat_top2"].items():
        # the value only: the comparison publishes neither an interval nor a mean
        assert points[W0]["csat"][qid] == {"top2": {"value": compared["other"]}, "mean": None, "change": None}
    assert set(points[W0]["csat"]) == {"q_portal", "q_support"}


def test_a_scoped_viewer_sees_only_its_scopes_values(trend_client):
    full = {p["wave_id"]: p for p in _trend(trend_client)["waves"]}
    emea = {p["wave_id"]: p for p in _trend(trend_client, scope="region=EMEA")["waves"]}
    for wave_id in (W1, W2, W3):
        doc = _scorecard(trend_client, wave_id, "region=EMEA")
        assert doc["snapshot"]["scope"] and doc["overall"]["respondents"] < full[wave_id]["overall"]["respondents"]
        for qid, entry in emea[wave_id]["csat"].items():
            assert {k: entry[k] for k in ("top2", "mean")} == _published(doc["overall"], qid)
        assert set(emea[wave_id]["csat_by"]["tier"]) == {"advanced", "enrolled"}
    assert emea[W1]["csat"]["q_portal"] != full[W1]["csat"]["q_portal"]
    # APJ has three respondents: its scope shows the marker for every question of every wave
    apj = {p["wave_id"]: p for p in _trend(trend_client, scope="region=APJ")["waves"]}
    for wave_id in (W1, W2, W3):
        assert apj[wave_id]["csat"] and all(v["top2"] == "suppressed" and v["mean"] == "suppressed"
                                            for v in apj[wave_id]["csat"].values())
    assert all(v["top2"] == "suppressed" for v in apj[W0]["csat"].values())
    # LATAM has no respondents at all: the marker for each rating question each wave asked
    latam = {p["wave_id"]: p for p in _trend(trend_client, scope="region=LATAM")["waves"]}
    assert set(latam[W2]["csat"]) == {"q_portal"} and set(latam[W3]["csat"]) == {"q_portal", "q_support"}
    assert all(v["top2"] == v["mean"] == "suppressed" for w in (W1, W2, W3) for v in latam[w]["csat"].values())


def test_the_trend_stops_at_the_selected_wave(trend_client):
    assert [p["wave_id"] for p in _trend(trend_client, W1)["waves"]] == [W0, W1]


# -- the per-question page ------------------------------------------------------------------------
def test_question_page_shows_each_ratings_trend_as_a_table_and_a_chart(trend_client):
    page = html(trend_client.http.get(f"/staff/questions?wave={W3}", headers=cookie("viewer")))
    portal = page.split('aria-labelledby="h-q_portal"')[1].split("</section>")[0]
    assert 'id="h-t-q_portal"' in portal and 'id="qt-q_portal-t"' in portal  # heading and chart title
    table = portal.split('<caption id="c-t-q_portal">')[1].split("</table>")[0]
    assert '<th scope="col">Wave</th><th scope="col">Top-2-box</th>' in table
    waves = [r.split("</th>")[0] for r in table.split('<tr><th scope="row">')[1:]]
    assert waves == [W0, W1, W2, W3]
    w1 = _scorecard(trend_client, W1)["overall"]["csat"]["q_portal"]
    row = table.split(f'<tr><th scope="row">{W1}</th>')[1].split("</tr>")[0]
    assert f"{w1['top2']['value'] * 100:.0f} %" in row and f"{w1['mean']['value']:.2f}" in row
    assert f"(from the comparison in {W1})" in table.split(f">{W0}</th>")[1].split("</tr>")[0]
    assert "Top-2-box per tier and wave" in portal

    support = page.split('aria-labelledby="h-q_support"')[1].split("</section>")[0]
    assert "not asked in this wave" in support.split(f">{W2}</th>")[1].split("</tr>")[0]
    assert "suppressed (too few respondents)" in support.split(f">{W3}</th>")[1].split("</tr>")[0]


def test_question_page_trend_for_a_scoped_viewer_holds_its_scope_only(trend_client):
    page = html(trend_client.http.get(f"/staff/questions?wave={W3}", headers=cookie("viewer", "region=APJ")))
    portal = page.split('aria-labelledby="h-q_portal"')[1].split("</section>")[0]
    table = portal.split('<caption id="c-t-q_portal">')[1].split("</table>")[0]
    assert "scope region=APJ" in table
    for wave_id in (W1, W2, W3):
        assert "suppressed (too few respondents)" in table.split(f">{wave_id}</th>")[1].split("</tr>")[0]
    assert "%" not in table.split("</thead>")[1]  # not one share is shown
