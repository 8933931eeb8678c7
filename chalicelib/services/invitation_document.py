"""The JSON API's view of an invitation: what this partner is asked, in the language served.

A client needs nothing else to show the survey and to submit an answer the server accepts:

- ``language`` is the language actually served (the saved response's, else the contact's,
  else the survey's default) and always one the survey offers;
- ``sections`` hold only the questions that apply to this partner (conditions on partner
  attributes are decided here), localised, with ``{partner.*}`` piping done;
- each question's ``show_if`` is what remains of its logic: None (always shown) or a
  condition over earlier answers in the form documented in ``domain/logic.py`` and
  ``docs/openapi.yaml`` (``ShowIf``). Evaluate it on the answers of the questions shown; a
  question not shown has no answer.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.logic import resolve_partner
from chalicelib.domain.survey import Question, localized, pipe


def served_language(view) -> str:
    """The language the partner is served: always one of the survey's languages."""
    survey = view.survey
    stored = view.response.language if view.response else None
    if stored in survey.languages:
        return stored
    return survey.language_for(view.invitation.language)


def partner_attributes(view) -> dict:
    return view.partner.snapshot() | {"name": view.partner.name} if view.partner else {}


def invitation_document(view, now: datetime, labels=None) -> dict:
    """The body of ``GET /api/v1/invitations/{token}``."""
    language = served_language(view)
    partner = partner_attributes(view)
    response = view.response

    def text(value) -> str:
        return pipe(localized(value, language), partner, labels)

    sections = []
    for section in view.survey.sections:
        questions = []
        for question in section.questions:
            show_if = resolve_partner(question.eligibility, partner)
            if show_if is False:
                continue  # never asked of this partner
            questions.append(_question(question, text, show_if))
        if questions:
            sections.append({"id": section.id, "title": text(section.title),
                             "description": text(section.description) or None, "questions": questions})
    return {
        "wave": {"id": view.wave.wave_id, "closes_at": view.wave.closed_on, "open": view.is_open(now)},
        "language": language,
        "languages": list(view.survey.languages),
        "title": text(view.survey.title),
        "intro": text(view.survey.intro) or None,
        "layout": view.survey.layout,
        "sections": sections,
        "survey": {"id": view.survey.id, "version": view.survey.version},
        "response": None if response is None else {
            "status": response.status, "version": response.version,
            "answers": response.answers, "updated_at": response.updated_at},
    }


def _question(question: Question, text, show_if: dict | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": question.id, "type": question.type, "text": text(question.text),
                           "required": question.required, "help": text(question.help) or None,
                           "show_if": show_if, "na_option": question.na_option}
    if question.value_range:
        low, high = question.value_range
        out["scale"] = {"min": low, "max": high, "low_label": text(question.low_label) or None,
                        "high_label": text(question.high_label) or None}
    if question.options:
        out["options"] = [{"id": o.id, "label": text(o.label)} for o in question.options]
    if question.items:
        out["items"] = [{"id": o.id, "label": text(o.label)} for o in question.items]
    if question.type == "text":
        out["max_length"] = question.max_length
    return out
