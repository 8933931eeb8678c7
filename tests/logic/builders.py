"""A survey with display logic, N/A and a matrix question."""
from __future__ import annotations

import copy

RATING_LABELS = {"low": "Very dissatisfied", "high": "Very satisfied"}

LOGIC_SURVEY = {
    "id": "px-logic",
    "version": 1,
    "languages": ["en", "es"],
    "title": {"en": "Quarterly Partner Pulse", "es": "Pulso trimestral"},
    "sections": [
        {"id": "overall", "title": "Overall", "questions": [
            {"id": "q_nps", "type": "nps", "required": True,
             "text": {"en": "How likely is {partner.name} to recommend us?", "es": "¿Nos recomendaría?"}},
            {"id": "q_why_low", "type": "text", "required": True, "text": "What should we fix first?",
             "show_if": {"question": "q_nps", "max": 6}},
            {"id": "q_programs", "type": "multi_choice", "text": "Which programs did you use?",
             "options": [{"id": "technical_assessment", "label": "Technical assessments"},
                         {"id": "proof_of_concept", "label": "Proofs of concept"}]},
            {"id": "q_sat_ta", "type": "rating", "required": True, "na_option": True, "labels": RATING_LABELS,
             "program": "technical_assessment",
             "text": "If you used technical assessments, how satisfied were you?",
             "show_if": {"question": "q_programs", "includes": "technical_assessment"}},
        ]},
        {"id": "top_tier", "title": "For {partner.tier} partners",
         "show_if": {"partner": "tier", "in": ["advanced", "principal"]},
         "questions": [
             {"id": "q_matrix", "type": "matrix", "required": True, "na_option": True, "labels": RATING_LABELS,
              "text": "How satisfied are you with ...",
              "items": [{"id": "portal", "label": "the partner portal"},
                        {"id": "support", "label": "technical support"},
                        {"id": "payouts", "label": "payouts"}]},
             {"id": "q_payouts_why", "type": "text", "text": "What is wrong with payouts?",
              "show_if": {"any": [{"question": "q_matrix.payouts", "max": 2},
                                  {"all": [{"partner": "programs", "includes": "proof_of_concept"},
                                           {"not": {"question": "q_nps", "min": 9}}]}]}},
         ]},
    ],
}


def logic_definition(**overrides) -> dict:
    definition = copy.deepcopy(LOGIC_SURVEY)
    definition.update(overrides)
    return definition


ADVANCED = {"tier": "advanced", "region": "EMEA", "programs": ["proof_of_concept"], "partner_types": ["reseller"]}
ENROLLED = {"tier": "enrolled", "region": "AMER", "programs": [], "partner_types": ["cloud"]}
