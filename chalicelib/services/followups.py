"""Closed-loop follow-ups: every detractor (NPS 0-6) and every strongly negative comment gets a
follow-up for the partner's account manager, with a due date from the SLA.

Creation is idempotent (one follow-up per response, conditional write), so the job may run
any number of times. Status moves open -> in_progress -> closed (closing needs a reason);
notes are appended with who and when. Every read and write is filtered by the staff scope.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound

STATUSES = ("open", "in_progress", "closed")
MAX_NOTE = 2000
MAX_REASON = 500


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def followups_for(responses, comments: list[dict], partners_by_id: dict, nps_question: str | None,
                  is_strongly_negative, sla_days: int, now: datetime) -> list[dict]:
    """The follow-ups a wave needs (not yet stored): one per detractor or strongly negative comment."""
    negative = {}
    for comment in comments:
        if is_strongly_negative(comment):
            negative.setdefault(comment["invitation_id"], comment)
    out = []
    for response in responses:
        if response.status != "submitted":
            continue
        score = (response.answers or {}).get(nps_question) if nps_question else None
        reasons = []
        if isinstance(score, int) and score <= 6:
            reasons.append("detractor")
        comment = negative.get(response.invitation_id)
        if comment:
            reasons.append("negative_comment")
        if not reasons:
            continue
        snapshot = response.partner or {}
        partner = partners_by_id.get(response.partner_id)
        out.append({
            "followup_id": f"{response.wave_id}.{response.invitation_id}",
            "wave_id": response.wave_id, "invitation_id": response.invitation_id,
            "partner_id": response.partner_id,
            "partner_name": partner.name if partner else response.partner_id,
            "tier": snapshot.get("tier"), "region": snapshot.get("region"),
            "partner_types": list(snapshot.get("partner_types") or []),
            "programs": list(snapshot.get("programs") or []),
            "assignee": partner.account_manager_email if partner else "unassigned",
            "reasons": reasons, "nps": score,
            "comment_id": comment["id"] if comment else None,
            "comment": comment["text"][:300] if comment else None,
            "status": "open", "due_at": _iso(now + timedelta(days=sla_days)),
            "created_at": _iso(now), "updated_at": _iso(now), "notes": [],
            "closing_reason": None, "version": 1,
        })
    return out


def create_followups(repo, candidates: list[dict]) -> int:
    """Store the candidates that do not exist yet; returns how many were created."""
    return sum(1 for followup in candidates if repo.add_if_absent(followup))


def list_followups(repo, wave_id: str, identity, status: str | None = None,
                   assignee: str | None = None, now: datetime | None = None) -> list[dict]:
    """The wave's follow-ups the identity may see, by status then due date, overdue marked."""
    if status and status not in STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(STATUSES)}"))
    items = []
    for st in ([status] if status else STATUSES):
        items += [f for f in repo.by_status(wave_id, st) if identity.admits(f)]
    if assignee:
        items = [f for f in items if f.get("assignee") == assignee]
    stamp = _iso(now) if now else None
    for item in items:
        item["overdue"] = bool(stamp and item["status"] != "closed" and item["due_at"] < stamp)
    return items


def followup_counts(repo, wave_id: str, identity, now: datetime) -> dict:
    """Counts per status plus overdue, within the identity's scope."""
    items = list_followups(repo, wave_id, identity, now=now)
    counts = {status: sum(1 for f in items if f["status"] == status) for status in STATUSES}
    counts["overdue"] = sum(1 for f in items if f["overdue"])
    return counts


def update_followup(repo, wave_id: str, invitation_id: str, identity, change: dict, now: datetime) -> dict:
    """Apply a status change and/or a note; closing requires a closing reason.

    ``change``: {"status"?: str, "note"?: str, "closing_reason"?: str}. Out-of-scope follow-ups
    are reported as not found (their existence is not revealed).
    """
    if not isinstance(change, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    unknown = set(change) - {"status", "note", "closing_reason"}
    if unknown:
        raise InvalidInput(FieldProblem(sorted(unknown)[0], "unknown field"))
    current = repo.get(wave_id, invitation_id)
    if current is None or not identity.admits(current):
        raise NotFound()
    status = change.get("status", current["status"])
    if status not in STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(STATUSES)}"))
    note = change.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE):
        raise InvalidInput(FieldProblem("note", f"must be text of 1 to {MAX_NOTE} characters"))
    reason = change.get("closing_reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        raise InvalidInput(FieldProblem("closing_reason", f"must be text of at most {MAX_REASON} characters"))
    if status == "closed" and not (reason or current.get("closing_reason") or "").strip():
        raise InvalidInput(FieldProblem("closing_reason", "is required to close a follow-up"))
    updated = dict(current)
    updated.pop("overdue", None)
    updated["status"] = status
    if status == "closed" and reason:
        updated["closing_reason"] = reason.strip()
    if status != "closed":
        updated["closing_reason"] = None
    if note:
        updated["notes"] = [*current.get("notes", []), {"by": identity.subject, "at": _iso(now),
                                                        "text": note.strip()}]
    updated["updated_at"] = _iso(now)
    updated["version"] = int(current["version"]) + 1
    repo.replace(updated, int(current["version"]))
    return updated
