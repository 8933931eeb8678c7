"""Dashboard pages of actions and changes (moto + chalice test client): create from a finding in one
step, workflow through the form, scope, escaping, change page with markers and estimates."""
import json
import re
from urllib.parse import urlencode

import pytest

from tests.actions.test_actions_api import token

FORM = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}


@pytest.fixture
def pages(moto_table, app_env, monkeypatch):
    from chalice.test import Client

    monkeypatch.setenv("PULSE_STAGE", "test")
    app_env(moto_table)
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


SESSIONS: dict = {}


def cookie(role, scope=None):
    """One session per role and scope (the CSRF token is bound to the session's token)."""
    if (role, scope) not in SESSIONS:
        SESSIONS[(role, scope)] = token(role, scope)
    return {"cookie": f"pulse_staff={SESSIONS[(role, scope)]}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_create_action_from_a_driver_finding_in_one_step(pages):
    query = urlencode({"wave": "px-2026-h1", "kind": "driver", "ref": "q_sat_incentives",
                       "label": "Incentive payouts <b>late</b>"})
    form_page = pages.http.get(f"/staff/actions/new?{query}", headers=cookie("analyst"))
    html = form_page.body.decode()
    assert form_page.status_code == 200
    assert 'value="q_sat_incentives"' in html and "Act on: Incentive payouts &lt;b&gt;late&lt;/b&gt;" in html
    assert "<b>late</b>" not in html  # escaped
    body = urlencode({"csrf": csrf_of(html), "finding_kind": "driver", "finding_wave": "px-2026-h1",
                      "finding_ref": "q_sat_incentives", "finding_label": "Incentive payouts late",
                      "title": "Pay EMEA partners on time", "owner": "lead@vendor.example", "due": "2026-05-31",
                      "metrics": "top2:q_sat_incentives", "regions": "EMEA", "direction": "up"})
    created = pages.http.post("/staff/actions", headers={**FORM, **cookie("analyst")}, body=body)
    assert created.status_code == 303
    location = created.headers["Location"]
    page = pages.http.get(location, headers=cookie("analyst")).body.decode()
    assert "Pay EMEA partners on time" in page and "proposed" in page and "region EMEA" in page
    moved = pages.http.post(f"{location}/update", headers={**FORM, **cookie("analyst")},
                            body=urlencode({"csrf": csrf_of(page), "status": "approved", "note": "budget agreed"}))
    assert moved.status_code == 303
    refused = pages.http.post(f"{location}/update", headers={**FORM, **cookie("analyst")},
                              body=urlencode({"csrf": csrf_of(page), "status": "dropped"}))
    assert refused.status_code == 400 and "reason: is required to drop an action" in refused.body.decode()
    listed = pages.http.get("/staff/actions?status=approved", headers=cookie("viewer", "region=EMEA")).body.decode()
    assert "Pay EMEA partners on time" in listed  # an EMEA viewer sees the EMEA action
    assert "Pay EMEA partners on time" not in pages.http.get(
        "/staff/actions", headers=cookie("viewer", "region=APJ")).body.decode()


def test_bad_form_keeps_what_was_typed_and_names_fields(pages):
    html = pages.http.get("/staff/actions/new", headers=cookie("analyst")).body.decode()
    body = urlencode({"csrf": csrf_of(html), "finding_kind": "driver", "finding_wave": "px-2026-h1",
                      "finding_ref": "q_sat_portal", "title": "Portal search", "owner": "not-an-address",
                      "due": "2026-02-30"})
    response = pages.http.post("/staff/actions", headers={**FORM, **cookie("analyst")}, body=body)
    text = response.body.decode()
    assert response.status_code == 400
    assert "owner: must be one e-mail address" in text and "due: must be a date" in text
    assert 'value="Portal search"' in text
    assert json.loads(pages.http.get("/api/v1/staff/actions", headers={
        "authorization": f"Bearer {token('admin')}"}).body)["total"] == 0


def test_viewer_cannot_open_the_create_form_or_post_without_csrf(pages):
    assert pages.http.get("/staff/actions/new", headers=cookie("viewer")).status_code == 403
    no_csrf = pages.http.post("/staff/actions", headers={**FORM, **cookie("analyst")},
                              body=urlencode({"title": "x"}))
    assert no_csrf.status_code == 403


def test_change_page_shows_the_released_estimate_without_group_cells_to_restricted_readers(pages):
    from chalicelib import wiring

    stores = wiring.plan_stores()
    stores.changes.add({"change_id": "emea-payouts", "description": "EMEA payouts on a new platform",
                        "effective": "2025-12-01", "segments": {"regions": ["EMEA"]},
                        "metrics": ["top2:q_sat_incentives"], "actions": []})
    estimate = {"metric": "top-2-box of q_sat_incentives", "status": "ok", "design": "difference in differences",
                "verdict": "After the change, ... fell 9.0 points further than among unaffected partners.",
                "estimate": {"value": -9.0, "low": -14.0, "high": -4.0, "level": 0.9, "partners": 300},
                "cells": [{"group": "affected", "period": "before", "mean": 50.0, "respondents": 80,
                           "partners": 60}],
                "panel": {"status": "not enough data", "reason": "x"}, "pre_trend": {"status": "not available",
                                                                                    "reason": "one wave before"}}
    live = {**estimate, "verdict": "LIVE fell 9.4 points", "estimate": {**estimate["estimate"], "value": -9.4}}
    stores.changes.set_estimates("emea-payouts", [live], "2026-03-02T00:00:00Z")
    stores.changes.set_released_estimates("emea-payouts", [{**estimate, "basis": "closed waves only"}],
                                          "2026-03-01T00:00:00Z", "k", ["w1", "w2"], "px-test")
    # no identified survey here: every reader is restricted and reads the estimate from closed waves
    analyst = pages.http.get("/staff/changes/emea-payouts", headers=cookie("analyst")).body.decode()
    assert "fell 9.0 points further" in analyst and "-9.0 [-14.0 to -4.0]" in analyst
    assert "LIVE" not in analyst and "-9.4" not in analyst
    assert "Estimates from closed waves only" in analyst and "the groups before and after" not in analyst
    viewer = pages.http.get("/staff/changes/emea-payouts", headers=cookie("viewer", "region=EMEA")).body.decode()
    assert "fell 9.0 points further" in viewer and "the groups before and after" not in viewer
    assert pages.http.get("/staff/changes/emea-payouts", headers=cookie("viewer", "region=APJ")).status_code == 404


def test_record_a_change_from_the_dashboard(pages):
    html = pages.http.get("/staff/changes", headers=cookie("admin")).body.decode()
    body = urlencode({"csrf": csrf_of(html), "id": "portal-2026", "description": "portal rebuilt",
                      "effective": "2026-01-15", "tiers": "", "regions": "", "metrics": "nps:q_nps"})
    response = pages.http.post("/staff/changes", headers={**FORM, **cookie("admin")}, body=body)
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/changes/portal-2026")
    listed = pages.http.get("/staff/changes", headers=cookie("analyst")).body.decode()
    assert "portal-2026" in listed and "all partners" in listed


def test_trend_chart_marks_a_change_between_the_waves_it_falls_between():
    from chalicelib.web.change_charts import trend_with_changes

    rows = [{"label": "w1", "date": "2025-09-01", "value": 10.0, "low": 5.0, "high": 15.0},
            {"label": "w2", "date": "2026-02-01", "value": 20.0, "low": 14.0, "high": 26.0, "suppressed": False}]
    svg = str(trend_with_changes(rows, [{"change_id": "pay<x>", "effective": "2025-12-01"},
                                        {"change_id": "later", "effective": "2027-01-01"}], "NPS", "t"))
    assert "pay&lt;x&gt;" in svg and "Changes marked: pay&lt;x&gt; (effective 2025-12-01) between w1 and w2" in svg
    assert "later" not in svg  # not between two shown waves
    assert svg.count('stroke-dasharray="6 3"') == 1


def test_change_page_estimates_live_from_the_current_waves(pages, moto_table, tokens):
    from chalicelib import wiring
    from tests.actions.history import AFTER, CHANGE_DAY, given_two_waves
    from tests.review.conftest import identified_definition

    given_two_waves(moto_table, tokens, definition=identified_definition())
    wiring.plan_stores().changes.add({"change_id": "emea-portal", "description": "EMEA portal moved",
                                      "effective": CHANGE_DAY, "segments": {"regions": ["EMEA"]},
                                      "metrics": ["mean:q_portal"], "actions": []})
    html = pages.http.get(f"/staff/changes/emea-portal?wave={AFTER}", headers=cookie("analyst")).body.decode()
    assert "No estimate yet" not in html and "-2.0 [" in html  # computed on view, never saved by the CLI
    assert "from the current results" in html
    assert wiring.plan_stores().changes.get("emea-portal")["estimate_key"]
    viewer = pages.http.get(f"/staff/changes/emea-portal?wave={AFTER}", headers=cookie("viewer")).body.decode()
    assert "-2.0 [" not in viewer and "Estimates from closed waves only" in viewer  # the after-wave is open


def test_comments_page_shows_theme_share_over_waves_with_the_changes_of_the_segment(pages, moto_table, tokens):
    from chalicelib import wiring
    from tests.actions.history import AFTER, BEFORE, CHANGE_DAY, given_two_waves
    from tests.report.builders import snapshot_stores

    given_two_waves(moto_table, tokens, per_region=9, comment="The partner portal is slow and the portal search fails")
    refresh = snapshot_stores(moto_table)["refresh"]
    refresh(BEFORE)
    refresh(AFTER)
    wiring.plan_stores().changes.add({"change_id": "emea-portal", "description": "EMEA portal moved",
                                      "effective": CHANGE_DAY, "segments": {"regions": ["EMEA"]},
                                      "metrics": ["mean:q_portal"], "actions": []})
    emea = pages.http.get(f"/staff/comments?wave={AFTER}&region=EMEA", headers=cookie("analyst")).body.decode()
    trend = emea.split('id="theme-trend"')[1].split("</section>")[0]
    assert "Share of comments about" in trend and "100.0%" in trend  # every comment mentions the portal
    assert "Changes marked: emea-portal (effective" in trend
    amer = pages.http.get(f"/staff/comments?wave={AFTER}&region=AMER", headers=cookie("analyst")).body.decode()
    assert 'id="theme-trend"' in amer and "emea-portal" not in amer.split('id="theme-trend"')[1]
    everyone = pages.http.get(f"/staff/comments?wave={AFTER}", headers=cookie("analyst")).body.decode()
    assert 'id="theme-trend"' not in everyone  # no single segment picked


def test_change_page_without_a_wave_reads_the_relationship_survey_not_the_newest_pulse(pages, moto_table, tokens,
                                                                                        monkeypatch):
    """The newest snapshot may be an event type's monthly pulse wave (built hourly); the change page's
    default wave is still the newest relationship wave, so its estimate reads the survey that asks the
    linked question (the demo's change page said "no answers to this question")."""
    from datetime import timedelta
    from types import SimpleNamespace

    from chalicelib import wiring
    from chalicelib.domain.waves import iso
    from chalicelib.services.catalogue import open_wave, publish_survey
    from tests.actions.history import AFTER, BEFORE, CHANGE_DAY, given_two_waves
    from tests.builders import NOW, survey_definition
    from tests.report.builders import snapshot_stores
    from tests.review.conftest import identified_definition

    repos = given_two_waves(moto_table, tokens, definition=identified_definition())
    publish_survey(repos, {**survey_definition(), "id": "pulse-poc-funded"}, NOW)
    open_wave(repos, "pulse-poc-funded", "pulse-poc-funded-2026-12", iso(NOW + timedelta(days=30)), NOW)
    stores = snapshot_stores(moto_table)
    for wave in (BEFORE, AFTER, "pulse-poc-funded-2026-12"):  # the pulse wave is the newest build
        stores["refresh"](wave)
    monkeypatch.setattr(wiring, "recent_program", lambda: SimpleNamespace(
        event_types=[SimpleNamespace(survey_id="pulse-poc-funded")]))
    wiring.plan_stores().changes.add({"change_id": "emea-portal", "description": "EMEA portal moved",
                                      "effective": CHANGE_DAY, "segments": {"regions": ["EMEA"]},
                                      "metrics": ["mean:q_portal"], "actions": []})
    html = pages.http.get("/staff/changes/emea-portal", headers=cookie("analyst")).body.decode()
    assert "no answers to this question" not in html and "-2.0 [" in html
    assert wiring.plan_stores().changes.get("emea-portal")["estimate_survey"] == "px-test"
