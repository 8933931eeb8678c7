"""The API on a custom domain, in the template: ACM certificate in, domain + base-path mapping
(+ optional Route 53 alias) out, and every URL the stack hands out follows it.

Parameters ``CustomDomainName`` (empty = none), ``CertificateArn`` (an ACM certificate for that
name *in the stack's region*: the domain is REGIONAL), ``BasePath`` (empty = the domain's root)
and ``HostedZoneId`` (empty = create the DNS record yourself; the output ``CustomDomainTarget``
is the name to point a CNAME/alias at).

Because the domain is a parameter (not a resource attribute), the public URL is known on the
*first* deploy: invitation links, the Cognito callback/sign-out URLs and ``PULSE_BASE_PATH`` of
the API function are right at once and stay right on every redeploy (nothing set by hand).
"""
from __future__ import annotations

API_STAGE = "api"
DOMAIN = "ApiCustomDomain"

CUSTOM_URL = {"Fn::If": ["HasBasePath", {"Fn::Sub": "https://${CustomDomainName}/${BasePath}"},
                         {"Fn::Sub": "https://${CustomDomainName}"}]}


def public_url(fallback) -> dict:
    """``PublicBaseUrl`` if given, else the custom domain's URL, else ``fallback``."""
    return {"Fn::If": ["HasPublicBaseUrl", {"Ref": "PublicBaseUrl"},
                       {"Fn::If": ["HasCustomDomain", CUSTOM_URL, fallback]}]}


BASE_PATH_ENV = {"Fn::If": ["HasCustomDomain",
                            {"Fn::If": ["HasBasePath", {"Fn::Sub": "/${BasePath}"}, ""]},
                            {"Ref": "AWS::NoValue"}]}  # unset: the dashboard derives /api from the request


def parameters() -> dict:
    def text(description, pattern):
        return {"Type": "String", "Default": "", "AllowedPattern": pattern, "Description": description}

    return {
        "CustomDomainName": text("Custom domain of the API, e.g. pulse.example.com (empty = none)",
                                 r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)?$"),
        "CertificateArn": text("ACM certificate ARN for CustomDomainName, in this stack's region",
                               r"^(arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+)?$"),
        "BasePath": text("Base path of the API on the custom domain (empty = the root)", r"^([A-Za-z0-9._~-]+)?$"),
        "HostedZoneId": text("Route 53 hosted zone of CustomDomainName (empty = create the DNS record yourself)",
                             r"^(Z[A-Z0-9]+)?$"),
    }


def conditions() -> dict:
    return {
        "HasCustomDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "CustomDomainName"}, ""]}]},
        "HasBasePath": {"Fn::Not": [{"Fn::Equals": [{"Ref": "BasePath"}, ""]}]},
        "HasHostedZone": {"Fn::And": [{"Condition": "HasCustomDomain"},
                                      {"Fn::Not": [{"Fn::Equals": [{"Ref": "HostedZoneId"}, ""]}]}]},
    }


def resources() -> dict:
    return {
        DOMAIN: {"Type": "AWS::ApiGateway::DomainName", "Condition": "HasCustomDomain", "Properties": {
            "DomainName": {"Ref": "CustomDomainName"}, "RegionalCertificateArn": {"Ref": "CertificateArn"},
            "EndpointConfiguration": {"Types": ["REGIONAL"]}, "SecurityPolicy": "TLS_1_2"}},
        "ApiBasePathMapping": {
            "Type": "AWS::ApiGateway::BasePathMapping", "Condition": "HasCustomDomain",
            "DependsOn": "RestAPIapiStage",
            "Properties": {"DomainName": {"Ref": DOMAIN}, "RestApiId": {"Ref": "RestAPI"}, "Stage": API_STAGE,
                           "BasePath": {"Fn::If": ["HasBasePath", {"Ref": "BasePath"}, {"Ref": "AWS::NoValue"}]}}},
        "ApiDomainRecord": {"Type": "AWS::Route53::RecordSet", "Condition": "HasHostedZone", "Properties": {
            "HostedZoneId": {"Ref": "HostedZoneId"}, "Name": {"Ref": "CustomDomainName"}, "Type": "A",
            "AliasTarget": {"DNSName": {"Fn::GetAtt": [DOMAIN, "RegionalDomainName"]},
                            "HostedZoneId": {"Fn::GetAtt": [DOMAIN, "RegionalHostedZoneId"]}}}},
    }


def outputs() -> dict:
    return {"CustomDomainTarget": {
        "Description": "Point CustomDomainName at this (CNAME or Route 53 alias) when HostedZoneId is empty",
        "Value": {"Fn::If": ["HasCustomDomain", {"Fn::GetAtt": [DOMAIN, "RegionalDomainName"]}, "none"]}}}
