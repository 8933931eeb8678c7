"""Behind API Gateway: links keep the stage prefix (or a custom domain's base path), and an
XLSX download reaches a browser as bytes. Requests are API Gateway proxy events through app.app."""
from __future__ import annotations

import io
import re

import pytest

from tests.deploy.apigw import LambdaContext, body_bytes, proxy_event
from tests.review.conftest import SMALL_WAVE, small, token  # noqa: F401  (fixtures)

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LINK = re.compile(r'\s(?:href|action|src)="([^"]*)"')


def _get(path, host=None, **headers):
    from app import app

    kwargs = {"host": host} if host else {}
    return app(proxy_event(app, "GET", path, headers=headers, **kwargs), LambdaContext())


def _cookie(role="admin"):
    return f"pulse_staff={token(role)}"


@pytest.mark.parametrize("page", ["/staff", "/staff/comments", "/staff/followups", "/staff/login", "/staff/questions",
                                  "/staff/actions", "/staff/changes", "/staff/moments"])
def test_every_dashboard_link_carries_the_stage_prefix(small, page, monkeypatch):  # noqa: F811
    monkeypatch.delenv("PULSE_BASE_PATH", raising=False)
    response = _get(f"{page}?wave={SMALL_WAVE}", cookie=_cookie(), accept=BROWSER_ACCEPT)
    assert response["statusCode"] == 200
    links = [link for link in LINK.findall(body_bytes(response).decode()) if link.startswith("/")]
    assert links, "the page has root-relative links"
    assert all(link.startswith("/api/") for link in links), links


def test_redirects_carry_the_stage_prefix_and_sign_in_works_under_it(small, monkeypatch):  # noqa: F811
    from urllib.parse import urlencode

    from app import app
    from chalicelib.web.csrf import token_for

    monkeypatch.delenv("PULSE_BASE_PATH", raising=False)
    nonce = "login-nonce-under-the-stage-prefix"
    event = proxy_event(app, "POST", "/staff/login",
                        body=urlencode({"token": token("admin"), "next": "/staff",
                                        "csrf": token_for("login", nonce)}),
                        headers={"content-type": "application/x-www-form-urlencoded",
                                 "sec-fetch-site": "same-origin", "cookie": f"pulse_login={nonce}"})
    response = app(event, LambdaContext())
    assert response["statusCode"] == 303
    assert response["headers"]["Location"] == "/api/staff"


def test_a_custom_domain_uses_its_configured_base_path(small, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PULSE_BASE_PATH", "")
    links = LINK.findall(body_bytes(_get(f"/staff?wave={SMALL_WAVE}", host="pulse.example.com",
                                         cookie=_cookie())).decode())
    assert "/staff/comments?wave=w-small" in links and not any(link.startswith("/api/staff") for link in links)
    monkeypatch.setenv("PULSE_BASE_PATH", "/pulse")
    links = LINK.findall(body_bytes(_get(f"/staff?wave={SMALL_WAVE}", host="pulse.example.com",
                                         cookie=_cookie())).decode())
    assert "/pulse/staff/comments?wave=w-small" in links


def test_chalice_local_and_other_hosts_get_no_prefix(small, monkeypatch):  # noqa: F811
    monkeypatch.delenv("PULSE_BASE_PATH", raising=False)
    links = LINK.findall(body_bytes(_get("/staff/login", host="127.0.0.1:8000")).decode())
    assert "/staff/login" in links


@pytest.mark.parametrize("path", [f"/api/v1/staff/waves/{SMALL_WAVE}/exports/scorecard?format=xlsx",
                                  f"/staff/exports/scorecard?wave={SMALL_WAVE}&format=xlsx"])
def test_xlsx_from_a_browser_arrives_as_bytes(small, path):  # noqa: F811
    import openpyxl

    response = _get(path, cookie=_cookie(), authorization=f"Bearer {token('admin')}", accept=BROWSER_ACCEPT)
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True  # API Gateway decodes it: */* is a binary media type
    data = body_bytes(response)
    assert data[:4] == b"PK\x03\x04"
    assert openpyxl.load_workbook(io.BytesIO(data)).active.max_row > 1


def test_json_and_html_stay_text(small):  # noqa: F811
    response = _get(f"/api/v1/staff/waves/{SMALL_WAVE}/scorecard", authorization=f"Bearer {token('admin')}",
                    accept=BROWSER_ACCEPT)
    assert response["statusCode"] == 200 and not response.get("isBase64Encoded")
    assert response["body"].startswith("{")


def test_the_packaged_api_declares_every_type_binary(dev_template):
    body = dev_template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert "*/*" in body["x-amazon-apigateway-binary-media-types"]
