"""The partner panel (issue 22): one partner's scores across waves from its history
(``partner_view.partner_history``): per wave, respondents, the partner's NPS (100·(promoters −
detractors)/respondents), the mean of each rating, and the change against the partner's previous
wave where it answered again. Respondent-level: shown only to roles that see the partner view."""
from __future__ import annotations


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def partner_panel(history: dict) -> dict:
    rows, previous = [], None
    questions: list[str] = []
    for wave in history.get("waves", []):
        scores = [r["nps"] for r in wave["respondents"] if isinstance(r.get("nps"), (int, float))]
        nps = 100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores) if scores else None
        ratings: dict[str, list[float]] = {}
        for respondent in wave["respondents"]:
            for rating in respondent.get("ratings", []):
                if isinstance(rating.get("value"), (int, float)):
                    ratings.setdefault(rating["question"], []).append(float(rating["value"]))
        for question in ratings:
            if question not in questions:
                questions.append(question)
        row = {"wave_id": wave["wave_id"], "respondents": len(wave["respondents"]), "nps": nps,
               "ratings": {q: _mean(v) for q, v in ratings.items()}, "answered_again": previous is not None}
        if previous is not None:
            row["nps_change"] = None if nps is None or previous["nps"] is None else nps - previous["nps"]
            row["rating_changes"] = {q: (m - previous["ratings"][q]) for q, m in row["ratings"].items()
                                     if m is not None and previous["ratings"].get(q) is not None}
        rows.append(row)
        previous = row
    return {"rows": rows, "questions": questions, "waves_answered": len(rows)}
