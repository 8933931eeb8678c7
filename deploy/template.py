"""The merge template: every resource Chalice does not create, plus per-function overrides.

``chalice package --merge-template`` deep-merges this into its SAM template, so here we
- add the DynamoDB table (rendered from ``chalicelib.storage.schema.table_definition``), the
  report bucket, the invitation-token secret, the Cognito staff user pool and its groups;
- give each function its own log group and point its environment variables at those resources
  (Chalice stage variables can only hold literal strings);
- point any Cognito authorizer declared in app.py at this stack's user pool.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.storage.schema import TTL_ATTRIBUTE, table_definition

from . import custom_domain, grants, names, operations
from .functions import FUNCTIONS, FunctionSpec

STAFF_GROUPS = (("admin", "Program operations: surveys, partners, waves, invitations"),
                ("analyst", "Experience team: every result, comment and export"),
                ("viewer", "Read-only results, optionally limited by custom:scope (e.g. region=EMEA)"))
USER_POOL = "StaffUserPool"
USER_POOL_CLIENT = "StaffUserPoolClient"


@dataclass(frozen=True)
class StageSettings:
    """What differs between stages in the template."""

    protect_data: bool        # deletion protection + Retain on stateful resources
    log_retention_days: int


STAGES = {"dev": StageSettings(protect_data=False, log_retention_days=14),
          "prod": StageSettings(protect_data=True, log_retention_days=90)}

PUBLIC_URL = custom_domain.public_url(
    {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"})

# Environment variables a function may ask for, as template expressions.
ENVIRONMENT = {
    "PULSE_TABLE": {"Ref": grants.TABLE},
    "PULSE_REPORT_BUCKET": {"Ref": grants.BUCKET},
    "PULSE_ANALYTICS_BUCKET": {"Ref": grants.BUCKET},
    "PULSE_SENDER_EMAIL": {"Ref": grants.SENDER_PARAMETER},
    "PULSE_MAIL_FROM": {"Fn::Sub": "${SenderName} <${" + grants.SENDER_PARAMETER + "}>"},
    # The secret's ARN: the functions read the key from Secrets Manager at run time (wiring.token_secret).
    "PULSE_TOKEN_SECRET_ARN": {"Ref": grants.SIGNING_KEY},
    "PULSE_PUBLIC_BASE_URL": PUBLIC_URL,
    "PULSE_USER_POOL_ID": {"Ref": USER_POOL},
    "PULSE_USER_POOL_CLIENT_ID": {"Ref": USER_POOL_CLIENT},
    "PULSE_REFRESH_FUNCTION": {"Ref": names.function_id("refresh_wave")},
    # issue 27: the event sources' HMAC keys, JSON {"source": "key"}, read at run time (wiring.event_source_secrets)
    "PULSE_EVENT_SECRETS_ARN": {"Ref": grants.EVENT_SECRETS},
    **operations.ENVIRONMENT,
}


def _retain(resource: dict, stage: StageSettings) -> dict:
    policy = "Retain" if stage.protect_data else "Delete"
    return {"DeletionPolicy": policy, "UpdateReplacePolicy": policy, **resource}


def table_resource(stage: StageSettings) -> dict:
    """``AWS::DynamoDB::Table`` from the same definition the code uses to create local tables."""
    definition = table_definition("unused")
    properties = {key: value for key, value in definition.items() if key != "TableName"}
    if "StreamSpecification" in properties:  # CloudFormation takes only the view type
        properties["StreamSpecification"] = {"StreamViewType": properties["StreamSpecification"]["StreamViewType"]}
    properties.update({
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        "DeletionProtectionEnabled": stage.protect_data,
    })
    return _retain({"Type": "AWS::DynamoDB::Table", "Properties": properties}, stage)


def bucket_resources(stage: StageSettings) -> dict:
    """The report archive: private, encrypted, versioned, TLS only."""
    bucket = _retain({"Type": "AWS::S3::Bucket", "Properties": {
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "BlockPublicPolicy": True,
            "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "VersioningConfiguration": {"Status": "Enabled"},
        "LifecycleConfiguration": {"Rules": [{
            "Id": "expire-old-versions", "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]},
    }}, stage)
    tls_only = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": grants.BUCKET},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": [grants.BUCKET, "Arn"]},
                         grants.arn_sub(grants.BUCKET, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}
    return {grants.BUCKET: bucket, "ReportBucketTlsOnly": tls_only}


def secret_resource(stage: StageSettings) -> dict:
    """The itsdangerous key that signs invitation links (rotating it invalidates every link)."""
    return _retain({"Type": "AWS::SecretsManager::Secret", "Properties": {
        "Description": "Partner Pulse invitation-link signing key",
        "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True}}}, stage)


def event_secrets_resource(stage: StageSettings) -> dict:
    """Per-source HMAC keys of signed program events, JSON ``{"prm": "<key>"}``; empty until an operator
    adds a source (docs/pulses.md). Rotating a key: add the new one under a new source name first."""
    return _retain({"Type": "AWS::SecretsManager::Secret", "Properties": {
        "Description": "Partner Pulse event sources: HMAC keys by source name (JSON)",
        "SecretString": "{}"}}, stage)


def cognito_resources(stage: StageSettings) -> dict:
    """Staff sign-in: admin-created users only, e-mail as user name, groups admin/analyst/viewer."""
    pool = _retain({"Type": "AWS::Cognito::UserPool", "Properties": {
        "UserPoolName": {"Fn::Sub": "${AWS::StackName}-staff"},
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        # Managed login prompts for TOTP enrolment only when MFA is required ("ON"); with OPTIONAL,
        # users could never enrol without a custom UI. Parameter StaffMfa (docs/deploy.md, MFA).
        "MfaConfiguration": {"Ref": "StaffMfa"},
        "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
        "Policies": {"PasswordPolicy": {
            "MinimumLength": 12, "RequireLowercase": True, "RequireUppercase": True,
            "RequireNumbers": True, "RequireSymbols": False, "TemporaryPasswordValidityDays": 7}},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        "Schema": [{"Name": "scope", "AttributeDataType": "String", "Mutable": True,
                    "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "256"}}],
        "DeletionProtection": "ACTIVE" if stage.protect_data else "INACTIVE",
    }}, stage)
    client = {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
        "UserPoolId": {"Ref": USER_POOL},
        "ClientName": "dashboard",
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
        "IdTokenValidity": 60, "AccessTokenValidity": 60, "RefreshTokenValidity": 12,
        "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "hours"},
    }}
    resources = {USER_POOL: pool, USER_POOL_CLIENT: client}
    for precedence, (group, description) in enumerate(STAFF_GROUPS, start=1):
        resources[f"Staff{group.title()}Group"] = {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {
            "UserPoolId": {"Ref": USER_POOL}, "GroupName": group, "Description": description,
            "Precedence": precedence}}
    return resources


def function_overrides(spec: FunctionSpec, stage: StageSettings) -> dict:
    """Log group and environment of one function (merged over Chalice's function resource).

    The role's policy comes from the function's ``iam_policy_file`` (see ``deploy.sync``).
    """
    unknown = set(spec.env) - set(ENVIRONMENT)
    if unknown:
        raise ValueError(f"{spec.name}: unknown environment reference(s) {sorted(unknown)}")
    env = {name: ENVIRONMENT[name] for name in spec.env}
    if spec.name == names.API_HANDLER and "PULSE_PUBLIC_BASE_URL" in env:
        # The API itself references the function, so the function cannot reference the API.
        env["PULSE_PUBLIC_BASE_URL"] = custom_domain.public_url("")
        env["PULSE_BASE_PATH"] = custom_domain.BASE_PATH_ENV
    log_group = names.log_group_id(spec.name)
    properties = {"Environment": {"Variables": env}, "Tracing": "Active",
                  "LoggingConfig": {"LogGroup": {"Ref": log_group}, "LogFormat": "Text"}}
    schedule = operations.SCHEDULE_PARAMETERS.get(spec.name)
    if schedule:  # the schedule is a template parameter, set per stage at deploy time
        event = names.function_id(spec.name) + "Event"
        properties["Events"] = {event: {"Type": "Schedule", "Properties": {"Schedule": {"Ref": schedule}}}}
    return {
        log_group: _retain({"Type": "AWS::Logs::LogGroup",
                            "Properties": {"RetentionInDays": stage.log_retention_days}}, stage),
        names.function_id(spec.name): {"Properties": properties},
    }


def cognito_authorizer_names(app) -> list[str]:
    """Names of the Cognito user-pool authorizers used by the app's routes."""
    from chalice.app import CognitoUserPoolAuthorizer

    found = set()
    for methods in app.routes.values():
        for entry in methods.values():
            if isinstance(entry.authorizer, CognitoUserPoolAuthorizer):
                found.add(entry.authorizer.name)
    return sorted(found)


def authorizer_overrides(authorizers: list[str]) -> dict:
    """Point each Cognito authorizer of the REST API at this stack's user pool."""
    if not authorizers:
        return {}
    definitions = {name: {"x-amazon-apigateway-authorizer": {
        "providerARNs": [{"Fn::GetAtt": [USER_POOL, "Arn"]}]}} for name in authorizers}
    return {"RestAPI": {"Properties": {"DefinitionBody": {"securityDefinitions": definitions}}}}


def api_overrides(binary_types: list[str] | None) -> dict:
    """REST API settings Chalice does not expose.

    Binary media types: Chalice lists the types its code returns as binary, but API Gateway
    decides by the request's *first* Accept type (a browser sends ``text/html`` first), so the
    XLSX export arrived as base64 text. With ``*/*`` every Accept matches; a text response
    (``isBase64Encoded`` false) still passes through unchanged, and request bodies reach Chalice
    base64-encoded, which it decodes.
    """
    types = list(dict.fromkeys([*(binary_types or []), "*/*"]))
    return {"RestAPI": {"Properties": {"DefinitionBody": {"x-amazon-apigateway-binary-media-types": types}}}}


def _deep_merge(target: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value
    return target


STREAM_EVENT_SOURCE = "ResultsStreamDynamodbEventSource"  # Chalice's name for results_stream's event source


STREAM_MAX_RETRIES = 3           # a failing batch is retried (and halved) at most this often
STREAM_MAX_RECORD_AGE_S = 3600   # older records are given up on (to the failure queue) instead of blocking


def stream_event_source() -> dict:
    """Point the ``results_stream`` function's DynamoDB event source at the stack table's stream.

    Failure handling (without it one bad record blocks its shard, and every live update, until
    the record expires after 24 h): a failing batch is split in two on each error
    (``BisectBatchOnFunctionError``) and retried at most ``STREAM_MAX_RETRIES`` times; a batch
    still failing - in the end the single poisoned record - is described (shard, sequence numbers)
    in the failure queue and the shard moves on. ``devtools/stream_poller.py`` does the same locally.
    """
    return {names.function_id("results_stream"): {"Properties": {"Events": {STREAM_EVENT_SOURCE: {
        "Properties": {"Stream": {"Fn::GetAtt": [grants.TABLE, "StreamArn"]},
                       "MaximumRetryAttempts": STREAM_MAX_RETRIES,
                       "BisectBatchOnFunctionError": True,
                       "MaximumRecordAgeInSeconds": STREAM_MAX_RECORD_AGE_S,
                       "DestinationConfig": {"OnFailure": {
                           "Destination": {"Fn::GetAtt": [operations.FAILED_QUEUE, "Arn"]}}}}}}}}}


def merge_template(stage_name: str, functions: tuple[FunctionSpec, ...] = FUNCTIONS,
                   authorizers: list[str] | None = None, binary_types: list[str] | None = None) -> dict:
    """The whole merge template for a stage (``dev`` or ``prod``)."""
    stage = STAGES[stage_name]
    resources = {grants.TABLE: table_resource(stage), grants.SIGNING_KEY: secret_resource(stage),
                 grants.EVENT_SECRETS: event_secrets_resource(stage),
                 **bucket_resources(stage), **cognito_resources(stage)}
    for spec in functions:
        resources.update(function_overrides(spec, stage))
    resources["SenderIdentity"] = {"Type": "AWS::SES::EmailIdentity", "Condition": "ShouldCreateSenderIdentity",
                                   "Properties": {"EmailIdentity": {"Ref": grants.SENDER_PARAMETER}}}
    for logical_id, override in {**authorizer_overrides(authorizers or [])}.items():
        resources[logical_id] = override
    _deep_merge(resources, api_overrides(binary_types))
    present = [spec.name for spec in functions]
    for extra in (operations.api_stage_settings(), operations.alarms(present),
                  operations.failure_destinations(present), operations.cognito_hosted_ui(),
                  operations.waf_resources() if stage_name == "prod" else {},
                  operations.analytics_resources(stage_name),
                  operations.ses_feedback_resources() if "ses_feedback" in present else {}):
        _deep_merge(resources, extra)
    if names.API_HANDLER in present:
        resources.update(custom_domain.resources())
    if "results_stream" in present:  # app.py's ARN is a placeholder: the event source reads this stack's table
        _deep_merge(resources, stream_event_source())
        _deep_merge(resources, operations.stream_alarms())
    _deep_merge(resources, operations.notice_alarm(stage_name))
    if "ses_feedback" in present:  # the stack's sender identity publishes bounces/complaints by default
        resources["SenderIdentity"]["Properties"]["ConfigurationSetAttributes"] = {
            "ConfigurationSetName": {"Ref": operations.CONFIGURATION_SET}}
    return {
        "Parameters": {
            **operations.parameters(stage_name),
            **custom_domain.parameters(),
            grants.SENDER_PARAMETER: {
                "Type": "String", "AllowedPattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                "Description": "Verified SES sender address for invitations, reminders and reports"},
            "SenderName": {
                "Type": "String", "Default": "Partner Pulse", "AllowedPattern": r"^[^<>@\r\n\"]{1,64}$",
                "Description": "Display name of the sender (From: <SenderName> <SenderEmail>)"},
            "PublicBaseUrl": {
                "Type": "String", "Default": "", "AllowedPattern": r"^(https://\S+[^/])?$",
                "Description": "Public base URL of the partner form (custom domain); empty = the API URL"},
            "StaffMfa": {
                "Type": "String", "Default": "ON", "AllowedValues": ["ON", "OPTIONAL"],
                "Description": "Staff TOTP MFA: ON = required, the hosted UI enrols it at first sign-in"},
            "CreateSenderIdentity": {
                "Type": "String", "Default": "true", "AllowedValues": ["true", "false"],
                "Description": "Create the SES e-mail identity (false when it or its domain is verified already)"},
        },
        "Conditions": {
            **operations.conditions(stage_name),
            **custom_domain.conditions(),
            "HasPublicBaseUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PublicBaseUrl"}, ""]}]},
            "ShouldCreateSenderIdentity": {"Fn::Equals": [{"Ref": "CreateSenderIdentity"}, "true"]},
        },
        "Resources": resources,
        "Outputs": {
            "PartnerFormBaseUrl": {"Value": PUBLIC_URL,
                                   "Description": "Base of invitation links (set PublicBaseUrl to change it)"},
            "TableName": {"Value": {"Ref": grants.TABLE}},
            "ReportBucketName": {"Value": {"Ref": grants.BUCKET}},
            "TokenSecretArn": {"Value": {"Ref": grants.SIGNING_KEY}},
            "MailFrom": {"Value": ENVIRONMENT["PULSE_MAIL_FROM"]},
            "RefreshFunctionName": {"Value": {"Ref": names.function_id("refresh_wave")}},
            "UserPoolId": {"Value": {"Ref": USER_POOL}},
            "UserPoolClientId": {"Value": {"Ref": USER_POOL_CLIENT}},
            **operations.outputs(),
            **({**custom_domain.outputs()} if names.API_HANDLER in present else {}),
            "SenderIdentityArn": {"Value": {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:"
                                                       "${AWS::AccountId}:identity/${SenderEmail}"}},
        },
    }
