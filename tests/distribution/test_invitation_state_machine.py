"""Every invitation event from every state, through the real conditional writes (moto).

The expected table is written out here by hand (not derived from the domain's TRANSITIONS), so a
change to the state machine must change this table too. ``-`` means "refused, nothing changes".
"""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from chalice.test import Client

from chalicelib.domain import invitation_states as sm
from chalicelib.domain.errors import ConcurrentUpdate, InvitationUnavailable
from chalicelib.domain.responses import PARTIAL, SUBMITTED, Response
from chalicelib.storage.invitations import invitation_key
from chalicelib.storage.sends import DynamoSendRepository
from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

EVENTS = ("send", "open", "save", "submit", "cancel", "withdraw", "expire")
TABLE = """
state      send  open    save     submit     cancel     withdraw   expire
created    sent  opened  started  submitted  cancelled  withdrawn  expired
sent       -     opened  started  submitted  -          withdrawn  expired
opened     -     -       started  submitted  -          withdrawn  expired
started    -     -       started  submitted  -          withdrawn  expired
submitted  -     -       -        submitted  -          -          -
cancelled  -     -       -        -          -          -          -
withdrawn  -     -       -        -          -          -          -
expired    -     -       -        -          -          -          -
"""


def _rows():
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header = lines[0][1:]
    assert tuple(header) == EVENTS
    for state, *targets in lines[1:]:
        for event, target in zip(header, targets, strict=True):
            yield state, event, None if target == "-" else target


CASES = list(_rows())


def test_the_table_covers_every_state_and_event():
    assert {(s, e) for s, e, _ in CASES} == {(s, e) for s in sm.STATES for e in sm.EVENTS}


def test_the_domain_table_agrees():
    assert [(s, e, sm.next_state(s, e)) for s, e, _ in CASES] == CASES


@pytest.fixture
def wave(moto_table, tokens):
    repos, [link] = given_open_wave(moto_table, tokens, [make_partner("P001")])
    return moto_table, repos, link


def _force_state(table, invitation_id: str, state: str) -> None:
    pk, sk = invitation_key(invitation_id)
    table.update(pk, sk, "SET #state = :s", {":s": state}, names={"#state": "state"})


def _response(invitation, status: str) -> Response:
    now = NOW.isoformat()
    return Response(invitation_id=invitation.invitation_id, wave_id=invitation.wave_id, survey_id="pulse",
                    survey_version=1, partner_id=invitation.partner_id, contact_id=invitation.contact_id,
                    language="en", answers=dict(VALID_ANSWERS), status=status, version=1,
                    created_at=now, updated_at=now, submitted_at=now if status == SUBMITTED else None)


def _apply(table, repos, invitation, event: str) -> bool:
    now = NOW.isoformat()
    iid = invitation.invitation_id
    if event == "send":
        return DynamoSendRepository(table).mark_invitation_sent(iid, now)
    if event == "open":
        return DynamoSendRepository(table).mark_invitation_opened(iid, now)
    if event in ("save", "submit"):
        wave = repos.waves.get(invitation.wave_id)
        try:
            repos.responses.save(_response(invitation, SUBMITTED if event == "submit" else PARTIAL),
                                 None, wave, now)
        except (InvitationUnavailable, ConcurrentUpdate):
            return False
        return True
    return repos.invitations.transition(iid, event, now)


@pytest.mark.parametrize(("state", "event", "expected"), CASES, ids=[f"{s}-{e}" for s, e, _ in CASES])
def test_every_transition_is_allowed_or_refused_by_the_write_itself(wave, state, event, expected):
    # Given an invitation in `state` (no read happens before the write under test)
    table, repos, link = wave
    _force_state(table, link.invitation.invitation_id, state)
    # When the event is applied
    accepted = _apply(table, repos, link.invitation, event)
    # Then it is accepted exactly when the table says so, and the state is the table's
    after = repos.invitations.get(link.invitation.invitation_id).state
    assert (accepted, after) == ((True, expected) if expected else (False, state))
    if event in ("save", "submit"):
        assert (repos.responses.get(link.invitation.invitation_id) is not None) == bool(expected)


@pytest.fixture
def api(moto_table, tokens, app_env):
    from app import app

    repos, links = given_open_wave(moto_table, tokens, [replace(make_partner("P001", contacts=2))])
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, repos, links


@pytest.mark.parametrize("state", ["cancelled", "withdrawn", "expired"])
def test_a_terminal_invitation_is_410_with_the_reason_and_counts_nothing(api, moto_table, state):
    client, repos, [link, other] = api
    # Given one invitation cancelled / withdrawn / expired, the other live
    assert repos.invitations.transition(link.invitation.invitation_id,
                                        {"cancelled": "cancel", "withdrawn": "withdraw", "expired": "expire"}[state],
                                        NOW.isoformat())
    body = json.dumps({"answers": VALID_ANSWERS, "language": "en"})
    # When the partner submits through the JSON API and opens the form
    put = client.http.put(f"/api/v1/invitations/{token_of(link)}/response",
                          headers={"Content-Type": "application/json"}, body=body)
    page = client.http.get(f"/s/{token_of(link)}", headers={"Accept-Language": "de"})
    # Then both say why (the form in the contact's language), and nothing was stored
    assert put.status_code == 410
    assert put.json_body["error"] == f"invitation_{state}" and put.json_body["state"] == state
    assert page.status_code == 410
    from chalicelib.web.i18n import Translator

    assert Translator("en")(f"invitation_{state}.title") in page.body.decode()
    assert repos.responses.get(link.invitation.invitation_id) is None
    assert repos.invitations.get(link.invitation.invitation_id).state == state
    # and the live invitation next to it still answers
    ok = client.http.put(f"/api/v1/invitations/{token_of(other)}/response",
                         headers={"Content-Type": "application/json"}, body=body)
    assert ok.status_code in (200, 201), ok.body


def test_the_410_speaks_the_contacts_language(api, moto_table):
    client, repos, [link, _] = api
    from chalicelib.web.i18n import Translator

    pk, sk = invitation_key(link.invitation.invitation_id)
    moto_table.update(pk, sk, "SET #l = :l", {":l": "es"}, names={"#l": "language"})
    repos.invitations.transition(link.invitation.invitation_id, "cancel", NOW.isoformat())
    put = client.http.put(f"/api/v1/invitations/{token_of(link)}/response",
                          headers={"Content-Type": "application/json"},
                          body='{"answers": {"q_nps": 9}, "language": "en"}')
    assert put.status_code == 410 and put.json_body["language"] == "es"
    assert put.json_body["message"] == Translator("es")("invitation_cancelled.body")


def test_the_cli_withdraws_a_contact_and_refuses_a_submitted_one(api, moto_table):
    from click.testing import CliRunner

    from pulse_cli.main import cli

    client, repos, [link, other] = api
    body = json.dumps({"answers": VALID_ANSWERS, "language": "en"})
    assert client.http.put(f"/api/v1/invitations/{token_of(other)}/response",
                           headers={"Content-Type": "application/json"}, body=body).status_code == 201
    runner = CliRunner()
    done = runner.invoke(cli, ["--stage", "test", "invitations", "withdraw", "--wave", "w-test",
                               "--partner", "P001"], catch_exceptions=False)
    assert done.exit_code == 0 and "withdrawn 1 invitation(s)" in done.output and "not withdrawn: 1" in done.output
    assert repos.invitations.get(link.invitation.invitation_id).state == "withdrawn"
    assert repos.invitations.get(other.invitation.invitation_id).state == "submitted"
    wrong = runner.invoke(cli, ["--stage", "test", "invitations", "expire", "--wave", "w-test",
                                "--partner", "P009"], catch_exceptions=False)
    assert wrong.exit_code == 2 and "--partner" in wrong.output
