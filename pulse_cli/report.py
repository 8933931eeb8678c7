"""``pulse report``: the leadership summary on demand (the same code as the scheduled job)."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from .errors import report_errors


@click.command("report")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Archive root (files go to DIR/reports/<wave>/<date>/); default: the stage's "
                   "archive (.local locally, S3 when PULSE_REPORT_BUCKET is set).")
@click.option("--send", is_flag=True, help="Also e-mail it (SES or .local/outbox), once per period.")
@click.option("--period", default=None,
              help="Period to claim when sending (default: this ISO week, or 'final' for a closed wave).")
@report_errors
def report(wave_id: str, out_dir: Path | None, send: bool, period: str | None) -> None:
    """Build the leadership summary of a wave, archive it, and with --send e-mail it."""
    from chalicelib import wiring
    from chalicelib.domain.waves import check_wave_id
    from chalicelib.reports.archive import LocalReportArchive
    from chalicelib.services.reporting import build_wave_report, period_for, publish_report

    check_wave_id(wave_id)
    wiring.reset()
    ctx = wiring.reporting()
    if out_dir is not None:
        ctx = replace(ctx, archive=LocalReportArchive(out_dir))
    now = datetime.now(UTC)
    wave = ctx.repos.waves.get(wave_id)
    period = period or period_for(wave, now)
    if send:
        result = publish_report(ctx, wave_id, period, now)
        if result["outcome"] == "sent":
            click.echo(f"sent {wave_id} {period} to {result['recipients']} recipient(s); "
                       f"archive {result['archive']}")
        elif result["outcome"] == "skipped":
            click.echo(f"nothing sent for {wave_id} {period}: {result['reason']}")
        else:
            click.secho(f"error: sending {wave_id} {period} failed: {result['reason']} "
                        "(recorded; run again to retry)", fg="red", err=True)
            raise SystemExit(1)
        return
    started = time.perf_counter()
    built = build_wave_report(ctx, wave_id, period, now)
    seconds = time.perf_counter() - started
    location = ctx.archive.write(wave_id, built.day, built.archive_files())
    click.echo(f"report {wave_id} {period}: report.html {len(built.archive_html.encode()):,} bytes, "
               f"{len(built.charts)} chart(s), built in {seconds:.1f} s; archive {location}")
