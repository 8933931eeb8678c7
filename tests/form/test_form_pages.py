"""The partner form through chalice.test.Client on moto: statuses, headers, escaping, storage."""
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.storage.waves import wave_key
from tests.builders import NOW, token_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
COMPLETE = [("q_nps", "9"), ("q_comment", "Great portal"), ("q_portal", "4"), ("q_model", "services"),
            ("q_programs", "technical_assessment"), ("q_programs", "partner_to_partner")]


def post(client, token, fields, action="submit", lang="en"):
    body = urlencode([("_lang", lang), ("_action", action), *fields])
    return client.http.post(f"/s/{token}", headers=FORM, body=body)


def stored(repos, link):
    return repos.responses.get(link.invitation.invitation_id)


def html(response) -> str:
    return response.body.decode("utf-8")


def test_form_renders_every_question_type_with_labels_and_progress(form_world):
    client, _, link = form_world
    response = client.http.get(f"/s/{token_of(link)}")
    page = html(response)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page
    assert 'for="q_nps-0"' in page and 'for="q_nps-10"' in page and 'for="q_nps-11"' not in page
    assert "0 = Not at all likely" in page and "10 = Extremely likely" in page
    assert 'type="radio" id="q_portal-5"' in page and 'id="q_portal-6"' not in page
    assert 'type="checkbox" id="q_programs-proof_of_concept"' in page
    assert '<textarea id="q_comment-input"' in page and "up to 50 characters" in page
    assert "Section 1 of 2" in page and "Section 2 of 2" in page
    assert page.count("(required)") >= 3  # note + two required questions, marked in text


def test_survey_pages_send_the_security_headers(form_world):
    client, _, link = form_world
    headers = client.http.get(f"/s/{token_of(link)}").headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_page_links_only_its_own_assets(form_world):
    client, _, link = form_world
    page = html(client.http.get(f"/s/{token_of(link)}"))
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("<!doctype", "")
    css = client.http.get("/static/form.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "@import" not in css.body.decode() and "url(" not in css.body.decode()
    assert client.http.get("/static/form.js").headers["Content-Type"].startswith("text/javascript")
    assert client.http.get("/static/..%2Fform.py").status_code == 404


def test_complete_submit_stores_the_answers_and_redirects_to_thanks(form_world):
    client, repos, link = form_world
    token = token_of(link)
    response = post(client, token, COMPLETE)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{token}/thanks"
    saved = stored(repos, link)
    assert saved.status == "submitted"
    assert saved.answers == {"q_nps": 9, "q_comment": "Great portal", "q_portal": 4, "q_model": "services",
                             "q_programs": ["technical_assessment", "partner_to_partner"]}
    thanks = client.http.get(f"/s/{token}/thanks")
    assert thanks.status_code == 200 and "Thank you" in html(thanks)
    assert f'href="../{token}"' in html(thanks)


def test_invalid_post_is_400_with_summary_messages_and_typed_answers_kept(form_world):
    client, repos, link = form_world
    response = post(client, token_of(link), [("q_comment", "x" * 60), ("q_model", "services"),
                                             ("q_programs", "proof_of_concept")])
    page = html(response)
    assert response.status_code == 400
    assert "<title>Error:" in page and 'id="error-summary"' in page
    assert 'href="#q_nps-0"' in page and 'href="#q_portal-1"' in page and 'href="#q_comment-input"' in page
    assert "Shorten your answer to 50 characters or fewer (it has 60)." in page
    assert page.count("Answer this question.") == 4  # summary + next to each of the two fields
    assert ">" + "x" * 60 + "</textarea>" in page
    assert 'value="services" checked' in page and 'value="proof_of_concept" checked' in page
    assert stored(repos, link) is None


def test_a_non_number_on_a_scale_gets_the_scale_message(form_world):
    client, _, link = form_world
    response = post(client, token_of(link), [*COMPLETE[1:], ("q_nps", "eleven")])
    assert response.status_code == 400
    assert "Choose a number from 0 to 10." in html(response)


def test_save_for_later_stores_a_partial_response_that_reopens(form_world):
    client, repos, link = form_world
    token = token_of(link)
    response = post(client, token, [("q_comment", "Half done")], action="save")
    assert response.status_code == 303 and response.headers["Location"] == f"{token}?saved=1"
    saved = stored(repos, link)
    assert (saved.status, saved.answers) == ("partial", {"q_comment": "Half done"})
    page = html(client.http.get(f"/s/{token}?saved=1"))
    assert "Your answers are saved" in page and ">Half done</textarea>" in page


def test_reopening_after_submit_shows_answers_and_allows_changes(form_world):
    client, repos, link = form_world
    token = token_of(link)
    post(client, token, COMPLETE)
    page = html(client.http.get(f"/s/{token}"))
    assert "You have already submitted this survey" in page
    assert 'id="q_nps-9" name="q_nps" value="9" checked' in page
    assert "Save and finish later" not in page
    post(client, token, [(k, "3" if k == "q_nps" else v) for k, v in COMPLETE])
    assert stored(repos, link).answers["q_nps"] == 3 and stored(repos, link).version == 2


def test_typed_markup_is_shown_back_escaped(form_world):
    client, repos, link = form_world
    payload = '<script>alert("x")</script>'
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    rejected = post(client, token_of(link), [("q_comment", payload), ("q_model", '"><img src=x>')])
    assert rejected.status_code == 400
    assert "<script>alert" not in html(rejected) and "<img src=x" not in html(rejected)
    assert escaped in html(rejected)
    assert post(client, token_of(link), [("q_comment", payload)], action="save").status_code == 303
    page = html(client.http.get(f"/s/{token_of(link)}"))
    assert "<script>alert" not in page and escaped in page
    assert stored(repos, link).answers["q_comment"] == payload


@pytest.mark.parametrize("token", ["nonsense", "WyJhIiwiYiIsImMiXQ.tampered", "x" * 500])
def test_invalid_or_tampered_links_get_a_friendly_404_that_reveals_nothing(form_world, token):
    client, _, _ = form_world
    for response in (client.http.get(f"/s/{token}"), post(client, token, COMPLETE)):
        page = html(response)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "This link does not work" in page
        assert "Traceback" not in page and "itsdangerous" not in page.lower() and "signature" not in page.lower()


def test_a_closed_wave_shows_the_closing_date_with_410(form_world):
    client, repos, link = form_world
    wave = repos.waves.get(link.invitation.wave_id)
    closes = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pk, sk = wave_key(wave.wave_id)
    repos.waves.table.update(pk, sk, "SET closes_at = :c", {":c": closes})
    for response in (client.http.get(f"/s/{token_of(link)}"), post(client, token_of(link), COMPLETE),
                     post(client, token_of(link), [("_switch", "es")])):
        assert response.status_code == 410
        # spelt out as in the e-mails ("5 December 2026"), never ISO
        assert f"This survey closed on {(NOW - timedelta(days=1)).day} " in html(response)
        assert f"This survey closed on {closes[:10]}" not in html(response)
    assert stored(repos, link) is None


def test_get_and_head_never_write(form_world):
    client, repos, link = form_world
    token = token_of(link)
    before = repos.invitations.get(link.invitation.invitation_id)
    head = client.http.request("HEAD", f"/s/{token}")
    assert head.status_code == 200 and head.body in (b"", "")
    client.http.get(f"/s/{token}")
    assert repos.invitations.get(link.invitation.invitation_id) == before
    assert stored(repos, link) is None


def test_language_from_query_and_from_the_contact(form_world):
    client, _, link = form_world
    page = html(client.http.get(f"/s/{token_of(link)}?lang=es"))
    assert '<html lang="es">' in page and "Enviar respuestas" in page and "Sección 1 de 2" in page
    assert "Encuesta" in page  # survey title from the definition
    assert "Recommend us?" in page  # a question without Spanish text falls back to English
    unknown = html(client.http.get(f"/s/{token_of(link)}?lang=xx"))
    assert '<html lang="en">' in unknown


def test_errors_are_shown_in_the_posted_language(form_world):
    client, _, link = form_world
    response = post(client, token_of(link), [], lang="es")
    assert response.status_code == 400
    assert "Hay un problema" in html(response) and "Responda a esta pregunta." in html(response)


def test_repeated_bad_posts_are_rate_limited_per_token(form_world):
    client, repos, link = form_world
    from chalicelib.storage.rate_limits import DEFAULT_LIMIT

    for _ in range(DEFAULT_LIMIT):
        assert post(client, token_of(link), [("q_nps", "99")]).status_code == 400
    limited = post(client, token_of(link), COMPLETE)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 600
    assert "Too many attempts" in html(limited)
    assert stored(repos, link) is None
    assert client.http.get(f"/s/{token_of(link)}").status_code == 200  # reading is not limited


def test_malformed_bodies_are_4xx_and_write_nothing(form_world):
    client, repos, link = form_world
    token = token_of(link)
    bad_utf8 = client.http.post(f"/s/{token}", headers=FORM, body=b"q_comment=%FF%FE")
    assert bad_utf8.status_code == 400 and "The form could not be read" in html(bad_utf8)
    too_big = client.http.post(f"/s/{token}", headers=FORM, body=b"q_comment=" + b"a" * 70000)
    assert too_big.status_code == 413
    unknown = post(client, token, [*COMPLETE, ("q_bogus", "1")])
    assert unknown.status_code == 400 and "does not have (q_bogus)" in html(unknown)
    json_body = client.http.post(f"/s/{token}", headers={"Content-Type": "application/json"}, body="{}")
    assert json_body.status_code == 415
    assert stored(repos, link) is None


def test_storage_trouble_is_a_503_page_with_retry_after(form_world, monkeypatch):
    client, repos, link = form_world
    from chalicelib.domain.errors import StorageUnavailable
    from chalicelib.services import submissions

    def unavailable(*args, **kwargs):
        raise StorageUnavailable("throttled", retry_after=3)

    monkeypatch.setattr(submissions, "open_invitation", unavailable)
    for response in (client.http.get(f"/s/{token_of(link)}"), post(client, token_of(link), COMPLETE)):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "3"
        assert "Please try again shortly" in html(response) and "throttled" not in html(response)
    assert stored(repos, link) is None


def test_thank_you_page_without_a_submitted_response_redirects_to_the_form(form_world):
    client, _, link = form_world
    token = token_of(link)
    response = client.http.get(f"/s/{token}/thanks")
    assert response.status_code == 303 and response.headers["Location"] == f"../{token}"


def test_an_unexpected_error_is_a_500_page_with_a_reference_and_no_details(form_world, monkeypatch, caplog):
    client, _, link = form_world
    from chalicelib.services import submissions

    detail = "secret internal detail"

    def broken(*args, **kwargs):
        raise RuntimeError(detail)

    monkeypatch.setattr(submissions, "open_invitation", broken)
    for response in (client.http.get(f"/s/{token_of(link)}"), post(client, token_of(link), COMPLETE),
                     client.http.get(f"/s/{token_of(link)}/thanks")):
        page = html(response)
        assert response.status_code == 500
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Something went wrong on our side" in page
        assert detail not in page and "Traceback" not in page
    reference = page.split("reference to your partner account manager: ")[1][:16]
    assert reference in caplog.text and detail not in caplog.text  # the message may quote partner input


def test_switching_language_on_a_post_keeps_typed_answers_and_stores_nothing(form_world):
    client, repos, link = form_world
    response = post(client, token_of(link), [("_switch", "es"), ("q_comment", "Mi comentario"), ("q_nps", "7")])
    page = html(response)
    assert response.status_code == 200
    assert '<html lang="es">' in page and "Enviar respuestas" in page
    assert ">Mi comentario</textarea>" in page and 'value="7" checked' in page
    assert 'id="error-summary"' not in page
    assert stored(repos, link) is None
