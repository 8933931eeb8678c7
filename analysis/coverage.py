"""Revenue coverage: the share of invited partners' annual revenue whose partner answered."""
from __future__ import annotations


def revenue_coverage(current) -> dict:
    """Share of invited partners' annual revenue whose partner answered, overall and per tier.

    Uses the directory attributes of the invitation frame (``WaveData.invitations``); a reader
    shows a tier's share only where the scorecard publishes that tier.
    """
    invitations = current.invitations
    if invitations is None or invitations.empty:
        return {"overall": None, "tier": {}}
    source = current.atoms if current.atoms is not None else current.respondents
    answered = set(source["partner_id"]) if len(source) else set()
    partners = (invitations.drop_duplicates("partner_id")
                .assign(revenue=lambda d: d["annual_revenue"].astype(float).fillna(0.0),
                        answered=lambda d: d["partner_id"].isin(answered)))

    def share(frame) -> float | None:
        total = float(frame["revenue"].sum())
        return round(float(frame.loc[frame["answered"], "revenue"].sum()) / total, 4) if total > 0 else None

    return {"overall": share(partners),
            "tier": {str(tier): share(group) for tier, group in partners.groupby("tier", sort=True)}}
