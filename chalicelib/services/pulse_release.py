"""The transactional results released by k (issue 27), like the relationship scorecard (``release``).

Each rebuild of the results document can differ from the last by one response in a small group (an
event type x region, a month, an outcome). Pulse surveys are aggregate, so every reader (the Moments
page, ``GET /api/v1/staff/pulses``, the CLI, the leadership report) is restricted (``release.restricted``)
and reads only the *released* copy. A build is released when every group it publishes holds either no
changed response or at least ``k`` of them since the last release (``k`` = the document's suppression
threshold): each published cell of every event type (tier, region, program, each attribute, each month),
each such cell's rest within its event type, and the link's set of partners. Otherwise the released copy
stays, and the number of changed responses waiting (``held``) and since when are recorded. The first
build is released (suppression applies to it as to every build).

A changed response is one whose version or groups (``analysis.pulses.response_profiles``) differ from
the last released build's, or that is in only one of them; the check is ``release.blocking_groups``.
"""
from __future__ import annotations

from collections import namedtuple
from datetime import datetime

View = namedtuple("View", "doc scope")
FIELDS = {"event_type": ("event_type", False), "tier": ("tier", False), "region": ("region", False),
          "program": ("programs", True), "month": ("month", False), "link": ("link", False)}
LINK = ("link", "yes")


def views(doc: dict) -> list[View]:
    """What the document publishes, as views over the members' groups: per event type its scorecard,
    attribute breakdowns (``attr:<name>``) and month trend within the event type; the link."""
    out = []
    for t in doc.get("event_types", []):
        card = t.get("scorecard")
        if not card:
            continue
        breakdowns = list(card.get("breakdowns", []))
        for name, cells in (t.get("attributes") or {}).items():
            breakdowns.append({"by": [f"attr:{name}"], "cells": [
                {**c, "segment": {f"attr:{name}": (c.get("segment") or {}).get(name)}} for c in cells]})
        breakdowns.append({"by": ["month"], "cells": t.get("trend") or []})
        out.append(View({"overall": card.get("overall"), "breakdowns": breakdowns}, ("event_type", t["event_type"])))
    link = doc.get("link") or {}
    if link.get("relationship_wave"):
        out.append(View({"overall": {"respondents": link.get("partners")}}, LINK))
    return out


def changed(old: dict, new: dict) -> dict[str, list[dict]]:
    """Responses whose version or groups moved between two builds' members: id -> [old, new] profiles."""
    out = {}
    for inv in set(old) | set(new):
        before, after = old.get(inv), new.get(inv)
        if before != after:
            out[inv] = [p for p in (before, after) if p is not None]
    return out


def blocking(old: dict, new: dict, doc: dict, k: int) -> tuple[int, list]:
    """(changed responses, groups holding 1..k-1 of them) between the released members and a build."""
    from .release import blocking_groups

    pending = changed(old, new)
    columns = sorted({c for entry in pending.values() for p in entry for c in p} - {"version"})
    shown = {f"attr:{n}" for t in doc.get("event_types", []) for n in t.get("attributes") or {}}
    fields = {**FIELDS, **{c: (c, False) for c in shown | {c for c in columns if c.startswith("attr:")}}}
    state = {"pending": {inv: [[p.get(c) for c in columns] for p in entry] for inv, entry in pending.items()}}
    return len(pending), blocking_groups(state, views(doc), k, columns, fields)


def release_pulse_results(store, doc: dict, members: dict, now: datetime, k: int | None = None) -> dict:
    """Release ``doc`` (with ``members``) when safe, else record what waits; returns the release record
    {released, released_at, min_changes, held, held_since}."""
    k = k or int(doc.get("threshold") or 5)
    previous = store.released_members()
    if previous is not None:
        waiting, groups = blocking(previous, members, doc, k)
        if groups:
            return store.mark_held(waiting, now)
    return store.put_release(doc, members, k, now)


def release_words(release: dict | None) -> str:
    """The release in words for the page, the API and the CLI."""
    if not release:
        return ""
    words = f"Released {release.get('released_at')}."
    held, k = release.get("held") or 0, release.get("min_changes")
    if held:
        words += (f" {held} response{'s' if held != 1 else ''} wait{'' if held != 1 else 's'} for the next "
                  f"release (since {release.get('held_since')}): a group would change by fewer than {k}.")
    return words

