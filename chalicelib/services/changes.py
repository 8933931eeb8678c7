"""Use cases of the program change record: add (admin/analyst), list (scoped), and the changes
that concern a segment shown on a trend chart."""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.actions import visible_to_scope
from chalicelib.domain.changes import Segments, parse_change
from chalicelib.domain.errors import AlreadySubmitted, NotFound


def _segments(change: dict) -> Segments:
    return Segments(**{k: tuple(v) for k, v in (change.get("segments") or {}).items()})


def may_see(identity, change: dict) -> bool:
    scope = identity.effective_scope()
    return scope is None or visible_to_scope(_segments(change), scope.dimension, scope.value)


def add_change(repo, identity, body, now: datetime) -> dict:
    identity.require("analyst")
    change = {**parse_change(body).to_dict(), "created_by": identity.subject,
              "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if not repo.add(change):
        raise AlreadySubmitted(f"a change with id {change['change_id']} exists")
    return change


PROGRAM_FILE = "program file"
DECLARED = ("description", "effective", "segments", "metrics", "actions")


def import_changes(repo, declared, now: datetime) -> dict:
    """Record the program file's ``changes`` in the change record; idempotent. A change the file
    declared before and now declares differently is updated (its estimates follow on the next view);
    one recorded from the CLI or the dashboard under the same id is left as it is and reported.
    Returns {"added", "unchanged", "updated", "kept"}: lists of change ids."""
    out: dict[str, list[str]] = {"added": [], "unchanged": [], "updated": [], "kept": []}
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for record in declared:
        change = {**record.to_dict(), "created_by": PROGRAM_FILE, "created_at": stamp}
        if repo.add(change):
            out["added"].append(record.change_id)
            continue
        stored = repo.get(record.change_id) or {}
        if all(stored.get(k) == change[k] for k in DECLARED):
            out["unchanged"].append(record.change_id)
        elif stored.get("created_by") == PROGRAM_FILE:
            repo.replace({**change, "created_at": stored.get("created_at", stamp), "updated_at": stamp})
            out["updated"].append(record.change_id)
        else:
            out["kept"].append(record.change_id)
    return out


def list_changes(repo, identity) -> list[dict]:
    return [c for c in repo.all() if may_see(identity, c)]


def get_change(repo, identity, change_id: str) -> dict:
    change = repo.get(change_id) if isinstance(change_id, str) and len(change_id) <= 63 else None
    if change is None or not may_see(identity, change):
        raise NotFound("no such change")
    return change


LIVE_FIELDS = ("estimates", "estimated_at", "estimate_key")
RELEASED_FIELDS = ("released_estimates", "released_at", "released_key", "released_waves")
CLOSED_NOTE = "Estimates from closed waves only; an open wave counts once it closes."
LIVE_NOTE = "Estimates from the current results of every wave (recomputed when they change)."


def visible_change(change: dict, identity, restricted: bool = True) -> dict:
    """The change as the identity may read it. A restricted reader (``release.restricted``: viewers,
    everyone on aggregate surveys) gets the estimates from closed waves only, which no single response
    moves, and no group cells or panel; a scoped or viewer reader never gets the group cells (the
    unaffected group spans partners outside a viewer's scope). ``estimates_basis`` says which it is."""
    out = {k: v for k, v in change.items() if k not in LIVE_FIELDS + RELEASED_FIELDS}
    if restricted:
        docs, at, basis = change.get("released_estimates"), change.get("released_at"), "closed_waves"
        out["estimates_note"] = CLOSED_NOTE
    else:
        docs, at, basis = change.get("estimates"), change.get("estimated_at"), "live"
        out["estimates_note"] = LIVE_NOTE
    out["estimates_basis"] = basis
    if docs is None:
        return out
    if restricted or identity.effective_scope() is not None or identity.role == "viewer":
        docs = [{k: v for k, v in doc.items() if k not in ("cells", "panel")} for doc in docs]
    return {**out, "estimates": docs, "estimated_at": at}


def reader_restricted(repos, identity, change: dict, survey_id: str | None = None) -> bool:
    """Whether the identity reads the change's released estimates (``release.restricted``), with the
    reporting of ``survey_id`` (the page's wave's survey) or, without one, of the survey its released
    estimates were last computed for (unknown: aggregate, the safe side)."""
    from chalicelib.services.change_estimates import survey_reporting
    from chalicelib.services.release import restricted

    return restricted(identity, survey_reporting(repos, survey_id or change.get("estimate_survey")))


def affects_segment(change: dict, dimension: str | None, value: str | None) -> bool:
    """Whether a change concerns the segment a trend chart shows (None = everyone): a change for
    everyone concerns every segment; a change for tier X concerns the overall chart and tier X."""
    segments = _segments(change)
    if dimension is None or segments.is_everyone():
        return True
    wanted = {"tier": segments.tiers, "region": segments.regions, "program": segments.programs,
              "partner_type": segments.partner_types}.get(dimension)
    return not wanted or value in wanted


def change_to_record(change: dict):
    """The domain record of a stored change (for the estimator)."""
    return parse_change({k: change[k] for k in ("change_id", "description", "effective", "segments", "metrics",
                                                "actions") if k in change})
