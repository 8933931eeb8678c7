"""A change's effect estimates as of the current results (issue 22), in two readings.

*Live* (readers allowed respondent-level data: admins and analysts of identified surveys): computed
from every wave of the survey when the results moved since the last computation, and read back
otherwise. Its key is the change's own fields, the thresholds and the results snapshot version of
every wave: a new snapshot (a response arrived, a correction, a closed wave) makes the next view
recompute. Stored on the change (``estimates``, ``estimated_at``, ``estimate_key``).

*Released* (everyone else: viewers, and every reader of an aggregate survey, ``release.restricted``;
the leadership report of an aggregate survey): computed from **closed waves only** and keyed by their
ids (not by snapshot versions), so one response to an open wave never moves it; the open wave counts,
as a whole, once it closes. A wave once in the released set stays in it when reopened, so answers added
meanwhile (or corrections) show only together with a whole newly closed wave. Stored on the change
(``released_estimates``, ``released_at``, ``released_key``, ``released_waves``).

The suppression threshold (respondents per group and period) and the partner threshold (partners per
group) apply to both. The estimator (pandas) is imported only when a computation is needed.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from chalicelib.domain.waves import CLOSED, iso

ESTIMATE_FIELDS = ("change_id", "effective", "segments", "metrics")
CLOSED_BASIS = "closed waves only"  # marks each released estimate document (``basis``)


def estimate_key(change: dict, versions: list[tuple[str, str | None]], threshold: int, min_partners: int,
                 level: float) -> str:
    """A short digest of what the estimate depends on."""
    material = {"change": {k: change.get(k) for k in ESTIMATE_FIELDS}, "versions": versions,
                "threshold": threshold, "min_partners": min_partners, "level": level}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _waves(repos, survey_id: str) -> list:
    return sorted(repos.waves.waves_of_survey(survey_id), key=lambda w: (w.opens_at, w.wave_id))


def snapshot_versions(repos, snapshots, survey_id: str) -> list[tuple[str, str | None]]:
    """(wave id, results snapshot version or None) of every wave of the survey, oldest first."""
    return [(w.wave_id, (snapshots.pointer(w.wave_id) or {}).get("version")) for w in _waves(repos, survey_id)]


def closed_wave_ids(repos, survey_id: str, now: datetime, kept=()) -> list[str]:
    """The survey's waves that take no more answers (closed, or past their closing instant), oldest
    first; waves in ``kept`` (the last released set) stay even when reopened."""
    stamp, kept = iso(now), set(kept)
    return [w.wave_id for w in _waves(repos, survey_id)
            if w.status == CLOSED or w.closes_at <= stamp or w.wave_id in kept]


def survey_reporting(repos, survey_id: str | None) -> str:
    """``identified`` only when every wave of the survey runs an identified version; else ``aggregate``
    (unknown surveys too: the safe side)."""
    from chalicelib.domain.errors import PulseError

    if not survey_id:
        return "aggregate"
    try:
        waves = repos.waves.waves_of_survey(survey_id)
        modes = {getattr(repos.surveys.get(w.survey_id, w.survey_version), "reporting", "aggregate") for w in waves}
    except PulseError:
        return "aggregate"
    return "identified" if modes == {"identified"} else "aggregate"


def _compute(repos, change: dict, survey_id: str, threshold: int, min_partners: int, level: float,
             wave_ids=None, previous: dict | None = None) -> list[dict]:
    from analysis.impact_loader import estimate_change, survey_history
    from chalicelib.services.changes import change_to_record

    history, scales = survey_history(repos, survey_id, wave_ids=wave_ids)
    return estimate_change(history, scales, change_to_record(change), level=level, min_partners=min_partners,
                           threshold=threshold, previous=previous)


def current_estimates(repos, snapshots, changes_repo, change: dict, survey_id: str, now: datetime, *,
                      threshold: int = 5, min_partners: int = 3, level: float = 0.90) -> list[dict]:
    """The change's live estimates on every linked metric, recomputed only when the key moved."""
    versions = snapshot_versions(repos, snapshots, survey_id)
    key = estimate_key(change, versions, threshold, min_partners, level)
    if change.get("estimate_key") == key and change.get("estimates") is not None:
        return change["estimates"]
    docs = _compute(repos, change, survey_id, threshold, min_partners, level)
    changes_repo.set_estimates(change["change_id"], docs, iso(now), key, survey_id)
    change.update(estimates=docs, estimate_key=key, estimated_at=iso(now), estimate_survey=survey_id)
    return docs


def released_estimates(repos, changes_repo, change: dict, survey_id: str, now: datetime, *,
                       threshold: int = 5, min_partners: int = 3, level: float = 0.90) -> list[dict]:
    """The change's estimates from closed waves only, recomputed only when the set of closed waves (or
    the change, or a threshold) moved; each document says so (``basis``)."""
    waves = closed_wave_ids(repos, survey_id, now, change.get("released_waves") or ())
    key = estimate_key(change, [(survey_id, None), *[(w, CLOSED) for w in waves]], threshold, min_partners, level)
    if change.get("released_key") == key and change.get("released_estimates") is not None:
        return change["released_estimates"]
    # the previous release's pre-trend checks stay while the change and the thresholds do: a correction to
    # a pre-change wave would otherwise be the only thing moving that figure when the next wave closes
    basis = estimate_key(change, [(survey_id, None)], threshold, min_partners, level)
    previous = {d["metric_ref"]: d for d in change.get("released_estimates") or []
                if "metric_ref" in d and d.get("basis_key") == basis}
    computed = _compute(repos, change, survey_id, threshold, min_partners, level, wave_ids=set(waves),
                        previous=previous)
    docs = [{**doc, "basis": CLOSED_BASIS, "basis_key": basis} for doc in computed]
    changes_repo.set_released_estimates(change["change_id"], docs, iso(now), key, waves, survey_id)
    change.update(released_estimates=docs, released_key=key, released_at=iso(now), released_waves=waves,
                  estimate_survey=survey_id)
    return docs


def estimates_for(repos, snapshots, changes_repo, change: dict, survey_id: str, now: datetime,
                  restricted: bool | None = None, **options) -> list[dict]:
    """The estimates a reader gets: released ones for restricted readers (``None``: decided by the
    survey's reporting, as for the leadership report), live ones otherwise."""
    if restricted is None:
        restricted = survey_reporting(repos, survey_id) != "identified"
    if restricted:
        return released_estimates(repos, changes_repo, change, survey_id, now, **options)
    return current_estimates(repos, snapshots, changes_repo, change, survey_id, now, **options)
