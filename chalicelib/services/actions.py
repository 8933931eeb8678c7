"""Use cases of action plans: create from a finding, update (fields, status, notes), list with
filters and the identity's scope, CSV rows, and the overdue reminder to the owner.

Admins and analysts create and change actions; viewers only read, and a scoped viewer sees only
actions whose target lies wholly inside its scope (``domain.actions.visible_to_scope``).
"""
from __future__ import annotations

from datetime import date, datetime

from chalicelib.domain import actions as domain
from chalicelib.domain.errors import AlreadySubmitted, ConcurrentUpdate, FieldProblem, InvalidInput, NotFound

FILTERS = ("status", "owner", "finding", "overdue", "kind")
CSV_HEADERS = ("action_id", "title", "owner", "due", "status", "overdue", "finding_kind", "finding_wave",
               "finding_ref", "finding_segment", "metrics", "segments", "direction", "reason", "notes",
               "created_by", "created_at", "updated_at")


def may_see(identity, action: dict) -> bool:
    scope = identity.effective_scope()
    if scope is None:
        return True
    return domain.visible_to_scope(domain.segments_of(action), scope.dimension, scope.value)


def create_action(repo, identity, body, now: datetime) -> dict:
    identity.require("analyst")
    action = domain.new_action(body, identity.subject, now)
    if not repo.add(action):
        raise AlreadySubmitted("an action with this id exists")
    return action


def get_action(repo, identity, action_id: str) -> dict:
    action = repo.get(action_id) if isinstance(action_id, str) and domain.ACTION_ID.match(action_id) else None
    if action is None or not may_see(identity, action):
        raise NotFound("no such action")
    return action


def update_action(repo, identity, action_id: str, body, now: datetime) -> dict:
    identity.require("analyst")
    action = get_action(repo, identity, action_id)
    updated = domain.updated_action(action, body, identity.subject, now)
    repo.replace(updated, int(action["version"]))
    return updated


def _clean(query: dict | None) -> dict:
    query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    unknown = sorted(set(query) - set(FILTERS))
    if unknown:
        raise InvalidInput(FieldProblem(unknown[0][:60], f"unknown filter; use {', '.join(FILTERS)}"))
    for name, value in query.items():
        if not isinstance(value, str) or len(value) > 200:
            raise InvalidInput(FieldProblem(name, "must be text of at most 200 characters"))
    if query.get("status") and query["status"] not in domain.STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(domain.STATUSES)}"))
    if query.get("kind") and query["kind"] not in domain.FINDING_KINDS:
        raise InvalidInput(FieldProblem("kind", f"must be one of {', '.join(domain.FINDING_KINDS)}"))
    if query.get("overdue") not in (None, "true", "false"):
        raise InvalidInput(FieldProblem("overdue", "must be true or false"))
    return query


def list_actions(repo, identity, query: dict | None, today: date) -> list[dict]:
    """The actions the identity may see, filtered; each marked ``overdue``."""
    query = _clean(query)
    items = []
    for action in repo.all(query.get("status")):
        if not may_see(identity, action):
            continue
        action = {**action, "overdue": domain.is_overdue(action, today)}
        if query.get("owner") and action["owner"] != query["owner"]:
            continue
        if query.get("finding") and action["finding_key"] != query["finding"]:
            continue
        if query.get("kind") and action["finding"]["kind"] != query["kind"]:
            continue
        if query.get("overdue") and action["overdue"] != (query["overdue"] == "true"):
            continue
        items.append(action)
    return items


def badges(repo, identity) -> dict[str, int]:
    """Finding key -> number of actions linked to it (for the badge on the finding)."""
    counts: dict[str, int] = {}
    for action in repo.all():
        if may_see(identity, action):
            counts[action["finding_key"]] = counts.get(action["finding_key"], 0) + 1
    return counts


def csv_rows(actions: list[dict]) -> tuple[tuple[str, ...], list[list]]:
    rows = []
    for a in actions:
        finding = a.get("finding") or {}
        rows.append([a["action_id"], a["title"], a["owner"], a["due"], a["status"], "yes" if a.get("overdue") else "",
                     finding.get("kind"), finding.get("wave_id"), finding.get("ref"), finding.get("segment") or "",
                     "; ".join(a.get("metrics") or []), domain.segments_of(a).describe(), a.get("direction"),
                     a.get("reason") or "", " | ".join(n["text"] for n in a.get("notes") or []),
                     a.get("created_by"), a.get("created_at"), a.get("updated_at")])
    return CSV_HEADERS, rows


def remind_overdue(repo, mailer, sender: str, base_url: str, now: datetime) -> int:
    """One e-mail per overdue open action per day to its owner (the key makes a rerun a no-op)."""
    from chalicelib.mail.mailer import OutgoingMail
    from chalicelib.services.followup_notices import _message, is_address

    today = now.date()
    sent = 0
    for status in domain.OPEN_STATUSES:
        for action in repo.all(status):
            if not domain.is_overdue(action, today) or not is_address(action.get("owner")):
                continue
            if action.get("reminded_on") == today.isoformat():
                continue
            subject = f"Overdue action: {action['title']}"
            text = (f"{subject}\n\nDue: {action['due']}\nStatus: {action['status'].replace('_', ' ')}\n"
                    f"Finding: {action['finding'].get('label') or action['finding_key']}\n\n"
                    f"Open it: {base_url}/staff/actions/{action['action_id']}\n"
                    "Move it on, change its due date, or drop it with a reason.\n")
            mailer.send(OutgoingMail(f"actions/{action['action_id']}.overdue.{today.isoformat()}", action["owner"],
                                     _message(sender, action["owner"], subject, text, now)))
            try:
                repo.replace({**action, "reminded_on": today.isoformat(),
                              "version": int(action["version"]) + 1}, int(action["version"]))
            except ConcurrentUpdate:
                pass  # changed meanwhile: the mail key makes a resend the same mail
            sent += 1
    return sent
