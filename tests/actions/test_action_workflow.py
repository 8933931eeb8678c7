"""The action workflow (every status pair), validation naming fields, scope rule, change records."""
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import actions as domain
from chalicelib.domain.changes import Segments, parse_change
from chalicelib.domain.errors import InvalidInput

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_body(**overrides):
    body = {"title": "Pay advanced partners in 30 days", "owner": "lead@vendor.example", "due": "2026-04-30",
            "finding": {"kind": "driver", "wave_id": "px-2026-h1", "ref": "q_incentive", "label": "Incentives"},
            "metrics": ["nps:q_nps", "top2:q_incentive"], "segments": {"tiers": ["advanced"]}, "direction": "up"}
    return {**body, **overrides}


def make_action(status="proposed"):
    action = domain.new_action(make_body(), "analyst@vendor.example", NOW, "act-abcdef12")
    return {**action, "status": status}


ALLOWED = {("proposed", "approved"), ("proposed", "dropped"), ("approved", "in_progress"), ("approved", "dropped"),
           ("in_progress", "done"), ("in_progress", "dropped")}


@pytest.mark.parametrize("current", domain.STATUSES)
@pytest.mark.parametrize("target", domain.STATUSES)
def test_every_status_transition_is_allowed_or_rejected_as_the_workflow_says(current, target):
    if current == target:
        return
    body = {"status": target, **({"reason": "budget cut"} if target == "dropped" else {})}
    if (current, target) in ALLOWED:
        moved = domain.updated_action(make_action(current), body, "a@vendor.example", NOW)
        assert moved["status"] == target
        assert moved["history"][-1] == {"by": "a@vendor.example", "at": "2026-03-01T12:00:00Z", "event": "status",
                                        "from": current, "to": target, **({"text": "budget cut"}
                                                                          if target == "dropped" else {})}
        assert moved["version"] == 2
    else:
        with pytest.raises(domain.ForbiddenTransition) as error:
            domain.updated_action(make_action(current), body, "a@vendor.example", NOW)
        assert error.value.problems[0].field == "status"


def test_dropping_needs_a_reason():
    with pytest.raises(InvalidInput) as error:
        domain.updated_action(make_action("approved"), {"status": "dropped"}, "a@vendor.example", NOW)
    assert error.value.problems[0].field == "reason"


def test_new_action_is_proposed_with_history_and_finding_key():
    action = domain.new_action(make_body(note="from the H1 drivers"), "analyst@vendor.example", NOW)
    assert action["status"] == "proposed" and domain.ACTION_ID.match(action["action_id"])
    assert action["finding_key"] == "driver:px-2026-h1:q_incentive"
    assert action["notes"] == [{"by": "analyst@vendor.example", "at": "2026-03-01T12:00:00Z",
                                "text": "from the H1 drivers"}]
    assert action["history"][0]["event"] == "created"


@pytest.mark.parametrize("field, value", [
    ("title", ""), ("title", "x" * 201), ("owner", "not an address"), ("owner", "a@b.example, c@d.example"),
    ("due", "next week"), ("finding", {"kind": "rumour", "wave_id": "w", "ref": "q"}),
    ("metrics", ["nps"]), ("segments", {"tier": ["advanced"]}), ("direction", "sideways"),
])
def test_bad_fields_are_named(field, value):
    with pytest.raises(InvalidInput) as error:
        domain.new_action(make_body(**{field: value}), "a@vendor.example", NOW)
    assert any(p.field.split(".")[0].split("[")[0] == field for p in error.value.problems), error.value.problems


def test_unknown_fields_are_refused():
    with pytest.raises(InvalidInput) as error:
        domain.new_action(make_body(status="done"), "a@vendor.example", NOW)
    assert error.value.problems[0].field == "status"


def test_edits_and_notes_are_recorded_in_history_and_final_actions_take_only_notes():
    action = domain.updated_action(make_action("in_progress"), {"due": "2026-05-15", "note": "supplier late"},
                                   "b@vendor.example", NOW)
    assert action["due"] == "2026-05-15"
    assert [h["event"] for h in action["history"][-2:]] == ["edited", "note"]
    done = domain.updated_action(action, {"status": "done"}, "b@vendor.example", NOW)
    with pytest.raises(domain.ForbiddenTransition):
        domain.updated_action(done, {"title": "rewritten later"}, "b@vendor.example", NOW)
    noted = domain.updated_action(done, {"note": "partners told"}, "b@vendor.example", NOW)
    assert noted["notes"][-1]["text"] == "partners told"


def test_overdue_only_while_open():
    action = make_action("approved")
    assert domain.is_overdue(action, date(2026, 5, 1))
    assert not domain.is_overdue(action, date(2026, 4, 30))
    assert not domain.is_overdue({**action, "status": "done"}, date(2026, 5, 1))


@pytest.mark.parametrize("segments, visible", [
    (Segments(regions=("EMEA",)), True), (Segments(regions=("EMEA",), tiers=("advanced",)), True),
    (Segments(regions=("EMEA", "APJ")), False), (Segments(), False), (Segments(tiers=("advanced",)), False),
    (Segments(regions=("EMEA",), partners=("P1",)), False),
])
def test_scoped_viewer_sees_only_targets_inside_its_scope(segments, visible):
    assert domain.visible_to_scope(segments, "region", "EMEA") is visible


def test_change_record_validates_and_matches_partners():
    change = parse_change({"id": "payout-2026", "description": "30-day payouts", "effective": "2026-02-01",
                           "segments": {"tiers": ["advanced"], "regions": ["EMEA", "APJ"], "partners": ["P9"]},
                           "metrics": ["nps:q_nps"]})
    assert change.segments.matches("P1", {"tier": "advanced", "region": "APJ"})
    assert not change.segments.matches("P1", {"tier": "advanced", "region": "AMER"})
    assert change.segments.matches("P9", {"tier": "enrolled", "region": "AMER"})
    programs = Segments(programs=("proof_of_concept",))
    assert programs.matches("P1", {"programs": ("technical_assessment", "proof_of_concept")})
    assert not programs.matches("P1", {"programs": ()})
    with pytest.raises(InvalidInput) as error:
        parse_change({"id": "Bad Id", "effective": "2026-13-01", "metrics": ["share:q"], "extra": 1})
    fields = {p.field for p in error.value.problems}
    assert {"id", "description", "effective", "metrics[0]", "extra"} <= fields
