"""Export escaping: formula injection is neutralised in CSV and XLSX, cells and headers."""
import io

import pytest

from chalicelib.services.exports import neutralise, to_csv, to_xlsx

DANGEROUS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\uff1d1+2", "\uff0b1", "\uff0d1", "\uff20x"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


def test_plain_values_stay_as_they_are():
    assert neutralise("great portal") == "great portal"
    assert neutralise(-5) == -5 and neutralise(None) == "" and neutralise(["a", "b"]) == "a b"


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
