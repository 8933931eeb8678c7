"""The program tests' CLI runner on DynamoDB Local."""
import pytest
from click.testing import CliRunner

from pulse_cli.main import cli
from tests.builders import TEST_SECRET


@pytest.fixture
def pulse(local_table, monkeypatch):
    """``pulse(*args, input=None)``: the CLI on the test table (``--stage test``)."""
    from chalicelib import wiring

    monkeypatch.setenv("PULSE_TABLE", local_table.name)
    monkeypatch.setenv("PULSE_DYNAMODB_ENDPOINT", local_table.client.meta.endpoint_url)
    monkeypatch.setenv("PULSE_TOKEN_SECRET", TEST_SECRET)
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False, input=input)

    yield run
    wiring.reset()
