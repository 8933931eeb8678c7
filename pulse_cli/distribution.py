"""``pulse invitations send|status``, ``pulse reminders send``, ``pulse contacts suppress``."""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from . import program_labels
from .errors import report_errors
from .files import read_text

SAMPLE_LINES = 10


def _now() -> datetime:
    return datetime.now(UTC)


def _distribution(resend_in_doubt: bool = False):
    from chalicelib import wiring

    wiring.reset()
    d = wiring.distribution()
    return replace(d, policy=replace(d.policy, resend_in_doubt=True)) if resend_in_doubt else d


def _run_with_progress(label: str, run):
    """Run a send with a progress bar on stderr (total known once planning is done)."""
    state = {"bar": None}

    def progress(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)

    try:
        return run(progress)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


def _program():
    from chalicelib import wiring

    return program_labels.current(wiring.repositories())


def _print_report(report, noun: str, program=None) -> None:
    """The send report in the program's language: tier and region labels, in the program's order."""
    program = program or _program()
    summary = report.summary()
    if report.dry_run:
        click.echo(f"dry run: would send {len(report.planned)} {noun} e-mail(s) to "
                   f"{len({m.contact.email for m in report.planned})} contact(s) for wave {report.wave_id}")
        for mail in report.planned[:SAMPLE_LINES]:
            click.echo(f"  {mail.kind.lower():<12} {mail.wording:<10} {mail.language:<5} "
                       f"{program.label('tier', mail.partner.tier):<10} "
                       f"{program.label('region', mail.partner.region):<6} {mail.contact.email}")
        if len(report.planned) > SAMPLE_LINES:
            click.echo(f"  ... and {len(report.planned) - SAMPLE_LINES} more")
    else:
        click.echo(f"sent {summary['sent']} {noun} e-mail(s) for wave {report.wave_id}"
                   + (f"; confirmed {summary['recovered']} from an interrupted run" if report.recovered else ""))
    for dimension, counts in report.by_segment().items():
        if counts and dimension in ("tier", "region"):
            ordered = sorted(counts.items(), key=lambda kv: program_labels.rank(program, dimension, kv[0]))
            click.echo(f"  by {dimension}: " + ", ".join(f"{program.label(dimension, k)} {v}" for k, v in ordered))
        elif counts:
            click.echo(f"  by {dimension}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if report.skipped:
        click.echo("  skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(report.skipped.items())))
    if report.in_doubt:
        click.secho(f"  in doubt: {len(report.in_doubt)} send(s) were interrupted and the transport cannot "
                    "tell whether they left; re-run with --resend-in-doubt to send them again "
                    "(possible duplicates):", fg="yellow")
        for key in report.in_doubt[:SAMPLE_LINES]:
            click.echo(f"    {key}")
    for key, reason in report.failed[:SAMPLE_LINES]:
        click.secho(f"  failed {key}: {reason}", fg="red")
    if report.stopped:
        click.secho(f"  stopped: {report.stopped}", fg="yellow")


CONFIRM_ABOVE = 5  # more e-mails than this need --yes or an interactive "y"


@click.command("send")
@click.option("--wave", "wave_id", required=True)
@click.option("--tier", multiple=True, help="Only this tier (repeatable).")
@click.option("--region", multiple=True, help="Only this region (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print what would be sent, by segment; send and write nothing.")
@click.option("--resend-in-doubt", is_flag=True, help="Resend interrupted sends the transport cannot confirm.")
@click.option("--yes", is_flag=True, help=f"Send without asking (asked when more than {CONFIRM_ABOVE} e-mails).")
@report_errors
def invitations_send(wave_id: str, tier: tuple, region: tuple, dry_run: bool, resend_in_doubt: bool,
                     yes: bool) -> None:
    """E-mail every contact of the wave's audience their invitation link (once; re-running is safe)."""
    from chalicelib.services.catalogue import get_wave
    from chalicelib.services.distribution import send_invitations

    d = _distribution(resend_in_doubt)
    get_wave(d.repos, wave_id)
    if not dry_run:
        plan = send_invitations(d, wave_id, _now(), tiers=list(tier), regions=list(region), dry_run=True)
        count = len(plan.planned)
        partners = len({m.partner.partner_id for m in plan.planned})
        click.echo(f"{count} invitation e-mail(s) will go out to {partners} partner(s) for wave {wave_id}")
        if count > CONFIRM_ABOVE and not yes:
            try:
                click.confirm(f"Send {count} e-mails now?", abort=True)
            except click.Abort:
                raise click.ClickException("not confirmed: nothing sent (add --yes to skip the question)") from None
    report = _run_with_progress("sending invitations", lambda progress: send_invitations(
        d, wave_id, _now(), tiers=list(tier), regions=list(region), dry_run=dry_run, progress=progress))
    _print_report(report, "invitation")


@click.command("status")
@click.option("--wave", "wave_id", required=True)
@click.option("--min-partners", default=5, show_default=True, help="Hide who responded in smaller groups.")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@report_errors
def invitations_status(wave_id: str, min_partners: int, as_json: bool) -> None:
    """The invitation funnel and response rates by tier, region, partner type and program."""
    from chalicelib.services.response_rates import response_rates

    d = _distribution()
    rates = response_rates(d.repos, wave_id, min_partners=min_partners)
    if as_json:
        click.echo(json.dumps(rates, indent=2))
        return
    click.echo(f"wave {wave_id}: {rates['invitations']} invitations; "
               + ", ".join(f"{state} {n}" for state, n in rates["reached"].items()) + " (reached at least)")
    header = f"  {'segment':<22}{'partners':>9}{'responding':>11}{'rate':>7}{'contacts':>9}{'rate':>7}{'revenue':>9}"
    for dimension, rows in [("overall", [rates["overall"]]), *rates["by"].items()]:
        click.echo(f"{dimension}:")
        click.echo(header)
        for row in rows:
            def pct(value):
                return "  -" if value is None else f"{value:.0%}"
            responding = "-" if row["partners_responding"] is None else row["partners_responding"]
            click.echo(f"  {row['segment'][:21]:<22}{row['partners_invited']:>9}{responding:>11}"
                       f"{pct(row['partner_rate']):>7}{row['contacts_invited']:>9}{pct(row['contact_rate']):>7}"
                       f"{pct(row['revenue_share']):>9}")


@click.group()
def reminders() -> None:
    """Reminder e-mails to contacts who have not submitted."""


@reminders.command("send")
@click.option("--wave", "wave_id", required=True)
@click.option("--dry-run", is_flag=True, help="Print who would be reminded; send and write nothing.")
@click.option("--resend-in-doubt", is_flag=True, help="Resend interrupted sends the transport cannot confirm.")
@report_errors
def reminders_send(wave_id: str, dry_run: bool, resend_in_doubt: bool) -> None:
    """Send the reminders that are due (max and spacing from the stage's settings)."""
    from chalicelib.services.distribution import send_reminders

    d = _distribution(resend_in_doubt)
    report = _run_with_progress("sending reminders", lambda progress: send_reminders(
        d, wave_id, _now(), dry_run=dry_run, progress=progress))
    _print_report(report, "reminder")


@click.group()
def contacts() -> None:
    """Contact addresses: suppression of bounced and complaining addresses."""


@contacts.command("suppress")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def contacts_suppress(file: Path) -> None:
    """Never mail the addresses in FILE again.

    FILE is CSV/text (lines: email[,bounce|complaint|manual]) or, ending in .json, SES bounce and
    complaint notifications (only permanent bounces and complaints suppress).
    """
    from chalicelib.services.distribution import apply_ses_notifications_file, suppress_addresses

    d = _distribution()
    if file.suffix.lower() == ".json":
        count = apply_ses_notifications_file(d.suppressions, read_text(file), _now())
    else:
        count = suppress_addresses(d.suppressions, read_text(file), f"file:{file.name}", _now())
    click.echo(f"{count} address(es) suppressed")


def install_distribution_commands(cli: click.Group) -> None:
    """Add the distribution commands to the ``pulse`` group (invitations send/status, ...)."""
    cli.commands["invitations"].add_command(invitations_send)
    cli.commands["invitations"].add_command(invitations_status)
    cli.add_command(reminders)
    cli.add_command(contacts)
