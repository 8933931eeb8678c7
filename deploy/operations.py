"""Operations resources of the merge template: alarms, failure destinations, API stage settings,
WAF, X-Ray, access logs, SES feedback, per-stage job parameters and the Cognito hosted UI.

Everything here is plain CloudFormation merged over Chalice's SAM template (deploy.template).
"""
from __future__ import annotations

from . import custom_domain, grants, names
from .functions import ASYNC_FUNCTIONS

API_STAGE = "api"
API_NAME = "partner-pulse"  # Chalice's app name is the REST API's name (its swagger title)
ALARM_TOPIC = {"Fn::If": ["HasAlarmTopic", {"Ref": "AlarmTopicArn"}, {"Ref": "AlarmTopic"}]}
FAILED_QUEUE = "FailedInvocationsQueue"
FEEDBACK_TOPIC = "SesFeedbackTopic"
CONFIGURATION_SET = "SesConfigurationSet"
# Paths of the public (unauthenticated) routes as WAF sees them (with the stage prefix).
PUBLIC_PREFIXES = (f"/{API_STAGE}/s/", f"/{API_STAGE}/u/", f"/{API_STAGE}/api/v1/invitations/",
                   "/s/", "/u/", "/api/v1/invitations/")  # the same routes on a custom domain (root mapping)


def parameters(stage_name: str = "prod") -> dict:
    """Template parameters of operations and of the jobs (set per stage at deploy time).

    The WAF parameters exist in prod only (cfn-lint, run by ``make package``, warns on unused ones).
    """
    def text(description, default=""):
        return {"Type": "String", "Default": default, "Description": description}

    return {
        "AlarmTopicArn": text("SNS topic for alarms; empty = the stack creates one (output AlarmTopic)"),
        "ReminderSurveys": text("Comma-separated survey ids whose open waves get reminders (empty = off)"),
        "ResultsSurveys": text("Survey ids whose open waves the hourly job snapshots (empty = the reminder surveys)"),
        "ReportSurveys": text("Comma-separated survey ids of the leadership report (empty = off)"),
        "ReportRecipients": text("Comma-separated addresses that receive the leadership report"),
        "ReminderSpacingDays": text("Days between a contact's e-mails", "7"),
        "ReminderMax": text("Reminders per contact and wave", "3"),
        "ApiThrottleRate": {"Type": "Number", "Default": 50, "MinValue": 1,
                            "Description": "Steady requests per second for the whole API stage"},
        "ApiThrottleBurst": {"Type": "Number", "Default": 100, "MinValue": 1,
                             "Description": "Burst of requests for the whole API stage"},
        "ReportSchedule": text("When the leadership report job runs (EventBridge)", "cron(0 7 ? * MON *)"),
        "DetailedApiMetrics": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"],
                               "Description": "Per-method API Gateway metrics (billed as custom metrics)"},
        "ReminderSchedule": text("When the reminder job runs (EventBridge)", "rate(1 hour)"),
        "AlertSchedule": text("When the alert check runs (EventBridge)", "cron(0 6 * * ? *)"),
        "AlertRules": text("Alert rules as a JSON list (PULSE_ALERT_RULES, docs/review.md; empty = off)"),
        "ReportTranslate": {"Type": "String", "Default": "", "AllowedValues": ["", "amazon"],
                            "Description": "'amazon': the report's quotes in other languages get an English "
                                           "translation (Amazon Translate)"},
        "StaffSignInDomain": {
            "Type": "String", "Default": "", "AllowedPattern": r"^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)?$",
            "Description": "Cognito hosted-UI domain prefix (<prefix>.auth.<region>.amazoncognito.com)"},
        **({"EnableWaf": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"],
                          "Description": "Rate-based WAF rule on the public routes"},
            "WafRateLimit": {"Type": "Number", "Default": 300, "MinValue": 100,
                             "Description": "Requests per 5 minutes per IP to the public routes before WAF blocks"}}
           if stage_name == "prod" else {}),
    }


def conditions(stage_name: str) -> dict:
    found = {
        "HasAlarmTopic": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}]},
        "CreateAlarmTopic": {"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]},
        "HasSignInDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "StaffSignInDomain"}, ""]}]},
        "DetailedApiMetrics": {"Fn::Equals": [{"Ref": "DetailedApiMetrics"}, "true"]},
    }
    if stage_name == "prod":
        found["UseWaf"] = {"Fn::Equals": [{"Ref": "EnableWaf"}, "true"]}
    return found


# Environment values of the jobs and sign-in (deploy.template.ENVIRONMENT takes these).
ENVIRONMENT = {
    "PULSE_REMINDER_SURVEYS": {"Ref": "ReminderSurveys"},
    "PULSE_RESULTS_SURVEYS": {"Ref": "ResultsSurveys"},
    "PULSE_REPORT_SURVEYS": {"Ref": "ReportSurveys"},
    "PULSE_REPORT_RECIPIENTS": {"Ref": "ReportRecipients"},
    "PULSE_ALERT_RULES": {"Ref": "AlertRules"},
    "PULSE_REPORT_TRANSLATE": {"Ref": "ReportTranslate"},
    "PULSE_REMINDER_SPACING_DAYS": {"Ref": "ReminderSpacingDays"},
    "PULSE_REMINDER_MAX": {"Ref": "ReminderMax"},
    "PULSE_COGNITO_DOMAIN": {"Fn::If": ["HasSignInDomain", {
        "Fn::Sub": "https://${StaffSignInDomain}.auth.${AWS::Region}.amazoncognito.com"}, ""]},
}


def _alarm(description: str, namespace: str, metric: str, dimensions: dict, threshold: float, *,
           statistic: str = "Sum", extended: str | None = None, periods: int = 1, period: int = 300,
           operator: str = "GreaterThanThreshold") -> dict:
    properties = {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Period": period, "EvaluationPeriods": periods, "Threshold": threshold,
        "ComparisonOperator": operator, "TreatMissingData": "notBreaching",
        "AlarmActions": [ALARM_TOPIC], "OKActions": [ALARM_TOPIC]}
    if extended:
        properties["ExtendedStatistic"] = extended
    else:
        properties["Statistic"] = statistic
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


SCHEDULE_PARAMETERS = {"leadership_report": "ReportSchedule", "send_due_reminders": "ReminderSchedule",
                       "alerts_check": "AlertSchedule"}


def alarms(function_names: list[str]) -> dict:
    """API 5xx and latency, function errors and throttles, DynamoDB throttling, SES reputation."""
    api = {"ApiName": API_NAME, "Stage": API_STAGE}
    found = {
        # Created when no AlarmTopicArn is given. Not KMS-encrypted: CloudWatch cannot publish to a
        # topic encrypted with the AWS-managed SNS key (alarm messages hold no personal data).
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Condition": "CreateAlarmTopic",
                       "Properties": {"DisplayName": "Partner Pulse alarms"}},
        "ApiServerErrorsAlarm": _alarm("API answered 5xx (any, 5 min)", "AWS/ApiGateway", "5XXError", api, 0),
        "ApiLatencyAlarm": _alarm("API p90 latency above 3 s for 15 min", "AWS/ApiGateway", "Latency", api, 3000,
                                  extended="p90", periods=3),
        "TableReadThrottleAlarm": _alarm("DynamoDB read throttling", "AWS/DynamoDB", "ReadThrottleEvents",
                                         {"TableName": {"Ref": grants.TABLE}}, 0),
        "TableWriteThrottleAlarm": _alarm("DynamoDB write throttling", "AWS/DynamoDB", "WriteThrottleEvents",
                                          {"TableName": {"Ref": grants.TABLE}}, 0),
        "SesBounceRateAlarm": _alarm("SES bounce rate above 5% (review at 10%)", "AWS/SES", "Reputation.BounceRate",
                                     {}, 0.05, statistic="Maximum", period=3600),
        "SesComplaintRateAlarm": _alarm("SES complaint rate above 0.1% (review at 0.5%)", "AWS/SES",
                                        "Reputation.ComplaintRate", {}, 0.001, statistic="Maximum", period=3600),
        "FailedInvocationsAlarm": _alarm("An asynchronous invocation or a stream batch failed (message in the "
                                         "failure queue)",
                                         "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                                         {"QueueName": {"Fn::GetAtt": [FAILED_QUEUE, "QueueName"]}}, 0,
                                         statistic="Maximum"),
    }
    for name in function_names:
        logical = names.function_id(name)
        found[f"{logical}ErrorsAlarm"] = _alarm(f"{name}: errors", "AWS/Lambda", "Errors",
                                                {"FunctionName": {"Ref": logical}}, 0)
        found[f"{logical}ThrottlesAlarm"] = _alarm(f"{name}: throttles", "AWS/Lambda", "Throttles",
                                                   {"FunctionName": {"Ref": logical}}, 0)
    return found


def stream_alarms() -> dict:
    """The live-results stream falls behind (a failing batch being retried, or too slow)."""
    logical = names.function_id("results_stream")
    return {"ResultsStreamIteratorAgeAlarm": _alarm(
        "results_stream: the oldest unprocessed stream record is over 10 minutes old (retries or backlog)",
        "AWS/Lambda", "IteratorAge", {"FunctionName": {"Ref": logical}}, 600_000, statistic="Maximum")}


def notice_alarm(stage_name: str) -> dict:
    """A follow-up e-mail (assignment or SLA reminder) could not be sent (EMF metric of
    chalicelib/mail/notice_metrics.py; the follow-up shows notice_status = failed to staff)."""
    return {"FollowupNoticeFailuresAlarm": _alarm(
        "A follow-up e-mail (assignment or SLA reminder) failed; see the follow-up queue",
        "PartnerPulse", "FollowupNoticeFailed", {"Stage": stage_name}, 0)}


def failure_destinations(function_names: list[str]) -> dict:
    """Asynchronous invocations that fail after retries land in one encrypted SQS queue."""
    found = {FAILED_QUEUE: {"Type": "AWS::SQS::Queue", "Properties": {
        "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}}}
    for name in function_names:
        if name not in ASYNC_FUNCTIONS:
            continue
        logical = names.function_id(name)
        found[f"{logical}InvokeConfig"] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": logical}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 2,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [FAILED_QUEUE, "Arn"]}}}}}
    return found


def api_stage_settings() -> dict:
    """Stage throttling, X-Ray tracing, JSON access logs on the REST API (SAM properties).

    Access logs carry no client IP (the privacy rule of every log here; WAF sees IPs itself).
    """
    log_format = ('{"requestId":"$context.requestId",'
                  '"method":"$context.httpMethod","resource":"$context.resourcePath","status":"$context.status",'
                  '"latency":"$context.responseLatency","bytes":"$context.responseLength",'
                  '"time":"$context.requestTime","wafStatus":"$context.waf.status"}')
    return {
        "ApiAccessLogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
        "RestAPI": {"Properties": {
            "TracingEnabled": True,
            "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]},
                                 "Format": log_format},
            # Per-method ("detailed") metrics are billed as custom metrics: 41 methods x 7 metrics could be
            # ~290 metrics (~$86/month at $0.30). Off by default; the alarms use the free stage metrics.
            "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*",
                                "MetricsEnabled": {"Fn::If": ["DetailedApiMetrics", True, False]},
                                "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"},
                                "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"}}]}},
    }


def waf_resources() -> dict:
    """prod: a rate-based rule (per IP) on the public routes of the API stage."""
    scope_down = {"OrStatement": {"Statements": [{"ByteMatchStatement": {
        "SearchString": prefix, "FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "STARTS_WITH",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}} for prefix in PUBLIC_PREFIXES]}}
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
    return {
        "PublicRoutesWebAcl": {"Type": "AWS::WAFv2::WebACL", "Condition": "UseWaf", "Properties": {
            "Scope": "REGIONAL", "DefaultAction": {"Allow": {}},
            "VisibilityConfig": {**visibility, "MetricName": "pulse-public"},
            "Rules": [{"Name": "rate-limit-public-routes", "Priority": 0, "Action": {"Block": {}},
                       "VisibilityConfig": {**visibility, "MetricName": "pulse-public-rate"},
                       "Statement": {"RateBasedStatement": {"Limit": {"Ref": "WafRateLimit"},
                                                            "AggregateKeyType": "IP",
                                                            "ScopeDownStatement": scope_down}}}]}},
        "PublicRoutesWebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation", "Condition": "UseWaf", "DependsOn": "RestAPIapiStage",
            "Properties": {"WebACLArn": {"Fn::GetAtt": ["PublicRoutesWebAcl", "Arn"]},
                           "ResourceArn": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
                                                      "/restapis/${RestAPI}/stages/" + API_STAGE}}},
    }


FEEDBACK_KEY = "SesFeedbackKey"


def ses_feedback_key() -> dict:
    """The feedback topic's customer-managed KMS key: SES may use it to publish (GenerateDataKey*,
    Decrypt), only for this account. The AWS-managed SNS key cannot be used here: its key policy
    cannot be changed to allow a service principal, so SES could never publish to the topic
    (docs/deploy.md, "SES feedback"). The account root statement keeps the key administrable."""
    return {FEEDBACK_KEY: {"Type": "AWS::KMS::Key", "Properties": {
        "Description": "Partner Pulse: encrypts the SES bounce/complaint topic (SES publishes with it)",
        "EnableKeyRotation": True, "PendingWindowInDays": 7,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountAdministers", "Effect": "Allow",
             "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "SesPublishesToTheFeedbackTopic", "Effect": "Allow",
             "Principal": {"Service": "ses.amazonaws.com"},
             "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}}}


def ses_feedback_resources() -> dict:
    """Bounce and complaint events of the configuration set -> SNS -> the ses_feedback function."""
    function = names.function_id("ses_feedback")
    return {
        **ses_feedback_key(),
        FEEDBACK_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": {"Ref": FEEDBACK_KEY}}},
        "SesFeedbackTopicPolicy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {
            "Topics": [{"Ref": FEEDBACK_TOPIC}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "SesPublishesFeedback", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "sns:Publish", "Resource": {"Ref": FEEDBACK_TOPIC},
                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}},
        CONFIGURATION_SET: {"Type": "AWS::SES::ConfigurationSet", "Properties": {}},
        "SesFeedbackDestination": {"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {
            "ConfigurationSetName": {"Ref": CONFIGURATION_SET},
            "EventDestination": {"Enabled": True, "MatchingEventTypes": ["bounce", "complaint"],
                                 "SnsDestination": {"TopicARN": {"Ref": FEEDBACK_TOPIC}}}}},
        "SesFeedbackSubscription": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "TopicArn": {"Ref": FEEDBACK_TOPIC},
            "Endpoint": {"Fn::GetAtt": [function, "Arn"]}}},
        "SesFeedbackInvokePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": function},
            "Principal": "sns.amazonaws.com", "SourceArn": {"Ref": FEEDBACK_TOPIC}}},
    }


def cognito_hosted_ui() -> dict:
    """Authorization-code + PKCE client settings and the hosted-UI domain (overrides over template.py)."""
    # With CustomDomainName (or PublicBaseUrl) the first deploy registers the real URLs; only a stack
    # on the bare API URL needs the second deploy with PublicBaseUrl (docs/deploy.md, step 4).
    base = custom_domain.public_url("https://localhost")
    callback = {"Fn::Join": ["", [base, "/staff/callback"]]}
    signed_out = {"Fn::Join": ["", [base, "/staff/login"]]}
    return {
        "StaffUserPoolClient": {"Properties": {
            "AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile"], "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": [callback], "LogoutURLs": [signed_out]}},
        "StaffSignInDomainResource": {"Type": "AWS::Cognito::UserPoolDomain", "Condition": "HasSignInDomain",
                                      "Properties": {"Domain": {"Ref": "StaffSignInDomain"},
                                                     "UserPoolId": {"Ref": "StaffUserPool"}}},
    }


ANALYTICS_COLUMNS = (("wave_id", "string"), ("respondent", "string"), ("tier", "string"), ("region", "string"),
                     ("country", "string"), ("partner_types", "array<string>"), ("language", "string"),
                     ("submitted_on", "string"), ("question_id", "string"), ("question_type", "string"),
                     ("value_number", "double"), ("value_choice", "string"))


def analytics_database(stage_name: str) -> str:
    return f"pulse_analytics_{stage_name}"


def analytics_resources(stage_name: str) -> dict:
    """Glue database + table over ``analytics/responses/wave=<id>/`` (gzip JSON lines), for Athena."""
    return {
        "AnalyticsDatabase": {"Type": "AWS::Glue::Database", "Properties": {
            "CatalogId": {"Ref": "AWS::AccountId"},
            "DatabaseInput": {"Name": analytics_database(stage_name),
                              "Description": "Partner Pulse: de-identified tidy responses of every wave"}}},
        "AnalyticsResponsesTable": {"Type": "AWS::Glue::Table", "Properties": {
            "CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseName": {"Ref": "AnalyticsDatabase"},
            "TableInput": {
                "Name": "responses", "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "json", "compressionType": "gzip"},
                "PartitionKeys": [{"Name": "wave", "Type": "string"}],
                "StorageDescriptor": {
                    "Location": {"Fn::Sub": "s3://${" + grants.BUCKET + "}/analytics/responses/"},
                    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
                    "Columns": [{"Name": n, "Type": t} for n, t in ANALYTICS_COLUMNS]}}}},
    }


def outputs() -> dict:
    return {
        "AnalyticsDatabaseName": {"Value": {"Ref": "AnalyticsDatabase"}},
        "AlarmTopic": {"Value": ALARM_TOPIC},
        "FailedInvocationsQueueUrl": {"Value": {"Ref": FAILED_QUEUE}},
        "SesConfigurationSetName": {"Value": {"Ref": CONFIGURATION_SET}},
        "StaffSignInUrl": {"Value": {"Fn::If": ["HasPublicBaseUrl", {"Fn::Sub": "${PublicBaseUrl}/staff/login"},
                                                {"Fn::If": ["HasCustomDomain", {"Fn::Join": ["", [
                                                    custom_domain.CUSTOM_URL, "/staff/login"]]},
                                                    "set CustomDomainName or PublicBaseUrl"]}]}},
    }
