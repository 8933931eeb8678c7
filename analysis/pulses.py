"""Transactional pulse results (issue 27): scorecards per event type and the link to relationship NPS.

Each event type's scorecard is the ordinary one (``build_scorecard``: suppression with complements,
the partner threshold, intervals, comparisons) over all its months' responses. Breakdowns by an event
attribute (outcome approved/rejected ...) and the trend by month reuse the same pipeline through a
*carrier* column: the attribute's value (or the month) is put in ``revenue_band``, a single-valued
dimension the pulse survey never uses otherwise, and the output is relabelled. No second statistics path.

The link: for partners with pulses, does their mean transactional 0-10 score go with their relationship
NPS? One point per partner (so the interval is already clustered by partner): Pearson's r with a Fisher-z
interval and the OLS slope with a t interval; fewer than ``MIN_LINK_PARTNERS`` partners: "can't tell yet".
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .frame import invitation_frame, question_specs, respondents_from_tidy, tidy_responses
from .scorecard import WaveData, build_scorecard

CARRIER = "revenue_band"
MIN_LINK_PARTNERS = 10
STANDARD_BREAKDOWNS = [["tier"], ["region"], ["program"]]


def _with_carrier(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    return frame.assign(**{CARRIER: values.reindex(frame.index).astype(object)})


def _relabel(doc: dict, name: str) -> list[dict]:
    """The carrier breakdown's cells, with the dimension renamed to ``name``."""
    cells = []
    for breakdown in doc.get("breakdowns", []):
        if breakdown["by"] == [CARRIER]:
            for cell in breakdown["cells"]:
                segment = cell.get("segment", {})
                value = segment.get(CARRIER) if isinstance(segment, dict) else None
                cells.append({**cell, "segment": {name: value}})
    return cells


def event_type_scorecard(event_type: dict, survey: Any, responses: list, events: list[dict], partners: list,
                         threshold: int = 5, min_partners: int = 3) -> dict:
    """The transactional scorecard of one event type (see the module docstring)."""
    responses = [r for r in responses if getattr(r, "is_submitted", True)]
    by_invitation = {e["invitation_id"]: e for e in events if e.get("invitation_id")}
    tidy = tidy_responses(responses, survey)
    respondents = respondents_from_tidy(tidy, survey) if len(tidy) else pd.DataFrame()
    specs = question_specs(survey)
    invited = [{"invitation_id": e["invitation_id"], "partner_id": e["partner_id"], "state": "sent"}
               for e in by_invitation.values()]
    invitations = invitation_frame(invited, partners)
    doc = {"event_type": event_type["id"], "label": event_type["label"], "program": event_type.get("program"),
           "events": len(events), "invited": len(invited), "respondents": int(len(respondents)),
           "skipped": {}}
    for e in events:
        if e.get("status") == "skipped":
            doc["skipped"][e.get("reason", "?")] = doc["skipped"].get(e.get("reason", "?"), 0) + 1
    if respondents.empty:
        doc.update(scorecard=None, attributes={}, trend=[])
        return doc
    meta = {"survey_id": survey.id, "survey_version": survey.version}

    def card(frame, invitation_rows, breakdowns, drivers=None):
        return build_scorecard(WaveData(f"{survey.id}", frame, invitation_rows, meta, None), specs, breakdowns,
                               threshold=threshold, min_partners=min_partners, drivers=drivers)

    doc["scorecard"] = card(respondents, invitations, STANDARD_BREAKDOWNS, drivers=[])
    events_by_response = respondents["response_id"].map(by_invitation)
    invitation_events = invitations["invitation_id"].map(by_invitation)
    doc["attributes"] = {}
    for name in event_type.get("attributes", {}):
        bands = _bands([e.get("attributes", {}).get(name) for e in by_invitation.values()])
        values = events_by_response.map(lambda e, n=name, b=bands: _text((e or {}).get("attributes", {}).get(n), b))
        if values.isna().all():
            continue
        inv_values = invitation_events.map(lambda e, n=name, b=bands: _text((e or {}).get("attributes", {}).get(n), b))
        sub = card(_with_carrier(respondents, values), _with_carrier(invitations, inv_values), [[CARRIER]], [])
        doc["attributes"][name] = _relabel(sub, name)
    months = respondents["wave_id"].str.slice(-7)
    inv_months = invitation_events.map(lambda e: (e or {}).get("wave_id", "")[-7:] or None)
    trend = card(_with_carrier(respondents, months), _with_carrier(invitations, inv_months), [[CARRIER]], [])
    doc["trend"] = sorted(_relabel(trend, "month"), key=lambda c: str(c["segment"]["month"]))
    return doc


def response_profiles(event_type: dict, responses: list, events: list[dict]) -> dict[str, dict]:
    """Per submitted response (invitation id): its version and the labels of every group the event
    type's results publish it in (tier, region, programs, month, each attribute banded as the results
    band it), which the release of the results compares between builds (``services.pulse_release``)."""
    by_invitation = {e["invitation_id"]: e for e in events if e.get("invitation_id")}
    names = list(event_type.get("attributes", {}))
    bands = {n: _bands([e.get("attributes", {}).get(n) for e in by_invitation.values()]) for n in names}
    out = {}
    for r in responses:
        if getattr(r, "status", "submitted") != "submitted":
            continue
        partner = r.partner or {}
        attributes = (by_invitation.get(r.invitation_id) or {}).get("attributes", {})
        out[r.invitation_id] = {"version": r.version, "event_type": event_type["id"], "tier": partner.get("tier"),
                                "region": partner.get("region"), "programs": sorted(partner.get("programs") or []),
                                "month": str(r.wave_id)[-7:],
                                **{f"attr:{n}": _text(attributes.get(n), bands[n]) for n in names}}
    return out


def _bands(values: list) -> list[float]:
    """Upper edges of the thirds of a numeric attribute's values (a breakdown needs few segments)."""
    numbers = sorted(float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    if not numbers:
        return []
    edges = sorted({numbers[int(len(numbers) * q)] for q in (1 / 3, 2 / 3) if int(len(numbers) * q) < len(numbers)})
    return [e for e in edges if e < numbers[-1]]


def _text(value, bands: list[float] = ()) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):  # numbers fall in thirds: "up to 12", "12 to 30", "over 30"
        lower = None
        for edge in bands:
            if value <= edge:
                return f"up to {edge:g}" if lower is None else f"{lower:g} to {edge:g}"
            lower = edge
        return f"over {lower:g}" if lower is not None else "all"
    return str(value)


def partner_scores(responses: list, question_id: str, nps: bool) -> pd.Series:
    """Per partner: NPS (-100..100) of their contacts' answers, or the mean 0-10 score."""
    rows = [(r.partner_id, float(r.answers[question_id])) for r in responses
            if getattr(r, "is_submitted", True) and isinstance(r.answers.get(question_id), (int, float))]
    if not rows:
        return pd.Series(dtype=float)
    frame = pd.DataFrame(rows, columns=["partner_id", "score"])
    if nps:
        frame["score"] = np.where(frame["score"] >= 9, 100.0, np.where(frame["score"] <= 6, -100.0, 0.0))
    return frame.groupby("partner_id")["score"].mean()


def link_analysis(transactional: pd.Series, relationship: pd.Series, min_partners: int = MIN_LINK_PARTNERS) -> dict:
    """Does a partner's mean transactional score go with its relationship NPS? (one point per partner)."""
    from .student_t import two_sided_critical

    joined = pd.concat([transactional.rename("tx"), relationship.rename("rel")], axis=1, join="inner").dropna()
    k = int(len(joined))
    out: dict = {"partners": k, "min_partners": min_partners, "unit": "partner",
                 "method": "Pearson r with a Fisher-z 95% interval; OLS slope (relationship NPS points per "
                           "transactional point) with a t interval on k-2 degrees of freedom"}
    if k < min_partners or joined["tx"].std() == 0 or joined["rel"].std() == 0:
        out.update(r=None, r_interval=None, slope=None, slope_interval=None, verdict="cant_tell",
                   words=f"Can't tell yet: {k} partner(s) have both pulses and a relationship NPS "
                         f"(at least {min_partners} with varied scores are needed).")
        return out
    r = float(np.corrcoef(joined["tx"], joined["rel"])[0, 1])
    r = max(min(r, 0.999999), -0.999999)
    z, se = math.atanh(r), 1 / math.sqrt(k - 3) if k > 3 else float("inf")
    low, high = math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se)
    x, y = joined["tx"].to_numpy(), joined["rel"].to_numpy()
    slope = float(np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1))
    residuals = y - (y.mean() + slope * (x - x.mean()))
    slope_se = math.sqrt(float((residuals ** 2).sum()) / (k - 2) / float(((x - x.mean()) ** 2).sum()))
    t = two_sided_critical(0.95, k - 2)
    out.update(r=round(r, 3), r_interval=[round(low, 3), round(high, 3)], slope=round(slope, 2),
               slope_interval=[round(slope - t * slope_se, 2), round(slope + t * slope_se, 2)])
    if low > 0:
        out["verdict"] = "positive"
        out["words"] = (f"Yes: across {k} partners, a better transactional experience goes with a higher "
                        f"relationship NPS (r = {r:.2f}, 95% CI {low:.2f} to {high:.2f}); about {slope:.0f} NPS "
                        f"points per point of pulse score. A link, not proof of cause.")
    elif high < 0:
        out["verdict"] = "negative"
        out["words"] = (f"Unexpected: across {k} partners, better pulses go with a lower relationship NPS "
                        f"(r = {r:.2f}, 95% CI {low:.2f} to {high:.2f}). Check the data before acting.")
    else:
        out["verdict"] = "unclear"
        out["words"] = (f"No clear link yet: across {k} partners r = {r:.2f}, and the 95% interval "
                        f"({low:.2f} to {high:.2f}) includes zero.")
    return out
