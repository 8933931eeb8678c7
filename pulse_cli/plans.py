"""``pulse actions ...`` and ``pulse changes ...``: action plans and the program change record."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from .errors import report_errors
from .files import located_problems

CLI_SUBJECT = "cli@local"


def _identity():
    from chalicelib.security.staff import StaffIdentity

    return StaffIdentity(CLI_SUBJECT, "admin")


def _stores():
    from chalicelib import wiring

    from .main import _repos

    _repos()
    return wiring.plan_stores()


def _now() -> datetime:
    return datetime.now(UTC)


@click.group("actions")
def actions_group() -> None:
    """Action plans: owned decisions taken because of a finding."""


def _finding(text: str, label: str | None) -> dict:
    """``driver:px-2026-h1:q_portal`` or ``question:px-2026-h1:q_portal@tier=advanced``."""
    ref, _, segment = text.partition("@")
    kind, _, rest = ref.partition(":")
    wave_id, _, subject = rest.partition(":")
    return {"kind": kind, "wave_id": wave_id, "ref": subject, "segment": segment or None, "label": label or ""}


@actions_group.command("add")
@click.option("--title", required=True)
@click.option("--owner", required=True, help="The owner's e-mail address.")
@click.option("--due", required=True, help="Due date YYYY-MM-DD.")
@click.option("--finding", "finding_text", required=True,
              help="kind:wave:ref[@dim=value], kind one of driver, theme, question, comparison, followup_pattern.")
@click.option("--finding-label", default=None)
@click.option("--metric", "metrics", multiple=True, help="nps:<q>, top2:<q>, theme_share:<theme> ...")
@click.option("--tier", "tiers", multiple=True)
@click.option("--region", "regions", multiple=True)
@click.option("--program", "programs", multiple=True)
@click.option("--partner-type", "partner_types", multiple=True)
@click.option("--direction", type=click.Choice(["up", "down"]), default="up", show_default=True)
@click.option("--note", default=None)
@report_errors
def actions_add(title, owner, due, finding_text, finding_label, metrics, tiers, regions, programs, partner_types,
                direction, note):
    """Record a proposed action linked to a finding."""
    from chalicelib.services.actions import create_action

    segments = {k: list(v) for k, v in (("tiers", tiers), ("regions", regions), ("programs", programs),
                                         ("partner_types", partner_types)) if v}
    body = {"title": title, "owner": owner, "due": due, "finding": _finding(finding_text, finding_label),
            "metrics": list(metrics), "segments": segments, "direction": direction,
            **({"note": note} if note else {})}
    action = create_action(_stores().actions, _identity(), body, _now())
    click.echo(f"{action['action_id']}: {action['title']} ({action['status']}, owner {action['owner']}, "
               f"due {action['due']})")


@actions_group.command("move")
@click.argument("action_id")
@click.argument("status", type=click.Choice(["approved", "in_progress", "done", "dropped"]))
@click.option("--reason", default=None, help="Required when dropping.")
@click.option("--note", default=None)
@report_errors
def actions_move(action_id, status, reason, note):
    """Move an action on: proposed -> approved -> in_progress -> done, or dropped with --reason."""
    from chalicelib.services.actions import update_action

    body = {"status": status, **({"reason": reason} if reason else {}), **({"note": note} if note else {})}
    action = update_action(_stores().actions, _identity(), action_id, body, _now())
    click.echo(f"{action['action_id']}: {action['status']}")


@actions_group.command("list")
@click.option("--status", default=None)
@click.option("--owner", default=None)
@click.option("--overdue", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@report_errors
def actions_list(status, owner, overdue, fmt):
    """List actions (filters as in the dashboard); --format csv is the export."""
    from chalicelib.services.actions import csv_rows, list_actions

    query = {"status": status, "owner": owner, "overdue": "true" if overdue else None}
    items = list_actions(_stores().actions, _identity(), query, _now().date())
    if fmt == "json":
        click.echo(json.dumps(items, indent=2))
    elif fmt == "csv":
        from chalicelib.services.exports import to_csv

        headers, rows = csv_rows(items)
        click.echo(to_csv(list(headers), rows).lstrip("\ufeff"), nl=False)
    else:
        for a in items:
            late = " OVERDUE" if a["overdue"] else ""
            click.echo(f"{a['action_id']}  {a['status']:<11} due {a['due']}{late}  {a['owner']}  {a['title']}  "
                       f"[{a['finding_key']}]")
        click.echo(f"{len(items)} action(s)")


@click.group("changes")
def changes_group() -> None:
    """The program change record: what changed, when, for whom."""


@changes_group.command("add")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@report_errors
def changes_add(file: Path):
    """Record a change from a YAML/JSON file (id, description, effective, segments, metrics, actions)."""
    from chalicelib.services.changes import add_change

    from .impact import load_record

    with located_problems(file):
        change = add_change(_stores().changes, _identity(), load_record(file), _now())
    click.echo(f"recorded change {change['change_id']} effective {change['effective']}")


@changes_group.command("list")
@report_errors
def changes_list():
    """Every recorded change by effective date, with the estimates last stored for it: on an aggregate
    survey the ones from closed waves only (as every reader of its results gets them)."""
    from chalicelib.domain.changes import Segments
    from chalicelib.services.changes import reader_restricted, visible_change

    from .main import _repos

    items, identity = _stores().changes.all(), _identity()
    for c in items:
        who = Segments(**{k: tuple(v) for k, v in (c.get("segments") or {}).items()}).describe()
        click.echo(f"{c['effective']}  {c['change_id']}  {c['description']}  (affected: {who}; "
                   f"metrics: {', '.join(c.get('metrics') or []) or '-'})")
        shown = visible_change(c, identity, reader_restricted(_repos(), identity, c))
        for doc in shown.get("estimates") or []:
            click.echo(f"    {doc.get('verdict', '')}")
        if shown.get("estimates"):
            click.echo(f"    ({shown['estimates_note']} Estimated {shown.get('estimated_at')}.)")
    click.echo(f"{len(items)} change(s)")


@changes_group.command("estimate")
@click.argument("change_id")
@click.option("--survey", "survey_id", required=True, help="The survey whose waves to compare.")
@click.option("--level", type=click.FloatRange(0.5, 0.99), default=0.90, show_default=True)
@click.option("--threshold", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--min-partners", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--save/--no-save", default=True, show_default=True, help="Store the estimates on the change "
                                                                         "(shown on its dashboard page).")
@report_errors
def changes_estimate(change_id, survey_id, level, threshold, min_partners, save):
    """Estimate a recorded change's effect on its metrics from the survey's waves."""
    from analysis.impact_loader import estimate_change, survey_history
    from chalicelib.services.changes import change_to_record, get_change

    from .impact import format_estimate
    from .main import _repos

    stores = _stores()
    change = change_to_record(get_change(stores.changes, _identity(), change_id))
    history, scales = survey_history(_repos(), survey_id)
    docs = estimate_change(history, scales, change, level=level, min_partners=min_partners, threshold=threshold)
    click.echo(f"Change {change.change_id}: {change.description} (effective {change.effective.isoformat()})")
    for doc in docs:
        click.echo("")
        click.echo(format_estimate(doc))
    if save:
        stores.changes.set_estimates(change_id, docs, _now().strftime("%Y-%m-%dT%H:%M:%SZ"))
        click.echo("\nsaved on the change")


@actions_group.command("tell")
@click.argument("action_id")
@click.option("--what", required=True, help="What changed, in words partners understand (at most 1000 characters).")
@click.option("--dry-run", is_flag=True, help="Only count who would hear back.")
@report_errors
def actions_tell(action_id, what, dry_run):
    """"You said, we did": tell partners what a done action changed (identified surveys: the consenting
    contacts who raised the theme; aggregate surveys: the whole affected segment)."""
    from chalicelib import wiring
    from chalicelib.services.actions import get_action
    from chalicelib.services.you_said import audience_for, tell_partners

    from .main import _repos

    stores, identity = _stores(), _identity()
    action = get_action(stores.actions, identity, action_id)
    review = wiring.review_stores()
    audience = audience_for(action, _repos(), review.snapshots, review.corrections, wiring.distribution())
    if dry_run:
        click.echo(f"{action_id}: {len(audience[1])} contact(s) would hear back ({audience[0]})")
        return
    result = tell_partners(stores.actions, wiring.mailer(), action_id, identity, what, audience,
                           wiring.settings().mail_from, _now())
    click.echo(f"{action_id}: told {result['sent']} contact(s) ({result['mode']}); recorded in the action's history")
