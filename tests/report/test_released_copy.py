"""The leadership report of a ``reporting: aggregate`` survey reads the released copy (``release``):
a report built after each single new submission does not move until k new responses reached every
group it shows, and it says it is a released copy, with its date and k. An identified survey's
report keeps the live figures."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

WAVE = "w-released"
K = 5


def _partners():
    tiers, regions = ("advanced", "principal", "enrolled"), ("EMEA", "APJ", "AMER")
    spread = [make_partner(f"P{i:03d}", tier=tiers[i % 3], region=regions[(i // 3) % 3]) for i in range(12)]
    alike = [make_partner(f"Q{i:03d}", tier="enrolled", region="AMER") for i in range(K)]  # one profile
    return spread + alike


def _answers(i: int, identified: bool = False) -> dict:
    return {**VALID_ANSWERS, "q_nps": i % 11, "q_portal": 1 + i % 5, **({"q_contact": "yes"} if identified else {})}


def _world(moto_table, tokens, app_env, tmp_path, definition=None):
    """12 answered invitations and a full build; returns (repos, stores, unanswered links, report context)."""
    from chalicelib.reports.archive import LocalReportArchive
    from chalicelib.reports.delivery import RecordingReportMailer
    from chalicelib.reports.settings import ReportSettings
    from chalicelib.services import results
    from chalicelib.services.reporting import Reporting
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from chalicelib.storage.report_runs import DynamoReportRunRepository

    repos, links = given_open_wave(moto_table, tokens, _partners(), wave_id=WAVE, definition=definition)
    spread = [link for link in links if link.invitation.partner_id.startswith("P")]
    for i, link in enumerate(spread):
        submit_response(repos, tokens, token_of(link), {"answers": _answers(i, definition is not None),
                                                         "language": "en", "final": True}, NOW)
    stores = app_env(moto_table).review_stores()
    results.clear_cache()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE,
                             Thresholds(changes=K), 5, NOW)
    context = Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table), archive=LocalReportArchive(tmp_path),
                        mailer=RecordingReportMailer(), settings=ReportSettings.from_environment({}),
                        snapshots=stores.snapshots)
    alike = [link for link in links if link.invitation.partner_id.startswith("Q")]
    return repos, stores, alike, context


def _submit_one(repos, stores, tokens, link, i, identified=False):
    """One submission and the live update the stream would run for it."""
    from chalicelib.services import live_results, results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    at = NOW + timedelta(minutes=i + 1)
    body = {"answers": _answers(i, identified), "language": "en", "final": True}
    submit_response(repos, tokens, token_of(link), body, at)
    live_results.apply_changes(repos, stores, {WAVE: {link.invitation.invitation_id}}, 5, at,
                               thresholds=Thresholds(changes=K))
    results.clear_cache()


def _live_respondents(stores) -> int:
    from chalicelib.storage.snapshots import part_version

    pointer = stores.snapshots.pointer(WAVE)
    return stores.snapshots.read_part(WAVE, part_version(pointer, "scorecard:all"), "scorecard:all")[
        "overall"]["respondents"]


def test_an_aggregate_surveys_report_moves_only_after_k_new_responses_in_every_group(moto_table, tokens, app_env,
                                                                                    tmp_path):
    from chalicelib.services.reporting import build_report, report_inputs

    repos, stores, alike, context = _world(moto_table, tokens, app_env, tmp_path)
    first = report_inputs(context, WAVE)
    assert first["scorecard"]["overall"]["respondents"] == 12
    assert first["snapshot"]["released_at"] and first["snapshot"]["min_changes"] == K

    for i, link in enumerate(alike):
        _submit_one(repos, stores, tokens, link, i)
        inputs = report_inputs(context, WAVE)
        assert _live_respondents(stores) == 13 + i  # the live scorecard moves with every response
        if i < K - 1:
            assert inputs["scorecard"] == first["scorecard"]  # ... the report does not
            assert inputs["comment_summary"] == first["comment_summary"]
            assert inputs["snapshot"]["released_at"] == first["snapshot"]["released_at"]
    assert inputs["scorecard"]["overall"]["respondents"] == 12 + K  # k responses in the same groups: released
    assert inputs["snapshot"]["released_at"] > first["snapshot"]["released_at"]

    report = build_report(inputs, period="2026-W48", now=NOW, comment_threshold=inputs["comment_threshold"])
    assert f"at least {K} new or changed responses" in report.text
    assert inputs["snapshot"]["released_at"] in report.email_html and 'id="released-copy"' in report.email_html


def test_an_identified_surveys_report_keeps_the_live_figures(moto_table, tokens, app_env, tmp_path):
    from chalicelib.services.reporting import build_report, report_inputs
    from tests.review.conftest import identified_definition

    repos, stores, alike, context = _world(moto_table, tokens, app_env, tmp_path, identified_definition())
    _submit_one(repos, stores, tokens, alike[0], 0, identified=True)

    inputs = report_inputs(context, WAVE)

    assert inputs["scorecard"]["overall"]["respondents"] == 13 == _live_respondents(stores)
    assert "released_at" not in inputs["snapshot"]
    report = build_report(inputs, period="2026-W48", now=NOW, comment_threshold=inputs["comment_threshold"])
    assert "released-copy" not in report.email_html and "new or changed responses" not in report.text


RELEASED = {"scorecard:all": 1, "released:scorecard:all": 1, "comment_summary:all": 1,
            "released:comment_summary:all": 1}


@pytest.mark.parametrize("reporting, parts, expected, expected_summary", [
    ("aggregate", RELEASED, "released:scorecard:all", "released:comment_summary:all"),
    # a snapshot from before releases: the live parts (planned jointly when they were built)
    ("aggregate", {"scorecard:all": 1, "comment_summary:all": 1}, "scorecard:all", "comment_summary:all"),
    # identified: the live scorecard, but the planned summary (the live one is unplanned)
    ("identified", RELEASED, "scorecard:all", "released:comment_summary:all"),
    (None, RELEASED, "released:scorecard:all", "released:comment_summary:all"),  # default: aggregate
    # released scorecards without a released summary: no summary rather than the unplanned live one
    ("aggregate", {"scorecard:all": 1, "released:scorecard:all": 1, "comment_summary:all": 1},
     "released:scorecard:all", "released:comment_summary:all"),
])
def test_the_report_reads_the_released_parts_exactly_where_restricted_readers_do(reporting, parts, expected,
                                                                                  expected_summary):
    from chalicelib.services.reporting import report_parts

    scorecard, summary = report_parts({"parts": parts}, reporting)

    assert scorecard == expected
    assert summary == expected_summary
