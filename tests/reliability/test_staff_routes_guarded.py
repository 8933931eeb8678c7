"""Every staff route is guarded: walks app.routes so a new unguarded route fails the build."""
import pytest
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner, token_of

# /staff/callback: the Cognito redirect target; it checks the state and the ID token itself (test_cognito.py)
PUBLIC_STAFF_ROUTES = {"/staff/login", "/staff/logout", "/staff/callback", "/staff/assets/dashboard.css"}


def staff_routes():
    for path, methods in app.routes.items():
        if (path.startswith("/api/v1/staff") or path.startswith("/staff")) and path not in PUBLIC_STAFF_ROUTES:
            for method, entry in methods.items():
                yield path, method, entry


def test_every_staff_route_checks_a_staff_identity():
    routes = list(staff_routes())
    assert len(routes) >= 15
    unguarded = [(p, m) for p, m, e in routes if not getattr(e.view_function, "staff_role", None)]
    assert unguarded == []


def test_staff_routes_share_the_api_gateway_authorizer_setting():
    authorizers = {type(e.authorizer).__name__ for p, m, e in staff_routes() if p.startswith("/api/")}
    assert len(authorizers) == 1  # all None locally, all Cognito when packaged with a pool ARN


@pytest.fixture
def client(moto_table, tokens, app_env):
    _, links = given_open_wave(moto_table, tokens, [make_partner("P001")])
    app_env(moto_table)
    with Client(app, stage_name="test") as http:
        yield http, token_of(links[0])


def test_no_staff_route_answers_without_a_staff_token(client):
    http, partner_token = client
    for path, method, entry in staff_routes():
        concrete = path.replace("{wave_id}", "w-test").replace("{kind}", "responses.csv") \
                       .replace("{comment_id}", "x").replace("{invitation_id}", "x")
        for headers in ({}, {"Authorization": f"Bearer {partner_token}"}, {"Cookie": f"pulse_staff={partner_token}"}):
            headers = {**headers, "Content-Type": entry.content_types[0]}
            response = getattr(http.http, method.lower())(concrete, headers=headers)
            assert response.status_code == 401, (method, path, headers)
