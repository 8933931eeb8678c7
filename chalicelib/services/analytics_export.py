"""De-identified, tidy responses of a wave for SQL over all waves (S3 + Glue + Athena).

One JSON object per (submitted response, answered question), gzip-compressed JSON lines under
``analytics/responses/wave=<wave id>/part-0000.json.gz`` of the report bucket, so the Glue table
``responses`` (partitioned by ``wave``) covers every wave. De-identified whatever the survey's
reporting setting: the respondent is a salted hash (stable within the wave, not linkable to the
invitation), no partner id, name, contact or free text (comments stay in the dashboard, under its
suppression rules). With ``reporting: aggregate`` only tier and region describe the respondent;
``identified`` surveys add country and partner types.
"""
from __future__ import annotations

import gzip
import hashlib
import json

COLUMNS = ("wave_id", "respondent", "tier", "region", "country", "partner_types", "language",
           "submitted_on", "question_id", "question_type", "value_number", "value_choice")


def object_key(wave_id: str) -> str:
    """Where the wave's file goes (Hive-style partition folder)."""
    return f"analytics/responses/wave={wave_id}/part-0000.json.gz"


def _respondent(salt: str, wave_id: str, invitation_id: str) -> str:
    return hashlib.sha256(f"{salt}|{wave_id}|{invitation_id}".encode()).hexdigest()[:20]


def tidy_rows(responses, survey, wave_id: str, salt: str) -> list[dict]:
    """Long-format rows of the submitted responses (free-text questions left out)."""
    detailed = getattr(survey, "reporting", "aggregate") == "identified"
    questions = [q for q in survey.questions() if q.type != "text"]
    rows = []
    for response in sorted(responses, key=lambda r: r.invitation_id):
        if response.status != "submitted":
            continue
        partner = response.partner or {}
        base = {"wave_id": wave_id, "respondent": _respondent(salt, wave_id, response.invitation_id),
                "tier": partner.get("tier"), "region": partner.get("region"),
                "country": partner.get("country") if detailed else None,
                "partner_types": list(partner.get("partner_types") or []) if detailed else None,
                "language": response.language, "submitted_on": (response.submitted_at or "")[:10] or None}
        for question in questions:
            value = (response.answers or {}).get(question.id)
            if value is None or value == "" or value == []:
                continue
            choices = value if isinstance(value, list) else [value]
            for choice in choices:
                number = choice if isinstance(choice, int | float) and not isinstance(choice, bool) else None
                rows.append({**base, "question_id": question.id, "question_type": question.type,
                             "value_number": number,
                             "value_choice": None if number is not None else str(choice)})
    return rows


def encode(rows: list[dict]) -> bytes:
    """Gzip-compressed JSON lines (what the Glue table's JSON SerDe reads)."""
    text = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
                   for row in rows)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def export_wave(repos, sink, wave_id: str, salt: str) -> dict:
    """Write the wave's tidy file through ``sink(key, data)``; returns counts."""
    wave = repos.waves.get(wave_id)
    survey = repos.surveys.get(wave.survey_id, wave.survey_version)
    rows = tidy_rows(repos.responses.for_wave(wave_id), survey, wave_id, salt)
    key = object_key(wave_id)
    sink(key, encode(rows))
    return {"key": key, "rows": len(rows)}
