"""A change's effect estimates as of the current results (issue 22).

The change page and the leadership report ask for a change's estimates; they are computed from the
survey's waves when the results moved since the last computation, and read back otherwise. The
cache key is the change's own fields, the thresholds and the results snapshot version of every
wave of the survey: a new snapshot (a response arrived, a correction, a closed wave) makes the next
view recompute. The result is stored on the change (``estimates``, ``estimated_at``,
``estimate_key``), so every reader and ``pulse changes list`` see the same figures. The suppression
threshold (respondents per group and period) and the partner threshold (partners per group) apply.
The estimator (pandas) is imported only when a computation is needed.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

ESTIMATE_FIELDS = ("change_id", "effective", "segments", "metrics")


def estimate_key(change: dict, versions: list[tuple[str, str | None]], threshold: int, min_partners: int,
                 level: float) -> str:
    """A short digest of what the estimate depends on."""
    material = {"change": {k: change.get(k) for k in ESTIMATE_FIELDS}, "versions": versions,
                "threshold": threshold, "min_partners": min_partners, "level": level}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:20]


def snapshot_versions(repos, snapshots, survey_id: str) -> list[tuple[str, str | None]]:
    """(wave id, results snapshot version or None) of every wave of the survey, oldest first."""
    waves = sorted(repos.waves.waves_of_survey(survey_id), key=lambda w: (w.opens_at, w.wave_id))
    return [(w.wave_id, (snapshots.pointer(w.wave_id) or {}).get("version")) for w in waves]


def current_estimates(repos, snapshots, changes_repo, change: dict, survey_id: str, now: datetime, *,
                      threshold: int = 5, min_partners: int = 3, level: float = 0.90) -> list[dict]:
    """The change's estimates on every linked metric, recomputed only when the key moved."""
    versions = snapshot_versions(repos, snapshots, survey_id)
    key = estimate_key(change, versions, threshold, min_partners, level)
    if change.get("estimate_key") == key and change.get("estimates") is not None:
        return change["estimates"]
    from analysis.impact_loader import estimate_change, survey_history
    from chalicelib.services.changes import change_to_record

    history, scales = survey_history(repos, survey_id)
    docs = estimate_change(history, scales, change_to_record(change), level=level, min_partners=min_partners,
                           threshold=threshold)
    changes_repo.set_estimates(change["change_id"], docs, now.strftime("%Y-%m-%dT%H:%M:%SZ"), key)
    change.update(estimates=docs, estimate_key=key, estimated_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return docs
