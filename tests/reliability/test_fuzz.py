"""Bounded fuzzing with a large hypothesis budget (atheris is not used: see README, Reliability).

Each target may only fail in its documented way, whatever the input.
"""
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chalicelib.domain.answers import parse_submission_body, validate_answers
from chalicelib.domain.errors import InvalidInput, InvitationNotFound
from chalicelib.domain.survey import parse_survey_definition
from chalicelib.security.tokens import InvitationTokens
from chalicelib.services.exports import DANGEROUS_PREFIXES, to_csv, to_xlsx
from tests.builders import TEST_SECRET, survey_definition

TOKENS = InvitationTokens(TEST_SECRET)
SURVEY = parse_survey_definition(survey_definition())
FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20)


@FUZZ
@given(st.one_of(st.text(max_size=400), st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
                 st.from_regex(r"[A-Za-z0-9_-]{10,120}\.[A-Za-z0-9_-]{27}", fullmatch=True)))
def test_token_verifier_only_ever_refuses(token):
    try:
        TOKENS.read(token)
    except InvitationNotFound:
        return
    raise AssertionError(f"accepted a forged token {token!r}")


@FUZZ
@given(st.one_of(JSON_VALUES, st.fixed_dictionaries(
    {"answers": st.dictionaries(st.sampled_from(["q_nps", "q_comment", "q_portal", "q_model", "q_programs", "x"]),
                                JSON_VALUES, max_size=6),
     "language": st.sampled_from(["en", "es", "fr", "", "EN"])},
    optional={"final": JSON_VALUES, "create_only": JSON_VALUES})))
def test_body_validator_fails_only_with_named_fields(body):
    try:
        request = parse_submission_body(body)
        validate_answers(SURVEY, request["answers"], partial=not request["final"])
    except InvalidInput as error:
        assert error.problems and all(p.field and p.message for p in error.problems)


CELLS = st.one_of(st.text(max_size=40), st.sampled_from(["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1",
                                                          "＝1+1", "＋1", "－1", "＠SUM(1)"]).flatmap(
    lambda danger: st.text(max_size=10).map(lambda tail: danger + tail)))


@FUZZ
@given(st.lists(CELLS, min_size=1, max_size=4), st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=4))
def test_csv_cells_and_headers_never_start_a_formula(headers, rows):
    text = to_csv(headers, rows)
    import csv

    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            assert not cell.startswith(DANGEROUS_PREFIXES)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(CELLS, min_size=1, max_size=4), st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=3))
def test_xlsx_never_holds_a_formula(headers, rows):
    clean = [[json.dumps(c)[1:-1] if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in c) else c for c in r]
             for r in [headers, *rows]]  # openpyxl refuses control characters outright (not a formula risk)
    book = load_workbook(io.BytesIO(to_xlsx(clean[0], clean[1:])))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
