"""``pulse``: survey definitions, partner directory, waves, invitations and demo data."""
from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import click

from .errors import report_errors
from .files import load_definition, read_text
from .stage import apply_stage


def _now() -> datetime:
    return datetime.now(UTC)


def _repos():
    from chalicelib import wiring

    wiring.reset()
    return wiring.repositories()


@click.group()
@click.option("--stage", default="local", show_default=True, envvar="PULSE_CLI_STAGE",
              help="Chalice stage whose environment to use (local = DynamoDB Local of `make run`).")
def cli(stage: str) -> None:
    """Partner Pulse command-line tool."""
    apply_stage(stage)


@cli.group()
def survey() -> None:
    """Survey definitions (YAML or JSON files)."""


@survey.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def survey_validate(file: Path) -> None:
    """Check a definition file and list every problem with its path."""
    from chalicelib.domain.survey import parse_survey_definition

    definition = parse_survey_definition(load_definition(file))
    questions = definition.questions()
    click.echo(f"ok: {definition.id} version {definition.version}: {len(definition.sections)} sections, "
               f"{len(questions)} questions, languages {', '.join(definition.languages)}")


@survey.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def survey_create(file: Path) -> None:
    """Publish a definition version (immutable once published)."""
    from chalicelib.services.catalogue import publish_survey

    definition, outcome = publish_survey(_repos(), load_definition(file), _now())
    verb = "published" if outcome == "created" else "already published (identical)"
    click.echo(f"{definition.id} version {definition.version} {verb}")


@cli.group()
def partners() -> None:
    """The partner directory."""


@partners.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report changes without writing.")
@report_errors
def partners_import(file: Path, dry_run: bool) -> None:
    """Upsert partners from CSV (one row per contact); a bad row writes nothing."""
    from chalicelib.services.catalogue import import_partners

    report = import_partners(_repos(), read_text(file), _now(), dry_run=dry_run)
    prefix = "would import" if dry_run else "imported"
    click.echo(f"{prefix}: {len(report.created)} new, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged partners ({report.contacts} contacts)")
    for partner_id, fields in sorted(report.updated.items())[:50]:
        click.echo(f"  updated {partner_id}: {', '.join(fields)}")


@cli.group()
def wave() -> None:
    """Waves: one run of a survey."""


@wave.command("open")
@click.argument("survey_id")
@click.option("--wave", "wave_id", required=True, help="Wave id, e.g. px-2026-h1.")
@click.option("--closes", required=True, help="Closing date (YYYY-MM-DD, end of day UTC) or ISO date-time.")
@click.option("--version", type=int, help="Survey version (default: the latest).")
@report_errors
def wave_open(survey_id: str, wave_id: str, closes: str, version: int | None) -> None:
    """Open a wave of SURVEY_ID."""
    from chalicelib.services.catalogue import open_wave

    opened = open_wave(_repos(), survey_id, wave_id, closes, _now(), version)
    click.echo(f"wave {opened.wave_id} open: {opened.survey_id} v{opened.survey_version}, "
               f"closes {opened.closes_at}")


@wave.command("close")
@click.option("--wave", "wave_id", required=True)
@report_errors
def wave_close(wave_id: str) -> None:
    """Close a wave now: links stop accepting answers."""
    from chalicelib.services.catalogue import close_wave

    closed = close_wave(_repos(), wave_id, _now())
    click.echo(f"wave {wave_id} closed" if closed else f"wave {wave_id} was already closed")


@cli.group()
def invitations() -> None:
    """Invitation links."""


@invitations.command("create")
@click.option("--wave", "wave_id", required=True)
@click.option("--tier", multiple=True, help="Only this tier (repeatable).")
@click.option("--region", multiple=True, help="Only this region (repeatable).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="CSV of links to write.")
@report_errors
def invitations_create(wave_id: str, tier: tuple, region: tuple, out: Path) -> None:
    """Create one unique link per contact (idempotent) and write them all to --out."""
    from chalicelib import wiring
    from chalicelib.services.invitations import create_invitations

    repos = _repos()
    links = create_invitations(repos, wiring.invitation_tokens(), wave_id,
                               wiring.settings().public_base_url, _now(), list(tier), list(region))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["partner_id", "partner_name", "tier", "region", "contact_name",
                         "contact_email", "language", "url"])
        for link in links:
            writer.writerow([link.partner.partner_id, link.partner.name, link.partner.tier,
                             link.partner.region, link.contact.name, link.contact.email,
                             link.contact.language, link.url])
    new = sum(link.new for link in links)
    click.echo(f"{new} new invitations, {len(links) - new} existing; {len(links)} links written to {out}")


@cli.group()
def demo() -> None:
    """Demo data."""


@demo.command("seed")
@click.option("--force", is_flag=True, help="Seed even if the database already has data.")
@click.option("--partners", "partner_count", type=click.IntRange(1, 1_000_000), default=None,
              help="Size the demo: this many partners (with --responses).")
@click.option("--responses", "response_count", type=click.IntRange(0, 10_000_000), default=None,
              help="Size the demo: this many submitted responses in the open wave.")
@report_errors
def demo_seed(force: bool, partner_count: int | None, response_count: int | None) -> None:
    """Load the deterministic demo (once: only into an empty database); --partners/--responses size it."""
    from chalicelib import wiring

    from .demo import PARTNER_COUNT, seed_demo, seed_sized
    from .stage import project_root

    if partner_count is not None or response_count is not None:
        click.echo(seed_sized(_repos(), partner_count or PARTNER_COUNT,
                              1_500 if response_count is None else response_count, force=force))
        return

    links_file = project_root() / ".local" / "demo-links.txt"
    summary = seed_demo(_repos(), wiring.invitation_tokens(), wiring.settings().public_base_url,
                        links_file, force=force)
    click.echo(summary)


@cli.group()
def db() -> None:
    """Database housekeeping."""


@db.command("create-tables")
@report_errors
def db_create_tables() -> None:
    """Create the table and its indexes if missing."""
    from chalicelib import wiring

    _repos()
    created = wiring.table().ensure_exists()
    click.echo(f"table {wiring.settings().table_name} {'created' if created else 'exists'}")

from .analyze import analyze, text  # noqa: E402

cli.add_command(analyze)
cli.add_command(text)

from .distribution import install_distribution_commands  # noqa: E402

install_distribution_commands(cli)
from .report import report  # noqa: E402

cli.add_command(report)
from .review import snapshot, staff  # noqa: E402

cli.add_command(staff)
cli.add_command(snapshot)
