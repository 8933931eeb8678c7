"""Estimates over time (#22): restricted readers (viewers, everyone on aggregate surveys, the leadership
report there) get estimates from closed waves only, which one response to an open wave never moves;
readers allowed respondent-level data keep the live estimate."""
from datetime import timedelta

import pytest

from chalicelib.domain.waves import iso
from chalicelib.security.staff import StaffIdentity
from tests.actions.history import AFTER, BEFORE, CHANGE_DAY, _answer, given_two_waves
from tests.actions.test_actions_api import api, headers  # noqa: F401 - fixture
from tests.builders import NOW

LATER = "w-later"
CHANGE = {"change_id": "emea-portal", "description": "EMEA portal moved", "effective": CHANGE_DAY,
          "segments": {"regions": ["EMEA"]}, "metrics": ["mean:q_portal"], "actions": []}


def given_three_waves(table, tokens, definition=None):
    """BEFORE and AFTER closed; LATER open, answered by every partner but the last (an EMEA one, who
    answers in the test)."""
    from chalicelib.services.catalogue import close_wave, open_wave
    from chalicelib.services.invitations import create_invitations

    repos = given_two_waves(table, tokens, definition=definition)
    close_wave(repos, AFTER, NOW - timedelta(minutes=30))
    open_wave(repos, "px-test", LATER, iso(NOW + timedelta(days=30)), NOW - timedelta(minutes=20))
    links = create_invitations(repos, tokens, LATER, "http://pulse.test", NOW - timedelta(minutes=20))
    links = sorted(links, key=lambda link: link.partner.region != "EMEA")  # an EMEA partner last of its region
    last = links[0]
    _answer(repos, links[1:], LATER, NOW - timedelta(minutes=10),
            lambda p, i: (4 + i % 2) - (2 if p.region == "EMEA" else 0))
    return repos, last


@pytest.fixture
def world(moto_table, tokens):
    return make_world(moto_table, tokens)


@pytest.fixture
def identified_world(moto_table, tokens):
    from tests.review.conftest import identified_definition

    return make_world(moto_table, tokens, identified_definition())


def make_world(table, tokens, definition=None):
    from chalicelib.storage.actions import DynamoChangeRepository
    from tests.report.builders import snapshot_stores

    repos, last = given_three_waves(table, tokens, definition)
    changes = DynamoChangeRepository(table)
    changes.add(dict(CHANGE))
    stores = snapshot_stores(table)
    for wave in (BEFORE, AFTER, LATER):
        stores["refresh"](wave)
    return {"repos": repos, "changes": changes, "last": last, **stores}


def read(w, restricted, now=NOW):
    """What a reader gets, as the change page computes it (``restricted``: ``release.restricted``)."""
    from chalicelib.services.change_estimates import estimates_for

    return estimates_for(w["repos"], w["snapshots"], w["changes"], w["changes"].get("emea-portal"), "px-test",
                         now, restricted, threshold=3, min_partners=2)


def one_more_response(w):
    """The last EMEA partner answers the open wave (a very low portal rating); the snapshot moves."""
    _answer(w["repos"], [w["last"]], LATER, NOW - timedelta(minutes=5), lambda p, i: 1)
    w["refresh"](LATER)


def figures(docs):
    return [(d["status"], (d.get("estimate") or {}).get("value"), (d.get("estimate") or {}).get("low"),
             (d.get("estimate") or {}).get("high"), d["verdict"]) for d in docs]


def test_a_viewer_reads_the_same_figures_before_and_after_one_response_to_the_open_wave(world):
    before = read(world, restricted=True)
    assert before[0]["status"] == "ok" and before[0]["basis"] == "closed waves only"
    assert before[0]["estimate"]["value"] == pytest.approx(-2.0)  # BEFORE and AFTER only
    live_before = read(world, restricted=False)
    one_more_response(world)
    assert figures(read(world, restricted=True)) == figures(before)
    assert figures(read(world, restricted=False)) != figures(live_before)  # the live one moved: it could leak


def test_an_admin_on_an_identified_survey_sees_the_live_estimate_move(identified_world):
    from chalicelib.services.changes import reader_restricted

    admin = StaffIdentity("a@vendor.example", "admin")
    assert not reader_restricted(identified_world["repos"], admin, {}, "px-test")
    live = read(identified_world, restricted=None)  # the report's call: an identified survey reads live
    assert "basis" not in live[0]
    first = read(identified_world, restricted=False)
    one_more_response(identified_world)
    moved = read(identified_world, restricted=False)
    assert moved[0]["estimate"]["value"] < first[0]["estimate"]["value"]  # the low EMEA rating counts at once


def test_once_the_open_wave_closes_the_viewer_sees_the_new_estimate(world):
    from chalicelib.services.catalogue import close_wave

    before = read(world, restricted=True)
    one_more_response(world)
    close_wave(world["repos"], LATER, NOW + timedelta(minutes=1))
    after = read(world, restricted=True, now=NOW + timedelta(minutes=2))
    assert figures(after) != figures(before)
    assert world["changes"].get("emea-portal")["released_waves"] == [BEFORE, AFTER, LATER]


def test_a_reopened_wave_stays_in_the_released_set(world):
    from chalicelib.services.change_estimates import closed_wave_ids

    assert closed_wave_ids(world["repos"], "px-test", NOW) == [BEFORE, AFTER]
    world["repos"].waves.extend(AFTER, iso(NOW + timedelta(days=5)))  # reopened
    assert closed_wave_ids(world["repos"], "px-test", NOW) == [BEFORE]
    assert closed_wave_ids(world["repos"], "px-test", NOW, kept=[BEFORE, AFTER]) == [BEFORE, AFTER]


def test_the_leadership_report_on_an_aggregate_survey_uses_the_released_estimate(world):
    from types import SimpleNamespace

    from chalicelib.reports.plans import plans_model
    from chalicelib.services.reporting import _plan_inputs

    action = {"action_id": "act-portal001", "title": "Fix the EMEA portal", "status": "done",
              "finding": {"kind": "driver", "wave_id": AFTER, "ref": "q_portal"}}
    change = {**world["changes"].get("emea-portal"), "actions": ["act-portal001"]}
    read(world, restricted=False)  # a live estimate exists on the change, and moves:
    one_more_response(world)
    live = read(world, restricted=False)

    def estimates(change, survey_id):  # wiring.change_estimator() with the report's call
        from chalicelib.services.change_estimates import estimates_for

        return estimates_for(world["repos"], world["snapshots"], world["changes"], change, survey_id, NOW,
                             threshold=3, min_partners=2)

    ctx = SimpleNamespace(repos=world["repos"], estimates=estimates,
                          plans=SimpleNamespace(actions=SimpleNamespace(all=lambda: [action]),
                                                changes=SimpleNamespace(all=lambda: [change])))
    moved = plans_model(_plan_inputs(ctx, LATER))["done"][0]["moved"][0]
    released = world["changes"].get("emea-portal")["released_estimates"][0]
    assert moved["verdict"].startswith(released["verdict"]) and "From closed waves only" in moved["verdict"]
    assert live[0]["verdict"] != released["verdict"]
    assert moved["interval"].startswith(f"{released['estimate']['value']:+.1f}")


BOTH = {**CHANGE, "estimates": [{"verdict": "live", "cells": [1], "panel": {}}], "estimated_at": "t-live",
        "estimate_key": "k1", "released_estimates": [{"verdict": "closed", "basis": "closed waves only",
                                                     "cells": [1], "panel": {}}],
        "released_at": "t-closed", "released_key": "k2", "released_waves": [BEFORE]}


@pytest.mark.parametrize(("role", "scope", "reporting", "expected", "cells"), [
    ("admin", None, "identified", "live", True),
    ("analyst", None, "identified", "live", True),
    ("viewer", None, "identified", "closed", False),
    ("viewer", "region=EMEA", "identified", "closed", False),
    ("admin", None, "aggregate", "closed", False),
    ("analyst", None, "aggregate", "closed", False),
    ("viewer", None, "aggregate", "closed", False),
    ("viewer", "region=EMEA", "aggregate", "closed", False),
])
def test_who_reads_which_estimate(role, scope, reporting, expected, cells):
    from chalicelib.security.staff import parse_scope
    from chalicelib.services.changes import visible_change
    from chalicelib.services.release import restricted

    identity = StaffIdentity("x@vendor.example", role, parse_scope(scope) if scope else None)
    shown = visible_change(BOTH, identity, restricted(identity, reporting))
    assert [d["verdict"] for d in shown["estimates"]] == [expected]
    assert shown["estimated_at"] == ("t-live" if expected == "live" else "t-closed")
    assert ("cells" in shown["estimates"][0]) is cells
    assert shown["estimates_basis"] == ("live" if expected == "live" else "closed_waves")
    assert not {"released_estimates", "estimate_key", "released_key"} & set(shown)  # never both


def test_the_staff_api_gives_each_reader_its_estimate_and_says_which(identified_world, api):  # noqa: F811
    client, _, _ = api
    released = read(identified_world, restricted=True)
    one_more_response(identified_world)
    live = read(identified_world, restricted=False)  # with the new answer; the released one is without it
    viewer = client.http.get("/api/v1/staff/changes/emea-portal", headers=headers("viewer")).json_body
    assert viewer["estimates_basis"] == "closed_waves" and figures(viewer["estimates"]) == figures(released)
    assert "cells" not in viewer["estimates"][0] and "released_estimates" not in viewer
    analyst = client.http.get("/api/v1/staff/changes/emea-portal", headers=headers("analyst")).json_body
    assert analyst["estimates_basis"] == "live" and figures(analyst["estimates"]) == figures(live)
    listed = client.http.get("/api/v1/staff/changes", headers=headers("viewer")).json_body["items"]
    assert figures(listed[0]["estimates"]) == figures(released) and "estimate_key" not in listed[0]
