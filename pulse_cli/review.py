"""``pulse staff token``, ``pulse snapshot refresh`` and ``pulse snapshot show``: experience-team access and results."""
from __future__ import annotations

from datetime import UTC, datetime

import click

from .errors import report_errors


@click.group()
def staff() -> None:
    """Staff access to the results API and dashboard."""


@staff.command("token")
@click.option("--role", type=click.Choice(["admin", "analyst", "viewer"]), required=True)
@click.option("--scope", default=None, help="Limit a viewer to one segment, e.g. region=EMEA or tier=principal.")
@click.option("--expires", default="8h", show_default=True, help="Lifetime such as 30m, 8h or 2d (at most 30d).")
@click.option("--subject", default="staff@local", show_default=True, help="Who the token is for (shown in audits).")
def staff_token(role: str, scope: str | None, expires: str, subject: str) -> None:
    """Print a signed, expiring staff bearer token (local stages; AWS uses Cognito)."""
    from chalicelib import wiring
    from chalicelib.security.staff import parse_duration, parse_scope

    try:
        parsed_scope = parse_scope(scope)
        seconds = parse_duration(expires)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if parsed_scope and role != "viewer":
        click.secho(f"note: a scope only limits viewers; an {role} sees everything", err=True)
    wiring.reset()
    click.echo(wiring.staff_tokens().issue(subject, role, parsed_scope, seconds))


@click.group()
def snapshot() -> None:
    """Results snapshots the API and dashboard read."""


@snapshot.command("refresh")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@report_errors
def snapshot_refresh(wave_id: str) -> None:
    """Recompute a wave's results snapshot now and create missing follow-ups."""
    from chalicelib import wiring
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    wiring.reset()
    review, stores = wiring.review_settings(), wiring.review_stores()
    summary = results.refresh_snapshot(
        wiring.repositories(), stores.snapshots, stores.corrections, stores.followups, wave_id,
        Thresholds.of(review), review.followup_sla_days, datetime.now(UTC),
        review.followup_rules, enrichments=getattr(stores, "enrichments", None))
    click.echo(f"snapshot {summary['version']} of {wave_id}: {summary['responses']} responses, "
               f"{summary['comments']} comments, {summary['parts']} parts, "
               f"{summary['followups_created']} new follow-ups ({summary['followups_needed']} needed), "
               f"{summary['seconds']} s")


@snapshot.command("show")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@click.option("--by", "by", default=None, help="Only these stored breakdowns, e.g. tier,region (default: all).")
@click.option("--format", "fmt", type=click.Choice(["json", "table", "csv"]), default="json", show_default=True)
@report_errors
def snapshot_show(wave_id: str, by: str | None, fmt: str) -> None:
    """Print the wave's stored scorecard: the document the staff API, dashboard, exports and report read."""
    from chalicelib import wiring
    from chalicelib.domain.waves import check_wave_id
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services import results

    from .analyze import _program, echo_scorecard

    check_wave_id(wave_id)
    wiring.reset()
    doc = results.scorecard(wiring.review_stores().snapshots, wave_id, StaffIdentity("cli@local", "analyst"), by)
    echo_scorecard(doc, fmt, _program(wiring.repositories()))


@click.group()
def audit() -> None:
    """Audits of what the product publishes."""


@audit.command("disclosure")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@report_errors
def audit_disclosure(wave_id: str) -> None:
    """Check that no withheld value can be derived from everything the wave's snapshot publishes.

    Takes every view (the whole wave and each scope) as stored, recounts the groups from the stored
    responses and runs a linear closure over all published values, for the wave and its previous
    wave; the same over every view's comment summary (comment, label and theme counts). Exits 1
    when a withheld value is determined."""
    from chalicelib import wiring
    from chalicelib.services.disclosure_audit import audit_wave
    from chalicelib.services.snapshot_builder import Thresholds

    wiring.reset()
    review, stores = wiring.review_settings(), wiring.review_stores()
    result = audit_wave(wiring.repositories(), stores.snapshots, wave_id, Thresholds.of(review))
    total = 0
    for wave in result["waves"]:
        click.echo(f"{wave['wave']}: {len(wave['views'])} views, {wave['published']} published and "
                   f"{wave['withheld']} withheld values (segment x statistic), "
                   f"{len(wave['findings'])} determinable")
        for finding in wave["findings"]:
            click.echo(f"  {finding}")
        total += len(wave["findings"])
    for wave in result.get("comment_summaries", []):
        click.echo(f"{wave['wave']} comment summaries ({wave.get('copies', 'live')} copies, as restricted readers "
                   f"read them): {len(wave['views'])} views, {wave['published']} published "
                   f"and {wave['withheld']} withheld comment, label and theme counts (threshold "
                   f"{wave['threshold']} comments), {len(wave['findings'])} determinable")
        for finding in wave["findings"]:
            click.echo(f"  {finding}")
        total += len(wave["findings"])
    click.echo(f"threshold {result['threshold']} respondents, {result['min_partners']} partners: "
               + ("no withheld value can be derived" if not total else f"{total} withheld values can be derived"))
    if total:
        raise SystemExit(1)
