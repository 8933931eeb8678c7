"""Staff API on the demo data: authentication, roles, scopes, suppression, corrections,
follow-ups and exports, through chalice.test.Client."""
import csv
import io
import json
import re

import pytest

from tests.review.conftest import PAYLOADS, WAVE, auth, get_json, token

BASE = f"/api/v1/staff/waves/{WAVE}"
READ_ENDPOINTS = ["/scorecard", "/trend", "/drivers", "/response-rate", "/themes", "/comments", "/followups",
                  "/exports/responses?format=csv", "/exports/scorecard?format=csv",
                  "/exports/corrections?format=csv"]


def csv_rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# -- authentication -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_missing_invalid_expired_and_partner_tokens_get_401_json(client, path):
    from chalicelib.security.tokens import InvitationClaims, InvitationTokens
    from tests.builders import TEST_SECRET

    partner = InvitationTokens(TEST_SECRET).issue(InvitationClaims("inv", "P0001", WAVE))
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {partner}"},
                    {"Authorization": "Bearer " + token("admin", seconds=1)[:-3] + "xyz"}):
        response = client.http.get(BASE + path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert json.loads(response.body)["error"] == "unauthenticated"


@pytest.mark.parametrize("method,path,body", [
    ("PUT", "/comments/x.q_nps_reason/correction", {"label": "negative"}),
    ("PATCH", "/followups/x", {"status": "in_progress"}),
    ("POST", "/snapshot", None),
])
def test_viewers_may_not_change_anything(client, method, path, body):
    headers = {**auth("viewer"), "Content-Type": "application/json"}
    response = getattr(client.http, method.lower())(BASE + path, headers=headers,
                                                    body=json.dumps(body) if body else None)
    assert response.status_code == 403
    assert json.loads(response.body)["error"] == "forbidden"


def test_only_admins_refresh_snapshots(client):
    assert client.http.post(BASE + "/snapshot", headers=auth("analyst")).status_code == 403


# -- scope everywhere ----------------------------------------------------------------------------------
def test_scoped_viewer_scorecard_holds_only_its_region(client):
    status, doc = get_json(client, BASE + "/scorecard?by=region,tier", auth("viewer", "region=EMEA"))
    assert status == 200 and doc["snapshot"]["scope"] == "region=EMEA"
    regions = [c["segment"]["region"] for c in doc["breakdowns"][0]["cells"]]
    assert regions == ["EMEA"]
    _, full = get_json(client, BASE + "/scorecard?by=region", auth("analyst"))
    emea = next(c for c in full["breakdowns"][0]["cells"] if c["segment"]["region"] == "EMEA")
    assert doc["overall"]["respondents"] == emea["respondents"] < full["overall"]["respondents"]


def test_scoped_viewer_cannot_read_another_region_through_any_endpoint(client):
    headers = auth("viewer", "region=EMEA")
    _, rates = get_json(client, BASE + "/response-rate", headers)
    assert {c["segment"]["region"] for c in rates["region"]} == {"EMEA"}
    _, trend = get_json(client, BASE + "/trend", headers)
    assert {c["segment"]["region"] for c in trend["by"]["region"]} == {"EMEA"}
    _, themes = get_json(client, BASE + "/themes", headers)
    assert {c["segment"] for c in themes["summary"]["region"]} == {"EMEA"}
    _, comments = get_json(client, BASE + "/comments?limit=100", headers)
    from chalicelib import wiring
    from chalicelib.services import results
    from chalicelib.services.comment_disclosure import public_id

    every = results._comments(wiring.review_stores().snapshots, WAVE)
    region_of = {public_id(c["id"], WAVE, wiring.token_secret()): c["region"] for c in every}
    assert comments["items"] and {region_of[c["id"]] for c in comments["items"]} == {"EMEA"}
    # aggregate-only role: no identity, opaque ids, and only labels the plan keeps (its own region)
    assert not any("partner_id" in c or "invitation_id" in c for c in comments["items"])
    assert not {c["id"] for c in comments["items"]} & {c["id"] for c in every}
    assert {c.get("region", "EMEA") for c in comments["items"]} == {"EMEA"}
    _, other = get_json(client, BASE + "/comments?region=APJ", headers)
    assert other["items"] == [] and other["suppressed"] is True
    # follow-ups and response rows are respondent-level: a viewer never sees them (issue 12)
    assert client.http.get(BASE + "/followups", headers=headers).status_code == 403
    assert client.http.get(BASE + "/exports/responses?format=csv", headers=headers).status_code == 403
    rows = csv_rows(client.http.get(BASE + "/exports/scorecard?format=csv", headers=headers).body)
    assert rows and not any("region=APJ" in r["segment"] or "region=AMER" in r["segment"] for r in rows)


def test_scoped_viewer_cannot_work_or_see_followups_of_another_region(client, demo):
    apj = next(f for f in demo["stores"].followups.by_status(WAVE, "open") if f["region"] == "APJ")
    # even an analyst-level change is refused by scope for a scoped viewer: viewers are read-only,
    # and a tier-scoped viewer listing follow-ups never sees other tiers
    status, listing = get_json(client, BASE + "/followups", auth("viewer", "tier=principal"))
    assert status == 403 and apj["invitation_id"] not in json.dumps(listing)


# -- suppression ---------------------------------------------------------------------------------------
def _numbers(doc):
    for item in doc["breakdowns"]:
        yield from item["cells"]


SCOPES = [None, "region=EMEA", "region=AMER", "region=APJ", "region=LATAM", "tier=principal", "tier=advanced",
          "tier=enrolled"]


def test_no_published_cell_is_below_the_score_threshold(client):
    cells = []
    for scope in SCOPES:
        _, doc = get_json(client, BASE + "/scorecard", auth("viewer", scope))
        cells += list(_numbers(doc))
    assert cells
    for cell in cells:
        assert cell["respondents"] == "suppressed" or cell["respondents"] >= 5
        if cell["suppressed"]:
            assert cell["nps"] == "suppressed"


def test_small_comment_groups_are_read_by_analysts_and_never_isolated_by_a_viewers_filters(client, demo):
    from collections import Counter

    from chalicelib.services import results

    comments = results._comments(demo["stores"].snapshots, WAVE)
    sizes = Counter()
    for c in comments:
        for pair in (("tier", "region"), ("tier", "question"), ("region", "question")):
            sizes[tuple((name, c["question_id" if name == "question" else name]) for name in pair)] += 1
    pair, n = min(sizes.items(), key=lambda kv: kv[1])
    assert n < 8
    query = "&".join(f"{name}={value}" for name, value in pair)
    # an analyst of the identified demo reads the small group's comments
    _, page = get_json(client, BASE + f"/comments?{query}&limit=100", auth("analyst"))
    assert page["total"] == n and page["suppressed"] is False
    # a viewer's filter selects only comments whose published labels match: never a small group
    _, seen = get_json(client, BASE + f"/comments?{query}&limit=100", auth("viewer"))
    assert seen["items"] == [] and seen["suppressed"] is True
    tier = next(c["tier"] for c in comments)
    region = next(c["region"] for c in comments)
    # a third segment filter is still refused, naming it
    status, refused = get_json(client, BASE + f"/comments?tier={tier}&region={region}&question=q_comment",
                                auth("analyst"))
    assert status == 400 and "question" in json.dumps(refused)


def test_scorecard_export_marks_suppressed_cells(client):
    rows = csv_rows(client.http.get(BASE + "/exports/scorecard?format=csv", headers=auth("analyst")).body)
    assert rows and all(r["nps"] == "suppressed" for r in rows if r["respondents"] == "suppressed")
    assert all(r["respondents"] == "suppressed" or int(r["respondents"]) >= 5 for r in rows)
    csat = [h for h in rows[0] if h.endswith("_top2")]
    shares = [h for h in rows[0] if "_share_" in h]
    assert csat and shares and float(rows[0][csat[0]]) > 0  # the overall row carries CSAT and choice shares
    hidden = [r for r in rows if r["respondents"] == "suppressed"]  # withheld cells: see test_exports
    assert all(r[h] == "suppressed" for r in hidden for h in csat + shares)


def test_scorecard_xlsx_holds_numbers_questions_sheet_and_no_figure_for_suppressed_cells(client, demo):
    from openpyxl import load_workbook

    response = client.http.get(BASE + "/exports/scorecard?format=xlsx",
                               headers={**auth("analyst"), "Accept": "text/html,*/*;q=0.8"})
    book = load_workbook(io.BytesIO(response.body))
    assert book.sheetnames == ["scorecard", "questions"]
    sheet = book["scorecard"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])  # column ids; the words are the header row under them
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet.auto_filter.ref.endswith(str(len(rows)))
    top2 = next(h for h in header if h.endswith("_top2"))
    assert rows[1][header.index(top2)].endswith(": top-2-box") and rows[1][header.index("nps")] == "NPS"
    overall = sheet[3][header.index(top2)]
    assert overall.data_type == "n" and 0 <= overall.value <= 1 and overall.number_format == "0.0%"
    assert isinstance(sheet[3][header.index("respondents")].value, int)
    hidden = [r for r in rows[2:] if r[header.index("respondents")] == "suppressed"]
    assert all(r[header.index(top2)] == "suppressed" and r[header.index("nps")] == "suppressed"
                          for r in hidden)
    questions = list(book["questions"].iter_rows(values_only=True))
    assert questions[0][:4] == ("question_id", "section", "type", "text")
    assert top2.removesuffix("_top2") in {q[0] for q in questions[1:]}


# -- comments --------------------------------------------------------------------------------------------
def test_comment_search_filters_and_paginates_with_a_cursor(client):
    headers = auth("analyst")
    _, first = get_json(client, BASE + "/comments?limit=10&sentiment=negative", headers)
    assert len(first["items"]) == 10 and first["next_cursor"]
    assert {c["label"] for c in first["items"]} == {"negative"}
    _, second = get_json(client, BASE + f"/comments?limit=10&sentiment=negative&cursor={first['next_cursor']}",
                         headers)
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}
    status, bad = get_json(client, BASE + "/comments?cursor=%%%", headers)
    assert status == 400 and bad["errors"][0]["field"] == "cursor"
    status, unknown = get_json(client, BASE + "/comments?colour=red", headers)
    assert status == 400 and unknown["errors"][0]["field"] == "colour"


def test_free_text_search_finds_the_term(client):
    _, page = get_json(client, BASE + "/comments?q=payouts&limit=100", auth("analyst"))
    assert page["total"] > 0 and all("payouts" in c["text"].lower() for c in page["items"])


# -- corrections -----------------------------------------------------------------------------------------
def test_correction_is_stored_with_who_and_when_shown_and_exported(client, demo):
    _, page = get_json(client, BASE + "/comments?sentiment=positive&limit=1", auth("analyst"))
    comment = page["items"][0]
    headers = {**auth("analyst", subject="rita@vendor.example"), "Content-Type": "application/json"}
    response = client.http.put(BASE + f"/comments/{comment['id']}/correction", headers=headers,
                               body=json.dumps({"label": "negative", "themes": ["incentives_payouts"]}))
    assert response.status_code == 200, response.body
    saved = json.loads(response.body)
    assert saved["corrected_by"] == "rita@vendor.example" and saved["previous_label"] == "positive"
    _, after = get_json(client, BASE + f"/comments?q={comment['text'][:30]}&limit=100", auth("analyst"))
    shown = next(c for c in after["items"] if c["id"] == comment["id"])
    assert shown["label"] == "negative" and shown["corrected"]["by"] == "rita@vendor.example"
    rows = csv_rows(client.http.get(BASE + "/exports/corrections?format=csv", headers=auth("analyst")).body)
    # the training export keys rows by the stored comment id (the explorer shows an opaque one where
    # the respondent did not consent to be named), so the row is found by its text
    assert any(r["text"] == comment["text"] and r["label"] == "negative" and r["corrected_by"] == "rita@vendor.example"
               for r in rows)


def test_bad_corrections_are_400_and_change_nothing(client):
    _, page = get_json(client, BASE + "/comments?limit=1", auth("analyst"))
    cid = page["items"][0]["id"]
    headers = {**auth("analyst"), "Content-Type": "application/json"}
    for body in ({"label": "furious"}, {"label": "negative", "themes": ["<b>"]}, ["negative"]):
        response = client.http.put(BASE + f"/comments/{cid}/correction", headers=headers, body=json.dumps(body))
        assert response.status_code == 400
    missing = client.http.put(BASE + "/comments/nope.q/correction", headers=headers,
                              body=json.dumps({"label": "negative"}))
    assert missing.status_code == 404


# -- follow-ups ------------------------------------------------------------------------------------------
def test_followups_exist_for_every_detractor_and_creation_is_idempotent(client, demo):
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from tests.review.conftest import NOW

    # identified survey: a follow-up only for detractors who agreed to be contacted (q_contact = yes)
    detractors = {r.invitation_id for r in demo["repos"].responses.for_wave(WAVE)
                  if r.status == "submitted" and r.answers.get("q_nps") is not None and r.answers["q_nps"] <= 6
                  and r.answers.get("q_contact") == "yes"}
    stored = {f["invitation_id"] for s in ("open", "in_progress", "closed")
              for f in demo["stores"].followups.by_status(WAVE, s)}
    assert detractors and detractors <= stored
    stores = demo["stores"]
    # a correction made by an earlier test may legitimately add one; the refresh after that adds none
    results.refresh_snapshot(demo["repos"], stores.snapshots, stores.corrections, stores.followups,
                             WAVE, Thresholds(), 5, NOW)
    stored = {f["invitation_id"] for s in ("open", "in_progress", "closed")
              for f in stores.followups.by_status(WAVE, s)}
    again = results.refresh_snapshot(demo["repos"], stores.snapshots, stores.corrections, stores.followups,
                                     WAVE, Thresholds(), 5, NOW)
    assert again["followups_created"] == 0 and again["followups_needed"] >= len(detractors)
    assert len({f["invitation_id"] for s in ("open", "in_progress", "closed")
                for f in stores.followups.by_status(WAVE, s)}) == len(stored)


def test_working_a_followup_needs_a_closing_reason_and_keeps_notes(client):
    _, listing = get_json(client, BASE + "/followups?status=open", auth("analyst"))
    item = listing["items"][0]
    assert item["assignee"].endswith("@") is False and "@" in item["assignee"]
    path = BASE + f"/followups/{item['invitation_id']}"
    headers = {**auth("analyst", subject="am@vendor.example"), "Content-Type": "application/json"}
    moved = client.http.patch(path, headers=headers, body=json.dumps({"status": "in_progress", "note": "Called"}))
    assert moved.status_code == 200 and json.loads(moved.body)["notes"][0]["by"] == "am@vendor.example"
    refused = client.http.patch(path, headers=headers, body=json.dumps({"status": "closed"}))
    assert refused.status_code == 400 and json.loads(refused.body)["errors"][0]["field"] == "closing_reason"
    closed = client.http.patch(path, headers=headers,
                               body=json.dumps({"status": "closed", "closing_reason": "Payout fixed"}))
    assert json.loads(closed.body)["status"] == "closed"
    _, closed_list = get_json(client, BASE + "/followups?status=closed", auth("analyst"))
    assert item["invitation_id"] in {f["invitation_id"] for f in closed_list["items"]}


# -- exports ---------------------------------------------------------------------------------------------
def test_response_export_neutralises_formulas_and_keeps_html_as_text(client):
    rows = csv_rows(client.http.get(BASE + "/exports/responses?format=csv", headers=auth("analyst")).body)
    texts = {r["q_nps_reason"] for r in rows}
    # an analyst of the identified demo exports every comment: every payload is there, neutralised
    dangerous = [p for p in PAYLOADS if p.startswith(("=", "+", "-", "@", "\t", "\uff1d"))]
    assert all("'" + p in texts for p in dangerous)
    assert not any(p in texts for p in dangerous)
    assert PAYLOADS[1] in texts or "'" + PAYLOADS[1] not in texts  # HTML is text, not a formula
    for row in rows:
        for name, value in row.items():
            if name in ("response_id", "partner_id"):  # ids we issued stay untouched (joins), never text
                assert re.fullmatch(r"[A-Za-z0-9_.-]*", value)  # response id: empty without consent
                continue
            assert not (value or "").startswith(("=", "+", "-", "@", "\t", "\uff1d"))


def test_xlsx_export_downloads(client):
    from openpyxl import load_workbook

    response = client.http.get(BASE + "/exports/responses?format=xlsx",
                               headers={**auth("analyst"), "Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.body)).active
    header = [c.value for c in next(sheet.iter_rows())]
    regions = {row[header.index("region")] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert regions <= {"AMER", "EMEA", "APJ", "LATAM"} and "EMEA" in regions
    nps = [row[header.index("q_nps")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert any(isinstance(v, int) for v in nps) and not any(isinstance(v, str) and v.isdigit() for v in nps)
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
