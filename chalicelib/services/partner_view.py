"""One partner's contacts and their answers across waves (respondent-level: analysts and admins).

Identity: a contact's name is shown only where the wave's survey is ``identified`` and the
contact consented (``consent.identifiable``, the rule every path uses); otherwise respondents are numbered.
"""
from __future__ import annotations

from chalicelib.domain.consent import identifiable
from chalicelib.domain.errors import NotFound
from chalicelib.domain.survey import localized

RESPONDENT_ROLES = ("admin", "analyst")


def partner_history(repos, partner_id: str) -> dict:
    """{partner, waves: [{wave_id, survey, respondents: [{label, nps, ratings, choices, comments}]}]}."""
    partner = repos.partners.get(partner_id)
    if partner is None:
        raise NotFound()
    by_wave: dict[str, list] = {}
    for response in repos.responses.for_partner(partner_id):
        if response.status == "submitted":
            by_wave.setdefault(response.wave_id, []).append(response)
    waves, surveys = [], {}
    for wave_id, responses in by_wave.items():
        wave = repos.waves.get(wave_id)
        key = (wave.survey_id, wave.survey_version)
        if key not in surveys:
            surveys[key] = repos.surveys.get(*key)
        survey = surveys[key]
        questions = survey.questions()
        respondents = []
        for n, response in enumerate(sorted(responses, key=lambda r: r.submitted_at or ""), start=1):
            answers = response.answers or {}
            contact = partner.contact(response.contact_id) if identifiable(survey, answers) else None
            respondents.append({
                "label": contact.name if contact else f"Respondent {n}", "identified": contact is not None,
                "submitted_at": response.submitted_at,
                "nps": next((answers.get(q.id) for q in questions if q.type == "nps"), None),
                "ratings": [{"question": localized(q.text, "en"), "value": answers.get(q.id), "scale": q.scale}
                            for q in questions if q.type == "rating" and answers.get(q.id) is not None],
                "choices": [{"question": localized(q.text, "en"), "value": _choice_text(answers.get(q.id), q)}
                            for q in questions if q.type.endswith("choice") and answers.get(q.id)],
                "comments": [{"question": localized(q.text, "en"), "text": answers[q.id]}
                             for q in questions if q.type == "text" and isinstance(answers.get(q.id), str)
                             and answers[q.id].strip()],
            })
        waves.append({"wave_id": wave_id, "opens_at": wave.opens_at, "survey": survey.id,
                      "respondents": respondents})
    waves.sort(key=lambda w: w["opens_at"] or "")
    return {"partner": {"id": partner.partner_id, "name": partner.name, "tier": partner.tier,
                        "region": partner.region, "account_manager": partner.account_manager_email},
            "waves": waves}


def _choice_text(value, question=None) -> str:
    """A choice answer in words: the options' English labels (the id only for an unknown option)."""
    labels = {o.id: localized(o.label, "en") or o.id for o in getattr(question, "options", ())}
    chosen = value if isinstance(value, list | tuple) else [value]
    return ", ".join(labels.get(str(v), str(v)) for v in chosen if v not in (None, ""))
