"""The disclosure audit of a wave's stored snapshot: every view's scorecard as published, against
atoms recounted from the stored responses (``analysis.disclosure.audit``), for the wave and for
its previous wave (whose values the comparisons publish as well); and every view's comment summary
restricted readers read (the released copies), against the comment counts they were planned on
(``analysis.summary_disclosure.audit``)."""
from __future__ import annotations


def _views(store, wave_id: str):
    from analysis.disclosure import View

    from .results import _part, snapshot_info

    pointer = snapshot_info(store, wave_id)
    views = []
    for name in sorted(pointer.get("parts", {})):
        if not name.startswith("scorecard:"):
            continue
        scope_name = name.split(":", 1)[1]
        scope = None if scope_name == "all" else tuple(scope_name.split("=", 1))
        doc = _part(store, wave_id, name, pointer)
        if doc and doc.get("overall"):
            views.append(View(scope_name, doc, scope))
    return views


def audit_wave(repos, store, wave_id: str, thresholds) -> dict:
    """Findings for the wave and its previous wave: ``{"waves": [{wave, views, withheld, findings}]}``."""
    from analysis.disclosure import audit, collect
    from analysis.estimation import wave_atoms

    from .results import SnapshotMissing
    from .snapshot_builder import load_wave_data, previous_wave_id, scored_specs

    partners = repos.partners.all()
    current, _, survey, _ = load_wave_data(repos, wave_id, partners)
    specs, nps_id = scored_specs(survey)
    views = _views(store, wave_id)
    out = []
    checks = [(wave_id, current, views, None)]
    previous_id = previous_wave_id(repos, wave_id)
    if previous_id:
        before = load_wave_data(repos, previous_id, partners)[0]
        try:
            previous_views = _views(store, previous_id)
        except SnapshotMissing:
            previous_views = []
        checks.append((previous_id, before, previous_views, views))
    for checked_id, data, own, next_views in checks:
        items = collect(own, previous_of=next_views)
        findings = audit(items, wave_atoms(data, specs, nps_id), thresholds.scores, thresholds.partners)
        out.append({"wave": checked_id, "views": [v.name for v in own],
                    "withheld": sum(len(k) for k in items.withheld.values()),
                    "published": sum(len(k) for k in items.published.values()),
                    "findings": [f.describe() for f in findings]})
    return {"threshold": thresholds.scores, "min_partners": thresholds.partners, "waves": out,
            "comment_summaries": [audit_summaries(store, w, thresholds) for w in [c[0] for c in checks]
                                  if _has_summaries(store, w)]}


def _has_summaries(store, wave_id: str) -> bool:
    from .results import SnapshotMissing, snapshot_info

    try:
        return any(n.startswith("comment_summary:") for n in snapshot_info(store, wave_id).get("parts", {}))
    except SnapshotMissing:
        return False


def audit_summaries(store, wave_id: str, thresholds) -> dict:
    """Findings over every view's comment summary a restricted reader reads of a wave's snapshot:
    ``{wave, views, published, withheld, findings, copies}`` (values are comment, label and theme
    counts). Those are the released copies (``release``), audited against the comment counts they
    were planned on; a snapshot from before released summaries: its summaries against its comments."""
    from analysis.summary_disclosure import CommentAtoms, audit, collect, summary_views
    from chalicelib.domain.theme_tone import theme_label

    from .release import COMMENT_COUNTS, RELEASED, SUMMARY_PREFIX
    from .results import _comments, _part, snapshot_info
    from .wave_state import comment_count_records

    pointer = snapshot_info(store, wave_id)
    names = sorted(pointer.get("parts", {}))
    prefix = RELEASED + SUMMARY_PREFIX
    counts = _part(store, wave_id, COMMENT_COUNTS, pointer) if COMMENT_COUNTS in names else None
    if counts is None:
        prefix = SUMMARY_PREFIX
        records = _comments(store, wave_id, pointer)
    else:
        records = comment_count_records(counts)
    parts = {name: _part(store, wave_id, name, pointer) for name in names if name.startswith(prefix)}
    views = summary_views(parts, prefix)
    atoms = CommentAtoms(records, lattice=True, tone_of=theme_label)
    published, withheld = collect(views, atoms, thresholds.comments, thresholds.partners)
    findings = audit(views, atoms, thresholds.comments, thresholds.partners)
    return {"wave": wave_id, "views": [name[len(prefix):] for name in parts], "published": len(published),
            "withheld": len(withheld), "threshold": thresholds.comments,
            "copies": "released" if counts is not None else "live", "findings": [f.describe() for f in findings]}
