"""Views a team can share and follow: breakdown and segment filters in the URL of the overview and
the per-question page, the trend over every wave of a survey (page and staff API) and matrix rows
per question; suppression holds in each."""
import json

import pytest

from tests.review.conftest import NOW, SMALL_WAVE, WAVE, auth
from tests.review.test_dashboard_pages import cookie, html

PREVIOUS = "px-2025-h2"


# -- the demo (two waves of one survey) ------------------------------------------------------------
def test_overview_shows_the_breakdown_and_segments_named_in_the_url(client):
    page = html(client.http.get(f"/staff?wave={WAVE}&by=tier:region&tier=principal", headers=cookie("viewer")))
    assert "NPS by tier × region where tier = principal" in page
    assert '<option value="tier:region" selected>' in page and '<option value="principal" selected>' in page
    selection = page.split('id="h-selection"')[1].split("</section>")[0]
    rows = [r.split("</th>")[0] for r in selection.split('<tr><th scope="row">')[1:]]
    assert rows and all(r.startswith("Principal / ") for r in rows)
    assert "/staff/comments?wave=px-2026-h1&amp;tier=principal" in selection  # same segments, one click away


def test_a_segment_filter_alone_picks_the_breakdown_it_needs(client):
    page = html(client.http.get(f"/staff?wave={WAVE}&region=EMEA", headers=cookie("viewer")))
    selection = page.split('id="h-selection"')[1].split("</section>")[0]
    rows = [r.split("</th>")[0] for r in selection.split('<tr><th scope="row">')[1:]]
    assert rows == ["Europe, Middle East &amp; Africa"]  # the program's label of EMEA


def test_filters_that_match_nothing_or_cannot_be_answered_say_so(client):
    none = client.http.get(f"/staff?wave={WAVE}&tier=nonexistent", headers=cookie("viewer"))
    assert none.status_code == 200 and "No segment matches this selection." in html(none)
    impossible = client.http.get(f"/staff?wave={WAVE}&by=program&region=EMEA", headers=cookie("viewer"))
    assert impossible.status_code == 400 and "no breakdown by program × region" in html(impossible)
    assert client.http.get(f"/staff?wave={WAVE}&by=colour", headers=cookie("viewer")).status_code == 400
    assert client.http.get(f"/staff?wave={WAVE}&tier={'x' * 101}", headers=cookie("viewer")).status_code == 400
    hostile = html(client.http.get(f"/staff?wave={WAVE}&tier=%3Cscript%3E", headers=cookie("viewer")))
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_question_page_keeps_segment_filters_in_the_url(client):
    page = html(client.http.get(f"/staff/questions?wave={WAVE}&by=region&tier=advanced", headers=cookie("viewer")))
    assert "Showing segments where tier = <strong>advanced</strong>" in page
    table = page.split('<section class="question"')[1].split("</table>")[0]  # not the trend table below it
    rows = [r.split("</th>")[0] for r in table.split('<tr><th scope="row">')[1:]]
    # rows carry the program's labels ("Advanced / Americas"), like the overview
    assert rows[0] == "all partners" and len(rows) > 1 and all(r.startswith("Advanced / ") for r in rows[1:])


def test_trend_api_lists_every_wave_of_the_survey_oldest_first(client):
    body = json.loads(client.http.get(f"/api/v1/staff/waves/{WAVE}/trend", headers=auth("viewer")).body)
    waves = body["waves"]
    assert [w["wave_id"] for w in waves] == [PREVIOUS, WAVE]
    current, previous = waves[1], waves[0]
    assert current["source"] == "snapshot" and current["overall"]["nps"]["ci_low"] <= current["overall"]["nps"]["value"]
    # the previous wave has no snapshot here: its value is the one the comparison published
    assert previous["source"] == f"comparison in {WAVE}"
    assert previous["overall"]["nps"]["value"] == body["overall"]["other"]
    assert set(current["by"]["tier"]) == {"enrolled", "advanced", "principal"}


def test_trend_api_respects_a_viewers_scope(client):
    scoped = json.loads(client.http.get(f"/api/v1/staff/waves/{WAVE}/trend",
                                        headers=auth("viewer", "region=EMEA")).body)["waves"]
    full = json.loads(client.http.get(f"/api/v1/staff/waves/{WAVE}/trend", headers=auth("viewer")).body)["waves"]
    assert set(scoped[1]["by"]["region"]) == {"EMEA"}
    assert scoped[1]["overall"]["respondents"] < full[1]["overall"]["respondents"]


def test_overview_shows_the_trend_over_all_waves(client):
    page = html(client.http.get(f"/staff?wave={WAVE}", headers=cookie("viewer")))
    trend = page.split('id="h-trend"')[1].split("</section>")[0]
    assert trend.index(PREVIOUS) < trend.index(f">{WAVE}<") and "NPS per tier and wave" in trend
    assert f"(from the comparison in {WAVE})" in trend and 'id="nps-trend-t"' in trend


# -- a small wave: suppression holds in a selection and a trend ------------------------------------
def test_a_selected_segment_below_the_threshold_stays_suppressed(small):
    page = html(small.http.get(f"/staff?wave={SMALL_WAVE}&region=APJ", headers=cookie("viewer")))
    selection = page.split('id="h-selection"')[1].split("</section>")[0]
    rows = [r.split("</th>")[0] for r in selection.split('<tr><th scope="row">')[1:]]
    assert len(rows) == 1 and "suppressed (fewer than the minimum" in selection
    series = json.loads(small.http.get(f"/api/v1/staff/waves/{SMALL_WAVE}/trend", headers=auth("viewer")).body)
    assert series["waves"][-1]["by"]["region"]["APJ"] == "suppressed"


# -- matrix rows per question ---------------------------------------------------------------------
MATRIX = {"id": "q_exp", "type": "matrix", "scale": 5, "text": "How satisfied are you with…",
          "labels": {"low": "Very dissatisfied", "high": "Very satisfied"},
          "items": [{"id": "portal", "label": "the partner portal"}, {"id": "payouts", "label": "incentive payouts"}]}


@pytest.fixture
def matrix_wave(moto_table, tokens, app_env):
    from chalice.test import Client

    from app import app
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from tests.builders import VALID_ANSWERS, given_open_wave, make_partner, survey_definition, token_of

    definition = survey_definition()
    definition["sections"][-1]["questions"].append(MATRIX)
    partners = [make_partner(f"P{i:03d}") for i in range(7)]
    partners += [make_partner(f"Q{i:03d}", tier="principal", region="APJ") for i in range(3)]
    repos, links = given_open_wave(moto_table, tokens, partners, wave_id="w-matrix", definition=definition)
    for i, link in enumerate(links):
        answers = {**VALID_ANSWERS, "q_nps": i % 11, "q_exp": {"portal": 5 if i % 2 else 3, "payouts": 1 + i % 5}}
        submit_response(repos, tokens, token_of(link), {"answers": answers, "language": "en", "final": True}, NOW)
    wiring = app_env(moto_table)
    results.clear_cache()
    stores = wiring.review_stores()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, "w-matrix",
                             Thresholds(), 5, NOW)
    with Client(app, stage_name="test") as c:
        yield c
    results.clear_cache()


def test_matrix_rows_are_shown_together_under_their_question(matrix_wave):
    from chalicelib.web.dashboard_views import question_results

    doc = json.loads(matrix_wave.http.get("/api/v1/staff/waves/w-matrix/scorecard", headers=auth("analyst")).body)
    row = next(q for q in doc["questions"] if q["id"] == "q_exp.portal")
    assert row["matrix"] == "q_exp" and row["row_label"] == "the partner portal"
    view = question_results(doc, "region")
    assert [m["id"] for m in view["matrices"]] == ["q_exp"]
    assert [i["label"] for i in view["matrices"][0]["items"]] == ["the partner portal", "incentive payouts"]
    assert all("." not in q["id"] for q in view["ratings"])  # rows are not repeated as separate questions
    portal = view["matrices"][0]["items"][0]
    assert portal["rows"][0]["value"] == doc["overall"]["csat"]["q_exp.portal"]["top2"]["value"] == 0.5

    page = html(matrix_wave.http.get("/staff/questions?wave=w-matrix&by=region", headers=cookie("viewer")))
    section = page.split('aria-labelledby="h-m-q_exp"')[1].split("</section>")[0]
    assert "How satisfied are you with… <small>(matrix, 2 rows)</small>" in section
    assert '<th scope="rowgroup" rowspan="3">the partner portal</th>' in section
    # APJ has 3 respondents: suppressed in every matrix row, never a number
    apj = [part.split("</tr>")[0] for part in section.split('<th scope="row">Asia Pacific &amp; Japan</th>')[1:]]
    assert len(apj) == 2 and all(p == '<td colspan="4">suppressed (too few respondents)</td>' for p in apj)
