"""The leadership report's short "Moments" section: one line per event type, from the stored results."""
from chalicelib.reports.model import FollowUpStatus, build_report_model
from chalicelib.reports.render import render_archive_html, render_text
from chalicelib.services.pulse_view import report_moments
from tests.report.test_model_and_message import inputs


def nps(value, n):
    return {"segment": {}, "suppressed": False, "respondents": n,
            "nps": {"value": value, "ci_low": value - 10, "ci_high": value + 10, "se": 5, "n": n}}


DOC = {"schema": "pulse.pulses/1", "built_at": "2026-12-06T10:00:00Z", "threshold": 5, "event_types": [
    {"event_type": "poc_funded", "label": "PoC funding", "events": 80, "invited": 70, "respondents": 40,
     "skipped": {"contact_asked_recently": 3},
     "scorecard": {"overall": nps(12.0, 40), "breakdowns": [{"by": ["region"], "cells": [
         {**nps(-60.0, 12), "segment": {"region": "APJ"}}, {**nps(35.0, 28), "segment": {"region": "AMER"}},
         {"segment": {"region": "LATAM"}, "suppressed": "primary", "respondents": "suppressed",
          "nps": "suppressed"}]}]},
     "attributes": {}, "trend": []}],
    "link": {"words": "No clear link yet: across 12 partners r = 0.20."}, "skipped": {}}


def test_one_line_per_event_type_names_its_lowest_shown_group():
    lines = report_moments(DOC)
    assert lines[0]["label"] == "PoC funding" and lines[0]["respondents"] == 40
    assert lines[0]["lowest"] == "lowest: region APJ (-60)"  # the suppressed LATAM cell is never named
    assert lines[-1] == {"link": "No clear link yet: across 12 partners r = 0.20."}


def test_the_report_shows_the_section_in_html_and_text():
    model = build_report_model({**inputs(), "moments": report_moments(DOC)}, period="2026-W49",
                               generated_on="2026-12-07", followups=FollowUpStatus())
    html, text = render_archive_html(model, {}), render_text(model)
    assert "Moments: transactional pulses" in html and "lowest: region APJ (-60)" in html
    assert "MOMENTS (transactional pulses)" in text and "No clear link yet" in text
    empty = build_report_model(inputs(), period="2026-W49", generated_on="2026-12-07", followups=FollowUpStatus())
    assert "Moments" not in render_archive_html(empty, {})


class TwoCopies:
    """A pulse store whose live build differs from its released copy (a response waits)."""

    def released(self):
        return DOC

    def results(self):
        live = nps(-100.0, 41)
        return {**DOC, "event_types": [{**DOC["event_types"][0], "respondents": 41,
                                        "scorecard": {"overall": live, "breakdowns": []}}]}


def test_the_report_reads_the_released_transactional_results(moto_table, tokens, tmp_path):
    from dataclasses import replace

    from chalicelib.reports.archive import LocalReportArchive
    from chalicelib.reports.delivery import RecordingReportMailer
    from chalicelib.reports.settings import ReportSettings
    from chalicelib.services.reporting import Reporting, report_inputs
    from chalicelib.storage.report_runs import DynamoReportRunRepository
    from tests.report.builders import RECIPIENTS, SENDER, given_wave_with_responses, snapshot_stores

    repos = given_wave_with_responses(moto_table, tokens)
    settings = replace(ReportSettings.from_environment({}), recipients=RECIPIENTS, sender=SENDER)
    ctx = Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table), archive=LocalReportArchive(tmp_path),
                    mailer=RecordingReportMailer(), settings=settings, pulses=TwoCopies(),
                    **snapshot_stores(moto_table))
    moments = report_inputs(ctx, "w-report")["moments"]
    assert moments[0]["respondents"] == 40 and moments[0]["lowest"].endswith("(-60)")  # not the live -100 of 41
