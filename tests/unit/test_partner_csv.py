import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.partners import REQUIRED_COLUMNS, contact_id_for, parse_partner_csv

HEADER = ",".join(REQUIRED_COLUMNS)


def row(**overrides) -> str:
    values = {
        "partner_id": "P1", "name": "Nordwave Systems", "tier": "principal", "region": "EMEA",
        "country": "de", "partner_types": "reseller; cloud", "transacting": "yes",
        "annual_revenue": "\"1,250,000\"", "programs": "proof_of_concept;technical_assessment",
        "account_manager_email": "AM@vendor.example", "contact_name": "Lena Berg",
        "contact_email": "Lena@nordwave.example", "contact_language": "de",
    }
    values.update(overrides)
    return ",".join(values[c] for c in REQUIRED_COLUMNS)


def problems(text) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_partner_csv(text)
    return {p.field: p.message for p in caught.value.problems}


def test_rows_of_one_partner_become_one_partner_with_contacts():
    text = "\n".join([HEADER, row(), row(contact_name="Sven Larsen", contact_email="sven@nordwave.example",
                                         contact_language="en")])
    [partner] = parse_partner_csv(text)
    assert partner.country == "DE"
    assert partner.partner_types == ("reseller", "cloud")
    assert str(partner.annual_revenue) == "1250000"
    assert [c.email for c in partner.contacts] == ["lena@nordwave.example", "sven@nordwave.example"]
    assert partner.contacts[0].contact_id == contact_id_for("LENA@nordwave.example")


def test_bad_cells_are_reported_with_line_and_column():
    text = "\n".join([HEADER, row(), row(partner_id="P2", tier="gold", contact_email="x@y.example"),
                      row(partner_id="P3", contact_email="not-an-email", transacting="maybe")])
    found = problems(text)
    assert "gold" in found["line 3, column tier"]
    assert found["line 4, column contact_email"] == "is not a valid e-mail address"
    assert found["line 4, column transacting"] == "must be yes or no"


def test_missing_columns_and_empty_files_are_reported():
    assert "missing column(s): tier" in problems(HEADER.replace("tier,", "") + "\n")["line 1"]
    assert problems("") == {"line 1": "the file is empty"}
    assert problems(HEADER + "\n") == {"line 2": "the file has a header but no partners"}


def test_conflicting_partner_rows_and_duplicate_contacts_are_rejected():
    text = "\n".join([HEADER, row(), row(tier="enrolled", contact_email="b@n.example"), row()])
    found = problems(text)
    assert "differs from an earlier row" in found["line 3, column tier"]
    assert "first seen on line 2" in found["line 4, column contact_email"]


def test_byte_order_mark_from_excel_is_accepted():
    assert parse_partner_csv("\ufeff" + HEADER + "\n" + row())[0].partner_id == "P1"
