"""The failures of issue 17, reproduced as tests: bad text, huge numbers, over-long ids, hostile
redirect targets, amplification, non-canonical tokens and cross-site posts get a 4xx naming the
field, never a 5xx, and write nothing."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.builders import VALID_ANSWERS, token_of
from tests.hostile.conftest import WAVE, staff_token, table_dump

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
STAFF = f"/api/v1/staff/waves/{WAVE}"


def bearer(role: str = "analyst") -> dict:
    return {"Authorization": f"Bearer {staff_token(role)}"}


def fields(response) -> list[str]:
    return [p["field"] for p in json.loads(response.body)["errors"]]


def put(client, token: str, raw: str):
    return client.http.put(f"/api/v1/invitations/{token}/response", headers=JSON, body=raw)


@pytest.mark.parametrize(("raw", "field"), [
    ('{"answers": {"q_nps": 9, "q_portal": 4, "q_comment": "bad \\ud800 text"}}', "answers.q_comment"),
    ('{"answers": {"q_nps": 9, "q_portal": 4, "q_comment": "low \\udfff"}}', "answers.q_comment"),
    ('{"answers": {"q_nps": 9, "q_portal": 4, "q_comment": "nul \\u0000 byte"}}', "answers.q_comment"),
    ('{"answers": {"q_nps": 9, "q_portal": 4, "q_comment": "c1 \\u0085"}}', "answers.q_comment"),
    ('{"answers": {"q_nps": 9, "q_portal": 4, "q_comment": "non \\uffff"}}', "answers.q_comment"),
    ('{"answers": {"q_nps": 9, "q_portal": 4, "\\ud800": "x"}}', "answers.\ufffd"),
    ('{"answers": {"q_nps": 9, "q_portal": 4}, "\\udc00": 1}', "\ufffd"),
    ('{"answers": {"q_nps": 9, "q_portal": 4}, "language": "en\\u0000"}', "language"),
    ('{"answers": {"q_nps": 9' + "9" * 5000 + ', "q_portal": 4}}', "answers.q_nps"),
    ('{"answers": {"q_nps": 9, "q_portal": 4}, "final": ' + "1" * 5000 + "}", "final"),
    ('{"answers": {"q_nps": 1e999, "q_portal": 4}}', "answers.q_nps"),
])
def test_invalid_text_and_huge_numbers_in_json_are_400_naming_the_field(world, raw, field):
    client, _, links, table = world
    before = table_dump(table)
    response = put(client, token_of(links[1]), raw)
    assert response.status_code == 400, response.body
    assert field in fields(response)
    assert table_dump(table) == before


def test_line_breaks_and_tabs_are_fine_in_free_text(world):
    client, repos, links, _ = world
    body = {"answers": {**VALID_ANSWERS, "q_comment": "two\nlines\tand tab"}, "language": "en",
            "final": False}
    response = put(client, token_of(links[3]), json.dumps(body))
    assert response.status_code in (200, 201), response.body
    assert repos.responses.get(links[3].invitation.invitation_id).answers["q_comment"] == "two\nlines\tand tab"


@pytest.mark.parametrize("value", ["\x00", "a\x1bb", "\x7f", "\u0085", "%ED%A0%80"])
def test_invalid_text_in_the_partner_form_is_400_and_writes_nothing(world, value):
    client, _, links, table = world
    before = table_dump(table)
    body = "q_nps=9&q_portal=4&q_comment=" + (value if value.startswith("%") else urlencode({"": value})[1:])
    response = client.http.post(f"/s/{token_of(links[5])}", headers=FORM, body=body)
    assert response.status_code == 400
    assert table_dump(table) == before


@pytest.mark.parametrize("query", ["lang=%00", "lang=%C2%85", "lang=a%0D%0Ab", "x%00=1", "saved=" + "1" * 5000])
def test_invalid_query_parameters_are_400_naming_the_parameter(world, query):
    client, _, links, _ = world
    for path in (f"/s/{token_of(links[0])}", f"/api/v1/invitations/{token_of(links[0])}", f"{STAFF}/scorecard"):
        response = client.http.get(f"{path}?{query}", headers=bearer())
        assert response.status_code == 400, (path, query)
    api = client.http.get(f"{STAFF}/scorecard?{query}", headers=bearer())
    assert json.loads(api.body)["errors"][0]["field"]


@pytest.mark.parametrize("path", [
    "{s}/scorecard", "{s}/comments", "{s}/trend", "{s}/themes", "{s}/exports/responses", "{s}/followups"])
def test_over_long_and_malformed_wave_ids_are_404(world, path):
    client = world[0]
    for wave in ("w" * 3000, "W-UPPER", "a%00b", "..%2F..", "x" * 65):
        response = client.http.get(path.format(s=f"/api/v1/staff/waves/{wave}"), headers=bearer())
        assert response.status_code == 404, (path, wave[:20])


def test_over_long_ids_in_write_routes_are_404_and_write_nothing(world):
    client, _, _, table = world
    before = table_dump(table)
    long_id = "i" * 3000
    assert client.http.patch(f"{STAFF}/followups/{long_id}", headers={**bearer(), **JSON},
                             body='{"note": "x"}').status_code == 404
    assert client.http.put(f"{STAFF}/comments/{long_id}/correction", headers={**bearer(), **JSON},
                           body='{"label": "negative"}').status_code == 404
    assert client.http.get(f"/staff/comments?wave={'w' * 1000}", headers=bearer()).status_code == 404
    assert client.http.get(f"/staff/exports/responses?wave={'w' * 1000}", headers=bearer()).status_code == 404
    assert client.http.get(f"/staff/comments?wave={'w' * 3000}", headers=bearer()).status_code == 400
    assert table_dump(table) == before


@pytest.mark.parametrize("cursor", ["[" * 5000, "W1tb" * 40, "%00", "eyJ4IjoxfQ", "A" * 300])
def test_hostile_cursors_are_400(world, cursor):
    response = world[0].http.get(f"{STAFF}/comments?cursor={cursor}", headers=bearer())
    assert response.status_code == 400


def test_repeated_breakdowns_are_merged_and_bounded(world):
    client = world[0]
    once = client.http.get(f"{STAFF}/scorecard?by=tier", headers=bearer())
    repeated = client.http.get(f"{STAFF}/scorecard?by=" + ",".join(["tier"] * 90), headers=bearer())
    assert repeated.status_code == 200 and len(repeated.body) == len(once.body)
    huge = client.http.get(f"{STAFF}/scorecard?by=" + ",".join(["tier"] * 500), headers=bearer())
    assert huge.status_code == 400 and fields(huge) == ["by"]
    many = ",".join(f"tier{i}" for i in range(40))
    assert client.http.get(f"{STAFF}/scorecard?by={many}", headers=bearer()).status_code == 400


def test_a_response_over_the_gateway_limit_becomes_a_clear_4xx(world, monkeypatch):
    from chalicelib.web import request_guard

    monkeypatch.setattr(request_guard, "MAX_RESPONSE_BYTES", 1000)
    response = world[0].http.get(f"{STAFF}/scorecard", headers=bearer())
    assert response.status_code == 413
    assert json.loads(response.body)["error"] == "response_too_large"


def test_page_sizes_are_bounded(world):
    client = world[0]
    for limit in ("0", "101", "9" * 5000, "-1", "x"):
        assert client.http.get(f"{STAFF}/comments?limit={limit}", headers=bearer()).status_code == 400, limit


# -- tokens ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mutate", [lambda t: t + "=", lambda t: t + "==", lambda t: t + ".", lambda t: "." + t,
                                    lambda t: t + "%20", lambda t: t.replace(".", "=."), lambda t: t + "A"])
def test_non_canonical_invitation_tokens_are_404(world, mutate):
    client, _, links, _ = world
    token = mutate(token_of(links[0]))
    assert client.http.get(f"/api/v1/invitations/{token}").status_code == 404
    assert client.http.get(f"/s/{token}").status_code == 404


def test_non_canonical_unsubscribe_and_staff_tokens_are_refused(world):
    from chalicelib import wiring
    from chalicelib.domain.errors import NotFound

    unsubscribe = wiring.unsubscribe_tokens()
    valid = unsubscribe.issue("inv1", WAVE)
    assert unsubscribe.read(valid).invitation_id == "inv1"
    for bad in (valid + "==", valid + "=", valid + " "):
        with pytest.raises(NotFound):
            unsubscribe.read(bad)
    staff = staff_token("analyst")
    client = world[0]
    assert client.http.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {staff}"}).status_code == 200
    for bad in (staff + "=", staff + "==", staff + "."):
        assert client.http.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


# -- redirect targets ----------------------------------------------------------------------------------
def _session(role: str = "analyst") -> tuple[dict, str]:
    from chalicelib.web.csrf import token_for

    value = staff_token(role)
    return {"Cookie": f"pulse_staff={value}", **FORM}, token_for("session", value)


@pytest.mark.parametrize("back", ["/staff/comments\r\nSet-Cookie: x=1", "https://evil.example/staff/comments",
                                  "//evil.example/staff/comments", "/staff/comments/../../x\\y", "/staff/followups",
                                  "javascript:alert(1)", "/staff/comments\x00"])
def test_bad_back_targets_are_400_before_the_correction_is_stored(world, back):
    from chalicelib.services import results

    client, _, _, table = world
    from chalicelib import wiring

    comment = results._comments(wiring.review_stores().snapshots, WAVE)[0]
    headers, csrf = _session()
    before = table_dump(table)
    response = client.http.post("/staff/comments/correct", headers=headers, body=urlencode(
        {"wave": WAVE, "comment_id": comment["id"], "label": "negative", "back": back, "csrf": csrf}))
    assert response.status_code == 400, back
    assert table_dump(table) == before


@pytest.mark.parametrize("target", ["/staff\r\nX: y", "//evil.example", "https://evil.example", "/staffevil",
                                    "/staff/../s/x"])
def test_login_next_is_a_same_site_staff_path(world, target):
    from tests.review.conftest import login_form

    client = world[0]
    nonce, csrf = login_form(client)
    response = client.http.post("/staff/login", headers={**nonce, **FORM},
                                body=urlencode({"token": staff_token("viewer"), "next": target, "csrf": csrf}))
    if "\r" in target:  # a control character in a single-line field: the form is refused
        assert response.status_code == 400 and "Set-Cookie" not in response.headers
    else:
        assert response.status_code == 303 and response.headers["Location"] == "/staff"


def test_refusals_at_the_edge_carry_the_security_headers(world):
    for path in ("/healthz?x=%00", "/staff/comments?wave=%00", f"{STAFF}/scorecard?by=%00"):
        response = world[0].http.get(path, headers=bearer())
        assert response.status_code == 400
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
