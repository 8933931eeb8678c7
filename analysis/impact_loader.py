"""A change's effect estimates from the repositories: every wave of a survey as one respondent
frame (``wave_date`` = the day the wave opened), weighted per wave like the headline
(post-stratification to the invited tier x region), then ``analysis.impact.estimate_effect``.
Imports no AWS code: takes the ``Repositories`` bundle (DynamoDB or fakes)."""
from __future__ import annotations

import math

import pandas as pd

from .impact import Metric, affected_flags, estimate_effect


def survey_history(repos, survey_id: str, partners=None, wave_ids=None) -> tuple[pd.DataFrame, dict]:
    """All waves of the survey (or only ``wave_ids``: the closed ones a released estimate reads), as
    respondents with ``wave_id``, ``wave_date``, ``weight``, and the rating scale of each scale question."""
    from .repository_loader import load_wave
    from .weighting import cell_weights

    partners = partners if partners is not None else repos.partners.all()
    frames, scales = [], {}
    for wave in repos.waves.waves_of_survey(survey_id):
        if wave_ids is not None and wave.wave_id not in wave_ids:
            continue
        data, specs = load_wave(repos, wave.wave_id, progress=False, partners=partners)
        scales.update({s.id: s.scale for s in specs if s.scale})
        if data.respondents.empty:
            continue
        weighted = cell_weights(data.respondents, data.invitations)
        frame = data.respondents.assign(wave_id=wave.wave_id, wave_date=wave.opens_at[:10])
        if weighted is not None:
            frame = frame.assign(weight=weighted[0])
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["partner_id", "wave_id", "wave_date"]), scales
    history = pd.concat(frames, ignore_index=True)
    if "weight" in history:
        history["weight"] = history["weight"].fillna(1.0)
    return history, scales


def estimate_change(history: pd.DataFrame, scales: dict, change, *, level: float = 0.90, min_partners: int = 3,
                    threshold: int = 5, previous: dict | None = None) -> list[dict]:
    """One estimate document per linked metric of the change (nps, top2, mean); JSON-safe. ``previous``:
    metric reference -> the document published before (its pre-trend check is kept, ``estimate_effect``)."""
    frame = history.assign(affected=affected_flags(history, change.segments)) if len(history) else history
    docs = []
    for ref in change.metrics:
        if ref.kind not in ("nps", "top2", "mean"):
            continue
        metric = Metric(ref.kind, ref.question, scale=scales.get(ref.question))
        if not len(frame) or ref.question not in frame:
            docs.append({"metric": metric.name(), "status": "not enough data", "reason": "no answers to this question",
                         "verdict": f"Not enough data for {metric.name()}: no answers to this question."})
            continue
        doc = estimate_effect(frame, metric, change.effective, change=f"the change '{change.description}'",
                              who=f"affected partners ({change.segments.describe()})", level=level,
                              min_partners=min_partners, min_respondents=threshold,
                              previous=(previous or {}).get(str(ref)))
        docs.append({"metric_ref": str(ref), **json_safe(doc)})
    return docs


def json_safe(value):
    """Plain JSON values: numpy scalars to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
