""""What we changed since last time" on a partner's next form (issue 22).

The done actions that came from a finding of an earlier wave of the same survey, whose partners were
told what changed (their ``public_summary``, set by "you said, we did"), and whose target segments
include this partner. Newest first, at most three. One GSI1 query (done actions), no Scan; the
request path imports nothing heavy.
"""
from __future__ import annotations

from chalicelib.domain import actions as domain

MAX_ITEMS = 3


def changed_since_last(actions_repo, waves_repo, wave, partner) -> list[str]:
    """The public summaries to list on the form of ``partner`` in ``wave`` (empty when none)."""
    if partner is None:
        return []
    earlier = {w.wave_id for w in waves_repo.waves_of_survey(wave.survey_id) if w.opens_at < wave.opens_at}
    if not earlier:
        return []
    attributes = {"tier": partner.tier, "region": partner.region, "programs": partner.programs,
                  "partner_types": partner.partner_types}
    picked = [a for a in actions_repo.all("done")
              if a.get("public_summary") and (a.get("finding") or {}).get("wave_id") in earlier
              and domain.segments_of(a).matches(partner.partner_id, attributes)]
    picked.sort(key=lambda a: a.get("told_at") or a.get("updated_at") or "", reverse=True)
    return [a["public_summary"] for a in picked[:MAX_ITEMS]]
