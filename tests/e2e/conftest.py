"""Browser-test fixtures: the app served by ``chalice local`` on DynamoDB Local, and Chromium.

``live_server`` (session) starts ``chalice local --no-autoreload --stage test`` on a free
port against its own DynamoDB Local table; ``browser`` launches Debian's Chromium through
Playwright. Both skip with a reason when Java or Chromium is missing, and fail instead
when PULSE_CI is set.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from tests.builders import NOW, TEST_SECRET, make_partner, make_repositories
from tests.conftest import _make_table, _need

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DEMO_SURVEY = ROOT / "examples" / "partner-experience.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running app: its base URL, the table behind it and the token issuer it trusts."""

    url: str
    table: object
    tokens: object

    @property
    def repos(self):
        return make_repositories(self.table)

    def invite(self, language: str = "en", definition: dict | None = None) -> tuple[str, object]:
        """A fresh wave of the demo survey with one invited contact: (survey URL, link)."""
        from chalicelib.services.catalogue import open_wave, publish_survey
        from chalicelib.services.invitations import create_invitations

        definition = definition or yaml.safe_load(DEMO_SURVEY.read_text("utf-8"))
        repos = self.repos
        publish_survey(repos, definition, NOW)
        suffix = uuid.uuid4().hex[:8]
        # in every incentive program: the demo survey's program questions are shown to its partners only
        partner = make_partner(f"E2E-{suffix}", programs=("technical_assessment", "proof_of_concept",
                                                         "partner_to_partner", "partner_connect"))
        partner = replace(partner, contacts=tuple(replace(c, language=language) for c in partner.contacts))
        repos.partners.put_many([partner], "2026-01-01T00:00:00Z")
        wave_id = f"w-{suffix}"
        open_wave(repos, definition["id"], wave_id, (NOW + timedelta(days=30)).date().isoformat(), NOW)
        links = create_invitations(repos, self.tokens, wave_id, self.url, NOW)
        link = next(lk for lk in links if lk.partner.partner_id == partner.partner_id)
        return link.url, link

    def stored(self, link):
        """The stored response of an invitation (None when nothing was written)."""
        return self.repos.responses.get(link.invitation.invitation_id)


@contextlib.contextmanager
def chalice_local(table, dynamodb_endpoint: str, log_dir: Path):
    """Serve the app with ``chalice local --stage test`` on a free port against ``table``; yields the URL."""
    from devtools.dynamodb_local import DynamoDBLocalError, wait_until_ready

    chalice = Path(sys.executable).parent / "chalice"
    _need(chalice.exists(), f"{chalice} is missing: run make setup")
    port = _free_port()
    # A hermetic environment: variables other tests left in os.environ (the CLI applies stage
    # variables to its own process) must not change the server under test.
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                "PULSE_TABLE": table.name, "PULSE_DYNAMODB_ENDPOINT": dynamodb_endpoint,
                "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test"})
    log = log_dir / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(chalice), "local", "--no-autoreload", "--stage", "test", "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{url}/healthz", server, timeout=60)
    except DynamoDBLocalError as error:
        server.kill()
        server.wait()
        pytest.fail(f"chalice local did not start: {error}\n{log.read_text(errors='replace')[-2000:]}")
    try:
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        ARTIFACTS.mkdir(exist_ok=True)  # keep the server log for post-mortems of a failed run
        (ARTIFACTS / f"chalice-local-{port}.log").write_bytes(log.read_bytes())


@pytest.fixture(scope="session")
def live_server(dynamodb_local_endpoint, tmp_path_factory):
    """The app under ``chalice local`` on a free port, backed by a fresh DynamoDB Local table."""
    from chalicelib.security.tokens import InvitationTokens

    table = _make_table(dynamodb_local_endpoint)
    with chalice_local(table, dynamodb_local_endpoint, tmp_path_factory.mktemp("chalice-local")) as url:
        yield LiveServer(url, table, InvitationTokens(TEST_SECRET))
    table.client.delete_table(TableName=table.name)


@pytest.fixture(scope="session")
def browser(chromium_browser):
    """Debian's Chromium driven by Playwright (``playwright install`` is not used)."""
    return chromium_browser


@pytest.fixture
def page(browser):
    """A fresh page (own cookies and storage) at desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots and axe reports (kept by CI as test artifacts)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core in the page; save the report; return serious/critical violations.

    The page must come from a context with ``bypass_csp=True``: axe is injected as an inline
    script, which the app's CSP (rightly) forbids.
    """
    _need(AXE.exists(), f"{AXE} is missing: run make setup (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=2), "utf-8")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


# The review dashboard's fixtures, defined once here: a session fixture imported into each test
# module is a separate definition per module, so the demo was seeded and `chalice local` started
# once per module (seven times) instead of once per run.
from tests.e2e.review_live import review_browser, review_server, staff_page  # noqa: E402,F401
