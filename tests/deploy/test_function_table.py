"""The function table is the one source: generated files match it, every app function has an entry."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from chalice import Chalice, Rate

from deploy import grants, sync
from deploy.functions import FUNCTIONS, FunctionSpec, by_name
from deploy.package import PackageError, app_function_names, check_function_table
from deploy.template import STAGES, function_overrides

ROOT = Path(__file__).resolve().parents[2]


def test_generated_policy_files_and_stage_settings_match_the_function_table():
    assert sync.planned_changes() == [], "run: python -m deploy sync"


def test_every_function_of_the_app_has_a_spec():
    from app import app

    assert app_function_names(app) <= set(by_name())
    check_function_table(app)  # raises PackageError otherwise


def test_a_new_scheduled_function_without_a_spec_is_refused():
    app = Chalice(app_name="probe")

    @app.schedule(Rate(1, unit=Rate.DAYS))
    def send_reminders(event):
        return None

    with pytest.raises(PackageError, match="send_reminders"):
        check_function_table(app)


def test_deployed_stages_take_memory_timeout_and_policy_from_the_table():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in STAGES:
        settings = config["stages"][stage]
        assert settings["lambda_functions"] == sync.lambda_functions()
        assert "PULSE_TABLE" not in settings.get("environment_variables", {})  # comes from the template
    assert config["autogen_policy"] is False
    assert {"local", "test", "dev", "prod"} <= set(config["stages"])


def test_sync_writes_a_policy_for_a_new_function(tmp_path):
    (tmp_path / ".chalice").mkdir()
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps({"stages": {}}))
    extra = FunctionSpec("results_snapshot", memory_mb=1024, timeout_s=120, env=("PULSE_TABLE",),
                         grants=(grants.query("GSI1"), grants.write_items("dynamodb:PutItem")))
    files = sync.expected_files(tmp_path, FUNCTIONS + (extra,))
    policy = json.loads(files[tmp_path / ".chalice" / "policies" / "results_snapshot.json"])
    assert [s["Sid"] for s in policy["Statement"]] == ["QueryCollections", "WriteItems", "WriteOwnLogs", "WriteTraces"]
    config = json.loads(files[tmp_path / ".chalice" / "config.json"])
    assert config["stages"]["prod"]["lambda_functions"]["results_snapshot"] == {
        "lambda_memory_size": 1024, "lambda_timeout": 120, "iam_policy_file": "policies/results_snapshot.json"}


def test_an_unknown_environment_reference_is_refused():
    spec = FunctionSpec("bad", memory_mb=128, timeout_s=3, env=("PULSE_NOPE",), grants=())
    with pytest.raises(ValueError, match="PULSE_NOPE"):
        function_overrides(spec, STAGES["dev"])
