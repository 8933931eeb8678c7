"""The merge template: resources rendered from the code's own definitions, stage differences, references."""
from __future__ import annotations

import json

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.package import TemplateDeepMerger

from chalicelib.storage.schema import table_definition
from deploy.template import TTL_ATTRIBUTE, cognito_authorizer_names, merge_template


@pytest.fixture(scope="module", params=["dev", "prod"])
def staged(request):
    return request.param, merge_template(request.param)


def test_table_is_rendered_from_the_schema_definition(staged):
    _, template = staged
    properties = template["Resources"]["PulseTable"]["Properties"]
    definition = table_definition("ignored")
    for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode"):
        assert properties[key] == definition[key]
    assert "TableName" not in properties  # CloudFormation names it per stack
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert TTL_ATTRIBUTE == "expires_at"


def test_prod_protects_its_data_and_dev_can_be_torn_down():
    prod, dev = merge_template("prod")["Resources"], merge_template("dev")["Resources"]
    assert prod["PulseTable"]["Properties"]["DeletionProtectionEnabled"] is True
    assert dev["PulseTable"]["Properties"]["DeletionProtectionEnabled"] is False
    for logical_id in ("PulseTable", "ReportBucket", "TokenSecret", "StaffUserPool"):
        assert prod[logical_id]["DeletionPolicy"] == "Retain"
        assert dev[logical_id]["DeletionPolicy"] == "Delete"
    assert prod["StaffUserPool"]["Properties"]["DeletionProtection"] == "ACTIVE"


def test_report_bucket_is_private_encrypted_and_tls_only(staged):
    _, template = staged
    bucket = template["Resources"]["ReportBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    deny = template["Resources"]["ReportBucketTlsOnly"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_staff_user_pool_has_the_three_groups_and_admin_created_users_only(staged):
    _, template = staged
    resources = template["Resources"]
    groups = sorted(r["Properties"]["GroupName"] for r in resources.values()
                    if r.get("Type") == "AWS::Cognito::UserPoolGroup")
    assert groups == ["admin", "analyst", "viewer"]
    pool = resources["StaffUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert resources["StaffUserPoolClient"]["Properties"]["GenerateSecret"] is False


def test_sender_identity_is_a_parameter(staged):
    _, template = staged
    assert "SenderEmail" in template["Parameters"]
    identity = template["Resources"]["SenderIdentity"]
    assert identity["Properties"]["EmailIdentity"] == {"Ref": "SenderEmail"}
    assert identity["Condition"] == "ShouldCreateSenderIdentity"


def test_functions_get_resource_references_not_literals(staged):
    _, template = staged
    variables = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["PULSE_TABLE"] == {"Ref": "PulseTable"}
    assert "PULSE_TOKEN_SECRET" not in variables  # the key itself never sits in the configuration
    assert variables["PULSE_TOKEN_SECRET_ARN"] == {"Ref": "TokenSecret"}  # read at run time
    assert variables["PULSE_USER_POOL_ID"] == {"Ref": "StaffUserPool"}
    # The API cannot reference itself (RestAPI -> function -> RestAPI would be a cycle).
    # It gets PublicBaseUrl, else the custom domain's URL (both parameters), else nothing.
    assert "RestAPI" not in json.dumps(variables["PULSE_PUBLIC_BASE_URL"])
    assert {"Ref": "PublicBaseUrl"} in variables["PULSE_PUBLIC_BASE_URL"]["Fn::If"]
    assert "PULSE_REPORT_BUCKET" not in variables  # only what the function needs
    logging = template["Resources"]["APIHandler"]["Properties"]["LoggingConfig"]
    assert logging["LogGroup"] == {"Ref": "ApiHandlerLogGroup"}


def test_a_cognito_authorizer_in_the_app_is_pointed_at_the_stacks_user_pool():
    app = Chalice(app_name="probe")
    staff = CognitoUserPoolAuthorizer("staff", provider_arns=["arn:placeholder"])

    @app.route("/api/v1/staff/results", authorizer=staff)
    def results():
        return {}

    names = cognito_authorizer_names(app)
    assert names == ["staff"]
    chalice_output = {"Resources": {"RestAPI": {"Type": "AWS::Serverless::Api", "Properties": {
        "DefinitionBody": {"securityDefinitions": {"staff": {
            "type": "apiKey", "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                               "providerARNs": ["arn:placeholder"]}}}}}}}}
    merged = TemplateDeepMerger().merge(merge_template("dev", authorizers=names), chalice_output)
    authorizer = merged["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["securityDefinitions"]["staff"]
    assert authorizer["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools", "providerARNs": [{"Fn::GetAtt": ["StaffUserPool", "Arn"]}]}
    assert authorizer["type"] == "apiKey"  # the rest of Chalice's definition survives


def test_no_authorizer_means_no_security_definitions_override():
    body = merge_template("dev", authorizers=[])["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert "securityDefinitions" not in body


def test_every_accept_type_is_binary_so_xlsx_arrives_as_bytes():
    """API Gateway picks binary by the first Accept type (text/html from a browser): */* matches it."""
    body = merge_template("dev", authorizers=[], binary_types=["application/octet-stream"])[
        "Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["x-amazon-apigateway-binary-media-types"] == ["application/octet-stream", "*/*"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_reference_of_the_merge_template_exists(stage):
    """Every Ref/GetAtt/Sub name points at a parameter, a resource of the merge template or one Chalice
    creates (functions, roles, RestAPI, its stage), or a pseudo parameter."""
    import re

    from deploy import names
    from deploy.functions import FUNCTIONS

    template = merge_template(stage)
    known = set(template["Parameters"]) | set(template["Resources"]) | {"RestAPI", "RestAPIapiStage"}
    known |= {names.function_id(s.name) for s in FUNCTIONS} | {names.role_id(s.name) for s in FUNCTIONS}
    text = json.dumps(template)
    refs = set(re.findall(r'"Ref": "([^"]+)"', text)) | set(re.findall(r'"Fn::GetAtt": \["([^"]+)"', text))
    refs |= {m.split(".")[0] for m in re.findall(r"\$\{([^}]+)\}", text)}
    refs |= set(re.findall(r'"DependsOn": "([^"]+)"', text))
    missing = {r for r in refs if not r.startswith("AWS::") and r not in known}
    missing -= {"Domain", "Stage"}  # Fn::Sub variables defined in place
    assert missing == set()


def test_the_stream_function_reads_the_stacks_own_table_stream(dev_template):
    """app.py registers the stream handler with a placeholder ARN; the packaged template must not keep it."""
    from deploy.template import STREAM_EVENT_SOURCE

    event = dev_template["Resources"]["ResultsStream"]["Properties"]["Events"][STREAM_EVENT_SOURCE]
    assert event["Type"] == "DynamoDB"
    assert event["Properties"]["Stream"] == {"Fn::GetAtt": ["PulseTable", "StreamArn"]}
    assert event["Properties"]["StartingPosition"]
    table = dev_template["Resources"]["PulseTable"]["Properties"]
    assert table["StreamSpecification"]["StreamViewType"]


def test_a_failing_stream_batch_is_bisected_retried_a_few_times_then_sent_to_the_failure_queue(dev_template):
    """Without these one bad record blocks its shard (and every live update) for up to 24 hours."""
    from deploy.template import STREAM_EVENT_SOURCE

    resources = dev_template["Resources"]
    properties = resources["ResultsStream"]["Properties"]["Events"][STREAM_EVENT_SOURCE]["Properties"]
    assert properties["BisectBatchOnFunctionError"] is True
    assert 0 < properties["MaximumRetryAttempts"] <= 5 and properties["MaximumRecordAgeInSeconds"] <= 3600
    assert properties["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["FailedInvocationsQueue", "Arn"]}
    alarm = resources["ResultsStreamIteratorAgeAlarm"]["Properties"]
    assert alarm["MetricName"] == "IteratorAge" and alarm["Dimensions"][0]["Value"] == {"Ref": "ResultsStream"}
    assert resources["FailedInvocationsAlarm"]["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"


def test_ses_can_publish_bounces_and_complaints_to_the_encrypted_feedback_topic(dev_template):
    """An AWS-managed SNS key's policy cannot allow SES, so the topic uses a customer-managed key whose
    policy lets ses.amazonaws.com generate data keys and decrypt, for this account only."""
    resources = dev_template["Resources"]
    topic = resources["SesFeedbackTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "SesFeedbackKey"}
    key = resources["SesFeedbackKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    ses = [s for s in key["Properties"]["KeyPolicy"]["Statement"]
           if s.get("Principal") == {"Service": "ses.amazonaws.com"}]
    assert len(ses) == 1 and set(ses[0]["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert ses[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    policy = resources["SesFeedbackTopicPolicy"]["Properties"]
    assert policy["Topics"] == [{"Ref": "SesFeedbackTopic"}]
    assert policy["PolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ses.amazonaws.com"}


def test_a_custom_domain_is_in_the_template_and_every_url_follows_it_from_the_first_deploy(dev_template):
    """Domain, base-path mapping to the api stage, optional Route 53 alias; the API function's public
    URL and base path, and the Cognito callback, come from the parameters (never set by hand)."""
    resources = dev_template["Resources"]
    assert resources["ApiCustomDomain"]["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    mapping = resources["ApiBasePathMapping"]
    assert mapping["Condition"] == "HasCustomDomain" and mapping["Properties"]["Stage"] == "api"
    assert resources["ApiDomainRecord"]["Condition"] == "HasHostedZone"
    api_env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert "HasCustomDomain" in json.dumps(api_env["PULSE_PUBLIC_BASE_URL"])
    assert api_env["PULSE_BASE_PATH"]["Fn::If"][0] == "HasCustomDomain"
    assert api_env["PULSE_BASE_PATH"]["Fn::If"][2] == {"Ref": "AWS::NoValue"}  # bare API URL: derived per request
    callback = json.dumps(resources["StaffUserPoolClient"]["Properties"]["CallbackURLs"])
    assert "CustomDomainName" in callback and "/staff/callback" in callback
    assert {"CustomDomainName", "CertificateArn", "BasePath", "HostedZoneId"} <= set(dev_template["Parameters"])


def test_staff_mfa_is_required_by_default_so_the_hosted_ui_enrols_it():
    template = merge_template("prod")
    pool = template["Resources"]["StaffUserPool"]["Properties"]
    assert pool["MfaConfiguration"] == {"Ref": "StaffMfa"} and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert template["Parameters"]["StaffMfa"]["Default"] == "ON"
