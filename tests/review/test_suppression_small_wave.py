"""Suppression in every output on a small wave: 7 EMEA/advanced and 3 APJ/principal respondents."""
import csv
import io
import json

from tests.review.conftest import SMALL_WAVE as WAVE
from tests.review.conftest import auth


def get(client, path, role="analyst", scope=None):
    response = client.http.get(f"/api/v1/staff/waves/{WAVE}{path}", headers=auth(role, scope))
    return response.status_code, response.body


def test_small_tier_and_its_complement_are_suppressed_in_the_scorecard(small):
    status, body = get(small, "/scorecard?by=tier")
    cells = {c["segment"]["tier"]: c for c in json.loads(body)["breakdowns"][0]["cells"]}
    assert status == 200
    assert cells["principal"]["respondents"] == "suppressed" and cells["principal"]["nps"] == "suppressed"
    assert cells["advanced"]["suppressed"] == "complementary"  # else 10 - 7 reveals principal


def test_scoped_viewer_of_a_small_segment_sees_nothing_numeric(small):
    _, body = get(small, "/scorecard", "viewer", "tier=principal")
    doc = json.loads(body)
    assert doc["overall"]["respondents"] == "suppressed" and doc["overall"]["nps"] == "suppressed"
    _, rates = get(small, "/response-rate", "viewer", "tier=principal")
    assert all(c["respondents"] == "suppressed" for c in json.loads(rates)["tier"])


def test_comment_outputs_respect_the_comment_threshold(small):
    _, body = get(small, "/themes")
    tiers = json.loads(body)["summary"]["tier"]
    assert all(c["suppressed"] for c in tiers)  # 3 < 8, and 7 alone would reveal it
    _, page = get(small, "/comments?tier=principal", "viewer")
    assert json.loads(page)["items"] == [] and json.loads(page)["suppressed"]
    # the wide (unfiltered) view lists every comment, with no tier or region label: 7 + 3 comments
    # are one crowd, so nothing tells the principal ones apart
    _, everything = get(small, "/comments", "viewer")
    items = json.loads(everything)["items"]
    assert len(items) == 10 and not any("tier" in c or "region" in c for c in items)
    # an analyst of the identified survey reads them all, labelled
    _, analyst = get(small, "/comments?tier=principal")
    assert json.loads(analyst)["total"] == 3


def test_exports_leave_small_groups_out_unless_the_reader_may_see_who_said_what(small, monkeypatch):
    from chalicelib.services import disclosure

    # an analyst of this identified survey (every contact consented) reads every row and comment
    _, body = get(small, "/exports/responses?format=csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 10 and all(r["response_id"] and r["q_comment"] for r in rows)
    # without that right (an aggregate survey) the scorecard hides principal (3) and, as its
    # complement, advanced (7): the export follows the same plan, or the total minus the 7 exported
    # rows would give the principal respondents' NPS; the response says what it withholds
    monkeypatch.setattr(disclosure, "may_see_identity", lambda identity, reporting: False)
    response = small.http.get(f"/api/v1/staff/waves/{WAVE}/exports/responses?format=csv", headers=auth("analyst"))
    assert list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig")))) == []
    assert response.headers["X-Pulse-Comments-Withheld"].startswith("10;")
    _, card = get(small, "/exports/scorecard?format=csv")
    lines = list(csv.DictReader(io.StringIO(card.decode("utf-8-sig"))))
    principal = next(r for r in lines if r["segment"] == "tier=principal")
    assert principal["nps"] == "suppressed"
