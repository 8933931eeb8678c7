"""Small builders for analysis tests: respondent frames and response records."""
from __future__ import annotations

import pandas as pd

from analysis.frame import QuestionSpec

SPECS = [
    QuestionSpec("q_nps", "nps"),
    QuestionSpec("q_portal", "rating", scale=5, program="partner_connect", topic="partner_portal"),
    QuestionSpec("q_support", "rating", scale=5, topic="technical_support"),
    QuestionSpec("q_model", "single_choice", options=("resale", "services")),
    QuestionSpec("q_programs", "multi_choice", options=("technical_assessment", "proof_of_concept")),
    QuestionSpec("q_comment", "text"),
]


def respondent(i: int, nps: float, tier: str = "advanced", region: str = "EMEA", partner: str | None = None,
               revenue: float = 100.0, portal: float = 4, support: float = 3, programs=("proof_of_concept",),
               model: str = "resale", chosen=("proof_of_concept",), comment: str | None = None) -> dict:
    return {"response_id": f"r{i}", "wave_id": "w", "partner_id": partner or f"P{i}", "contact_id": f"c{i}",
            "language": "en", "tier": tier, "region": region, "country": "DE", "partner_types": ("reseller",),
            "transacting": "yes", "annual_revenue": revenue, "revenue_band": "mid", "programs": tuple(programs),
            "q_nps": float(nps), "q_portal": float(portal), "q_support": float(support), "q_model": model,
            "q_programs": tuple(chosen), "q_comment": comment}


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)
