"""The form's confidentiality statement is generated from the survey's ``reporting`` setting and the
thresholds in force, in every form language; the demo survey's introduction promises nothing else."""
from pathlib import Path

import pytest
import yaml

from chalicelib.web.i18n import UI_LANGUAGES, Translator
from chalicelib.web.promise import reporting_statement, thanks_message_id
from tests.builders import given_open_wave, make_partner, survey_definition, token_of

ROOT = Path(__file__).resolve().parents[2]


class _Review:
    min_scores, min_partners = 7, 4


class _Survey:
    def __init__(self, reporting):
        self.reporting = reporting


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_each_language_states_the_setting_with_both_thresholds(language):
    t = Translator(language)
    aggregate = reporting_statement(t, _Survey("aggregate"), _Review())
    identified = reporting_statement(t, _Survey("identified"), _Review())
    assert aggregate != identified
    for text in (aggregate, identified):
        assert "7" in text and "4" in text and "{" not in text
    assert reporting_statement(t, _Survey(None), _Review()) is None
    assert thanks_message_id(_Survey("identified")) == "thanks.body.identified"


def test_without_a_partner_threshold_setting_the_statement_says_three():
    class Review:
        min_scores = 5

    assert "3 partners" in reporting_statement(Translator("en"), _Survey("aggregate"), Review())


def test_the_form_shows_the_generated_statement_not_a_fixed_promise(moto_table, tokens, app_env, monkeypatch):
    from chalice.test import Client

    from app import app

    monkeypatch.setenv("PULSE_SUPPRESS_MIN_SCORES", "6")
    definition = survey_definition(reporting="identified", consent_question="q_contact")
    definition["sections"][-1]["questions"].append(
        {"id": "q_contact", "type": "single_choice", "text": "May we contact you?",
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]})
    _, links = given_open_wave(moto_table, tokens, [make_partner("P001")], definition=definition)
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        page = client.http.get(f"/s/{token_of(links[0])}").body.decode()
    assert "at least 6 respondents from at least 3 partners" in page
    assert "account team may see your answers" in page and "nobody sees who said what" not in page


def test_the_demo_survey_introduction_makes_no_reporting_promise():
    survey = yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text(encoding="utf-8"))
    assert survey["reporting"] == "identified"
    for text in survey["intro"].values():
        assert not any(word in text.lower() for word in ("group", "grupo", "gruppe", "グループ", "confiden",
                                                         "vertraulich", "機密"))
