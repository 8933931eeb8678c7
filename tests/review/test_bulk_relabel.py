"""Bulk relabel of comments with a confirmation count and an undo (issue 24): API and dashboard forms."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.review.conftest import SMALL_WAVE, auth, session_form

BASE = f"/api/v1/staff/waves/{SMALL_WAVE}"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def explorer(small, monkeypatch):
    """The small wave's client with every comment listable (selection is under test, not suppression)."""
    from chalicelib import wiring

    monkeypatch.setenv("PULSE_SUPPRESS_MIN_COMMENTS", "1")
    wiring.reset()
    return small


def listed(client, role="analyst") -> list[dict]:
    body = json.loads(client.http.get(f"{BASE}/comments?limit=100", headers=auth(role)).body)
    return body["items"]


def post(client, path, body, role="analyst", subject="rita@vendor.example"):
    response = client.http.post(BASE + path, headers={**auth(role, subject=subject), **JSON}, body=json.dumps(body))
    return response.status_code, json.loads(response.body)


def corrections_dump() -> dict:
    from chalicelib import wiring

    table = wiring.table()
    return {i["SK"]: i for i in table.query_all(f"WAVE#{SMALL_WAVE}")
            if i["SK"].startswith(("CORRECTION#", "RELABEL#"))}


def by_text(items, text) -> list[dict]:
    return [c for c in items if c["text"] == text]


def test_preview_counts_the_identical_texts_and_writes_nothing(explorer):
    items = listed(explorer)
    great = by_text(items, "Great portal")
    assert len(great) == 2
    before = corrections_dump()
    status, plan = post(explorer, "/relabels/preview", {"same_text_as": [great[0]["id"]], "label": "neutral"})
    assert status == 200, plan
    assert plan["changes"] == 2 and sorted(r["id"] for r in plan["items"]) == sorted(c["id"] for c in great)
    assert all(r["before"]["label"] == "positive" and r["after"]["label"] == "neutral" for r in plan["items"])
    assert corrections_dump() == before


def test_relabel_then_undo_restores_exactly_the_previous_labels_and_a_second_undo_is_a_no_op(explorer):
    items = listed(explorer)
    slow, great = by_text(items, "Slow payouts")[0], by_text(items, "Great portal")
    # one comment already carries a single correction: the undo must bring that one back, not the model's
    single = explorer.http.put(f"{BASE}/comments/{slow['id']}/correction",
                               headers={**auth("analyst", subject="sam@vendor.example"), **JSON},
                               body=json.dumps({"label": "neutral", "themes": []}))
    assert single.status_code == 200
    shown_before = {c["id"]: (c["label"], sorted(c["themes"]), c.get("corrected")) for c in listed(explorer)}
    body = {"comment_ids": [slow["id"]], "same_text_as": [great[0]["id"]], "label": "negative"}
    assert post(explorer, "/relabels", body)[0] == 400  # no confirmation count: nothing written
    status, wrong = post(explorer, "/relabels", {**body, "confirm_count": 2})
    assert status == 409 and "changes 3 comments, not 2" in wrong["message"]
    status, batch = post(explorer, "/relabels", {**body, "confirm_count": 3})
    assert status == 201 and batch["count"] == 3 and batch["relabeled_by"] == "rita@vendor.example"
    after = {c["id"]: c for c in listed(explorer)}
    changed = [slow["id"]] + [c["id"] for c in great]
    assert all(after[cid]["label"] == "negative" for cid in changed)
    assert all(after[cid]["label"] == shown_before[cid][0] for cid in after if cid not in changed)

    status, undone = post(explorer, batch["undo_url"].removeprefix(BASE), {})
    assert status == 200 and undone["restored"] == 3
    restored = {c["id"]: (c["label"], sorted(c["themes"]), c.get("corrected")) for c in listed(explorer)}
    assert restored == shown_before  # the single correction (who and when included) and the model labels
    status, again = post(explorer, batch["undo_url"].removeprefix(BASE), {})
    assert status == 409 and "already undone by rita@vendor.example" in again["message"]
    assert {c["id"]: (c["label"], sorted(c["themes"]), c.get("corrected")) for c in listed(explorer)} == shown_before
    # the batch record keeps who relabelled and who undid; the correction keeps both in its history
    stored = corrections_dump()
    record = stored[f"RELABEL#{batch['batch_id']}"]
    assert record["undone_by"] == "rita@vendor.example" and record["count"] == 3
    history = stored[f"CORRECTION#{slow['id']}"]["history"]
    assert [h.get("label") for h in history] == ["neutral", "negative"] and history[-1]["undone_by"]


def test_undo_after_a_later_single_correction_changes_nothing(explorer):
    items = listed(explorer)
    great = by_text(items, "Great portal")
    status, batch = post(explorer, "/relabels", {"same_text_as": [great[0]["id"]], "label": "negative",
                                                 "confirm_count": 2})
    assert status == 201
    explorer.http.put(f"{BASE}/comments/{great[1]['id']}/correction", headers={**auth("analyst"), **JSON},
                      body=json.dumps({"label": "neutral"}))
    before = corrections_dump()
    status, refused = post(explorer, f"/relabels/{batch['batch_id']}/undo", {})
    assert status == 409 and "corrected again since" in refused["message"]
    assert corrections_dump() == before


def test_themes_are_added_and_removed_and_aggregates_see_the_relabel_at_the_next_refresh(explorer):
    from chalicelib import wiring
    from chalicelib.services import results

    themes = results.theme_labels(wiring.review_stores().snapshots, SMALL_WAVE)
    assert themes, "the small wave's taxonomy has themes"
    theme = sorted(themes)[0]
    items = listed(explorer)
    target = [c for c in items if theme not in c["themes"]][:2]
    status, plan = post(explorer, "/relabels/preview", {"comment_ids": [c["id"] for c in target],
                                                       "add_themes": [theme]})
    assert status == 200 and plan["changes"] == 2
    assert all(theme in row["after"]["themes"] for row in plan["items"])
    status, _ = post(explorer, "/relabels", {"comment_ids": [c["id"] for c in target], "add_themes": [theme],
                                             "confirm_count": 2})
    assert status == 201
    status, plan = post(explorer, "/relabels/preview", {"comment_ids": [c["id"] for c in target],
                                                       "remove_themes": [theme]})
    assert status == 200 and plan["changes"] == 2


@pytest.mark.parametrize("body, field", [
    ({"comment_ids": []}, "comment_ids"),
    ({"comment_ids": ["nope"], "label": "negative"}, "comment_ids[0]"),
    ({"comment_ids": "x", "label": "negative"}, "comment_ids"),
    ({"comment_ids": [7], "label": "negative"}, "comment_ids[0]"),
    ({"comment_ids": ["FIRST"], "label": "negative", "same_text_as": "y"}, "same_text_as"),
    ("FIRST", "label"),
    ({"comment_ids": ["FIRST"], "label": "angry"}, "label"),
    ({"comment_ids": ["FIRST"], "add_themes": ["no_such_theme"]}, "add_themes"),
    ({"comment_ids": ["FIRST"], "label": "negative", "colour": "red"}, "colour"),
    ({"comment_ids": ["FIRST"] * 501, "label": "negative"}, "comment_ids"),
])
def test_bad_requests_are_400_naming_the_field_and_write_nothing(explorer, body, field):
    first = listed(explorer)[0]["id"]
    if body == "FIRST":
        body = {"comment_ids": [first]}
    elif isinstance(body, dict):
        body = {k: [first if v == "FIRST" else v for v in value] if isinstance(value, list) else value
                for k, value in body.items()}
    before = corrections_dump()
    for path in ("/relabels/preview", "/relabels"):
        status, problem = post(explorer, path, {**body, **({"confirm_count": 1} if path == "/relabels" else {})})
        assert status == 400 and problem["errors"][0]["field"] == field, (path, problem)
    assert corrections_dump() == before


def test_a_selection_that_changes_nothing_is_refused(explorer):
    first = listed(explorer)[0]
    status, problem = post(explorer, "/relabels/preview", {"comment_ids": [first["id"]], "label": first["label"]})
    assert status == 400 and "none of the selected comments would change" in problem["message"]


def test_viewers_may_not_relabel_or_undo(explorer):
    first = listed(explorer)[0]["id"]
    for path in ("/relabels/preview", "/relabels", "/relabels/rl-0123456789abcdef/undo"):
        status, _ = post(explorer, path, {"comment_ids": [first], "label": "negative", "confirm_count": 1},
                         role="viewer")
        assert status == 403, path
    status, _ = post(explorer, "/relabels/rl-0123456789abcdef/undo", {})
    assert status == 404
    status, _ = post(explorer, "/relabels/not-a-batch/undo", {})
    assert status == 404


# -- the dashboard forms (no JavaScript) ------------------------------------------------------------------
def html(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def test_the_forms_select_review_relabel_and_undo(explorer):
    import re

    session, csrf = session_form("analyst", subject="ana@vendor.example")
    headers = {**session, **FORM}
    page = html(explorer.http.get(f"/staff/comments?wave={SMALL_WAVE}", headers=session))
    assert 'id="bulk"' in page and 'form="bulk" name="same_text"' in page
    great = by_text(listed(explorer), "Great portal")
    fields = [("wave", SMALL_WAVE), ("same_text", great[0]["id"]), ("label", "negative"),
              ("back", f"/staff/comments?wave={SMALL_WAVE}"), ("csrf", csrf)]
    review = explorer.http.post("/staff/comments/relabel/review", headers=headers, body=urlencode(fields))
    assert review.status_code == 200
    text = html(review)
    assert "2 comments will change" in text and 'name="confirm_count" value="2"' in text
    confirm_form = text.split('action="/staff/comments/relabel"', 1)[1].split("</form>", 1)[0]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm_form)
    before = corrections_dump()
    assert not [k for k in before if k.startswith("RELABEL#")]
    done = explorer.http.post("/staff/comments/relabel", headers=headers,
                              body=urlencode([(k, v.replace("&amp;", "&")) for k, v in hidden]))
    assert done.status_code == 303 and "relabeled=rl-" in done.headers["Location"]
    notice = html(explorer.http.get(done.headers["Location"], headers=session))
    assert "Relabelled 2 comments" in notice and "Undo this relabel" in notice
    batch = re.search(r'name="batch" value="(rl-[0-9a-f]+)"', notice).group(1)
    undo = [("wave", SMALL_WAVE), ("batch", batch), ("back", f"/staff/comments?wave={SMALL_WAVE}"), ("csrf", csrf)]
    undone = explorer.http.post("/staff/comments/relabel/undo", headers=headers, body=urlencode(undo))
    assert undone.status_code == 303 and f"undone={batch}" in undone.headers["Location"]
    assert "was undone by ana@vendor.example" in html(explorer.http.get(undone.headers["Location"], headers=session))
    again = explorer.http.post("/staff/comments/relabel/undo", headers=headers, body=urlencode(undo))
    assert again.status_code == 409 and "already undone" in html(again)
    assert all(c["label"] == "positive" for c in by_text(listed(explorer), "Great portal"))


def test_the_forms_refuse_viewers_missing_tokens_and_offsite_back_addresses(explorer):
    first = listed(explorer)[0]["id"]
    viewer, viewer_csrf = session_form("viewer")
    fields = {"wave": SMALL_WAVE, "ids": first, "label": "negative"}
    assert explorer.http.post("/staff/comments/relabel/review", headers={**viewer, **FORM},
                              body=urlencode({**fields, "csrf": viewer_csrf})).status_code == 403
    session, csrf = session_form("analyst")
    before = corrections_dump()
    assert explorer.http.post("/staff/comments/relabel", headers={**session, **FORM},
                              body=urlencode({**fields, "confirm_count": "1"})).status_code == 403  # no csrf
    offsite = explorer.http.post("/staff/comments/relabel", headers={**session, **FORM}, body=urlencode(
        {**fields, "confirm_count": "1", "csrf": csrf, "back": "https://evil.example/staff/comments"}))
    assert offsite.status_code == 400 and "back" in html(offsite)
    nothing = explorer.http.post("/staff/comments/relabel/review", headers={**session, **FORM},
                                 body=urlencode({"wave": SMALL_WAVE, "label": "negative", "csrf": csrf}))
    assert nothing.status_code == 400 and "select at least one comment" in html(nothing)
    assert corrections_dump() == before
