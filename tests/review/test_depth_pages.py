"""Depth on the dashboard: per-question results with the breakdown in the URL, the partner view
(respondent-level: analysts yes, viewers never), identity only with consent."""
import json

from tests.review.conftest import SMALL_WAVE, auth
from tests.review.test_dashboard_pages import cookie, html


def test_question_page_shows_top2_mean_and_choice_shares_for_the_breakdown_in_the_url(small):
    page = html(small.http.get(f"/staff/questions?wave={SMALL_WAVE}&by=region", headers=cookie("viewer")))
    assert "Results per question" in page and '<option value="region" selected>' in page
    assert "top-2-box and mean by segment" in page and "share choosing each option by segment" in page
    # APJ has 3 respondents: its rows say suppressed, never a number (under the program's label, as on the overview)
    assert '<th scope="row">Asia Pacific &amp; Japan</th><td colspan="4">suppressed (too few respondents)</td>' in page
    bad = small.http.get(f"/staff/questions?wave={SMALL_WAVE}&by=colour", headers=cookie("viewer"))
    assert bad.status_code == 400


def test_question_numbers_match_the_scorecard(small):
    from chalicelib.web.dashboard_views import question_results

    doc = json.loads(small.http.get(f"/api/v1/staff/waves/{SMALL_WAVE}/scorecard", headers=auth("analyst")).body)
    view = question_results(doc, "tier")
    portal = next(q for q in view["ratings"] if q["id"] == "q_portal")
    assert portal["rows"][0]["value"] == doc["overall"]["csat"]["q_portal"]["top2"]["value"]
    assert portal["rows"][0]["mean"] == doc["overall"]["csat"]["q_portal"]["mean"]["value"]
    model = next(q for q in view["choices"] if q["id"] == "q_model")
    assert model["rows"][0]["shares"] == doc["overall"]["choices"]["q_model"]["shares"]


def test_partner_view_for_analysts_only(small):
    page = small.http.get("/staff/partners/P001?wave=" + SMALL_WAVE, headers=cookie("analyst"))
    body = html(page)
    assert page.status_code == 200 and "Partner P001" in body and f"Wave {SMALL_WAVE}" in body
    assert small.http.get("/staff/partners/P001", headers=cookie("viewer")).status_code == 403
    api = small.http.get("/api/v1/staff/partners/P001", headers=auth("analyst"))
    history = json.loads(api.body)
    # the fixture survey reports "identified": a contact is named only when they consented
    identified = history["waves"][0]["respondents"][0]["identified"]
    assert ("Respondent 1" in body) is (not identified)
    assert small.http.get("/api/v1/staff/partners/P001", headers=auth("viewer")).status_code == 403
    assert small.http.get("/api/v1/staff/partners/NOPE", headers=auth("analyst")).status_code == 404
