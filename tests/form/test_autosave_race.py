"""A background autosave never undoes a newer save (issue 23): each autosave names the version it
builds on (``_base``); the server applies it only on top of that version, answers 204 with the new
version, and 409 (storing nothing) when a newer save already won."""
from urllib.parse import urlencode

from tests.builders import token_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post(client, token, fields, action, base=None):
    control = [("_lang", "en"), ("_action", action)] + ([("_base", str(base))] if base is not None else [])
    return client.http.post(f"/s/{token}", headers=FORM, body=urlencode([*control, *fields]))


def stored(repos, link):
    return repos.responses.get(link.invitation.invitation_id)


def test_the_page_carries_the_version_it_was_built_on(form_world):
    client, repos, link = form_world
    token = token_of(link)
    assert 'name="_base" id="base-version" value="0"' in client.http.get(f"/s/{token}").body.decode()
    post(client, token, [("q_nps", "7")], "save")
    assert 'name="_base" id="base-version" value="1"' in client.http.get(f"/s/{token}").body.decode()


def test_autosaves_chain_on_the_version_each_one_returns(form_world):
    client, repos, link = form_world
    token = token_of(link)
    first = post(client, token, [("q_comment", "Slow")], "autosave", base=0)
    assert first.status_code == 204 and first.headers["X-Pulse-Version"] == "1"
    second = post(client, token, [("q_comment", "Slow payouts")], "autosave", base=1)
    assert second.status_code == 204 and second.headers["X-Pulse-Version"] == "2"
    assert stored(repos, link).answers["q_comment"] == "Slow payouts"


def test_a_late_autosave_does_not_undo_the_save_that_overtook_it(form_world):
    client, repos, link = form_world
    token = token_of(link)
    post(client, token, [("q_comment", "Slow")], "autosave", base=0)  # version 1
    # the partner types on and presses Save while an autosave built on version 1 is still in flight
    saved = post(client, token, [("q_nps", "4"), ("q_comment", "Slow payouts, late every quarter")], "save")
    assert saved.status_code == 303
    late = post(client, token, [("q_comment", "Slow payouts")], "autosave", base=1)
    assert late.status_code == 409 and late.body in (b"", "", None)
    response = stored(repos, link)
    assert response.version == 2
    assert response.answers == {"q_nps": 4, "q_comment": "Slow payouts, late every quarter"}


def test_an_autosave_before_any_response_must_not_overwrite_one_made_meanwhile(form_world):
    client, repos, link = form_world
    token = token_of(link)
    post(client, token, [("q_nps", "9")], "save")  # another device saved first
    late = post(client, token, [("q_nps", "2")], "autosave", base=0)
    assert late.status_code == 409 and stored(repos, link).answers["q_nps"] == 9


def test_the_save_on_leaving_names_no_version_and_applies(form_world):
    client, repos, link = form_world
    token = token_of(link)
    post(client, token, [("q_comment", "Slow")], "autosave", base=0)
    leaving = post(client, token, [("q_comment", "Slow payouts")], "autosave")
    assert leaving.status_code == 204 and stored(repos, link).answers["q_comment"] == "Slow payouts"


def test_a_malformed_version_is_ignored_not_an_error(form_world):
    client, repos, link = form_world
    token = token_of(link)
    response = post(client, token, [("q_comment", "Fine")], "autosave", base="x1")
    assert response.status_code == 204 and stored(repos, link).answers["q_comment"] == "Fine"
