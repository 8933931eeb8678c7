"""``pulse alerts``: check the alert rules (``PULSE_ALERT_RULES``) against waves' published results."""
from __future__ import annotations

import click

from .errors import report_errors


@click.group()
def alerts() -> None:
    """Alerts on published results, e-mailed to the rules' subscribers."""


@alerts.command("check")
@click.option("--wave", "wave_id", default=None, help="Only this wave (default: every wave with a snapshot).")
@report_errors
def alerts_check(wave_id: str | None) -> None:
    """Evaluate the rules now and send what they find (once per rule, subscriber and week)."""
    from chalicelib.jobs.alerts_check import check_registered_waves, check_wave

    sent = check_wave(wave_id) if wave_id else check_registered_waves()
    for item in sent:
        click.echo(f"{item['rule']} -> {item['recipient']}: {item['subject']}")
    click.echo(f"{len(sent)} alert message(s)")
