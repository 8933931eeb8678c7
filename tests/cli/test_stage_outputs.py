"""``pulse --stage dev`` takes the table, secret and URLs from the deployed stack's outputs."""
from __future__ import annotations

import click
import pytest

from pulse_cli.stage import stack_environment, variables_from_outputs


class FakeCloudFormation:
    def __init__(self, outputs=None, fail=False):
        self.outputs, self.fail, self.asked = outputs or [], fail, []
        self.meta = type("Meta", (), {"region_name": "eu-west-1"})()

    def describe_stacks(self, StackName):  # noqa: N803 (boto3's argument name)
        self.asked.append(StackName)
        if self.fail:
            raise RuntimeError("ValidationError: Stack does not exist")
        return {"Stacks": [{"StackName": StackName, "Outputs": self.outputs}]}


OUTPUTS = [{"OutputKey": "TableName", "OutputValue": "partner-pulse-dev-PulseTable-1A2B"},
           {"OutputKey": "TokenSecretArn", "OutputValue": "arn:aws:secretsmanager:eu-west-1:1:secret:TokenSecret-x"},
           {"OutputKey": "PartnerFormBaseUrl", "OutputValue": "https://abc.execute-api.eu-west-1.amazonaws.com/api"},
           {"OutputKey": "UserPoolId", "OutputValue": "eu-west-1_x"}]


def test_outputs_become_the_apps_variables(monkeypatch):
    monkeypatch.delenv("PULSE_STACK", raising=False)
    client = FakeCloudFormation(OUTPUTS)
    env = stack_environment("dev", client)
    assert client.asked == ["partner-pulse-dev"]
    assert env == {"AWS_DEFAULT_REGION": "eu-west-1", "PULSE_TABLE": "partner-pulse-dev-PulseTable-1A2B",
                   "PULSE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:TokenSecret-x",
                   "PULSE_PUBLIC_BASE_URL": "https://abc.execute-api.eu-west-1.amazonaws.com/api"}
    assert variables_from_outputs([]) == {}


def test_a_missing_stack_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PULSE_STACK", "pulse-eu")
    with pytest.raises(click.ClickException, match="cannot read stack pulse-eu"):
        stack_environment("prod", FakeCloudFormation(fail=True))


def test_the_template_outputs_every_name_the_cli_reads():
    from deploy.template import merge_template
    from pulse_cli.stage import OUTPUT_VARIABLES

    outputs = merge_template("dev")["Outputs"]
    assert set(OUTPUT_VARIABLES) <= set(outputs)
