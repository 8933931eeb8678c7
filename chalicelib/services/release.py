"""Publication over time for readers who may not see respondent-level data.

A reader who polls the scorecard before and after one submission sees exactly that respondent's
change. So viewers, and everyone on a ``reporting: aggregate`` survey, read a *released* copy of
the scorecards and comment summaries (``released:scorecard:<scope>``), not the live one. A new
copy is released only when every group any view publishes (each published cell of every scope, and
each published cell's rest within its view's published overall) holds either no changed response or
at least ``k`` of them since the last release (``k`` defaults to the suppression threshold; a group
withheld in the new copy shows nothing to difference, and the joint plan protects it). Between two
releases a reader can then only learn sums over at least ``k`` changed responses in any group.
Readers allowed respondent-level data (admins and analysts of identified surveys) keep the live
scorecard and its freshness.

Comment summaries are planned here, at release. The live ``comment_summary:<scope>`` parts carry the
per-view comment and partner thresholds only: their readers may read every comment itself. The
joint plan over every view (``analysis.summary_disclosure.plan``) runs on the released copies, the
only summaries restricted readers read, with the comment counts it planned against kept beside
them (``released:comment_counts``) for ``pulse audit disclosure``. The plan is costly on large waves
(seconds per release), so a summary release is rate-limited: at most once per
``summary_interval_s`` on live updates (``PULSE_SUMMARY_RELEASE_INTERVAL_S``, default 600 s; a full build
that releases always releases summaries too); a scorecard release in between
keeps the summaries of the last summary release. That is safe over time too: between two summary
releases each group changed by the sum of the scorecard releases' batches, each none or at least k.

The changed responses since the last release are kept in the wave state (``pending``: invitation
id -> the attribute profiles of its old and new entries), moved by the live update and carried over
by full builds, which add any response whose stored entry differs from the one they rebuilt.
"""
from __future__ import annotations

import copy

from chalicelib.domain.waves import parse_instant
from chalicelib.services.disclosure import FIELDS, labels  # standard library only: fine at import time

RELEASED = "released:"
PENDING_PART = "release:pending"  # invitation ids changed since the last release (held from restricted readers)
SUMMARY_PREFIX = "comment_summary:"
PUBLIC_PREFIXES = ("scorecard:", SUMMARY_PREFIX)
COMMENT_COUNTS = "released:comment_counts"  # the comment counts the released summaries were planned on


def released_name(part: str) -> str:
    """The part a restricted reader reads for ``part`` (e.g. ``released:scorecard:all``)."""
    return f"{RELEASED}{part}"


def record(state: dict, invitation_id: str, old_row: list | None, new_row: list | None, key_width: int) -> None:
    """Note one changed response: the profiles (atom key columns) of what it was and what it is."""
    pending = state.setdefault("pending", {})
    profiles = pending.setdefault(invitation_id, [])
    for row in (old_row, new_row):
        if row is not None:
            profile = list(row[:key_width])
            if profile not in profiles:
                profiles.append(profile)


def record_rebuilt(state: dict, stored_buckets: dict[str, dict], rebuilt_buckets: dict[str, dict],
                   key_width: int) -> None:
    """A full build: every response whose rebuilt entry differs from the stored one is pending too
    (changes that reached the database without a live update)."""
    stored = {inv: e for b in stored_buckets.values() for inv, e in (b or {}).get("responses", {}).items()}
    rebuilt = {inv: e for b in rebuilt_buckets.values() for inv, e in b.get("responses", {}).items()}
    for inv in set(stored) | set(rebuilt):
        old, new = stored.get(inv), rebuilt.get(inv)
        if old is None or new is None or old.get("version") != new.get("version") or old.get("row") != new.get("row"):
            record(state, inv, old and old["row"], new and new["row"], key_width)


def _member(profile: dict, key, fields=None) -> bool:
    return all(str(label) in labels(profile, dim, fields or FIELDS) for dim, label in key)


def blocking_groups(state: dict, views, k: int, key_columns, fields=None) -> list[tuple]:
    """The groups (segment keys, or (margin, cell) for a rest) holding between 1 and k - 1 changed
    responses since the last release; empty when a release is safe. ``fields``: dimension -> (profile
    field, multi-valued?) for views over other dimensions (the transactional results, ``pulse_release``);
    default: the scorecard's (``disclosure.FIELDS``)."""
    from analysis.disclosure import _cells, key_of

    profiles = [[dict(zip(key_columns, p, strict=False)) for p in entry]
                for entry in (state.get("pending") or {}).values()]
    if not profiles:
        return []

    def changed(key) -> int:
        return sum(1 for entry in profiles if any(_member(p, key, fields) for p in entry))

    def changed_rest(margin, cell) -> int:
        return sum(1 for entry in profiles
                   if any(_member(p, margin, fields) and not _member(p, cell, fields) for p in entry))

    counts: dict = {}
    out = []
    for view in views:
        margin = key_of({}, view.scope)
        margin_shown = not (view.doc.get("overall") or {}).get("suppressed")
        for cell, is_overall in _cells(view.doc):
            if cell.get("suppressed"):
                continue  # withheld now: nothing of it is read (the joint plan covers its complements)
            key = key_of(cell.get("segment") or {}, view.scope)
            if key not in counts:
                counts[key] = changed(key)
                if 0 < counts[key] < k:
                    out.append(key)
            if margin_shown and not is_overall and key != margin and (margin, key) not in counts:
                counts[(margin, key)] = changed_rest(margin, key)
                if 0 < counts[(margin, key)] < k:
                    out.append((margin, key))
    return out


def maybe_release(state: dict, parts: dict, views, k: int, now: str, key_columns, plan_summaries=None,
                  summary_interval_s: int = 0) -> bool:
    """Release the views' scorecards to restricted readers when no group holds 1..k-1 changed
    responses (or nothing was released yet); returns whether it released.

    ``plan_summaries(released)``: plans the released comment summaries jointly (``{part name: copy}``,
    masked in place) and returns the comment counts it planned on; the summaries are released with
    the scorecards when none were released yet or ``summary_interval_s`` has passed since the last."""
    first = not state.get("release")
    if not first and blocking_groups(state, views, k, key_columns):
        state["release"]["held"] = len(state.get("pending") or {})
        return False
    last_summaries = None if first else state["release"].get("summaries_at", state["release"].get("at"))
    summaries = last_summaries is None or \
        (parse_instant(now) - parse_instant(last_summaries)).total_seconds() >= summary_interval_s
    copies = {}
    for name in [n for n in parts if n.startswith(PUBLIC_PREFIXES)]:
        if name.startswith(SUMMARY_PREFIX) and not summaries:
            continue  # rate-limited: restricted readers keep the summaries of the last summary release
        copied = copy.deepcopy(parts[name])
        if isinstance(copied, dict):
            copied["release"] = {"released_at": now, "min_changes": k}
        copies[name] = copied
    if summaries and plan_summaries is not None:
        counts = plan_summaries({n: c for n, c in copies.items() if n.startswith(SUMMARY_PREFIX)})
        parts[COMMENT_COUNTS] = {"released_at": now, "comments": counts}
    parts.update({released_name(name): value for name, value in copies.items()})
    state["release"] = {"at": now, "held": 0, "summaries_at": now if summaries else last_summaries}
    state["pending"] = {}
    return True


def restricted(identity, reporting: str | None) -> bool:
    """True for readers who read released copies: viewers, and everyone on aggregate surveys."""
    from chalicelib.services.disclosure import may_see_identity

    return not may_see_identity(identity, reporting or "aggregate")
