"""Records -> tidy frame -> respondent frame."""
from decimal import Decimal

import pandas as pd

from analysis.frame import invitation_frame, respondents_from_tidy, tidy_responses
from chalicelib.domain.responses import Response
from tests.builders import make_partner, survey_definition

SNAPSHOT = {"partner_id": "P1", "tier": "principal", "region": "APJ", "country": "JP",
            "partner_types": ["reseller", "msp"], "transacting": True, "annual_revenue": Decimal("5000"),
            "revenue_band": "small", "programs": ["proof_of_concept"]}


def _response(invitation_id, answers, status="submitted"):
    return Response(invitation_id=invitation_id, wave_id="w", survey_id="px-test", survey_version=1,
                    partner_id="P1", contact_id="c1", language="ja", answers=answers, status=status,
                    version=1, created_at="t", updated_at="t", partner=SNAPSHOT)


def test_tidy_frame_has_one_row_per_answer_with_snapshot_attributes():
    responses = [
        _response("i1", {"q_nps": 9, "q_comment": "Great", "q_portal": 4, "q_model": "services",
                         "q_programs": ["proof_of_concept", "technical_assessment"]}),
        {"invitation_id": "i2", "wave_id": "w", "partner_id": "P1", "contact_id": "c2", "language": "en",
         "status": "submitted", "answers": {"q_nps": 3}, "partner": SNAPSHOT},
        _response("i3", {"q_nps": 10}, status="partial"),
    ]
    tidy = tidy_responses(responses, survey_definition())
    assert sorted(tidy["response_id"].unique()) == ["i1", "i2"]  # partial left out
    first = tidy[tidy["response_id"] == "i1"]
    assert len(first) == 6  # multi choice gives one row per option
    assert set(first.loc[first["question_id"] == "q_programs", "choice"]) == {"proof_of_concept",
                                                                              "technical_assessment"}
    assert first["tier"].eq("principal").all() and first["transacting"].eq("yes").all()
    assert first.loc[first["question_id"] == "q_portal", "topic"].item() == "partner_portal"
    assert tidy["annual_revenue"].eq(5000.0).all()


def test_respondent_frame_pivots_back_to_one_row_per_response():
    responses = [_response("i1", {"q_nps": 9, "q_portal": 4, "q_programs": ["proof_of_concept"]}),
                 _response("i2", {"q_nps": 2})]
    wide = respondents_from_tidy(tidy_responses(responses, survey_definition()), survey_definition())
    assert list(wide["response_id"]) == ["i1", "i2"]
    assert wide["q_nps"].tolist() == [9.0, 2.0]
    assert pd.isna(wide.loc[1, "q_portal"]) and wide.loc[0, "q_programs"] == ("proof_of_concept",)


def test_invitations_take_the_partners_directory_attributes():
    frame = invitation_frame([{"invitation_id": "i1", "partner_id": "P001", "state": "sent"},
                              {"invitation_id": "i2", "partner_id": "gone", "state": "sent"}], [make_partner()])
    assert frame.loc[0, "tier"] == "advanced" and pd.isna(frame.loc[1, "tier"])
    assert frame.loc[0, "programs"] == ("proof_of_concept",)
