"""Saved views: a named dashboard address per user, kept across sign-outs, shared by its link."""
from urllib.parse import urlencode

from tests.review.conftest import SMALL_WAVE, session_form, token
from tests.review.test_dashboard_pages import html

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def test_a_saved_view_survives_signing_out_and_belongs_to_its_user(small):
    session, csrf = session_form("analyst", subject="ana@vendor.example")
    path = f"/staff?wave={SMALL_WAVE}&by=tier"
    saved = small.http.post("/staff/views", headers={**session, **FORM},
                            body=urlencode({"name": "Tiers <this wave>", "path": path, "csrf": csrf}))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(path)

    signed_in_again = {"Cookie": f"pulse_staff={token('analyst', subject='ana@vendor.example')}"}  # a new session
    page = html(small.http.get(f"/staff?wave={SMALL_WAVE}", headers=signed_in_again))
    views = page.split('id="saved-views"')[1].split("</p>")[0]
    assert f'<a href="{path.replace("&", "&amp;")}">Tiers &lt;this wave&gt;</a>' in views
    other = html(small.http.get(f"/staff?wave={SMALL_WAVE}",
                                headers={"Cookie": f"pulse_staff={token('analyst', subject='bo@vendor.example')}"}))
    assert 'id="saved-views"' not in other


def test_a_view_needs_a_name_and_an_address_on_this_site(small):
    session, csrf = session_form("viewer", subject="vi@vendor.example")
    for body, field in (({"name": "", "path": "/staff"}, "name"),
                        ({"name": "x", "path": "https://evil.example/staff"}, "path"),
                        ({"name": "x", "path": "/api/v1/staff"}, "path")):
        refused = small.http.post("/staff/views", headers={**session, **FORM}, body=urlencode({**body, "csrf": csrf}))
        assert refused.status_code == 400 and f"{field}: " in html(refused)
    forged = small.http.post("/staff/views", headers={**session, **FORM},
                             body=urlencode({"name": "x", "path": "/staff", "csrf": "forged"}))
    assert forged.status_code == 403
