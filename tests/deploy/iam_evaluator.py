"""A small IAM evaluator for tests: every boto3 call is checked against one function's policy.

moto does not enforce IAM for DynamoDB per item, index ARNs or SES condition keys, so this
module intercepts every botocore API call (``BaseClient._make_api_call``), derives the IAM
authorisation requests AWS would make for it, and checks each against the policy document the
packaged template gives the function's role (CloudFormation expressions resolved to this test's
account, region and resource names). A denial raises ``AccessDeniedException`` like AWS would
and is recorded, so a test can assert that none happened.

Authorisation rules (from the AWS service authorisation references):
- DynamoDB item and query operations: ``dynamodb:<Operation>`` on the table ARN; ``Query`` or
  ``Scan`` with ``IndexName`` on ``<table ARN>/index/<name>``; ``BatchGetItem`` and
  ``BatchWriteItem`` on every table named; ``TransactWriteItems`` needs, per item,
  ``PutItem``/``UpdateItem``/``DeleteItem``/``ConditionCheckItem`` on that item's table;
  ``TransactGetItems`` needs ``GetItem`` per item.
- SES (v1) ``SendEmail``/``SendRawEmail``: the action on the identity ARN of the sending
  address *or* of its domain, with the condition key ``ses:FromAddress``; ``GetSendQuota`` on ``*``.
- S3 ``PutObject``/``GetObject``/``HeadObject`` (as GetObject) on ``arn:aws:s3:::bucket/key``.
- Lambda ``Invoke``: ``lambda:InvokeFunction`` on the function ARN (answered here with 202,
  as an asynchronous invoke would be; the payload is recorded for the test to deliver).
- Secrets Manager ``GetSecretValue`` on the secret ARN; SNS/SQS as their ``<service>:<Op>``.
An operation without a rule is itself a failure (the evaluator must know every call).
"""
from __future__ import annotations

import contextlib
import email
import fnmatch
import json
import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from botocore.client import BaseClient
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"


@dataclass(frozen=True)
class AuthRequest:
    action: str
    resource: str
    context: tuple = ()

    def __str__(self) -> str:
        extra = f" {dict(self.context)}" if self.context else ""
        return f"{self.action} on {self.resource}{extra}"


class Resolver:
    """Resolve CloudFormation expressions of a policy to concrete strings."""

    def __init__(self, refs: dict[str, str], arns: dict[str, str]):
        self.refs = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                     "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "pulse-dev", **refs}
        self.arns = arns

    def _sub(self, text: str, variables: dict) -> str:
        def value(match):
            name = match.group(1)
            if name in variables:
                return self.resolve(variables[name])
            if name.endswith(".Arn"):
                return self.arns[name[:-4]]
            return self.refs[name]
        return re.sub(r"\$\{([^}]+)\}", value, text)

    def resolve(self, expr):
        if isinstance(expr, str):
            return expr
        if isinstance(expr, list):
            return [self.resolve(e) for e in expr]
        (key, arg), = expr.items()
        if key == "Ref":
            return self.refs[arg]
        if key == "Fn::GetAtt":
            return self.arns[arg[0] if arg[1] == "Arn" else f"{arg[0]}.{arg[1]}"]
        if key == "Fn::Sub":
            return self._sub(arg, {}) if isinstance(arg, str) else self._sub(arg[0], arg[1])
        if key == "Fn::Select":
            return self.resolve(arg[1])[int(arg[0])]
        if key == "Fn::Split":
            return self.resolve(arg[1]).split(arg[0])
        if key == "Fn::Join":
            return arg[0].join(self.resolve(arg[1]))
        raise ValueError(f"unsupported expression {key}")

    def policy(self, document: dict) -> list[dict]:
        statements = []
        for statement in document["Statement"]:
            resolved = dict(statement)
            resolved["Action"] = _as_list(statement["Action"])
            resolved["Resource"] = [self.resolve(r) for r in _as_list(statement["Resource"])]
            if "Condition" in statement:
                resolved["Condition"] = {op: {k: _as_list(self.resolve(v)) for k, v in body.items()}
                                         for op, body in statement["Condition"].items()}
            statements.append(resolved)
        return statements


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _condition_holds(condition: dict, context: dict) -> bool:
    for operator, body in condition.items():
        for key, allowed in body.items():
            if key not in context:
                return False
            actual = context[key]
            if operator == "StringEquals" and actual not in allowed:
                return False
            if operator == "StringLike" and not any(fnmatch.fnmatchcase(actual, a) for a in allowed):
                return False
            if operator not in ("StringEquals", "StringLike"):
                raise ValueError(f"unsupported condition operator {operator}")
    return True


def allowed(statements: list[dict], request: AuthRequest) -> bool:
    """Explicit deny wins; otherwise some Allow must match action, resource and condition."""
    context = dict(request.context)
    matched = {"Allow": False, "Deny": False}
    for statement in statements:
        if not any(fnmatch.fnmatchcase(request.action.lower(), a.lower()) for a in statement["Action"]):
            continue
        if not any(fnmatch.fnmatchcase(request.resource, r) for r in statement["Resource"]):
            continue
        if "Condition" in statement and not _condition_holds(statement["Condition"], context):
            continue
        matched[statement["Effect"]] = True
    return matched["Allow"] and not matched["Deny"]


@dataclass
class World:
    """Names of this test's resources, for ARNs."""

    table: str
    bucket: str = ""
    functions: dict[str, str] = field(default_factory=dict)   # function name -> ARN
    secrets: dict[str, str] = field(default_factory=dict)     # secret id/name -> ARN

    def table_arn(self, name: str) -> str:
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def _ses_identity_requests(action: str, params: dict) -> list[list[AuthRequest]]:
    source = params.get("Source")
    if not source and "RawMessage" in params:
        source = email.message_from_bytes(params["RawMessage"]["Data"]).get("From", "")
    address = parseaddr(source or "")[1]
    domain = address.rpartition("@")[2]
    context = (("ses:FromAddress", address),)
    base = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/"
    # one of the two identities must authorise the send
    return [[AuthRequest(action, base + address, context), AuthRequest(action, base + domain, context)]]


def requests_for(world: World, service: str, operation: str, params: dict) -> list[list[AuthRequest]]:
    """The authorisation requests of one call: a list of alternatives lists (any one suffices)."""
    one = lambda action, resource, context=(): [[AuthRequest(action, resource, context)]]  # noqa: E731
    if service == "dynamodb":
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [[AuthRequest(f"dynamodb:{operation}", world.table_arn(t))] for t in params["RequestItems"]]
        if operation == "TransactWriteItems":
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}
            found = []
            for item in params["TransactItems"]:
                (kind, body), = item.items()
                found.append([AuthRequest(f"dynamodb:{kinds[kind]}", world.table_arn(body["TableName"]))])
            return found
        if operation == "TransactGetItems":
            return [[AuthRequest("dynamodb:GetItem", world.table_arn(i["Get"]["TableName"]))]
                    for i in params["TransactItems"]]
        arn = world.table_arn(params["TableName"])
        if params.get("IndexName"):
            arn += f"/index/{params['IndexName']}"
        return one(f"dynamodb:{operation}", arn)
    if service == "ses":
        if operation in ("SendEmail", "SendRawEmail"):
            return _ses_identity_requests(f"ses:{operation}", params)
        return one(f"ses:{operation}", "*")
    if service == "s3":
        action = {"HeadObject": "GetObject"}.get(operation, operation)
        if "Key" in params:
            return one(f"s3:{action}", f"arn:aws:s3:::{params['Bucket']}/{params['Key']}")
        action = {"ListObjectsV2": "ListBucket", "ListObjects": "ListBucket"}.get(operation, operation)
        return one(f"s3:{action}", f"arn:aws:s3:::{params['Bucket']}")
    if service == "lambda" and operation == "Invoke":
        name = params["FunctionName"]
        return one("lambda:InvokeFunction", world.functions.get(name, name))
    if service == "secretsmanager" and operation == "GetSecretValue":
        secret = params["SecretId"]
        return one("secretsmanager:GetSecretValue", world.secrets.get(secret, secret))
    if service == "translate":  # TranslateText on plain text has no resource type
        return one(f"translate:{operation}", "*")
    if service in ("sns", "sqs", "glue", "cloudwatch", "xray"):
        return one(f"{service}:{operation}", params.get("TopicArn") or params.get("QueueUrl") or "*")
    raise AssertionError(f"no authorisation rule for {service}:{operation}")


class Evaluator:
    """Checks calls made while ``as_function(name)`` is active against that function's policy."""

    def __init__(self, world: World, policies: dict[str, list[dict]]):
        self.world, self.policies = world, policies
        self.current: str | None = None
        self.denials: list[str] = []
        self.granted: dict[str, set[str]] = {}
        self.invocations: list[dict] = []

    def check(self, service: str, operation: str, params: dict) -> None:
        if self.current is None:
            return
        statements = self.policies[self.current]
        for alternatives in requests_for(self.world, service, operation, params):
            if any(allowed(statements, r) for r in alternatives):
                ok = next(r for r in alternatives if allowed(statements, r))
                self.granted.setdefault(self.current, set()).add(ok.action)
                continue
            message = f"{self.current}: {' / '.join(str(r) for r in alternatives)}"
            self.denials.append(message)
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)

    @contextlib.contextmanager
    def as_function(self, name: str):
        previous, self.current = self.current, name
        try:
            yield self
        finally:
            self.current = previous

    @contextlib.contextmanager
    def installed(self):
        original = BaseClient._make_api_call
        evaluator = self

        def checked(client, operation_name, api_params):
            service = client.meta.service_model.service_name
            evaluator.check(service, operation_name, api_params)
            if service == "lambda" and operation_name == "Invoke" and evaluator.current is not None:
                evaluator.invocations.append({"function": api_params["FunctionName"],
                                              "type": api_params.get("InvocationType"),
                                              "payload": json.loads(api_params.get("Payload") or b"{}")})
                return {"StatusCode": 202}
            if service == "translate":  # moto has no Amazon Translate: answer after the check
                return {"TranslatedText": f"[en] {api_params['Text']}", "SourceLanguageCode": "auto",
                        "TargetLanguageCode": api_params["TargetLanguageCode"]}
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = checked
        try:
            yield self
        finally:
            BaseClient._make_api_call = original
