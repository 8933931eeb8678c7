"""The "Moments" page and ``GET /api/v1/staff/pulses`` read the stored results; scoped viewers are refused."""
from datetime import timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.security.staff import StaffTokens, parse_scope
from tests.builders import TEST_SECRET
from tests.pulses.conftest import T0
from tests.pulses.test_results import answered  # noqa: F401 - fixture


def bearer(role="analyst", scope=None):
    return {"Authorization": "Bearer " + StaffTokens(TEST_SECRET).issue("a@vendor.example", role, parse_scope(scope))}


@pytest.fixture
def built(answered, monkeypatch):  # noqa: F811
    from chalicelib.services.program import current_program
    from chalicelib.services.pulse_results import publish_pulse_results

    monkeypatch.setenv("PULSE_STAFF_TOKEN_SECRET", TEST_SECRET)
    monkeypatch.setenv("PULSE_STAGE", "test")
    store = answered.wiring.pulse_store()
    publish_pulse_results(answered.repos, store, current_program(answered.repos), T0 + timedelta(days=41),
                          threshold=3, min_partners=1)
    answered.wiring.reset()
    with Client(app, stage_name="test") as client:
        yield client


def test_the_api_returns_the_stored_document_and_refuses_scoped_viewers(built):
    response = built.http.get("/api/v1/staff/pulses", headers=bearer())
    assert response.status_code == 200, response.body
    assert response.json_body["schema"] == "pulse.pulses/1"
    assert response.json_body["link"]["verdict"] == "positive"
    assert built.http.get("/api/v1/staff/pulses", headers=bearer("viewer", "region=EMEA")).status_code == 403
    assert built.http.get("/api/v1/staff/pulses").status_code == 401


def test_the_moments_page_shows_each_event_type_with_its_breakdowns(built):
    cookie = {"cookie": "pulse_staff=" + StaffTokens(TEST_SECRET).issue("a@vendor.example", "viewer")}
    page = built.http.get("/staff/moments", headers=cookie)
    assert page.status_code == 200
    html = page.body.decode()
    assert "PoC funding" in html and "by outcome" in html and "2027-01" in html
    assert "a better transactional experience goes with a higher" in html
