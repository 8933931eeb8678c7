"""The partner form's confidentiality statement, generated from the survey's ``reporting`` setting
and the thresholds in force (never from the survey's own introduction), in the form's language."""
from __future__ import annotations

from chalicelib.services.comment_disclosure import partner_threshold


def reporting_statement(t, survey, review) -> str | None:
    """What the form promises: ``reporting.aggregate`` or ``reporting.identified`` with the
    respondent threshold (``min_scores``) and the partner threshold filled in."""
    reporting = getattr(survey, "reporting", None)
    if reporting not in ("aggregate", "identified"):
        return None
    return t(f"reporting.{reporting}", respondents=review.min_scores, partners=partner_threshold(review))


def thanks_message_id(survey) -> str:
    """The thank-you page's body: an identified survey must not promise group-only reporting."""
    return "thanks.body.identified" if getattr(survey, "reporting", None) == "identified" else "thanks.body"
