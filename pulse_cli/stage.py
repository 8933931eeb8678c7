"""Apply a Chalice stage's environment variables, as ``chalice local`` does, for the CLI."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click


def project_root() -> Path:
    """The repository root: where .chalice/config.json lives."""
    for candidate in (Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[1]):
        if (candidate / ".chalice" / "config.json").is_file():
            return candidate
    raise click.ClickException("cannot find .chalice/config.json; run pulse inside the project")


def apply_stage(stage: str) -> None:
    """Set the stage's variables unless the shell already set them (the shell wins for the CLI)."""
    config = json.loads((project_root() / ".chalice" / "config.json").read_text())
    if stage not in config.get("stages", {}):
        raise click.ClickException(f"no stage '{stage}' in .chalice/config.json")
    variables = {**config.get("environment_variables", {}),
                 **config["stages"][stage].get("environment_variables", {})}
    for name, value in variables.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PULSE_STAGE", stage)
    if stage == "local":  # ports from the shell (make run PORT=8100), not pinned in the stage
        for name, value in local_defaults(os.environ).items():
            os.environ.setdefault(name, value)
    if stage in DEPLOYED_STAGES:
        for name, value in stack_environment(stage).items():
            os.environ.setdefault(name, value)


def local_defaults(environ) -> dict[str, str]:
    """The local stage's endpoint, links and outbox from ``PULSE_PORT`` (8000), ``PULSE_DYNAMODB_PORT``
    (port + 1) and ``PULSE_LOCAL_DIR`` (``.local``), so a second copy can run beside the first."""
    port = int(environ.get("PULSE_PORT") or 8000)
    database = int(environ.get("PULSE_DYNAMODB_PORT") or port + 1)
    local = environ.get("PULSE_LOCAL_DIR") or ".local"
    return {"PULSE_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{database}",
            "PULSE_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "PULSE_OUTBOX_DIR": f"{local}/outbox"}


DEPLOYED_STAGES = ("dev", "prod")
# CloudFormation output of the stack -> the variable the app reads.
OUTPUT_VARIABLES = {"TableName": "PULSE_TABLE", "TokenSecretArn": "PULSE_TOKEN_SECRET_ARN",
                    "PartnerFormBaseUrl": "PULSE_PUBLIC_BASE_URL", "ReportBucketName": "PULSE_REPORT_BUCKET",
                    "MailFrom": "PULSE_MAIL_FROM", "RefreshFunctionName": "PULSE_REFRESH_FUNCTION"}


def stack_name(stage: str) -> str:
    """``PULSE_STACK`` or ``partner-pulse-<stage>`` (the name docs/deploy.md deploys with)."""
    return os.environ.get("PULSE_STACK") or f"partner-pulse-{stage}"


def variables_from_outputs(outputs: list[dict]) -> dict[str, str]:
    """The app's variables from a stack's ``Outputs`` (DescribeStacks shape)."""
    found = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    return {variable: found[key] for key, variable in OUTPUT_VARIABLES.items() if found.get(key)}


def stack_environment(stage: str, client=None) -> dict[str, str]:
    """Read the deployed stack's outputs with the caller's AWS credentials (table, secret, URL ...)."""
    if client is None:
        import boto3

        client = boto3.client("cloudformation")
    name = stack_name(stage)
    try:
        stacks = client.describe_stacks(StackName=name)["Stacks"]
    except Exception as error:
        raise click.ClickException(f"cannot read stack {name} ({type(error).__name__}); deploy it first "
                                   "(docs/deploy.md) or set PULSE_STACK") from None
    return {"AWS_DEFAULT_REGION": client.meta.region_name, **variables_from_outputs(stacks[0].get("Outputs", []))}
