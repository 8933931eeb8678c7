"""From plain records to frames: the tidy frame (one row per response x question) and the
respondent frame (one row per response, one column per question) the statistics use.

Records are the repository's objects (``Response``, ``Invitation``, ``Partner``) or plain dicts
with the same field names. Only submitted responses count unless ``include_partial`` is set.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PARTNER_COLUMNS = ("tier", "region", "country", "partner_types", "transacting", "annual_revenue",
                   "revenue_band", "programs")
RESPONSE_COLUMNS = ("response_id", "wave_id", "partner_id", "contact_id", "language")
SCALE_TYPES = ("nps", "rating")


@dataclass(frozen=True)
class QuestionSpec:
    """What the analysis needs to know about one question."""

    id: str
    type: str
    scale: int | None = None
    options: tuple[str, ...] = ()
    program: str | None = None
    topic: str | None = None
    text: str = ""
    short: str | None = None  # the survey's short label of the question (reports, charts)
    matrix: str | None = None  # a matrix row: the matrix question's id, its text and the row's label
    matrix_text: str = ""
    row_label: str = ""


def question_specs(survey: Any) -> list[QuestionSpec]:
    """Question specs of a ``Survey`` (chalicelib.domain.survey) or of a definition mapping."""
    if isinstance(survey, dict):
        from chalicelib.domain.survey import parse_survey_definition

        survey = parse_survey_definition(survey)
    specs = []
    for q in survey.questions():
        if q.type == "matrix":  # each row is analysed like a rating item: "<question>.<row>"
            specs.extend(QuestionSpec(id=f"{q.id}.{item.id}", type="rating", scale=q.scale, program=q.program,
                                      topic=q.topic, text=f"{(q.text or {}).get('en', '')} {item.label.get('en', '')}",
                                      matrix=q.id, matrix_text=(q.text or {}).get("en", ""),
                                      row_label=item.label.get("en", item.id), short=q.short)
                         for item in q.items)
            continue
        specs.append(QuestionSpec(id=q.id, type=q.type, scale=q.scale if q.type == "rating" else None,
                                  options=tuple(q.option_ids()), program=q.program, topic=q.topic,
                                  text=(q.text or {}).get("en", ""), short=q.short))
    return specs


def _answer_items(answers: dict, specs: dict):
    """(question id, answer) pairs with matrix answers split into their rows; N/A left out of scores."""
    for question_id, answer in answers.items():
        if isinstance(answer, dict):
            yield from ((f"{question_id}.{row}", value) for row, value in answer.items())
        else:
            yield question_id, answer


def field_of(record: Any, name: str, default: Any = None) -> Any:
    """A field of a dataclass record or a dict."""
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _partner_attributes(snapshot: Any) -> dict:
    snapshot = snapshot or {}
    revenue = field_of(snapshot, "annual_revenue")
    return {
        "tier": field_of(snapshot, "tier"), "region": field_of(snapshot, "region"),
        "country": field_of(snapshot, "country"),
        "partner_types": tuple(field_of(snapshot, "partner_types") or ()),
        "transacting": _yes_no(field_of(snapshot, "transacting")),
        "annual_revenue": float(revenue) if revenue is not None else np.nan,
        "revenue_band": field_of(snapshot, "revenue_band"),
        "programs": tuple(field_of(snapshot, "programs") or ()),
    }


def _yes_no(value: Any) -> str | None:
    if value is None:
        return None
    return "yes" if bool(value) else "no"


def _submitted(records: Iterable[Any], include_partial: bool) -> Iterable[Any]:
    for record in records:
        if include_partial or field_of(record, "status") == "submitted":
            yield record


def tidy_responses(responses: Iterable[Any], survey: Any, include_partial: bool = False,
                   progress: Any = None) -> pd.DataFrame:
    """One row per response x answered question, with the partner snapshot attributes.

    Columns: response_id, wave_id, partner_id, contact_id, language, question_id, question_type,
    program, topic, value (float, nps/rating), text (text questions), choice (single choice;
    multi choice gives one row per selected option), then the snapshot attributes.
    ``progress`` is an optional callable called once per response (e.g. a tqdm ``update``).
    """
    specs = {q.id: q for q in question_specs(survey)}
    rows = []
    for record in _submitted(responses, include_partial):
        base = {"response_id": field_of(record, "invitation_id"), "wave_id": field_of(record, "wave_id"),
                "partner_id": field_of(record, "partner_id"), "contact_id": field_of(record, "contact_id"),
                "language": field_of(record, "language") or "en"}
        attributes = _partner_attributes(field_of(record, "partner"))
        for question_id, answer in _answer_items(field_of(record, "answers") or {}, specs):
            spec = specs.get(question_id)
            if spec is None or answer is None or answer == "" or answer == []:
                continue
            if spec.type in SCALE_TYPES and answer == "na":  # "not applicable": stored, never scored
                continue
            row = {**base, "question_id": question_id, "question_type": spec.type,
                   "program": spec.program, "topic": spec.topic, "value": np.nan, "text": None,
                   "choice": None, **attributes}
            if spec.type in SCALE_TYPES:
                rows.append({**row, "value": float(answer)})
            elif spec.type == "text":
                rows.append({**row, "text": str(answer)})
            elif spec.type == "multi_choice":
                rows.extend({**row, "choice": str(option)} for option in answer)
            else:
                rows.append({**row, "choice": str(answer)})
        if progress is not None:
            progress()
    columns = [*RESPONSE_COLUMNS, "question_id", "question_type", "program", "topic", "value", "text",
               "choice", *PARTNER_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def respondents_from_tidy(tidy: pd.DataFrame, survey: Any) -> pd.DataFrame:
    """One row per response: the snapshot attributes plus one column per question.

    Scale questions become float columns (NaN when unanswered), text and single-choice questions
    string columns, multi-choice questions tuples of the selected options.
    """
    specs = question_specs(survey)
    keys = [*RESPONSE_COLUMNS, *PARTNER_COLUMNS]
    base = tidy.drop_duplicates("response_id")[keys].set_index("response_id")
    columns = {}
    for spec in specs:
        part = tidy[tidy["question_id"] == spec.id]
        if spec.type in SCALE_TYPES:
            columns[spec.id] = part.set_index("response_id")["value"].astype(float)
        elif spec.type == "text":
            columns[spec.id] = part.set_index("response_id")["text"]
        elif spec.type == "multi_choice":
            columns[spec.id] = part.groupby("response_id", sort=False)["choice"].agg(tuple)
        else:
            columns[spec.id] = part.set_index("response_id")["choice"]
    wide = base.join(pd.DataFrame(columns, index=base.index) if columns else None)
    for spec in specs:
        if spec.type in SCALE_TYPES:
            wide[spec.id] = wide[spec.id].astype(float)
    return wide.reset_index()


def invitation_frame(invitations: Iterable[Any], partners: Iterable[Any]) -> pd.DataFrame:
    """One row per invitation with the partner's current directory attributes (for response rates)."""
    directory = {field_of(p, "partner_id"): _partner_attributes({
        name: field_of(p, name) for name in PARTNER_COLUMNS}) for p in partners}
    rows = []
    for invitation in invitations:
        partner_id = field_of(invitation, "partner_id")
        rows.append({"invitation_id": field_of(invitation, "invitation_id"), "partner_id": partner_id,
                     "state": field_of(invitation, "state"),
                     **directory.get(partner_id, _partner_attributes({}))})
    return pd.DataFrame(rows, columns=["invitation_id", "partner_id", "state", *PARTNER_COLUMNS])
