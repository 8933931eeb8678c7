"""Consent: the one rule that says whether a respondent may be named.

Every path that names a respondent or acts on their identity (follow-ups from the live update
and from the full build, the "assigned to you" and reminder e-mails, the partner view, the
identity columns of the responses export, who wrote a comment in the explorer) asks
``identifiable``; nothing else decides it. A respondent is identifiable only on a survey whose
``reporting`` is ``identified`` and only when they answered its consent question "yes".
"""
from __future__ import annotations


def _answers(response_or_answers) -> dict:
    if isinstance(response_or_answers, dict):
        return response_or_answers
    return getattr(response_or_answers, "answers", None) or {}


def identifiable(survey, response_or_answers) -> bool:
    """True when this response (or its answers) may be linked to the person who gave it."""
    if survey is None or getattr(survey, "reporting", "aggregate") != "identified":
        return False
    question = getattr(survey, "consent_question", None)
    return bool(question) and _answers(response_or_answers).get(question) == "yes"


def identifiable_responses(survey, responses) -> list:
    """The responses that may be named (``identifiable``), in their order."""
    return [r for r in responses if identifiable(survey, r)]
