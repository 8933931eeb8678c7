"""A wave's results state: what the snapshot is derived from, kept so a change costs O(changed).

The state lives in the results snapshot as parts (``chalicelib/storage/snapshots.py``):

- ``state``: the atom tables (``analysis.atoms``: respondents summed per partner and attributes)
  of the wave and of its previous wave, invitation atoms, comment counts per tier, region, label,
  themes with each theme's own tone (``domain.theme_tone``) and partner (for the partner
  threshold), the drivers per scope of the last full build, and the bucket count. Its size grows
  with partners and segments, not with responses.
- ``bucket:NNN``: the responses of one bucket (a hash of the invitation id): each response's
  contribution to the atoms with its version, and its comment records. The explorer reads
  comments from here.

A full build (``full_state``) makes all of it from the wave's responses. A live update
(``apply_responses``) replaces the entries of the changed responses in their buckets and moves the
atoms and comment counts by the difference: replacing an entry with the same version changes
nothing, and an older version never replaces a newer one, so replaying a stream batch is harmless.
``derived_parts`` turns a state into the published parts (scorecard and comment summary per scope),
the same function after a full build and after a live update - one computation of every number.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter

from chalicelib.domain.theme_tone import theme_label, theme_labels

SCHEMA = "pulse.wave-state/2"  # 2: comment counts carry each theme's own tone and the partner id
STATE_PART = "state"
BUCKET_PREFIX = "bucket:"
BUCKET_RESPONSES = 1_000  # responses per bucket the bucket count aims at


def bucket_count(expected_responses: int) -> int:
    """Buckets for a wave expecting this many responses (its invitations): about 1,000 per bucket."""
    return max(1, math.ceil(max(expected_responses, 1) / BUCKET_RESPONSES))


def bucket_of(invitation_id: str, buckets: int) -> str:
    """The bucket part name of a response."""
    index = int(hashlib.sha256(invitation_id.encode("utf-8")).hexdigest()[:8], 16) % buckets
    return f"{BUCKET_PREFIX}{index:04d}"


def response_entries(responses, survey, specs, nps_id) -> dict[str, dict]:
    """{invitation id: {"version", "row"}}: each submitted response's contribution to the atoms."""
    from analysis.frame import respondents_from_tidy, tidy_responses

    submitted = [r for r in responses if r.status == "submitted"]
    if not submitted:
        return {}
    respondents = respondents_from_tidy(tidy_responses(submitted, survey), survey)
    return entries_of_frame(respondents, {r.invitation_id: int(r.version) for r in submitted}, specs, nps_id)


def entries_of_frame(respondents, versions: dict[str, int], specs, nps_id) -> dict[str, dict]:
    """``response_entries`` from a respondent frame already built (``analysis.frame``) and versions."""
    from analysis.atoms import KEY_COLUMNS, contributions, stat_names, to_records

    if not len(respondents):
        return {}
    rows = contributions(respondents, specs, nps_id)[[*KEY_COLUMNS, *stat_names(specs, nps_id)]]
    return {inv: {"version": versions[inv], "row": row}
            for inv, row in zip(respondents["response_id"], to_records(rows)["rows"], strict=True)}


def comment_records(parts: dict[str, object]) -> list[dict]:
    """The comment records of a snapshot's parts (every bucket, buckets in order)."""
    return [c for name in sorted(n for n in parts if n.startswith(BUCKET_PREFIX))
            for c in parts[name].get("comments", [])]


def _comment_key(record: dict) -> tuple:
    return (record.get("tier"), record.get("region"), record["label"],
            tuple(theme_labels(record).items()), record.get("partner_id"))


def _theme_pairs(themes, label: str) -> tuple:
    """The stored themes of a comment count as ((theme, theme label), ...); theme ids alone take
    the comment's label."""
    return tuple((t, label) if isinstance(t, str) else (t[0], t[1]) for t in themes)


def comment_counts(records) -> Counter:
    """Comments per (tier, region, label, (theme, theme tone) pairs, partner): all a comment summary
    needs, each theme's own tone (``domain.theme_tone``) and the distinct partners of each cell and
    theme included."""
    return Counter(_comment_key(r) for r in records)


def _count_rows(counts: Counter) -> list[list]:
    """The state's ``comments``: [tier, region, label, [[theme, tone], ...], partner id, count] rows."""
    return [[*k[:3], [list(p) for p in k[3]], k[4], n] for k, n in sorted(counts.items(), key=repr) if n > 0]


def comment_count_records(state: dict) -> list[dict]:
    """The state's comment counts as records a comment summary reads (each with a ``count``)."""
    return [{"tier": t, "region": r, "label": lab, "themes": [p[0] for p in pairs], "theme_labels": dict(pairs),
             "partner_id": p, "count": n}
            for t, r, lab, th, p, n in state["comments"] for pairs in [_theme_pairs(th, lab)]]


def full_state(wave_id: str, survey, specs, nps_id, entries: dict[str, dict], comments: list[dict], invitations,
               previous: dict | None, drivers: dict[str, list], built_at: str) -> tuple[dict, dict[str, dict]]:
    """(state, {bucket name: bucket}) of a wave built from all its responses' ``entries``.

    ``invitations``: the wave's invitation frame; ``previous``: {"wave_id", "atoms", "invitations"}
    as frames, or None; ``drivers``: drivers per scope name computed from the respondents."""
    from analysis.atoms import KEY_COLUMNS, collapse, from_records, invitation_atoms, stat_names, to_records

    names = stat_names(specs, nps_id)
    buckets_n = bucket_count(max(len(invitations) if invitations is not None else 0, len(entries)))
    buckets: dict[str, dict] = {}
    for inv, entry in entries.items():
        buckets.setdefault(bucket_of(inv, buckets_n), {"responses": {}, "comments": []})["responses"][inv] = entry
    for record in comments:
        buckets.setdefault(bucket_of(record["invitation_id"], buckets_n),
                           {"responses": {}, "comments": []})["comments"].append(record)
    for bucket in buckets.values():
        bucket["comments"].sort(key=lambda c: c["id"])
    columns = [*KEY_COLUMNS, *names]
    rows = from_records({"columns": columns, "rows": [e["row"] for e in entries.values()]})
    state = {
        "schema": SCHEMA, "wave_id": wave_id, "survey_version": survey.version, "buckets": buckets_n,
        "columns": columns, "atoms": to_records(collapse(rows, names)),
        "invitations": None if invitations is None else to_records(invitation_atoms(invitations)),
        "previous": None if previous is None else {
            "wave_id": previous["wave_id"], "atoms": to_records(previous["atoms"]),
            "invitations": None if previous["invitations"] is None
            else to_records(invitation_atoms(previous["invitations"]))},
        "comments": _count_rows(comment_counts(comments)),
        "drivers": drivers, "full_build": built_at,
    }
    return state, buckets


def apply_responses(state: dict, buckets: dict[str, dict], entries: dict[str, dict | None],
                    comments: dict[str, list[dict]], specs, nps_id) -> tuple[int, set[str]]:
    """Replace the changed responses' entries and comments; move atoms and comment counts by the
    difference. ``entries``: {invitation id: new entry, or None when no longer submitted};
    ``comments``: {invitation id: its comment records}. ``buckets`` must hold every bucket of
    those invitations (missing ones start empty). Returns (responses changed, buckets touched)."""
    from analysis.atoms import KEY_COLUMNS, apply, from_records, stat_names, to_records

    from .release import record as record_change

    names = stat_names(specs, nps_id)
    removed, added, touched, changed = [], [], set(), 0
    counts = Counter()
    for t, r, lab, th, p, n in state["comments"]:
        counts[(t, r, lab, _theme_pairs(th, lab), p)] += n
    for inv, entry in entries.items():
        name = bucket_of(inv, state["buckets"])
        bucket = buckets.setdefault(name, {"responses": {}, "comments": []})
        old = bucket["responses"].get(inv)
        if old is not None and entry is not None and old["version"] > entry["version"]:
            continue  # a stale record (replayed after a newer version was applied)
        if old == entry and entry is not None:
            continue
        changed += 1
        touched.add(name)
        record_change(state, inv, old and old["row"], entry and entry["row"], len(KEY_COLUMNS))
        if old is not None:
            removed.append(old["row"])
            del bucket["responses"][inv]
        if entry is not None:
            added.append(entry["row"])
            bucket["responses"][inv] = entry
        for record in [c for c in bucket["comments"] if c["invitation_id"] == inv]:
            counts[_comment_key(record)] -= 1
        kept = [c for c in bucket["comments"] if c["invitation_id"] != inv]
        new = comments.get(inv, []) if entry is not None else []
        counts.update(_comment_key(r) for r in new)
        bucket["comments"] = sorted(kept + list(new), key=lambda c: c["id"])
    if changed:
        columns = state["columns"]
        atoms = apply(from_records(state["atoms"]),
                      from_records({"columns": columns, "rows": removed}),
                      from_records({"columns": columns, "rows": added}), names)
        state["atoms"] = to_records(atoms)
        state["comments"] = _count_rows(counts)
    return changed, touched


def _wave_data(wave_id: str, atoms_records: dict, invitation_records: dict | None, meta: dict | None = None):
    from analysis.atoms import from_records
    from analysis.scorecard import WaveData

    atoms = from_records(atoms_records)
    invitations = from_records(invitation_records) if invitation_records else None
    return WaveData(wave_id=wave_id, respondents=atoms.iloc[0:0], invitations=invitations, meta=meta or {},
                    atoms=atoms)


def scope_names(atoms) -> list:
    """The scopes (``Scope``) a viewer may hold that have respondents in an atom table."""
    from chalicelib.security.staff import SCOPE_DIMENSIONS, Scope

    return [Scope(dim, str(value)) for dim in SCOPE_DIMENSIONS
            for value in sorted(v for v in atoms[dim].dropna().unique())]


def _scoped(wave, scope):
    from analysis.scorecard import WaveData

    if scope is None:
        return wave
    atoms, invitations = wave.atoms, wave.invitations
    if invitations is not None:
        invitations = invitations[invitations[scope.dimension] == scope.value]
    return WaveData(wave_id=wave.wave_id, respondents=wave.respondents, invitations=invitations, meta=wave.meta,
                    atoms=atoms[atoms[scope.dimension].astype(object) == scope.value])


def derived_parts(state: dict, specs, meta: dict, breakdowns: str, thresholds, catalogue: dict,
                  summarise) -> dict[str, object]:
    """The published parts of a state: ``scorecard:<scope>`` and ``comment_summary:<scope>`` for the
    whole wave and every scope. The scorecards are planned jointly (``analysis.disclosure``): nothing
    one view shows combines with another to give a value either withholds. The live summaries keep
    the per-view thresholds only (read only by roles allowed every comment); the copies released to
    restricted readers are planned jointly at release (``release.maybe_release``,
    ``analysis.summary_disclosure``). ``summarise(records, threshold, min_partners, complement)``: the
    comment summary of one view (records may carry a ``count``), its complements left to the plan."""
    from datetime import UTC, datetime

    from analysis.atoms import KEY_COLUMNS
    from analysis.disclosure import View, plan_jointly
    from analysis.scorecard import build_scorecard
    from analysis.summary_disclosure import CommentAtoms, summary_views
    from analysis.summary_disclosure import plan as plan_summaries

    from .release import PENDING_PART, maybe_release

    current = _wave_data(state["wave_id"], state["atoms"], state["invitations"], meta)
    previous = state.get("previous")
    before = _wave_data(previous["wave_id"], previous["atoms"], previous["invitations"]) if previous else None
    comment_atoms = comment_count_records(state)
    previous_plan = _previous_plan(previous, before, specs, breakdowns, thresholds) if before is not None else None
    parts: dict[str, object] = {}
    views = []
    for scope in [None, *scope_names(current.atoms)]:
        name = str(scope) if scope else "all"
        doc = build_scorecard(_scoped(current, scope), specs, breakdowns,
                              previous=_scoped(before, scope) if before is not None else None,
                              threshold=thresholds.scores, drivers=(state.get("drivers") or {}).get(name, []),
                              min_partners=thresholds.partners)
        doc["program"] = catalogue
        doc["drivers_built_at"] = state.get("full_build")
        parts[f"scorecard:{name}"] = doc
        views.append(View(name, doc, (scope.dimension, scope.value) if scope else None))
        scoped = [c for c in comment_atoms if scope is None or scope.admits(c)]
        parts[f"comment_summary:{name}"] = summarise(scoped, thresholds.comments, thresholds.partners, complement=False)
    plan_jointly(views, current.atoms, thresholds.scores, thresholds.partners, previous=previous_plan)

    def plan_released(summaries: dict) -> list:
        """The joint plan of the released summaries (the live ones keep the per-view thresholds:
        their readers may read the comments themselves); the comment counts it planned on."""
        plan_summaries(summary_views(summaries), CommentAtoms(comment_atoms, lattice=True, tone_of=theme_label),
                       thresholds.comments, thresholds.partners)
        return state["comments"]

    maybe_release(state, parts, views, thresholds.changes or thresholds.scores,
                  datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), state["columns"][:len(KEY_COLUMNS)],
                  plan_summaries=plan_released, summary_interval_s=thresholds.summary_interval_s)
    parts[PENDING_PART] = sorted(state.get("pending") or {})
    return parts


_PREVIOUS_PLANS: dict[tuple, object] = {}


def _previous_plan(previous: dict, before, specs, breakdowns: str, thresholds):
    """The previous wave's joint plan (what its own snapshot withholds), computed the same way from
    its atoms. Its withheld segments are kept in the state (``previous["plan"]``, with a fingerprint
    of what they were computed from), so a cold process reads them instead of rebuilding the
    previous wave's scorecards: built once per version of the previous wave (and kept per process)."""
    import hashlib
    import json

    from analysis.disclosure import Items, View, collect, plan_jointly
    from analysis.scorecard import build_scorecard

    fingerprint = hashlib.sha256(json.dumps([previous["atoms"], breakdowns, [s.id for s in specs],
                                             thresholds.scores, thresholds.partners], sort_keys=True,
                                            default=str).encode()).hexdigest()
    stored = previous.get("plan") or {}
    if stored.get("fingerprint") != fingerprint:
        if fingerprint not in _PREVIOUS_PLANS:
            views = []
            for scope in [None, *scope_names(before.atoms)]:
                doc = build_scorecard(_scoped(before, scope), specs, breakdowns, threshold=thresholds.scores,
                                      drivers=[], min_partners=thresholds.partners)
                views.append(View(str(scope) if scope else "all", doc,
                                  (scope.dimension, scope.value) if scope else None))
            plan_jointly(views, before.atoms, thresholds.scores, thresholds.partners)
            _PREVIOUS_PLANS.clear()
            _PREVIOUS_PLANS[fingerprint] = collect(views, union_of_withheld=True).withheld
        stored = previous["plan"] = {"fingerprint": fingerprint, "withheld": {
            name: sorted([list(pair) for pair in key] for key in keys)
            for name, keys in sorted(_PREVIOUS_PLANS[fingerprint].items())}}
    return Items(withheld={name: {tuple(tuple(pair) for pair in key) for key in keys}
                           for name, keys in stored["withheld"].items()})
