"""Exports: formula injection is neutralised in CSV and XLSX, cells and headers; the XLSX is laid
out for a spreadsheet user; the scorecard carries CSAT and choice shares, never a withheld figure."""
import io
from decimal import Decimal

import pytest
from openpyxl.utils import get_column_letter

from chalicelib.services.exports import (
    MARKER,
    QUESTION_HEADERS,
    neutralise,
    question_rows,
    scorecard_rows,
    to_csv,
    to_xlsx,
)

DANGEROUS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\uff1d1+2", "\uff0b1", "\uff0d1", "\uff20x"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


def test_plain_values_stay_as_they_are():
    assert neutralise("great portal") == "great portal"
    assert neutralise(-5) == -5 and neutralise(None) == "" and neutralise(["a", "b"]) == "a b"
    assert neutralise(Decimal("7")) == 7 and isinstance(neutralise(Decimal("7")), int)
    assert neutralise(Decimal("4.5")) == 4.5 and neutralise({"r1": Decimal("3"), "r2": "na"}) == "r1=3; r2=na"


def test_csv_has_bom_and_neutralised_headers_and_cells():
    body = to_csv(["=header", "ok"], [["=cmd", "<script>x</script>"]]).encode("utf-8")
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "'=header,ok"
    assert "'=cmd" in text and "<script>x</script>" in text  # CSV is data, not HTML


def test_xlsx_cells_are_values_never_formulas():
    from openpyxl import load_workbook

    body = to_xlsx(["=h"], [[t] for t in DANGEROUS], "export")
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert all(cell.data_type != "f" for cell in cells)
    assert cells[0].value == "'=h" and cells[1].value == "'=1+2"


def test_ids_stay_untouched_while_free_text_is_neutralised():
    import csv
    import io

    body = to_csv(["response_id", "partner_id", "comment"], [["-3ZJa1_DJK4yGdXTKdmoGQ", "P0001", "-5 worse"],
                                                             ["=cmd()", "P0002", "fine"]])
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1] == ["-3ZJa1_DJK4yGdXTKdmoGQ", "P0001", "'-5 worse"]
    assert rows[2][0] == "'=cmd()"  # not an id we issued: neutralised like any text


def _scorecard_doc():
    """A small scorecard document: one shown cell, one suppressed cell, one withheld question."""
    shown = {"segment": {"tier": "gold"}, "suppressed": False, "respondents": 12, "invited": 20,
             "response_rate": 0.6, "nps": {"value": 25.0, "ci_low": 5.0, "ci_high": 45.0, "n": 12},
             "csat": {"q_sat": {"top2": {"value": 0.75, "ci_low": 0.5, "ci_high": 0.9, "n": 12},
                                "mean": {"value": 4.1, "ci_low": 3.8, "ci_high": 4.4, "n": 12}}},
             "choices": {"q_pick": MARKER}}
    hidden = {"segment": {"tier": "silver"}, "suppressed": True, "invited": 6, "respondents": MARKER,
              "nps": MARKER, "csat": {"q_sat": MARKER}, "choices": {"q_pick": MARKER}}
    overall = {**shown, "segment": {}, "choices": {"q_pick": {"n": 12, "shares": {"a": 0.25, "b": 0.75}}}}
    return {"questions": [{"id": "q_sat", "type": "rating", "scale": 5, "options": []},
                          {"id": "q_pick", "type": "single_choice", "options": ["a", "b"]}],
            "overall": overall, "breakdowns": [{"by": ["tier"], "cells": [shown, hidden]}]}


def test_scorecard_rows_carry_csat_and_choice_shares_but_nothing_for_withheld_cells():
    headers, rows = scorecard_rows(_scorecard_doc())
    overall, gold, silver = (dict(zip(headers, row, strict=True)) for row in rows)
    assert overall["q_sat_top2"] == 0.75 and overall["q_sat_top2_low"] == 0.5 and overall["q_sat_mean"] == 4.1
    assert overall["q_pick_share_a"] == 0.25 and overall["q_pick_n"] == 12
    assert gold["q_pick_share_b"] == MARKER and gold["q_sat_top2_high"] == 0.9  # question withheld in the cell
    measures = [h for h in headers if h not in ("breakdown", "segment", "invited")]
    assert {silver[h] for h in measures} == {MARKER}  # a suppressed cell carries no figure at all


def test_xlsx_has_frozen_header_autofilter_numbers_widths_and_questions_sheet():
    from openpyxl import load_workbook

    headers, rows = scorecard_rows(_scorecard_doc())
    rows[0][3] = Decimal("20")  # DynamoDB hands numbers over as Decimal
    questions = [["q_sat", "s_main", "rating", "How satisfied?", 5, ""],
                 ["q_pick", "s_main", "single_choice", "=Pick one", None, "a b"]]
    book = load_workbook(io.BytesIO(to_xlsx(headers, rows, "scorecard", questions)))
    assert book.sheetnames == ["scorecard", "questions"]
    data = book["scorecard"]
    assert data.freeze_panes == "A2" and data.auto_filter.ref == f"A1:{get_column_letter(len(headers))}4"
    values = {h: c for h, c in zip(headers, data[2], strict=True)}
    assert values["q_sat_top2"].data_type == "n" and values["q_sat_top2"].value == 0.75
    assert values["invited"].value == 20 and isinstance(values["invited"].value, int)
    assert data.column_dimensions["B"].width >= len("segment") and data.column_dimensions["A"].width <= 60
    sheet = book["questions"]
    assert [c.value for c in sheet[1]] == QUESTION_HEADERS and sheet.freeze_panes == "A2"
    assert sheet["D3"].value == "'=Pick one" and sheet["E2"].value == 5 and sheet["E2"].data_type == "n"


def test_question_rows_list_each_question_with_its_section_and_english_text():
    from chalicelib.domain.survey import parse_survey_definition
    from tests.builders import survey_definition

    survey = parse_survey_definition(survey_definition())
    rows = question_rows(survey)
    first = survey.sections[0].questions[0]
    assert len(rows) == len(survey.questions())
    assert rows[0][:4] == [first.id, survey.sections[0].id, first.type, first.text["en"]]
