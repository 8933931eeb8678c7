"""CSRF: every cookie-authenticated form (login, logout, correction, follow-up update) refuses a
cross-site post (Origin / Sec-Fetch-Site) and a post without the right token, and writes nothing."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.hostile.conftest import WAVE, staff_token, table_dump

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CROSS_SITE = [{"Origin": "https://evil.example", "Host": "pulse.example"}, {"Sec-Fetch-Site": "cross-site"},
              {"Sec-Fetch-Site": "same-site"}]


def _comment_id():
    from chalicelib import wiring
    from chalicelib.services import results

    return results._comments(wiring.review_stores().snapshots, WAVE)[0]["id"]


def _followup_id():
    from chalicelib import wiring

    items = wiring.review_stores().followups.by_status(WAVE, "open")
    return items[0]["invitation_id"]


def _session(role: str = "analyst"):
    from chalicelib.web.csrf import token_for

    value = staff_token(role)
    return {"Cookie": f"pulse_staff={value}"}, token_for("session", value)


def _forms():
    """(path, fields without csrf, expected success status) of each signed-in form."""
    return [("/staff/comments/correct", {"wave": WAVE, "comment_id": _comment_id(), "label": "negative"}),
            ("/staff/followups/update", {"wave": WAVE, "invitation_id": _followup_id(), "note": "called them"}),
            ("/staff/logout", {})]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_signed_in_forms_refuse_cross_site_posts_and_missing_or_foreign_tokens(world, index):
    client, _, _, table = world
    path, fields = _forms()[index]
    session, csrf = _session()
    _, foreign = _session("admin")
    before = table_dump(table)
    for extra in CROSS_SITE:
        response = client.http.post(path, headers={**session, **FORM, **extra},
                                    body=urlencode({**fields, "csrf": csrf}))
        assert response.status_code == 403, (path, extra)
    for token in (None, "", foreign, csrf + "x"):
        body = {**fields, **({"csrf": token} if token is not None else {})}
        response = client.http.post(path, headers={**session, **FORM}, body=urlencode(body))
        assert response.status_code == 403, (path, token)
        assert "Set-Cookie" not in response.headers
    assert table_dump(table) == before
    accepted = client.http.post(path, headers={**session, **FORM, "Sec-Fetch-Site": "same-origin"},
                                body=urlencode({**fields, "csrf": csrf}))
    assert accepted.status_code == 303


def test_login_refuses_cross_site_posts_and_posts_without_the_nonce(world):
    from tests.review.conftest import login_form

    client = world[0]
    nonce, csrf = login_form(client)
    body = {"token": staff_token("viewer"), "next": "/staff"}
    for extra in CROSS_SITE:  # login swapping: another site signs the analyst in as someone else
        response = client.http.post("/staff/login", headers={**nonce, **FORM, **extra},
                                    body=urlencode({**body, "csrf": csrf}))
        assert response.status_code == 403 and "pulse_staff=" not in response.headers.get("Set-Cookie", "")
    other_nonce, other_csrf = login_form(client)
    for headers, token in (({}, csrf), (nonce, None), (nonce, other_csrf), (other_nonce, csrf)):
        response = client.http.post("/staff/login", headers={**headers, **FORM},
                                    body=urlencode({**body, **({"csrf": token} if token else {})}))
        assert response.status_code == 403 and "pulse_staff=" not in response.headers.get("Set-Cookie", "")
    ok = client.http.post("/staff/login", headers={**nonce, **FORM}, body=urlencode({**body, "csrf": csrf}))
    assert ok.status_code == 303 and ok.headers["Set-Cookie"].startswith("pulse_staff=")


def test_pages_carry_the_session_token_in_every_form(world):
    from chalicelib.web.csrf import token_for

    client = world[0]
    value = staff_token("analyst")
    page = client.http.get(f"/staff/followups?wave={WAVE}", headers={"Cookie": f"pulse_staff={value}"})
    html = page.body.decode()
    assert html.count("<form method=\"post\"") == html.count(f'name="csrf" value="{token_for("session", value)}"')
    login = client.http.get("/staff/login")
    assert "pulse_login=" in login.headers["Set-Cookie"] and "SameSite=Strict" in login.headers["Set-Cookie"]
