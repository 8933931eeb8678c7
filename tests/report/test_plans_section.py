"""The report's "what we committed to, what is done, what moved" (no AWS): actions of the survey's
waves by status, each linked change's verdict and interval, escaped, in HTML and text."""
from __future__ import annotations

from chalicelib.reports.model import FollowUpStatus, build_report_model
from chalicelib.reports.plans import plan_inputs
from chalicelib.reports.render import render_email_html, render_text
from tests.report.test_model_and_message import inputs

VERDICT = ("After the change 'payouts <fast>', top-2-box of q_sat_incentives among affected partners (region "
           "EMEA) rose 8.0 points more than among unaffected partners (90% interval +2.0 to +14.0); with one "
           "wave before the change, whether the groups moved together before it cannot be checked.")
ESTIMATE = {"metric": "top-2-box of q_sat_incentives", "status": "ok", "design": "difference in differences",
            "verdict": VERDICT, "estimate": {"value": 8.0, "low": 2.0, "high": 14.0, "level": 0.9}}


def action(action_id, status, wave="px-2026-h1", **extra):
    return {"action_id": action_id, "title": f"Title {action_id} <b>", "owner": "lead@vendor.example",
            "due": "2026-06-30", "status": status, "reason": extra.get("reason"),
            "finding": {"kind": "driver", "wave_id": wave, "ref": "q_sat_incentives"}}


ACTIONS = [action("act-committed1", "approved"), action("act-progress1", "in_progress"),
           action("act-done00001", "done"), action("act-dropped01", "dropped", reason="No budget <this> year"),
           action("act-proposed1", "proposed"), action("act-elsewhere", "done", wave="other-survey-w1")]
CHANGES = [{"change_id": "emea-payouts", "description": "EMEA payouts faster", "effective": "2026-02-01",
            "actions": ["act-done00001"], "estimates": [ESTIMATE]}]


def model(plans):
    return build_report_model({**inputs(), "plans": plans}, period="2026-W48", generated_on="2026-11-23",
                              followups=FollowUpStatus())


def test_actions_of_the_surveys_waves_are_grouped_by_status_with_what_moved():
    m = model(plan_inputs(ACTIONS, CHANGES, ["px-2025-h2", "px-2026-h1"]))["plans"]
    assert [a["title"] for a in m["committed"]] == ["Title act-committed1 <b>", "Title act-progress1 <b>"]
    assert [a["title"] for a in m["done"]] == ["Title act-done00001 <b>"]  # not the other survey's action
    assert m["dropped"][0]["reason"] == "No budget <this> year" and m["proposed"] == 1
    moved = m["done"][0]["moved"]
    assert moved[0]["verdict"] == VERDICT and moved[0]["interval"] == "+8.0 (90% interval +2.0 to +14.0)"
    assert m["committed"][0]["moved"] == []


def test_current_estimates_replace_the_saved_ones_when_given():
    fresh = {**ESTIMATE, "verdict": "fresh verdict", "estimate": {"value": 5.0, "low": 1.0, "high": 9.0,
                                                                  "level": 0.9}}
    m = model(plan_inputs(ACTIONS, CHANGES, ["px-2026-h1"], lambda change: [fresh]))["plans"]
    assert m["done"][0]["moved"][0]["verdict"] == "fresh verdict"
    assert m["done"][0]["moved"][0]["interval"] == "+5.0 (90% interval +1.0 to +9.0)"


def test_an_estimate_without_enough_data_shows_its_reason_and_no_figure():
    thin = {"metric": "top-2-box of q_sat_incentives", "status": "not enough data",
            "verdict": "Not enough data to estimate how it moved: fewer than 3 partners in a group."}
    changes = [{**CHANGES[0], "estimates": [thin]}]
    moved = model(plan_inputs(ACTIONS, changes, ["px-2026-h1"]))["plans"]["done"][0]["moved"][0]
    assert moved["interval"] == "" and moved["verdict"].startswith("Not enough data")


def test_html_and_text_show_the_section_escaped():
    m = model(plan_inputs(ACTIONS, CHANGES, ["px-2026-h1"]))
    html = render_email_html(m, {})
    assert "What we committed to, what is done, what moved" in html
    assert "Title act-done00001 &lt;b&gt;" in html and "<b>" not in html.split("What we committed")[1]
    assert "+8.0 (90% interval +2.0 to +14.0)" in html and "payouts &lt;fast&gt;" in html
    assert "No budget &lt;this&gt; year" in html
    assert 'id="plans-committed"' in html and 'id="plans-done"' in html and 'id="plans-dropped"' in html
    text = render_text(m)
    assert "WHAT WE COMMITTED TO, WHAT IS DONE, WHAT MOVED" in text and VERDICT in text
    assert "Committed: 2" in text and "Done: 1" in text


def test_without_plan_stores_the_report_says_so():
    html = render_email_html(model(None), {})
    assert "Action plans are not included in this report." in html
    empty = render_email_html(model(plan_inputs([action("act-proposed1", "proposed")], [], ["px-2026-h1"])), {})
    assert "No action was committed to from this survey's findings yet (1 proposed)" in empty
