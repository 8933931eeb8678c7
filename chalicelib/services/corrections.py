"""Reviewer corrections of a comment's sentiment label and themes (with who and when).

A correction shows at once in the comment explorer (it is overlaid on the snapshot's record)
and enters every aggregate at the next snapshot refresh (the builder applies all corrections).
``training_rows`` turns them into labelled examples for the sentiment model.
"""
from __future__ import annotations

import re
from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound

LABELS = ("positive", "neutral", "negative")
_THEME = re.compile(r"^[a-z0-9_]{1,40}$")


def correct_comment(repo, comment: dict | None, identity, body: dict, now: datetime,
                    known_themes: dict[str, str]) -> dict:
    """Validate and store a correction of ``comment`` (a snapshot record the identity may see)."""
    if comment is None or not identity.admits(comment):
        raise NotFound()
    if not isinstance(body, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    label = body.get("label")
    if label not in LABELS:
        raise InvalidInput(FieldProblem("label", f"must be one of {', '.join(LABELS)}"))
    themes = body.get("themes", comment.get("themes", []))
    if not isinstance(themes, list) or len(themes) > 10 or not all(
            isinstance(t, str) and _THEME.match(t) and (not known_themes or t in known_themes) for t in themes):
        raise InvalidInput(FieldProblem("themes", "must be a list of known theme ids"))
    correction = {
        "comment_id": comment["id"], "label": label, "themes": sorted(set(themes)),
        "previous_label": comment.get("model_label"), "previous_themes": comment.get("model_themes", []),
        "corrected_by": identity.subject, "corrected_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": comment["text"], "language": comment.get("language"), "question_id": comment["question_id"],
        "tier": comment.get("tier"), "region": comment.get("region"),
    }
    return repo.save(comment["wave_id"], correction)


def training_rows(corrections: dict[str, dict], identity) -> list[dict]:
    """Corrections as training examples (text, language, label, themes, who, when), in scope."""
    rows = []
    for correction in corrections.values():
        if not identity.admits(correction):
            continue
        rows.append({"comment_id": correction["comment_id"], "text": correction["text"],
                     "language": correction.get("language"), "label": correction["label"],
                     "themes": " ".join(correction.get("themes") or []),
                     "model_label": correction.get("previous_label"),
                     "corrected_by": correction["corrected_by"], "corrected_at": correction["corrected_at"]})
    return sorted(rows, key=lambda r: r["corrected_at"])
