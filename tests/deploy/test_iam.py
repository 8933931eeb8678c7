"""Hand-written least-privilege IAM: specific actions, this stack's resources, wildcards justified."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from deploy import grants
from deploy.functions import FUNCTIONS, by_name, common_grants
from deploy.names import log_group_id

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / ".chalice" / "policies"
FORBIDDEN = {"dynamodb:Scan", "dynamodb:DescribeTable", "dynamodb:DeleteTable", "dynamodb:DeleteItem",
             "logs:CreateLogGroup", "s3:DeleteObject", "iam:PassRole"}
# IAM actions without resource-level permissions (Resource must be "*").
ACCOUNT_LEVEL_ACTIONS = {"ses:GetSendQuota", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                         "translate:TranslateText"}  # the report's quotes (ReportTranslate=amazon)
# Resources a statement may name: the stack's own table, indexes, bucket prefixes, sender identity, log group.
ALLOWED_REFERENCES = {grants.TABLE, grants.BUCKET, grants.SENDER_PARAMETER, grants.SIGNING_KEY, "RefreshWave",
                      grants.EVENT_SECRETS,  # issue 27: the event sources' HMAC keys
                      "FailedInvocationsQueue"}


def _policies() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(POLICY_DIR.glob("*.json"))}


def _text(value) -> str:
    return json.dumps(value)


def _references(resource) -> set[str]:
    """Logical ids / parameters a CloudFormation resource expression points at."""
    if isinstance(resource, str):
        return set()
    text = _text(resource)
    return {name for name in ALLOWED_REFERENCES | {log_group_id(s.name) for s in FUNCTIONS} if name in text}


def test_every_function_has_exactly_its_own_policy_file():
    assert set(_policies()) == set(by_name())


@pytest.mark.parametrize("function", sorted(by_name()))
def test_actions_are_specific_and_never_forbidden(function):
    for statement in _policies()[function]["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            service, _, name = action.partition(":")
            assert service in {"dynamodb", "s3", "ses", "logs", "lambda", "secretsmanager", "sqs", "xray",
                               "translate"}, action
            assert "*" not in action, f"{function}: wildcard action {action}"
            assert action not in FORBIDDEN, f"{function}: {action} is not needed"


@pytest.mark.parametrize("function", sorted(by_name()))
def test_resources_name_this_stacks_resources(function):
    for statement in _policies()[function]["Statement"]:
        assert statement["Resource"], statement
        for resource in statement["Resource"]:
            if resource == "*":  # only for actions that support no resource ARN at all
                assert set(statement["Action"]) <= ACCOUNT_LEVEL_ACTIONS, f"{function}/{statement['Sid']}"
                continue
            assert _references(resource), f"{function}/{statement['Sid']}: {resource} names no stack resource"


def test_dynamodb_statements_reach_only_the_table_and_its_indexes():
    for function, policy in _policies().items():
        for statement in policy["Statement"]:
            if not any(a.startswith("dynamodb:") for a in statement["Action"]):
                continue
            for resource in statement["Resource"]:
                text = _text(resource)
                # the one wildcard: ListStreams on the table's own streams (see grants.read_stream)
                streams = statement["Sid"] == "ReadStream" and text.endswith('/stream/*"}')
                assert grants.TABLE in text and ("*" not in text or streams), (function, resource)
                if "index/" in text:
                    assert statement["Action"] == ["dynamodb:Query"], (function, statement)


def test_the_api_may_read_write_and_query_but_not_scan_delete_or_describe():
    """The full set is proven sufficient by tests/deploy/test_permissions.py (every route, evaluated)."""
    actions = {a for s in _policies()["api_handler"]["Statement"] for a in s["Action"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                       "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "lambda:InvokeFunction",
                       "secretsmanager:GetSecretValue", "logs:CreateLogStream", "logs:PutLogEvents",
                       "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                       "ses:SendRawEmail", "ses:GetSendQuota"}  # reassigning a follow-up mails the assignee


def test_wildcard_statements_are_exactly_the_documented_ones():
    """Any '*' inside a resource (or the log group's ':*' ARN) must carry a reason in deploy.grants."""
    for spec in FUNCTIONS:
        reasons = {g.sid: g.wildcard_reason for g in (*spec.grants, *common_grants(spec))}
        for statement in _policies()[spec.name]["Statement"]:
            text = _text(statement["Resource"])
            needs_reason = "*" in text or "logs:" in _text(statement["Action"])
            assert bool(reasons[statement["Sid"]]) == needs_reason, (spec.name, statement["Sid"])


def test_mail_grant_is_limited_to_the_sender_identity_and_address():
    statement = grants.send_mail().statement()
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": grants.SENDER_PARAMETER}}}
    assert all(":identity/" in _text(r) for r in statement["Resource"])
    assert "*" not in _text(statement)


def test_only_the_functions_that_mail_send_mail_and_only_raw_mime():
    senders = {name for name, policy in _policies().items()
               if any(a.startswith("ses:Send") for s in policy["Statement"] for a in s["Action"])}
    # invitations/reminders, the report, follow-up notices (new: stream; reassigned: API; SLA: refresh_results),
    # transactional pulses (issue 27), alerts and shared views (issue 24)
    assert senders == {"send_due_reminders", "leadership_report", "results_stream", "api_handler", "refresh_results",
                       "send_due_pulses", "alerts_check", "share_views"}
    assert not any("ses:SendEmail" in s["Action"] for policy in _policies().values() for s in policy["Statement"])


def test_bucket_grants_are_limited_to_one_prefix():
    statement = grants.write_objects("reports/").statement()
    assert statement["Action"] == ["s3:PutObject"]
    assert statement["Resource"] == [{"Fn::Sub": "${ReportBucket.Arn}/reports/*"}]
