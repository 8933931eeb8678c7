"""Comment summaries are planned at release (issue 21): restricted readers (viewers, everyone on an
aggregate survey) read the jointly planned released copies; the live summaries keep the per-view
thresholds for the roles allowed every comment; a live update that releases nothing runs no plan;
summary releases are rate-limited (``release.maybe_release``)."""
from __future__ import annotations

import copy

import pytest

from tests.review.conftest import WAVE

SCOPES = [None, "region=AMER", "region=EMEA", "region=APJ", "region=LATAM", "tier=enrolled", "tier=advanced",
          "tier=principal"]


def _identity(role, scope=None):
    from chalicelib.security.staff import StaffIdentity, parse_scope

    return StaffIdentity("someone@vendor.example", role, parse_scope(scope))


def _summaries(store, role):
    """{scope part name: the summary ``role`` reads in that scope}, via the readers' own function."""
    from chalicelib.services import results

    return {f"comment_summary:{scope or 'all'}": results.comment_summary(store, WAVE, _identity(role, scope))["summary"]
            for scope in SCOPES}


def _findings(demo, summaries: dict) -> list:
    from analysis.summary_disclosure import CommentAtoms, audit, summary_views
    from chalicelib.domain.theme_tone import theme_label
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    atoms = CommentAtoms(results.search_all_comments(demo["stores"].snapshots, demo["stores"].corrections, WAVE),
                         lattice=True, tone_of=theme_label)
    return audit(summary_views(summaries), atoms, Thresholds().comments, Thresholds().partners)


def _shown(summaries: dict) -> tuple[int, int]:
    """(cells shown, theme counts shown) over the summaries."""
    cells = [c for doc in summaries.values() for dim in ("tier", "region") for c in doc.get(dim, [])
             if not c.get("suppressed")]
    return len(cells), sum(isinstance(v, dict) for c in cells for v in (c.get("themes") or {}).values())


def test_viewers_read_summaries_no_view_combines_to_reveal_and_the_live_ones_would(demo):
    viewer = _summaries(demo["stores"].snapshots, "viewer")
    admin = _summaries(demo["stores"].snapshots, "admin")
    assert all(doc.get("release") for doc in viewer.values() if doc.get("tier")), "viewers read released copies"
    assert _findings(demo, viewer) == []
    # the admin's live summaries (per-view thresholds) are not safe for restricted readers: had a viewer
    # been served them, the audit above would fail
    assert _findings(demo, admin) != []


def test_every_role_on_an_aggregate_survey_reads_the_planned_copies(demo, monkeypatch):
    from chalicelib.services import results

    viewer = _summaries(demo["stores"].snapshots, "viewer")
    monkeypatch.setattr(results, "_part", _reporting_is(results._part, "aggregate"))
    for role in ("admin", "analyst"):  # unscoped roles: the whole wave's copy
        read = results.comment_summary(demo["stores"].snapshots, WAVE, _identity(role))["summary"]
        assert read == viewer["comment_summary:all"] and read.get("release")


def _reporting_is(read, value):
    def part(store, wave_id, name, pointer=None):
        return value if name == "reporting" else read(store, wave_id, name, pointer)
    return part


def test_admins_of_an_identified_survey_are_not_silenced_by_the_plan(demo):
    admin, viewer = _summaries(demo["stores"].snapshots, "admin"), _summaries(demo["stores"].snapshots, "viewer")
    assert all("release" not in doc for doc in admin.values())
    admin_cells, admin_themes = _shown({"all": admin["comment_summary:all"]})
    viewer_cells, viewer_themes = _shown({"all": viewer["comment_summary:all"]})
    assert admin_cells >= viewer_cells and admin_themes > viewer_themes


def test_without_a_released_copy_a_restricted_reader_gets_no_summary_rather_than_the_live_one(demo):
    from chalicelib.services import results
    from chalicelib.services.release import RELEASED

    store = demo["stores"].snapshots
    pointer = store.pointer(WAVE)
    unreleased = {**pointer, "parts": {n: v for n, v in pointer["parts"].items() if not n.startswith(RELEASED)}}
    name = results.readable_part(store, WAVE, _identity("viewer"), "comment_summary:all", unreleased)
    assert name != "comment_summary:all" and name not in unreleased["parts"]
    assert results.readable_part(store, WAVE, _identity("admin"), "comment_summary:all", unreleased) == \
        "comment_summary:all"


def _stored(demo):
    from chalicelib.storage.snapshots import part_version

    store = demo["stores"].snapshots
    pointer = store.pointer(WAVE)
    state = copy.deepcopy(store.read_part(WAVE, part_version(pointer, "state"), "state"))
    bucket = next(n for n in pointer["parts"] if n.startswith("bucket:"))
    entry = next(iter(store.read_part(WAVE, part_version(pointer, bucket), bucket)["responses"].values()))
    return state, entry


@pytest.mark.parametrize("held", [True, False])
def test_the_summary_plan_runs_only_when_a_copy_is_released(demo, monkeypatch, held):
    import analysis.summary_disclosure as summary_disclosure
    from analysis.atoms import KEY_COLUMNS
    from chalicelib.services import snapshot_builder, wave_state
    from chalicelib.services.program import current_program
    from chalicelib.services.release import COMMENT_COUNTS, released_name

    state, entry = _stored(demo)
    state["pending"] = {"someone": [list(entry["row"][:len(KEY_COLUMNS)])]} if held else {}
    calls = []
    plan = summary_disclosure.plan
    monkeypatch.setattr(summary_disclosure, "plan", lambda *a, **k: calls.append(1) or plan(*a, **k))
    specs, _ = snapshot_builder.scored_specs(snapshot_builder.survey_of(demo["repos"], WAVE))
    parts = wave_state.derived_parts(state, specs, {}, snapshot_builder.BREAKDOWNS, snapshot_builder.Thresholds(),
                                     current_program(demo["repos"]).catalogue(), snapshot_builder.comment_summary)
    assert len(calls) == (0 if held else 1)
    assert (released_name("comment_summary:all") in parts) is (not held)
    assert (COMMENT_COUNTS in parts) is (not held)
    assert "comment_summary:all" in parts  # the live summaries are published either way


def _release(state, parts, now, interval, calls):
    from chalicelib.services.release import maybe_release

    def plan(summaries):
        calls.append(sorted(summaries))
        for doc in summaries.values():
            doc["planned"] = True
        return [["enrolled", "EMEA", "positive", [], "P1", 9]]

    return maybe_release(state, parts, [], 5, now, ["tier"], plan_summaries=plan, summary_interval_s=interval)


def test_summary_releases_are_rate_limited_while_scorecards_release_as_before():
    from chalicelib.services.release import COMMENT_COUNTS

    state, calls = {}, []
    parts = {"scorecard:all": {"n": 1}, "comment_summary:all": {"n": 1}}
    assert _release(state, parts, "2026-03-01T12:00:00Z", 600, calls)
    assert calls == [["comment_summary:all"]] and parts["released:comment_summary:all"]["planned"]
    assert "planned" not in parts["comment_summary:all"]  # the live part is not masked
    assert parts[COMMENT_COUNTS]["released_at"] == "2026-03-01T12:00:00Z"

    later = {"scorecard:all": {"n": 2}, "comment_summary:all": {"n": 2}}
    assert _release(state, later, "2026-03-01T12:05:00Z", 600, calls)
    assert later["released:scorecard:all"]["n"] == 2  # the scorecard moved
    assert "released:comment_summary:all" not in later and COMMENT_COUNTS not in later  # kept from before
    assert len(calls) == 1

    due = {"scorecard:all": {"n": 3}, "comment_summary:all": {"n": 3}}
    assert _release(state, due, "2026-03-01T12:10:00Z", 600, calls)
    assert due["released:comment_summary:all"]["n"] == 3 and len(calls) == 2
    assert state["release"]["summaries_at"] == "2026-03-01T12:10:00Z"


def test_the_previous_waves_summaries_planned_at_threshold_5_leave_nothing_determinable(demo):
    """Found on the demo's previous wave: masking whole cells and themes changed the zeros a reader
    infers, and a pair of negative technical-support counts became determinable; the plan now audits
    the masked documents and plans again until the audit is clean."""
    from analysis.summary_disclosure import CommentAtoms, audit, plan
    from chalicelib.domain.theme_tone import theme_label
    from chalicelib.services.snapshot_builder import comment_summary, load_wave_data, score_comments
    from pulse_cli.demo import PREVIOUS_WAVE

    _, _, survey, responses = load_wave_data(demo["repos"], PREVIOUS_WAVE, demo["repos"].partners.all())
    records = score_comments(responses, survey, {})
    views = [(None, comment_summary(records, 5, 3, complement=False))]
    for dim in ("region", "tier"):
        for value in sorted({r[dim] for r in records if r.get(dim)}):
            views.append(((dim, value), comment_summary([r for r in records if r.get(dim) == value], 5, 3,
                                                        complement=False)))
    atoms = CommentAtoms(records, lattice=True, tone_of=theme_label)

    plan(views, atoms, 5, 3)

    assert audit(views, atoms, 5, 3) == []
    assert any(not c.get("suppressed") for _, doc in views for c in doc["tier"])  # not everything withheld


def test_alerts_mailed_to_any_subscriber_read_the_planned_summaries(demo, monkeypatch):
    import json

    import chalicelib.services.alerts as alerts
    from chalicelib.jobs.alerts_check import check_wave

    seen = {}
    monkeypatch.setenv("PULSE_ALERT_RULES", json.dumps([{"id": "themes", "kind": "theme_growth", "points": 5,
                                                         "subscribers": ["cx@vendor.example"]}]))
    monkeypatch.setattr(alerts, "check_alerts", lambda *args, **_: seen.setdefault("summary", args[6]) and [])

    check_wave(WAVE)

    viewer = _summaries(demo["stores"].snapshots, "viewer")["comment_summary:all"]
    admin = _summaries(demo["stores"].snapshots, "admin")["comment_summary:all"]
    assert seen["summary"] == viewer and seen["summary"].get("release") and viewer != admin
