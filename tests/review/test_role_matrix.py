"""Role x data matrix: for every role and every staff route, page and export, which respondent-level
data is visible (rows, verbatims with identity, follow-ups, partner names). A viewer sees none.

The demo survey reports ``identified`` (examples/partner-experience.yaml), the strongest case: an
analyst or admin may see who said what, a viewer still may not.
"""
import csv
import io
import json

import pytest

from tests.review.conftest import WAVE, auth, token

BASE = f"/api/v1/staff/waves/{WAVE}"
IDENTITY_KEYS = {"partner_id", "invitation_id", "country", "nps"}
VIEWERS = [("viewer", None), ("viewer", "region=EMEA")]
STAFF = [("analyst", None), ("admin", None)]


def _cookie(role, scope=None):
    return {"Cookie": f"pulse_staff={token(role, scope)}"}


def _partner_names(demo):
    return [p.name for p in demo["repos"].partners.all()]


def _respondent_level(client, demo, role, scope):
    """What respondent-level data one identity can reach, route by route."""
    seen = {}
    comments = client.http.get(f"{BASE}/comments?limit=100", headers=auth(role, scope))
    items = json.loads(comments.body).get("items", []) if comments.status_code == 200 else []
    seen["api comments: identity"] = any(IDENTITY_KEYS & set(c) for c in items)
    seen["api comments: verbatims"] = bool(items)
    followups = client.http.get(f"{BASE}/followups", headers=auth(role, scope))
    seen["api follow-ups"] = followups.status_code == 200 and bool(json.loads(followups.body)["items"])
    rows = client.http.get(f"{BASE}/exports/responses?format=csv", headers=auth(role, scope))
    seen["responses export rows"] = rows.status_code == 200 and len(rows.body.decode("utf-8-sig").splitlines()) > 1
    parsed = list(csv.DictReader(io.StringIO(rows.body.decode("utf-8-sig")))) if rows.status_code == 200 else []
    seen["responses export partner ids"] = any(r.get("partner_id") for r in parsed)
    corrections = client.http.get(f"{BASE}/exports/corrections?format=csv", headers=auth(role, scope))
    seen["corrections export"] = corrections.status_code == 200
    page = client.http.get(f"/staff/followups?wave={WAVE}", headers=_cookie(role, scope))
    names = _partner_names(demo)
    seen["follow-up page partner names"] = page.status_code == 200 and any(
        n in page.body.decode() for n in names[:200])
    explorer = client.http.get(f"/staff/comments?wave={WAVE}", headers=_cookie(role, scope)).body.decode()
    seen["explorer page per-person NPS"] = "NPS answer" in explorer
    for path in ("/scorecard", "/trend", "/drivers", "/themes", "/response-rate"):
        body = client.http.get(BASE + path, headers=auth(role, scope)).body.decode()
        seen[f"api {path[1:]}: partner names or ids"] = any(n in body for n in names[:200]) or '"partner_id"' in body
    return seen


@pytest.mark.parametrize("role,scope", VIEWERS)
def test_a_viewer_sees_no_respondent_level_data_anywhere(client, demo, role, scope):
    seen = _respondent_level(client, demo, role, scope)
    leaked = [k for k, v in seen.items() if v and k != "api comments: verbatims"]
    assert leaked == [], leaked


@pytest.mark.parametrize("role,scope", STAFF)
def test_analysts_and_admins_of_an_identified_survey_see_who_said_what(client, demo, role, scope):
    seen = _respondent_level(client, demo, role, scope)
    assert seen["api comments: identity"] and seen["responses export partner ids"]
    assert seen["api follow-ups"] and seen["follow-up page partner names"]
    # aggregates never carry identity, whoever asks
    assert not any(v for k, v in seen.items() if k.startswith("api /") or k.endswith("partner names or ids"))


def test_followups_exist_only_for_contacts_who_consented(demo):
    from chalicelib.services.snapshot_builder import survey_of

    survey = survey_of(demo["repos"], WAVE)
    consented = {r.invitation_id for r in demo["repos"].responses.for_wave(WAVE)
                 if survey.contact_consented(r.answers or {})}
    from chalicelib.services.followups import STATUSES

    items = [i for status in STATUSES for i in demo["stores"].followups.by_status(WAVE, status)]
    assert items and {i["invitation_id"] for i in items} <= consented


def test_the_disclosure_audit_finds_nothing_any_role_could_combine(demo):
    """``pulse audit disclosure`` on the demo snapshot: every scope's scorecard and comment summary
    (what all viewers together can read), recounted from the stored responses and comments,
    determines no withheld value."""
    from click.testing import CliRunner

    from pulse_cli.main import cli

    result = CliRunner().invoke(cli, ["--stage", "test", "audit", "disclosure", "--wave", WAVE])
    assert result.exit_code == 0, result.output
    assert "no withheld value can be derived" in result.output
    assert "views" in result.output and " 0 determinable" in result.output
    # and every view's comment summary (comment, label and theme counts), recounted from the comments
    summaries = [line for line in result.output.splitlines() if "comment summaries" in line]
    assert summaries and all(line.endswith(" 0 determinable") for line in summaries), result.output

    # (that the audit can say no is tested on generated waves: tests/analysis/test_cross_scope.py)


def test_share_of_the_demo_comments_each_role_can_read(client, demo, monkeypatch):
    """Admins and analysts of the identified demo read every comment; viewers (and every role on an
    aggregate survey) at least 90 %, with coarsened labels, opaque ids and a notice of what is withheld."""
    from chalicelib.services import results

    every = results.search_all_comments(demo["stores"].snapshots, demo["stores"].corrections, WAVE)

    def page(role, scope=None):
        return json.loads(client.http.get(f"{BASE}/comments?limit=100", headers=auth(role, scope)).body)

    for role in ("admin", "analyst"):
        assert page(role)["total"] == len(every) and page(role)["withheld"] is None
    viewer = page("viewer")
    assert viewer["total"] >= 0.9 * len(every) and viewer["labels"] == "coarsened"
    assert (viewer["withheld"] or {}).get("comments", 0) == len(every) - viewer["total"]
    assert not any(IDENTITY_KEYS & set(c) or c["id"].split(".")[0] in {e["invitation_id"] for e in every}
                   for c in viewer["items"])
    emea = page("viewer", "region=EMEA")
    assert emea["total"] >= 0.9 * sum(1 for c in every if c["region"] == "EMEA")
    monkeypatch.setattr(results, "reporting", lambda store, wave_id: "aggregate")
    aggregate = page("admin")
    assert aggregate["total"] == viewer["total"] and not any(IDENTITY_KEYS & set(c) for c in aggregate["items"])
