"""Leadership reports: build, archive, send. The schedule and ``pulse report`` share this code.

``build_report`` turns report inputs into the model, charts, HTML, text and subject.
``publish_report`` claims a (wave, period) run with one conditional write, builds, archives
(complete or not at all), sends, and records the outcome; a second claim for the same period
is refused, so a duplicated or retried schedule event sends nothing. A failed send is recorded
and the next run (Lambda's retry of the event, the next schedule, or ``pulse report --send``)
claims the failed period again.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.waves import CLOSED, OPEN, iso, parse_instant
from chalicelib.reports.delivery import ReportSendFailed
from chalicelib.reports.followups import followup_status
from chalicelib.reports.message import build_report_message
from chalicelib.reports.model import FollowUpStatus, build_report_model
from chalicelib.reports.render import render_archive_html, render_email_html, render_text, subject_for

FINAL = "final"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reporting:
    """Everything the report use cases need (built in wiring.py, or by tests)."""

    repos: object
    runs: object       # DynamoReportRunRepository
    archive: object    # ReportArchive
    mailer: object     # ReportMailer
    settings: object   # ReportSettings
    snapshots: object = None  # results snapshots (DynamoSnapshotStore): the report renders the stored one
    refresh: Callable[[str], dict] | None = None  # builds a wave's snapshot (jobs.snapshot_refresh.refresh_wave)
    followups: object = None  # the follow-up queue (by_status); None: the report says "not available"
    translator: object = None  # translates quotes in other languages (reports.translation); None: originals
    plans: object = None  # action plans and changes (wiring.plan_stores); None: the report leaves them out
    estimates: Callable[[dict, str], list[dict] | None] | None = None  # a change's current estimates
    pulses: object = None  # issue 27: the transactional results store; None: no "Moments" section


@dataclass
class BuiltReport:
    wave_id: str
    period: str
    day: str
    subject: str
    model: dict
    charts: dict[str, bytes]
    archive_html: str
    email_html: str
    text: str
    timings: dict = field(default_factory=dict)

    def archive_files(self) -> dict[str, bytes]:
        """The files of the archive (the manifest is added by the archive itself)."""
        summary = {k: v for k, v in self.model.items() if k != "followups"}
        summary["followups"] = vars(self.model["followups"])
        return {"report.html": self.archive_html.encode(), "report.txt": self.text.encode(),
                "summary.json": json.dumps(summary, indent=2, ensure_ascii=False, default=str).encode(),
                **self.charts}


def period_for(wave, now: datetime) -> str:
    """``final`` for a closed wave, else the ISO week of ``now`` (``2026-W48``)."""
    if wave.status == CLOSED:
        return FINAL
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def build_report(inputs: dict, *, period: str, now: datetime, followups: FollowUpStatus | None = None,
                 comment_threshold: int = 8, translator=None) -> BuiltReport:
    """Model, charts, e-mail HTML, archive HTML, text and subject from the report inputs."""
    from chalicelib.reports.charts import render_charts

    started = time.perf_counter()
    model = build_report_model(inputs, period=period, generated_on=now.date().isoformat(),
                               followups=followups, comment_threshold=comment_threshold, translator=translator)
    modelled = time.perf_counter()
    charts = render_charts(model)
    charted = time.perf_counter()
    subject = subject_for(model, inputs.get("survey_title"))
    report = BuiltReport(
        wave_id=model["wave_id"], period=period, day=now.date().isoformat(), subject=subject,
        model=model, charts=charts, archive_html=render_archive_html(model, charts),
        email_html=render_email_html(model, charts), text=render_text(model))
    report.timings = {"model": modelled - started, "charts": charted - modelled,
                      "templates": time.perf_counter() - charted}
    return report


class ReportSnapshotMissing(RuntimeError):
    """The wave has no usable results snapshot and the context cannot build one."""


def report_inputs(ctx: Reporting, wave_id: str) -> dict:
    """The report inputs from the wave's results snapshot: the same scorecard document, labels and
    comment records the dashboard, staff API, CLI and exports read, so every figure is the same.

    A wave without a usable snapshot (none yet, one without the report part, or a closed wave's
    snapshot built before it closed) gets one first through ``ctx.refresh`` - the refresh every
    other reader depends on, not a computation of the report's own.
    """
    from chalicelib.reports.inputs import REPORT_PART, inputs_from_snapshot, snapshot_is_usable

    if ctx.snapshots is None:
        raise ReportSnapshotMissing("no results snapshot store configured for the report")
    wave = ctx.repos.waves.get(wave_id)
    closed_on = wave.closed_on if wave.status == CLOSED else None
    pointer = ctx.snapshots.pointer(wave_id)
    if not snapshot_is_usable(pointer, closed_on):
        if ctx.refresh is None:
            raise ReportSnapshotMissing(f"wave {wave_id} has no usable results snapshot; refresh it first "
                                        "(pulse snapshot refresh)")
        ctx.refresh(wave_id)
        pointer = ctx.snapshots.pointer(wave_id)
        if not snapshot_is_usable(pointer):
            raise ReportSnapshotMissing(f"the refresh of wave {wave_id} left no usable results snapshot")
    from chalicelib.reports.inputs import SCORECARD_PART, THEME_CHANGES_PART, THEMES_PART
    from chalicelib.services.release import released_name
    from chalicelib.storage.snapshots import part_version

    def read(name: str):
        return ctx.snapshots.read_part(wave_id, part_version(pointer, name), name) \
            if name in (pointer.get("parts") or {}) else None

    scorecard_part, summary_part = report_parts(pointer, read("reporting"))
    # the released copy's readers get the comparison of the last release, never the live one
    theme_changes_part = THEME_CHANGES_PART if scorecard_part == SCORECARD_PART else released_name(THEME_CHANGES_PART)
    inputs = inputs_from_snapshot(read(scorecard_part), read(REPORT_PART), pointer, read(summary_part),
                                  read(THEMES_PART), read(theme_changes_part))
    release = inputs["scorecard"].get("release")
    if isinstance(release, dict):  # the released copy: say so, with its date and k
        inputs["snapshot"].update(released_at=release.get("released_at"), min_changes=release.get("min_changes"))
    previous = inputs["scorecard"].get("previous_wave")
    inputs["wave_title"] = wave.title
    inputs["previous_title"] = _wave_title(ctx.repos, previous) if previous else None
    if ctx.pulses is not None:  # issue 27: a short section per event type (the stored transactional results)
        from .program import current_program
        from .pulse_view import report_moments

        inputs["moments"] = report_moments(ctx.pulses.released(), current_program(ctx.repos))  # by k
    return inputs


def report_parts(pointer: dict, reporting: str | None) -> tuple[str, str]:
    """The scorecard and comment summary parts the report reads: on a ``reporting: aggregate``
    survey the copies released to restricted readers (``release``: they move only after k changed
    responses in every group, so two reports a day apart reveal no single answer), once the wave
    has them; the live parts otherwise (identified surveys keep their freshness), but the comment
    summary is the released (jointly planned) copy whenever there is one."""
    from chalicelib.reports.inputs import SCORECARD_PART, SUMMARY_PART
    from chalicelib.services.release import released_name

    parts = pointer.get("parts") or {}
    # the comment summary is the jointly planned released copy on every survey: the live one keeps
    # per-view thresholds only, for roles allowed every comment, and a report reaches any address
    summary = released_name(SUMMARY_PART) if released_name(SUMMARY_PART) in parts else SUMMARY_PART
    if (reporting or "aggregate") == "aggregate" and released_name(SCORECARD_PART) in parts:
        return released_name(SCORECARD_PART), released_name(SUMMARY_PART)  # absent: no summary, never live
    return SCORECARD_PART, summary


def _reason_labels(repos) -> dict:
    """The program's closing reasons of follow-ups: id -> label."""
    from chalicelib.services.program import current_program

    return {c.id: c.label for c in current_program(repos).closing_reasons}


def _wave_title(repos, wave_id: str) -> str:
    """How the survey names a wave: its title, else its id."""
    from chalicelib.domain.errors import WaveNotFound

    try:
        return repos.waves.get(wave_id).title or wave_id
    except WaveNotFound:
        return wave_id


def _plan_inputs(ctx: Reporting, wave_id: str) -> dict:
    """The actions prompted by findings of the wave's survey and their linked changes' estimates."""
    from chalicelib.reports.plans import plan_inputs

    survey_id = ctx.repos.waves.get(wave_id).survey_id
    wave_ids = [w.wave_id for w in ctx.repos.waves.waves_of_survey(survey_id)]
    estimates_of = (lambda change: ctx.estimates(change, survey_id)) if ctx.estimates else None
    return plan_inputs(ctx.plans.actions.all(), ctx.plans.changes.all(), wave_ids, estimates_of)


def build_wave_report(ctx: Reporting, wave_id: str, period: str, now: datetime) -> BuiltReport:
    """Read the wave's results snapshot and build its report (no archive, no mail)."""
    inputs = report_inputs(ctx, wave_id)
    if ctx.plans is not None:
        inputs["plans"] = _plan_inputs(ctx, wave_id)
    return build_report(inputs, period=period, now=now,
                        followups=followup_status(ctx.repos, wave_id, ctx.followups, now, _reason_labels(ctx.repos)),
                        comment_threshold=inputs["comment_threshold"], translator=ctx.translator)


def publish_report(ctx: Reporting, wave_id: str, period: str, now: datetime) -> dict:
    """Claim, build, archive, send and record one report; returns what happened.

    Outcomes: ``sent``; ``skipped`` (already sent, or another run holds the claim); ``failed``
    (recorded with its reason; the period can be claimed again).
    """
    recipients = list(ctx.settings.recipients)
    if not recipients:
        return {"wave_id": wave_id, "period": period, "outcome": "skipped",
                "reason": "no recipients configured (PULSE_REPORT_RECIPIENTS)"}
    lease = now + timedelta(minutes=ctx.settings.lease_minutes)
    if not ctx.runs.claim(wave_id, period, iso(now), iso(lease)):
        return {"wave_id": wave_id, "period": period, "outcome": "skipped",
                "reason": "already sent or being sent for this period"}
    try:
        report = build_wave_report(ctx, wave_id, period, now)
        location = ctx.archive.write(wave_id, report.day, report.archive_files())
        message = build_report_message(sender=ctx.settings.sender, recipients=recipients,
                                       subject=report.subject, text=report.text, html=report.email_html,
                                       charts=report.charts)
        message_id = ctx.mailer.send(message, recipients, f"report-{wave_id}-{period}")
    except Exception as error:  # noqa: BLE001 - any failure is recorded so the next run retries
        if not isinstance(error, ReportSendFailed):
            log.exception("report %s %s failed", wave_id, period)
        ctx.runs.mark_failed(wave_id, period, iso(now), f"{type(error).__name__}: {error}")
        return {"wave_id": wave_id, "period": period, "outcome": "failed", "reason": str(error)}
    ctx.runs.mark_sent(wave_id, period, iso(now), message_id, location, len(recipients))
    return {"wave_id": wave_id, "period": period, "outcome": "sent", "archive": location,
            "message_id": message_id, "recipients": len(recipients)}


def waves_due(ctx: Reporting, now: datetime) -> list[tuple[str, str]]:
    """(wave, period) pairs the schedule should report: open waves weekly, and the final
    summary of waves closed in the last ``final_within_days`` days."""
    due = []
    horizon = now - timedelta(days=ctx.settings.final_within_days)
    for survey_id in ctx.settings.surveys:
        for wave in ctx.repos.waves.waves_of_survey(survey_id):
            if wave.status == OPEN:
                due.append((wave.wave_id, period_for(wave, now)))
            elif wave.status == CLOSED and parse_instant(wave.closed_on) >= horizon:
                due.append((wave.wave_id, FINAL))
    return due


def run_scheduled_reports(ctx: Reporting, now: datetime) -> dict:
    """The schedule's use case: publish every due report; a failure does not stop the others."""
    results = [publish_report(ctx, wave_id, period, now) for wave_id, period in waves_due(ctx, now)]
    return {"at": iso(now), "reports": results,
            "failed": sum(1 for r in results if r["outcome"] == "failed")}
