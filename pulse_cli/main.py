"""``pulse``: survey definitions, partner directory, waves, invitations and demo data."""
from __future__ import annotations

import contextlib
import csv
from datetime import UTC, datetime
from pathlib import Path

import click

from .errors import report_errors
from .files import load_definition, located_problems, read_text
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


def _program_for_validation(program_file: Path | None):
    """The program a survey is checked against: --program FILE, else the applied one."""
    from chalicelib.domain.errors import StorageUnavailable
    from chalicelib.services.program import current_program

    from .program import load_program_file

    if program_file is not None:
        return load_program_file(program_file)
    try:
        return current_program(_repos())
    except StorageUnavailable:
        click.secho("note: database not reachable; program tags not checked (use --program FILE)",
                    fg="yellow", err=True)
        return None


@survey.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--program", "program_file", type=click.Path(path_type=Path),
              help="Check program tags against this program file (default: the applied program).")
@report_errors
def survey_validate(file: Path, program_file: Path | None) -> None:
    """Check a definition file and list every problem with its file, line and column."""
    from chalicelib.domain.survey import missing_translations, parse_survey_definition
    from chalicelib.services.program import check_survey_against_program

    with located_problems(file):
        definition = parse_survey_definition(load_definition(file))
    program = _program_for_validation(program_file)
    if program is not None:
        with located_problems(file):
            check_survey_against_program(definition, program)
    for path, language in missing_translations(definition):
        click.secho(f"warning: {path}: no '{language}' translation (falls back to the default language)",
                    fg="yellow", err=True)
    questions = definition.questions()
    click.echo(f"ok: {definition.id} version {definition.version}: {len(definition.sections)} sections, "
               f"{len(questions)} questions, languages {', '.join(definition.languages)}")


@survey.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def survey_create(file: Path) -> None:
    """Publish a definition version (immutable once published)."""
    from chalicelib.services.catalogue import publish_survey

    with located_problems(file):
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

    with located_problems(file):
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
@click.option("--audience", "audience_file", type=click.Path(path_type=Path),
              help="CSV with a partner_id column: only these partners are invited.")
@click.option("--tier", multiple=True, help="Only partners of this tier (repeatable).")
@click.option("--region", multiple=True, help="Only partners of this region (repeatable).")
@click.option("--program", multiple=True, help="Only partners in this incentive program (repeatable).")
@click.option("--title", default=None, help='How reports name the wave, e.g. "H1 2026" (default: its id).')
@report_errors
def wave_open(survey_id: str, wave_id: str, closes: str, version: int | None, audience_file: Path | None,
              tier: tuple, region: tuple, program: tuple, title: str | None) -> None:
    """Open a wave of SURVEY_ID for an audience (default: the whole partner directory)."""
    from chalicelib.domain.waves import parse_audience_csv
    from chalicelib.services.catalogue import open_wave, resolve_audience

    repos = _repos()
    partner_ids = None
    if audience_file is not None:
        with located_problems(audience_file):
            partner_ids = parse_audience_csv(read_text(audience_file))
    with located_problems(audience_file) if audience_file is not None else contextlib.nullcontext():
        audience = resolve_audience(repos, partner_ids=partner_ids,
                                    source=f"file {audience_file.name}" if audience_file else None,
                                    tiers=tier, regions=region, programs=program)
    opened = open_wave(repos, survey_id, wave_id, closes, _now(), version, audience=audience, title=title)
    who = "the whole partner directory" if audience is None else \
        f"{len(audience['partner_ids'])} partner(s) from {audience['source']}" + \
        ("".join(f", {k} {'|'.join(v)}" for k, v in audience["filters"].items()))
    click.echo(f"wave {opened.wave_id} open: {opened.survey_id} v{opened.survey_version}, "
               f"closes {opened.closes_at}; audience: {who}")


def _confirm(question: str, yes: bool) -> None:
    """Ask before a consequential step unless --yes; no answer (or no terminal) changes nothing."""
    if yes:
        return
    try:
        click.confirm(question, abort=True)
    except click.Abort:
        raise click.ClickException("not confirmed: nothing changed (add --yes to skip the question)") from None


@wave.command("close")
@click.option("--wave", "wave_id", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@report_errors
def wave_close(wave_id: str, yes: bool) -> None:
    """Close a wave now: links stop accepting answers (undo with `wave extend --closes`)."""
    from chalicelib.services.catalogue import close_wave, get_wave

    repos = _repos()
    current = get_wave(repos, wave_id)
    if current.status == "closed":
        click.echo(f"wave {wave_id} was already closed")
        return
    invitations = repos.invitations.for_wave(wave_id)
    submitted = sum(i.state == "submitted" for i in invitations)
    _confirm(f"Close wave {wave_id} now ({len(invitations)} invitations, {submitted} submitted; it was "
             f"to close {current.closes_at})? Open links stop accepting answers.", yes)
    closed = close_wave(repos, wave_id, _now())
    click.echo(f"wave {wave_id} closed" if closed else f"wave {wave_id} was already closed")


@wave.command("extend")
@click.option("--wave", "wave_id", required=True)
@click.option("--closes", required=True, help="New closing date (YYYY-MM-DD) or ISO date-time.")
@report_errors
def wave_extend(wave_id: str, closes: str) -> None:
    """Move the closing date (a closed wave opens again until then)."""
    from chalicelib.services.catalogue import extend_wave, get_wave

    repos = _repos()
    before = get_wave(repos, wave_id)
    after = extend_wave(repos, wave_id, closes, _now())
    reopened = " (reopened)" if before.status == "closed" else ""
    click.echo(f"wave {wave_id} now closes {after.closes_at}{reopened}")


@cli.group()
def invitations() -> None:
    """Invitation links."""


@invitations.command("create")
@click.option("--wave", "wave_id", required=True)
@click.option("--tier", multiple=True, help="Only this tier (repeatable).")
@click.option("--region", multiple=True, help="Only this region (repeatable).")
@click.option("--out", type=click.Path(path_type=Path), help="CSV of links to write (optional).")
@report_errors
def invitations_create(wave_id: str, tier: tuple, region: tuple, out: Path | None) -> None:
    """Create one unique link per contact of the wave's audience (idempotent)."""
    from chalicelib import wiring
    from chalicelib.services.catalogue import get_wave
    from chalicelib.services.invitations import create_invitations

    repos = _repos()
    get_wave(repos, wave_id)
    links = create_invitations(repos, wiring.invitation_tokens(), wave_id,
                               wiring.settings().public_base_url, _now(), list(tier), list(region))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["partner_id", "partner_name", "tier", "region", "contact_name",
                             "contact_email", "language", "url"])
            cancelled = {i.invitation_id for i in repos.invitations.for_wave(wave_id) if i.state == "cancelled"}
            for link in links:
                if link.invitation.invitation_id in cancelled:
                    continue
                writer.writerow([link.partner.partner_id, link.partner.name, link.partner.tier,
                                 link.partner.region, link.contact.name, link.contact.email,
                                 link.contact.language, link.url])
    new = sum(link.new for link in links)
    partners_count = len({link.partner.partner_id for link in links})
    where = f"; {len(links)} links written to {out}" if out is not None else ""
    click.echo(f"{new} new invitations, {len(links) - new} existing "
               f"({partners_count} partner(s), {len(links)} contact(s)){where}")


@invitations.command("cancel")
@click.option("--wave", "wave_id", required=True)
@click.option("--partner", "partner_id", help="Cancel the unsent invitations of this partner.")
@click.option("--contact", help="Cancel the unsent invitation of this contact (e-mail or contact id).")
@click.option("--all-unsent", is_flag=True, help="Cancel every invitation not yet e-mailed.")
@report_errors
def invitations_cancel(wave_id: str, partner_id: str | None, contact: str | None, all_unsent: bool) -> None:
    """Cancel invitations before they are sent (sent ones cannot be recalled)."""
    from chalicelib import wiring
    from chalicelib.services.catalogue import get_wave
    from chalicelib.services.invitations import cancel_invitations

    repos = _repos()
    get_wave(repos, wave_id)
    cancelled, refused = cancel_invitations(repos, wiring.distribution().sends, wave_id, partner_id=partner_id,
                                            contact=contact, all_unsent=all_unsent)
    click.echo(f"cancelled {len(cancelled)} invitation(s) of wave {wave_id}")
    if refused:
        click.secho(f"  not cancelled: {len(refused)} already e-mailed or in use", fg="yellow")


def _end_command(event: str, verb: str, help_text: str):
    @invitations.command(event, help=help_text)
    @click.option("--wave", "wave_id", required=True)
    @click.option("--partner", "partner_id", help=f"{verb.capitalize()} the invitations of this partner.")
    @click.option("--contact", help=f"{verb.capitalize()} the invitation of this contact (e-mail or contact id).")
    @report_errors
    def command(wave_id: str, partner_id: str | None, contact: str | None) -> None:
        from chalicelib.services.catalogue import get_wave
        from chalicelib.services.invitations import end_invitations

        repos = _repos()
        get_wave(repos, wave_id)
        changed, refused = end_invitations(repos, wave_id, event, _now(), partner_id=partner_id, contact=contact)
        click.echo(f"{verb} {len(changed)} invitation(s) of wave {wave_id}; their links now answer 410")
        if refused:
            click.secho(f"  not {verb}: {len(refused)} already submitted, cancelled, withdrawn or expired",
                        fg="yellow")
    return command


_end_command("withdraw", "withdrawn", "Withdraw invitations (the contact left the program): no response, no mail.")
_end_command("expire", "expired", "Expire invitations before the wave closes: no response, no mail.")


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

    import os

    links_file = Path(os.environ.get("PULSE_LOCAL_DIR") or project_root() / ".local") / "demo-links.txt"
    summary = seed_demo(_repos(), wiring.invitation_tokens(), wiring.settings().public_base_url,
                        links_file, force=force)
    click.echo(summary)
    if summary.startswith("demo loaded"):  # issue 22: the program story (changes, actions, estimates)
        from .demo_plans import seed_demo_plans

        click.echo(seed_demo_plans(_repos(), wiring.plan_stores(), notes_file=links_file.parent / "demo-notes.md"))
        from chalicelib.services.program import current_program

        from .demo import CURRENT_WAVE
        from .demo_pulses import seed_demo_pulses

        repos = _repos()  # issue 27: the program's moments and their transactional pulses
        click.echo(seed_demo_pulses(repos, wiring.pulse_store(), wiring.invitation_tokens(),
                                    current_program(repos), _now(), CURRENT_WAVE))


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
from .review import audit, snapshot, staff  # noqa: E402

cli.add_command(staff)
cli.add_command(snapshot)
cli.add_command(audit)
from .program import program  # noqa: E402

cli.add_command(program)
from .listing import install_listing_commands  # noqa: E402

install_listing_commands(cli)
from .impact import impact  # noqa: E402

cli.add_command(impact)
from .plans import actions_group, changes_group  # noqa: E402

cli.add_command(actions_group)
cli.add_command(changes_group)
from .alerts import alerts  # noqa: E402

cli.add_command(alerts)
from .pulses import events, pulses  # noqa: E402

cli.add_command(events)
cli.add_command(pulses)
