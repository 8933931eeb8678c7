"""Exports a spreadsheet user opens without cleaning: a header row of question text under the ids,
choices as labels, multi-choice one column per option, percentages, option labels on the
questions sheet."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from chalicelib.domain.survey import parse_survey_definition
from chalicelib.services.export_layout import responses_layout, scorecard_layout
from chalicelib.services.exports import QUESTION_HEADERS, question_rows, to_xlsx

SURVEY = {
    "id": "px-test", "version": 1, "title": {"en": "PX"}, "languages": ["en"],
    "sections": [{"id": "s_main", "title": {"en": "Main"}, "questions": [
        {"id": "q_sat", "type": "rating", "scale": 5, "short": "Portal",
         "text": {"en": "How satisfied with the portal?"},
         "labels": {"low": {"en": "Bad"}, "high": {"en": "Good"}}},
        {"id": "q_model", "type": "single_choice", "text": {"en": "Your business model?"},
         "options": [{"id": "managed", "label": {"en": "Managed services"}},
                     {"id": "resell", "label": {"en": "=Resale"}}]},
        {"id": "q_used", "type": "multi_choice", "short": "Programs used", "text": {"en": "Which programs?"},
         "options": [{"id": "poc", "label": {"en": "Proof of concept"}}, {"id": "ta", "label": {"en": "Assessment"}}]},
        {"id": "q_why", "type": "text", "text": {"en": "Why?"}}]}]}


def _survey():
    return parse_survey_definition(SURVEY)


def _responses():
    headers = ["response_id", "partner_id", "tier", "region", "country", "partner_types", "programs", "language",
               "submitted_at", "q_sat", "q_model", "q_used", "q_why", "q_why_sentiment", "q_why_themes",
               "q_why_corrected"]
    rows = [["", "", "advanced", "EMEA", "", ["reseller"], ["poc", "ta"], "en", "", 4, "managed", ["poc"],
             "Fine", "positive", ["portal"], "no"],
            ["", "", "enrolled", "AMER", "", ["cloud"], [], "de", "", 2, "resell", None, "", "", "", ""]]
    return headers, rows


def test_responses_have_words_as_headers_choice_labels_and_one_column_per_option():
    layout = responses_layout(*_responses(), _survey())
    column = dict(zip(layout.ids, range(len(layout.ids)), strict=True))

    assert layout.texts[column["q_sat"]] == "Portal"  # the survey's short label
    assert layout.texts[column["q_model"]] == "Your business model?"  # else the question's text
    assert layout.texts[column["q_used.poc"]] == "Programs used: Proof of concept"
    assert layout.texts[column["q_why_sentiment"]] == "Why?: sentiment" and layout.texts[column["tier"]] == "Tier"
    first, second = layout.rows
    assert first[column["q_model"]] == "Managed services" and second[column["q_model"]] == "=Resale"
    assert (first[column["q_used.poc"]], first[column["q_used.ta"]]) == ("yes", "no")
    assert (second[column["q_used.poc"]], second[column["q_used.ta"]]) == ("", "")  # not answered
    assert first[column["programs"]] == "poc, ta" and first[column["q_sat"]] == 4


def test_the_xlsx_puts_ids_first_then_the_header_in_words_frozen_and_filtered_and_stays_formula_free():
    headers, rows = _responses()
    layout = responses_layout(headers, rows, _survey())
    book = load_workbook(io.BytesIO(to_xlsx(headers, rows, "responses", question_rows(_survey()), layout)))
    sheet = book["responses"]
    values = list(sheet.iter_rows(values_only=True))

    assert list(values[0]) == layout.ids and values[1][layout.ids.index("q_used.ta")] == "Programs used: Assessment"
    last = sheet.cell(1, len(layout.ids)).column_letter
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:{last}4"
    assert values[3][layout.ids.index("q_model")] == "'=Resale"  # a label is text, never a formula
    questions = list(book["questions"].iter_rows(values_only=True))
    assert list(questions[0]) == QUESTION_HEADERS
    model = next(q for q in questions if q[0] == "q_model")
    assert model[QUESTION_HEADERS.index("option_labels")] == "managed = Managed services; resell = =Resale"
    assert next(q for q in questions if q[0] == "q_sat")[QUESTION_HEADERS.index("short_label")] == "Portal"


def test_scorecard_shares_and_top2_are_percentages_with_words_as_headers():
    headers = ["breakdown", "segment", "respondents", "invited", "response_rate", "nps", "q_sat_top2", "q_sat_mean",
               "q_model_n", "q_model_share_managed"]
    rows = [["overall", "all", 40, 80, 0.5, 12.5, 0.75, 4.1, 38, 0.25]]
    layout = scorecard_layout(headers, rows, _survey())
    texts = dict(zip(headers, layout.texts, strict=True))
    assert texts["q_sat_top2"] == "Portal: top-2-box" and texts["q_sat_mean"] == "Portal: mean"
    assert texts["q_model_share_managed"] == "Your business model?: share choosing Managed services"
    assert texts["response_rate"] == "Response rate"

    sheet = load_workbook(io.BytesIO(to_xlsx(headers, rows, "scorecard", None, layout)))["scorecard"]
    formats = {h: c.number_format for h, c in zip(headers, sheet[3], strict=True)}
    assert {formats[h] for h in ("response_rate", "q_sat_top2", "q_model_share_managed")} == {"0.0%"}
    assert formats["q_sat_mean"] == "General" and formats["nps"] == "General"
    assert sheet["G3"].value == 0.75  # the fraction, shown as 75.0%
