"""The transactional results released by k (#27): one response in a small group leaves the released copy
as it was and is counted as waiting; k of them release it; no two consecutive released copies differ in
any published group by 1..k-1 responses. Fixed clock; threshold (= k) 3."""
from datetime import timedelta

import pytest

from chalicelib.domain.waves import iso
from tests.builders import make_partner
from tests.pulses.conftest import T0
from tests.pulses.test_results import answer, answered  # noqa: F401 - fixture

K = 3
NEW = [f"N{i:02d}" for i in range(6)]  # new LATAM partners, one PoC pulse each (a small group)


@pytest.fixture
def waiting(answered):  # noqa: F811
    """The 12 answered partners, released once; six new LATAM partners with a PoC pulse sent, unanswered."""
    answered.repos.partners.put_many([make_partner(p, region="LATAM", country="BR") for p in NEW], iso(T0))
    for p in NEW:
        answered.event(f"new-{p}", T0 + timedelta(days=45), partner_id=p,
                       contact={"email": f"c0.{p}@partner.example"}, attributes={"outcome": "funded"})
    answered.run(T0 + timedelta(days=47, hours=1))
    first = publish(answered, T0 + timedelta(days=48))
    assert first["released"]
    return answered


def publish(world, at):
    from chalicelib.services.program import current_program
    from chalicelib.services.pulse_results import publish_pulse_results

    return publish_pulse_results(world.repos, world.wiring.pulse_store(), current_program(world.repos), at,
                                 threshold=K, min_partners=1)


def released(world) -> dict:
    return world.wiring.pulse_store().released()


def respond(world, partner_id, at):
    answer(world, f"new-{partner_id}", 2, 1, "slow", at)


def without_release(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "release"}


def published_counts(doc: dict) -> dict:
    """(event type, breakdown, segment) -> respondents of every published cell (overall, breakdowns,
    attributes, months) and the link's partners."""
    out = {}
    for t in doc["event_types"]:
        card = t.get("scorecard") or {}
        cells = [("overall", card.get("overall"))] if card.get("overall") else []
        cells += [(",".join(b["by"]), c) for b in card.get("breakdowns", []) for c in b["cells"]]
        cells += [(name, c) for name, cs in (t.get("attributes") or {}).items() for c in cs]
        cells += [("month", c) for c in t.get("trend") or []]
        for by, cell in cells:
            if not cell.get("suppressed") and isinstance(cell.get("respondents"), int):
                out[(t["event_type"], by, str(sorted((cell.get("segment") or {}).items())))] = cell["respondents"]
    if doc["link"].get("relationship_wave"):
        out[("link", "partners", "")] = doc["link"]["partners"]
    return out


def test_one_response_in_a_small_group_is_held_and_k_release(waiting):
    before = released(waiting)
    assert before["release"] == {"released_at": iso(T0 + timedelta(days=48)), "min_changes": K, "held": 0,
                                 "held_since": None}
    respond(waiting, "N00", T0 + timedelta(days=48, hours=2))
    record = publish(waiting, T0 + timedelta(days=49))
    assert record["released"] is False and record["held"] == 1
    held = released(waiting)
    assert without_release(held) == without_release(before)  # not one figure moved
    assert held["release"]["held"] == 1 and held["release"]["held_since"] == iso(T0 + timedelta(days=49))
    live = waiting.wiring.pulse_store().results()
    poc = next(t for t in live["event_types"] if t["event_type"] == "poc_funded")
    assert poc["respondents"] == 13  # the live build has it; nobody reads it

    from chalicelib.services.pulse_view import pulse_view

    assert "1 response waits for the next release" in pulse_view(held)["release"]
    assert "a group would change by fewer than 3" in pulse_view(held)["release"]

    respond(waiting, "N01", T0 + timedelta(days=49, hours=2))
    assert publish(waiting, T0 + timedelta(days=50))["held"] == 2
    assert released(waiting)["release"]["held_since"] == iso(T0 + timedelta(days=49))  # since the first wait
    respond(waiting, "N02", T0 + timedelta(days=50, hours=2))
    record = publish(waiting, T0 + timedelta(days=51))
    assert record["released"] and record["held"] == 0
    after = released(waiting)
    poc = next(t for t in after["event_types"] if t["event_type"] == "poc_funded")
    assert poc["respondents"] == 15 and after["release"]["released_at"] == iso(T0 + timedelta(days=51))
    latam = next(c for b in poc["scorecard"]["breakdowns"] if b["by"] == ["region"] for c in b["cells"]
                 if c["segment"]["region"] == "LATAM")
    assert latam["respondents"] == K and not latam["suppressed"]


def test_no_two_consecutive_released_copies_differ_in_a_group_by_fewer_than_k(waiting):
    copies = [released(waiting)]
    day = 48
    for partner_id in NEW:  # one response at a time, a build after each
        day += 1
        respond(waiting, partner_id, T0 + timedelta(days=day, hours=-20))
        publish(waiting, T0 + timedelta(days=day))
        if released(waiting)["release"]["released_at"] != copies[-1]["release"]["released_at"]:
            copies.append(released(waiting))
    assert len(copies) == 3  # released after the 3rd and the 6th response: the comparison is not vacuous
    for old, new in zip(copies, copies[1:], strict=False):
        a, b = published_counts(old), published_counts(new)
        moved = {g: b[g] - a[g] for g in set(a) & set(b) if b[g] != a[g]}
        assert moved  # the copies do differ ...
        assert all(abs(d) >= K for d in moved.values()), moved  # ... never by 1..k-1 responses in a group


def test_an_edited_answer_counts_as_a_changed_response(waiting):
    for p in NEW[:3]:
        respond(waiting, p, T0 + timedelta(days=48, hours=2))
    assert publish(waiting, T0 + timedelta(days=49))["released"]
    answer(waiting, "new-N00", 10, 5, "fast after all", T0 + timedelta(days=49, hours=2))  # version 2
    record = publish(waiting, T0 + timedelta(days=50))
    assert record["released"] is False and record["held"] == 1


def test_the_first_build_is_released_and_the_api_serves_the_released_copy(waiting, monkeypatch):
    from chalice.test import Client

    from app import app
    from chalicelib.security.staff import StaffTokens
    from tests.builders import TEST_SECRET

    respond(waiting, "N00", T0 + timedelta(days=48, hours=2))
    publish(waiting, T0 + timedelta(days=49))  # held
    monkeypatch.setenv("PULSE_STAFF_TOKEN_SECRET", TEST_SECRET)
    monkeypatch.setenv("PULSE_STAGE", "test")
    waiting.wiring.reset()
    bearer = {"Authorization": "Bearer " + StaffTokens(TEST_SECRET).issue("a@vendor.example", "admin")}
    with Client(app, stage_name="test") as client:
        body = client.http.get("/api/v1/staff/pulses", headers=bearer).json_body
        page = client.http.get("/staff/moments", headers={
            "cookie": "pulse_staff=" + StaffTokens(TEST_SECRET).issue("v@vendor.example", "viewer")}).body.decode()
    poc = next(t for t in body["event_types"] if t["event_type"] == "poc_funded")
    assert poc["respondents"] == 12 and body["release"]["held"] == 1  # an admin too: pulse surveys are aggregate
    assert body["release"]["words"].startswith(f"Released {iso(T0 + timedelta(days=48))}. 1 response waits")
    assert "1 response waits for the next release" in page


def cell(segment, n):
    return {"segment": segment, "suppressed": False, "respondents": n}


DOC = {"threshold": K, "link": {"relationship_wave": "px-2026-h1", "partners": 12}, "event_types": [
    {"event_type": "poc_funded", "scorecard": {"overall": cell({}, 20), "breakdowns": [
        {"by": ["region"], "cells": [cell({"region": "EMEA"}, 12), cell({"region": "APJ"}, 8)]}]},
     "attributes": {"outcome": [cell({"outcome": "funded"}, 14), cell({"outcome": "declined"}, 6)]},
     "trend": [cell({"month": "2027-01"}, 20)]}]}


def profile(version=1, region="EMEA", outcome="funded", link="no"):
    return {"version": version, "event_type": "poc_funded", "tier": "advanced", "region": region,
            "programs": [], "month": "2027-01", "attr:outcome": outcome, "link": link}


@pytest.mark.parametrize(("old", "new", "blocked"), [
    ({"rel:a": {"version": 1, "link": "yes"}}, {"rel:a": {"version": 2, "link": "yes"}}, [(("link", "yes"),)]),
    ({"i1": profile()}, {"i1": profile(outcome="declined")}, "outcome moved"),
    ({}, {"i1": profile()}, "a new response"),
    ({"i1": profile()}, {"i1": profile()}, []),
    ({}, {f"i{n}": profile() for n in range(K)}, []),  # k new responses in the same groups
])
def test_which_groups_block_a_release(old, new, blocked):
    from chalicelib.services.pulse_release import blocking

    waiting, groups = blocking(old, new, DOC, K)
    assert waiting == len({i for i in set(old) | set(new) if old.get(i) != new.get(i)})
    if isinstance(blocked, list):
        assert groups == blocked
    else:
        assert (("event_type", "poc_funded"),) in groups  # the event type's overall moved by one
        assert any(("attr:outcome", "funded") in g for g in groups if isinstance(g[0], tuple) and len(g) == 2)


def test_members_round_trip_in_chunks_and_a_smaller_release_ignores_older_chunks(moto_table, monkeypatch):
    import chalicelib.storage.pulses as pulses

    monkeypatch.setattr(pulses, "MEMBERS_CHUNK", 64)
    store = pulses.DynamoPulseStore(moto_table)
    assert store.released_members() is None
    big = {f"inv-{n:04d}": profile(version=n) for n in range(40)}
    store.put_release({"event_types": []}, big, K, T0)
    assert store.table.get("PULSERESULTS", "RELEASED")["member_chunks"] > 3
    assert store.released_members() == big
    store.put_release({"event_types": []}, {"inv-1": profile()}, K, T0 + timedelta(hours=1))
    assert store.released_members() == {"inv-1": profile()}
    assert store.released()["release"]["released_at"] == iso(T0 + timedelta(hours=1))
