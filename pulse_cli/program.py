"""``pulse program validate|apply|show``: the partner program (tiers, regions, types, programs)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
import yaml

from .errors import report_errors
from .files import load_definition, located_problems


def _repos():
    from chalicelib import wiring

    wiring.reset()
    return wiring.repositories()


def load_program_file(file: Path):
    """Parse and validate a program file (its theme taxonomy as the comment analysis reads it);
    problems carry file, line and column."""
    from analysis.themes import Taxonomy
    from chalicelib.domain.program import parse_program_definition

    with located_problems(file):
        program = parse_program_definition(load_definition(file))
        if program.themes:
            Taxonomy.from_mapping(program.themes, source="themes")
    return program


@click.group()
def program() -> None:
    """The partner program: tiers, regions, partner types, incentive programs, themes."""


@program.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def program_validate(file: Path) -> None:
    """Check a program file and list every problem with its line and column."""
    p = load_program_file(file)
    click.echo(f"ok: program version {p.version}: {len(p.tiers)} tiers, {len(p.regions)} regions, "
               f"{len(p.partner_types)} partner types, {len(p.programs)} incentive programs, "
               f"{len(p.themes)} themes, {len(p.changes)} declared changes")


@program.command("apply")
@click.argument("file", type=click.Path(path_type=Path))
@report_errors
def program_apply(file: Path) -> None:
    """Make a program version the one in use (versions are immutable once applied)."""
    from chalicelib import wiring
    from chalicelib.services.changes import import_changes
    from chalicelib.services.program import apply_program

    load_program_file(file)
    now = datetime.now(UTC)
    applied, outcome = apply_program(_repos(), load_definition(file), now)
    verb = "applied" if outcome == "created" else "already applied (identical)"
    click.echo(f"program version {applied.version} {verb}")
    if applied.changes:  # the changes section goes to the change record (pulse changes list)
        done = import_changes(wiring.plan_stores().changes, applied.changes, now)
        click.echo(f"changes: {len(done['added'])} added, {len(done['updated'])} updated, "
                   f"{len(done['unchanged'])} unchanged")
        for change_id in done["kept"]:
            click.echo(f"warning: change {change_id} was recorded from the CLI or the dashboard; "
                       "the file's declaration under the same id was not applied", err=True)


@program.command("show")
@report_errors
def program_show() -> None:
    """Print the program in use (YAML); the default model when none was applied."""
    from chalicelib.services.program import current_program

    repos = _repos()
    applied = repos.programs.current()
    p = applied or current_program(repos)
    click.echo(f"# program version {p.version}" + ("" if applied else " (default: none applied)"))
    click.echo(yaml.safe_dump(p.to_dict(), sort_keys=False, allow_unicode=True).rstrip())
