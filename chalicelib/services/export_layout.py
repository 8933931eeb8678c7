"""The spreadsheet layout of the XLSX exports: what a spreadsheet user opens without cleaning.

The export tables (``exports.response_rows``, ``exports.scorecard_rows``) keep question ids as
column keys (CSV stays machine-readable). For XLSX this module adds, per column, the words a
reader understands, and reshapes answers:

- a header of question text (the survey's short label, else its English text) under a first row
  of the column ids (the keys scripts and the ``questions`` sheet use);
- single-choice answers as option labels, multi-choice answers as one column per option
  ("yes"/"no"; empty when not answered), matrix answers as one column per row;
- shares, top-2-boxes and response rates marked as percentages (the cell keeps the fraction).

Standard library only; ``survey`` is a ``chalicelib.domain.survey.Survey``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PERCENT_FORMAT = "0.0%"
FIXED_TEXT = {"response_id": "Response", "partner_id": "Partner", "tier": "Tier", "region": "Region",
              "country": "Country", "partner_types": "Partner types", "programs": "Programs used",
              "language": "Language", "submitted_at": "Submitted at", "breakdown": "Breakdown",
              "segment": "Segment", "respondents": "Respondents", "invited": "Invited",
              "response_rate": "Response rate", "nps": "NPS", "nps_low": "NPS, 95% interval low",
              "nps_high": "NPS, 95% interval high", "nps_change_vs_previous": "NPS change vs previous wave",
              "change_significant": "Change significant", "nps_weighted": "NPS weighted",
              "nps_weighted_low": "NPS weighted, 95% interval low",
              "nps_weighted_high": "NPS weighted, 95% interval high"}
TEXT_PARTS = {"sentiment": "sentiment", "themes": "themes", "tones": "tone per theme",
              "corrected": "corrected by a reviewer"}
SCORE_PARTS = {"top2": "top-2-box", "top2_low": "top-2-box, 95% interval low",
               "top2_high": "top-2-box, 95% interval high", "n": "answered", "mean": "mean"}
PERCENT_PARTS = ("top2", "top2_low", "top2_high")


@dataclass
class SheetLayout:
    ids: list[str]
    texts: list[str]
    rows: list[list]
    percent: set[int] = field(default_factory=set)  # column indexes shown as percentages


def _english(text) -> str:
    if isinstance(text, dict):
        return text.get("en") or next(iter(text.values()), "")
    return str(text or "")


def question_label(question) -> str:
    """The survey's short label of a question, else its English text."""
    return question.short or _english(question.text) or question.id


def _option_labels(question) -> dict[str, str]:
    return {o.id: _english(o.label) or o.id for o in (*question.options, *question.items)}


def _listed(value) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value


def responses_layout(headers: list[str], rows: list[list], survey) -> SheetLayout:
    """The responses table with readable headers, choice labels and one column per option."""
    questions = {q.id: q for q in survey.questions()}
    columns = []  # (id, text, value of a row)
    for i, key in enumerate(headers):
        question = questions.get(key)
        if question is None:
            base, _, part = key.rpartition("_")
            owner = questions.get(base)
            text = f"{question_label(owner)}: {TEXT_PARTS[part]}" if owner and part in TEXT_PARTS \
                else FIXED_TEXT.get(key, key)
            columns.append((key, text, lambda row, i=i: _listed(row[i])))
            continue
        labels, label = _option_labels(question), question_label(question)
        if question.type == "multi_choice":
            for option in question.options:
                columns.append((f"{key}.{option.id}", f"{label}: {labels[option.id]}",
                                lambda row, i=i, o=option.id: "" if row[i] in (None, "")
                                else ("yes" if o in (row[i] if isinstance(row[i], list | tuple) else [row[i]])
                                      else "no")))
        elif question.type == "matrix":
            for item in question.items:
                columns.append((f"{key}.{item.id}", f"{label}: {labels[item.id]}",
                                lambda row, i=i, o=item.id: row[i].get(o) if isinstance(row[i], dict) else ""))
        elif question.type == "single_choice":
            columns.append((key, label, lambda row, i=i, names=labels: names.get(row[i], row[i])
                            if isinstance(row[i], str) else row[i]))
        else:
            columns.append((key, label, lambda row, i=i: row[i]))
    return SheetLayout(ids=[c[0] for c in columns], texts=[c[1] for c in columns],
                       rows=[[value(row) for _, _, value in columns] for row in rows])


def scorecard_layout(headers: list[str], rows: list[list], survey=None, doc: dict | None = None) -> SheetLayout:
    """The scorecard table with readable headers; shares, top-2-boxes and response rates as
    percentages. Question words come from the survey (else the scorecard's question list)."""
    labels, options = {}, {}
    for q in (survey.questions() if survey is not None else []):
        labels[q.id], options[q.id] = question_label(q), _option_labels(q)
    for q in (doc or {}).get("questions", []):
        labels.setdefault(q["id"], q.get("short") or _english(q.get("text")) or q["id"])
    texts, percent = [], set()
    for index, key in enumerate(headers):
        text = FIXED_TEXT.get(key)
        if text is None:
            text = key
            for qid in sorted(labels, key=len, reverse=True):  # longest id first: q_a_b before q_a
                if key.startswith(qid + "_"):
                    part = key[len(qid) + 1:]
                    if part.startswith("share_"):
                        option = part.removeprefix("share_")
                        text = f"{labels[qid]}: share choosing {options.get(qid, {}).get(option, option)}"
                        percent.add(index)
                    else:
                        text = f"{labels[qid]}: {SCORE_PARTS.get(part, part)}"
                        if part in PERCENT_PARTS:
                            percent.add(index)
                    break
        if key == "response_rate":
            percent.add(index)
        texts.append(text)
    return SheetLayout(ids=list(headers), texts=texts, rows=rows, percent=percent)
