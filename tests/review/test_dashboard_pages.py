"""Dashboard pages: login flow, 401/403 pages, scope on pages, escaping and highlighting."""
from urllib.parse import urlencode

from tests.review.conftest import SMALL_WAVE, login_form, session_form, token


def cookie(role, scope=None, subject="someone@vendor.example"):
    return {"Cookie": f"pulse_staff={token(role, scope, subject=subject)}"}


def html(response) -> str:
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def test_pages_without_a_token_answer_401_with_the_login_page(small):
    for path in ("/staff", "/staff/comments", "/staff/followups", "/staff/exports/responses"):
        response = small.http.get(path)
        assert response.status_code == 401
        assert 'action="/staff/login"' in html(response) and response.headers["Content-Type"].startswith("text/html")


def test_login_sets_a_strict_httponly_cookie_and_bad_tokens_are_refused(small):
    nonce, csrf = login_form(small)
    form = {**nonce, "Content-Type": "application/x-www-form-urlencoded"}
    good = small.http.post("/staff/login", headers=form,
                           body=urlencode({"token": token("viewer"), "next": "/staff/comments", "csrf": csrf}))
    assert good.status_code == 303 and good.headers["Location"] == "/staff/comments"
    set_cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Secure" not in set_cookie
    bad = small.http.post("/staff/login", headers=form, body=urlencode({"token": "forged", "csrf": csrf}))
    assert bad.status_code == 401 and "does not work" in html(bad)
    offsite = small.http.post("/staff/login", headers=form,
                              body=urlencode({"token": token("viewer"), "next": "https://evil.example", "csrf": csrf}))
    assert offsite.headers["Location"] == "/staff"


def test_viewer_posting_a_correction_gets_the_403_page(small):
    response = small.http.post("/staff/comments/correct", headers={
        **cookie("viewer"), "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"wave": SMALL_WAVE, "comment_id": "x", "label": "negative"}))
    assert response.status_code == 403 and "Not allowed" in html(response)


def test_overview_shows_charts_tables_and_suppression(small):
    page = html(small.http.get(f"/staff?wave={SMALL_WAVE}", headers=cookie("analyst")))
    assert page.count("<svg") >= 5 and "<table>" in page
    assert "suppressed (fewer than the minimum respondents)" in page
    assert "NPS by tier with 95% interval" in page


def test_comment_explorer_escapes_comments_and_highlights_the_escaped_term(small, monkeypatch):
    from chalicelib import wiring

    # escaping is under test, not suppression: the small wave's two tiers hide each other at 8
    monkeypatch.setenv("PULSE_SUPPRESS_MIN_COMMENTS", "1")
    wiring.reset()
    page = html(small.http.get(f"/staff/comments?wave={SMALL_WAVE}&q=%3Cb%3Ebad", headers=cookie("analyst")))
    assert "<b>bad</b>" not in page and "<script>alert" not in page
    assert "<mark>&lt;b&gt;bad</mark>" in page
    everything = html(small.http.get(f"/staff/comments?wave={SMALL_WAVE}", headers=cookie("analyst")))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything


def test_scoped_viewer_pages_show_only_the_scope(small):
    page = html(small.http.get(f"/staff?wave={SMALL_WAVE}", headers=cookie("viewer", "region=EMEA")))
    assert "scope <strong>region=EMEA</strong>" in page and ">APJ<" not in page
    comments = html(small.http.get(f"/staff/comments?wave={SMALL_WAVE}", headers=cookie("viewer", "region=APJ")))
    assert "Too few comments" in comments  # 3 APJ comments < 8
    # ... and the page says what it withholds, and why (the 3 lost their region to hide among 10)
    assert 'id="withheld"' in comments and "3 comments of your scope withheld here: their region label" in comments


def test_correction_through_the_form_is_shown_as_corrected(small, monkeypatch):
    from chalicelib import wiring
    from chalicelib.services import results

    monkeypatch.setenv("PULSE_SUPPRESS_MIN_COMMENTS", "1")  # corrections under test, not suppression
    wiring.reset()
    session, csrf = session_form("analyst", subject="rev@vendor.example")
    headers = {**session, "Content-Type": "application/x-www-form-urlencoded"}
    before = html(small.http.get(f"/staff/comments?wave={SMALL_WAVE}&q=Slow", headers=cookie("analyst")))
    assert "corrected by" not in before
    from chalicelib import wiring

    comment = next(c for c in results._comments(wiring.review_stores().snapshots, SMALL_WAVE)
                   if c["text"] == "Slow payouts")
    response = small.http.post("/staff/comments/correct", headers=headers, body=urlencode(
        {"wave": SMALL_WAVE, "comment_id": comment["id"], "label": "negative", "back": "/staff/comments",
         "csrf": csrf}))
    assert response.status_code == 303
    after = html(small.http.get(f"/staff/comments?wave={SMALL_WAVE}&q=Slow", headers=cookie("analyst")))
    assert "corrected by rev@vendor.example" in after


def test_cross_site_form_posts_are_refused(small):
    response = small.http.post("/staff/followups/update", headers={
        **cookie("analyst"), "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example",
        "Host": "pulse.example"}, body=urlencode({"wave": SMALL_WAVE, "invitation_id": "x", "status": "closed"}))
    assert response.status_code == 403


def test_cross_site_fetch_metadata_is_refused(small):
    response = small.http.post("/staff/comments/correct", headers={
        **cookie("analyst"), "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"},
        body=urlencode({"wave": SMALL_WAVE, "comment_id": "x", "label": "negative"}))
    assert response.status_code == 403


def test_followup_queue_page_filters_by_status_and_marks_the_choice(small):
    response = small.http.get(f"/staff/followups?wave={SMALL_WAVE}&status=open", headers=cookie("analyst"))
    page = html(response)
    assert response.status_code == 200
    assert '<option value="open" selected>open</option>' in page and "detractor (NPS" in page
