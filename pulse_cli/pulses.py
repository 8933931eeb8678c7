"""``pulse events import`` and ``pulse pulses send|skipped|results``: transactional pulses (issue 27)."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from .errors import report_errors
from .files import located_problems, read_text


def _context():
    from chalicelib import wiring
    from chalicelib.services.program import current_program

    wiring.reset()
    repos = wiring.repositories()
    return wiring, repos, current_program(repos)


def _instant(value: str | None) -> datetime:
    from chalicelib.domain.waves import parse_instant

    return parse_instant(value, "--at") if value else datetime.now(UTC)


@click.group("events")
def events() -> None:
    """Program events (moments) that trigger transactional pulses."""


@events.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def events_import(file: Path) -> None:
    """Backfill events from a CSV file (FILE:LINE:COLUMN errors; nothing stored if any row is bad; idempotent)."""
    from chalicelib.services.event_import import import_events

    wiring, _, program = _context()
    with located_problems(file):
        counts = import_events(wiring.pulse_store(), program, read_text(file), datetime.now(UTC))
    click.echo(f"{counts['rows']} event(s): {counts['stored']} stored, {counts['duplicates']} already known, "
               f"{counts['expired']} too old for a pulse")


@click.group("pulses")
def pulses() -> None:
    """Transactional pulses: send the due ones, see what was skipped and why, read the results."""


@pulses.command("send")
@click.option("--at", "at", default=None, help="Run as of this instant (ISO; default now).")
@report_errors
def pulses_send(at: str | None) -> None:
    """Run the scheduled sender once (locally; on AWS it runs every 15 minutes)."""
    from chalicelib.jobs.pulses import run_pulse_sender

    _context()
    click.echo(json.dumps(run_pulse_sender({}, None, now=_instant(at))))


@pulses.command("skipped")
@click.option("--month", default=None, help="YYYY-MM (default: this month).")
@click.option("--list", "show_list", is_flag=True, help="List every skipped pulse (event, partner, reason).")
@report_errors
def pulses_skipped(month: str | None, show_list: bool) -> None:
    """Skipped pulses of a month by reason: why someone was not asked."""
    from chalicelib.domain.fatigue import reason_label

    wiring, _, _ = _context()
    month = month or f"{datetime.now(UTC):%Y-%m}"
    store = wiring.pulse_store()
    counts = store.skipped_counts(month)
    click.echo(f"skipped pulses in {month}: {sum(counts.values())}")
    for reason, n in counts.most_common():
        click.echo(f"  {n:6d}  {reason:<26} {reason_label(reason, wiring.fatigue_rules())}")
    if show_list:
        for item in store.skipped(month):
            click.echo(f"{item['event_id']}\t{item['event_type']}\t{item['partner_id']}\t{item.get('reason')}")


@pulses.command("results")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--threshold", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--store/--no-store", "keep", default=True, show_default=True,
              help="Build, store and release the results first (--no-store: only read the released copy).")
@report_errors
def pulses_results(fmt: str, threshold: int, keep: bool) -> None:
    """Transactional scorecards by event type (with breakdowns and the month trend) and the link to NPS,
    as released to every reader (a copy moves only when no group shown changes by fewer than k responses)."""
    from chalicelib.services.pulse_release import release_words
    from chalicelib.services.pulse_results import publish_pulse_results

    wiring, repos, program = _context()
    if keep:
        publish_pulse_results(repos, wiring.pulse_store(), program, datetime.now(UTC), threshold=threshold)
    doc = wiring.pulse_store().released()
    if doc is None:
        raise click.ClickException("no transactional results released yet: run `pulse pulses results` (with --store)")
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    from chalicelib.services.pulse_view import pulse_view

    click.echo(release_words(doc.get("release")))

    for row in pulse_view(doc, program)["types"]:
        click.echo(f"{row['label']}: {row['events']} events, {row['invited']} invited, {row['respondents']} "
                   f"responses; NPS {row['nps_text']}; ease {row['ease_text']}")
        for table in row["tables"]:
            cells = "; ".join(f"{c['name']} {c['nps_text']} (n={c['n']})" for c in table["cells"])
            click.echo(f"  by {table['title'].lower()}: {cells}")
        if row["trend"]:
            click.echo("  by month: " + "; ".join(f"{c['name']} {c['nps_text']}" for c in row["trend"]))
    click.echo(f"link to relationship NPS: {doc['link'].get('words', 'no relationship wave yet')}")
