"""Fixtures for the form's fast tests: the app on moto through chalice.test.Client."""
import pytest
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner


@pytest.fixture
def form_world(moto_table, tokens, app_env):
    """An open wave of the test survey with one invited contact; yields (client, repos, link)."""
    repos, links = given_open_wave(moto_table, tokens, [make_partner("P001")])
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, repos, links[0]
