"""Shared fixtures: fake AWS credentials first, moto and DynamoDB Local tables, builders."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

# One BLAS thread before numpy loads (the Makefile sets the same): small matrices, two shared cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Fake credentials before any boto3 client exists (moto's getting-started rule).
for _name, _value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                      "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                      "AWS_REGION": "us-east-1"}.items():
    os.environ[_name] = _value

from tests import moto_speed  # noqa: E402
from tests.builders import TEST_SECRET  # noqa: E402

moto_speed.install()

try:  # tqdm's monitor is a thread that lives for the whole process once a bar starts: not in tests
    from tqdm import tqdm as _tqdm

    _tqdm.monitor_interval = 0
except ImportError:  # pragma: no cover
    pass

ROOT = Path(__file__).resolve().parents[1]
SESSION_PROCESSES: set[int] = set()  # child processes owned by session-scoped fixtures
IN_CI = bool(os.environ.get("PULSE_CI") or os.environ.get("CI"))


def _need(tool_ok: bool, reason: str) -> None:
    if not tool_ok:
        if IN_CI:
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def dynamodb_local_endpoint(tmp_path_factory):
    """One DynamoDB Local for the whole run, on a free port, in a temporary directory."""
    from devtools.dynamodb_local import DynamoDBLocal, DynamoDBLocalError

    _need(shutil.which("java") is not None, "Java 17 is not installed: DynamoDB Local tests skipped")
    data_dir = tmp_path_factory.mktemp("dynamodb-local")
    # in memory: the suite needs no persistence, and SQLite's disk writes made seeding the demo ~5x slower
    database = DynamoDBLocal(data_dir, log_file=data_dir / "dynamodb.log", in_memory=True)
    try:
        database.start()
    except DynamoDBLocalError as error:
        _need(False, f"DynamoDB Local could not start: {error}")
    SESSION_PROCESSES.add(database.process.pid)  # may start inside a test (getfixturevalue): not its leak
    yield database.endpoint
    database.stop()


def _make_table(endpoint: str | None):
    import boto3
    from botocore.config import Config

    from chalicelib.storage.table import DynamoTable

    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                          config=Config(retries={"mode": "standard", "total_max_attempts": 4}))
    table = DynamoTable(client, f"pulse-test-{uuid.uuid4().hex[:10]}")
    table.ensure_exists()
    return table


@pytest.fixture
def moto_table():
    from moto import mock_aws

    with mock_aws():
        yield _make_table(None)


@pytest.fixture
def local_table(dynamodb_local_endpoint):
    table = _make_table(dynamodb_local_endpoint)
    yield table
    table.client.delete_table(TableName=table.name)


@pytest.fixture(params=["moto", "dynamodb_local"])
def any_table(request):
    """The same test against moto and against DynamoDB Local (the contract suite)."""
    yield request.getfixturevalue("moto_table" if request.param == "moto" else "local_table")


@pytest.fixture
def tokens():
    from chalicelib.security.tokens import InvitationTokens

    return InvitationTokens(TEST_SECRET)


@pytest.fixture
def app_env(monkeypatch):
    """Point the app's wiring at a table: call the returned function with a DynamoTable."""
    from chalicelib import wiring

    def configure(table):
        endpoint = table.client.meta.endpoint_url
        monkeypatch.setenv("PULSE_TABLE", table.name)
        monkeypatch.setenv("PULSE_TOKEN_SECRET", TEST_SECRET)
        if "amazonaws.com" in endpoint:
            monkeypatch.delenv("PULSE_DYNAMODB_ENDPOINT", raising=False)
        else:
            monkeypatch.setenv("PULSE_DYNAMODB_ENDPOINT", endpoint)
        wiring.reset()
        return wiring

    yield configure
    wiring.reset()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_browser():
    """One Debian Chromium driven by Playwright for the whole run (a second sync Playwright in the
    same process would fail), shared by every browser test."""
    _need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- no background work outlives its test --------------------------------------------------------
def _live_children() -> set[int]:
    """Process ids of this process's live (not zombie) children, from /proc."""
    me, found = str(os.getpid()), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.fixture(autouse=True)
def _no_background_work_outlives_its_test():
    """Fail a test that leaves a thread or a child process running after it ends.

    Session- and module-scoped fixtures (DynamoDB Local, chalice local, Chromium) start before this
    fixture and so are not "new". A test's own background work (a local asynchronous refresh, a
    stream poller, a server) must be joined or stopped by the test: a thread that outlived its
    test once wrote into the next test's moto table ("dictionary changed size during iteration").
    """
    import threading
    import time

    threads, children = set(threading.enumerate()), _live_children()
    yield
    deadline = time.monotonic() + 1.0  # work that is finishing gets a moment, not more
    leftover = [t for t in threading.enumerate() if t not in threads]
    for thread in leftover:
        thread.join(max(0.0, deadline - time.monotonic()))
    # asyncio_N: idle workers of the default executor of the session's Playwright event loop; they
    # belong to that session-scoped loop (started lazily by its first use) and end with it
    leftover = [t.name for t in leftover if t.is_alive() and not t.name.startswith("asyncio_")]
    new_children = sorted(_live_children() - children - SESSION_PROCESSES)
    if leftover or new_children:
        pytest.fail(f"background work outlived the test: threads {leftover}, child processes {new_children}")


@pytest.fixture
def pulse(local_table, monkeypatch):
    """``pulse(*args, input=None)``: the CLI on the DynamoDB Local test table (``--stage test``); a module may
    define its own ``pulse`` (on moto, say)."""
    from click.testing import CliRunner

    from chalicelib import wiring
    from pulse_cli.main import cli

    monkeypatch.setenv("PULSE_TABLE", local_table.name)
    monkeypatch.setenv("PULSE_DYNAMODB_ENDPOINT", local_table.client.meta.endpoint_url)
    monkeypatch.setenv("PULSE_TOKEN_SECRET", TEST_SECRET)
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False, input=input)

    yield run
    wiring.reset()
