"""IAM building blocks: each grant is one policy statement on resources of the merged template.

Resources are CloudFormation expressions (``Fn::GetAtt``/``Fn::Sub``) on the logical ids the
merge template defines, so a policy names exactly this stack's table, indexes, bucket prefix,
sender identity and log group. A grant whose resource needs a ``*`` says why in ``wildcard_reason``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TABLE = "PulseTable"
BUCKET = "ReportBucket"
SENDER_PARAMETER = "SenderEmail"
SIGNING_KEY = "TokenSecret"  # the invitation-link signing key (Secrets Manager)

ITEM_READ = ("dynamodb:GetItem",)
ITEM_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem")


@dataclass(frozen=True)
class Grant:
    """One IAM statement: specific actions on specific resources, optionally conditioned."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple
    wildcard_reason: str | None = None
    condition: dict = field(default_factory=dict)

    def statement(self) -> dict:
        body = {"Sid": self.sid, "Effect": "Allow", "Action": list(self.actions),
                "Resource": list(self.resources)}
        if self.condition:
            body["Condition"] = self.condition
        return body


def arn_sub(logical_id: str, suffix: str) -> dict:
    """``${LogicalId.Arn}<suffix>`` as a CloudFormation ``Fn::Sub``."""
    return {"Fn::Sub": "${" + logical_id + ".Arn}" + suffix}


def table_arn() -> dict:
    return {"Fn::GetAtt": [TABLE, "Arn"]}


def index_arn(index: str) -> dict:
    return arn_sub(TABLE, f"/index/{index}")


def read_items() -> Grant:
    """Get items by key, one at a time (includes the health check's GetItem)."""
    return Grant("ReadItems", ITEM_READ, (table_arn(),))


def batch_read_items() -> Grant:
    """Read several items in one call (a submission reads invitation, wave, survey, response at once)."""
    return Grant("BatchReadItems", ("dynamodb:BatchGetItem",), (table_arn(),))


def query(*indexes: str, table: bool = True) -> Grant:
    """Query the table's own key and/or the named global secondary indexes (never Scan)."""
    resources = ((table_arn(),) if table else ()) + tuple(index_arn(i) for i in indexes)
    return Grant("QueryCollections", ("dynamodb:Query",), resources)


def write_items(*actions: str) -> Grant:
    """Conditional single-item writes and transactions (a transaction needs the per-item actions)."""
    return Grant("WriteItems", tuple(actions) or ITEM_WRITE, (table_arn(),))


def read_stream() -> Grant:
    """The table's stream, for a DynamoDB Streams event source (issue 16: live results).

    Lambda's event source mapping also calls ListStreams (AWSLambdaDynamoDBExecutionRole grants it);
    it is scoped to this table's streams."""
    return Grant("ReadStream", ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                "dynamodb:ListStreams"),
                 ({"Fn::GetAtt": [TABLE, "StreamArn"]}, arn_sub(TABLE, "/stream/*")),
                 wildcard_reason="a stream's ARN ends in its creation time, which changes whenever the stream "
                                 "is re-enabled, so ListStreams is granted on the table's streams (stream/*)")


def batch_write_items() -> Grant:
    """Bulk loads (imports): BatchWriteItem on the table."""
    return Grant("BatchWriteItems", ("dynamodb:BatchWriteItem",), (table_arn(),))


def write_objects(prefix: str) -> Grant:
    """Write objects under one key prefix of the report bucket."""
    prefix = prefix.strip("/")
    return Grant(f"Write{prefix.title().replace('-', '')}Objects", ("s3:PutObject",),
                 (arn_sub(BUCKET, f"/{prefix}/*"),),
                 wildcard_reason=f"object keys under {prefix}/ are generated per run (key-prefix wildcard)")


def send_mail() -> Grant:
    """Send mail only from the configured sender (its address identity or its domain identity).

    Only ``SendRawEmail``: every mail (invitations, reminders, reports, follow-up notices) is a
    raw MIME message (chalicelib/mail/ses.py); ``SendEmail`` is never called."""
    identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
    domain = {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": SENDER_PARAMETER}]}]}
    return Grant(
        "SendMailFromSender", ("ses:SendRawEmail",),
        ({"Fn::Sub": identity + "${" + SENDER_PARAMETER + "}"},
         {"Fn::Sub": [identity + "${Domain}", {"Domain": domain}]}),
        condition={"StringEquals": {"ses:FromAddress": {"Ref": SENDER_PARAMETER}}})


def read_send_quota() -> Grant:
    """Read the account's SES sending rate and 24-hour quota (to pace a bulk send)."""
    return Grant("ReadSendQuota", ("ses:GetSendQuota",), ("*",),
                 wildcard_reason="ses:GetSendQuota is account-level: it supports no resource ARN, so "
                                 "IAM requires Resource '*' (read-only, two numbers)")


def invoke_function(function_logical_id: str) -> Grant:
    """Start one function of this stack (the API starts the asynchronous snapshot refresh)."""
    return Grant("InvokeRefreshFunction", ("lambda:InvokeFunction",),
                 ({"Fn::GetAtt": [function_logical_id, "Arn"]},))


def read_signing_key() -> Grant:
    """Read the invitation-link signing key at run time (never placed in the environment)."""
    return Grant("ReadSigningKey", ("secretsmanager:GetSecretValue",), ({"Ref": SIGNING_KEY},))


EVENT_SECRETS = "EventSourceSecrets"  # per-source HMAC keys of signed program events (issue 27)


def read_event_secrets() -> Grant:
    """Read the event sources' HMAC keys at run time (the signed events endpoint)."""
    return Grant("ReadEventSourceKeys", ("secretsmanager:GetSecretValue",), ({"Ref": EVENT_SECRETS},))


def send_failures(queue: str = "FailedInvocationsQueue") -> Grant:
    """Lambda delivers a failed asynchronous invocation (or, for the stream's event source mapping,
    the description of a batch it gave up on) to the failure queue with the function's role."""
    return Grant("SendFailedInvocations", ("sqs:SendMessage",), ({"Fn::GetAtt": [queue, "Arn"]},))


def trace() -> Grant:
    """X-Ray active tracing: the function sends its trace segments."""
    return Grant("WriteTraces", ("xray:PutTraceSegments", "xray:PutTelemetryRecords"), ("*",),
                 wildcard_reason="X-Ray's PutTraceSegments/PutTelemetryRecords support no resource ARN "
                                 "(IAM requires Resource '*'); write-only")


def write_logs(log_group: str) -> Grant:
    """Write to the function's own log group (created by the template, so no CreateLogGroup)."""
    return Grant("WriteOwnLogs", ("logs:CreateLogStream", "logs:PutLogEvents"),
                 ({"Fn::GetAtt": [log_group, "Arn"]},),
                 wildcard_reason="the log group's ARN ends in ':*' (its streams are named by Lambda per "
                                 "execution environment); scoped to this function's own group")


def translate_text() -> Grant:
    """Amazon Translate for the report's quotes in other languages (``PULSE_REPORT_TRANSLATE=amazon``)."""
    return Grant("TranslateQuotes", ("translate:TranslateText",), ("*",),
                 wildcard_reason="translate:TranslateText on plain text has no resource ARN (a custom "
                                 "terminology is the only resource type, and none is used): IAM requires '*'")
