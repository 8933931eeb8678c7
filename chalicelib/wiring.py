"""The one place that builds adapters. Everything is built on first use and cached;
tests call ``reset()`` after changing the environment."""
from __future__ import annotations

from functools import cache

from chalicelib.config import Settings


@cache
def settings() -> Settings:
    return Settings.from_environment()


@cache
def dynamodb_client():
    import boto3
    from botocore.config import Config

    s = settings()
    config = Config(
        retries={"mode": "standard", "max_attempts": 4},  # pinned: 1 call + 3 retries
        connect_timeout=2, read_timeout=5, max_pool_connections=50,
    )
    return boto3.session.Session().client(
        "dynamodb", region_name=s.region, endpoint_url=s.dynamodb_endpoint, config=config)


@cache
def table():
    from chalicelib.storage.table import DynamoTable

    return DynamoTable(dynamodb_client(), settings().table_name)


@cache
def repositories():
    from chalicelib.services.ports import Repositories
    from chalicelib.storage.invitations import DynamoInvitationRepository
    from chalicelib.storage.partners import DynamoPartnerRepository
    from chalicelib.storage.responses import DynamoResponseRepository
    from chalicelib.storage.surveys import DynamoSurveyRepository
    from chalicelib.storage.waves import DynamoWaveRepository

    t = table()
    return Repositories(
        surveys=DynamoSurveyRepository(t), partners=DynamoPartnerRepository(t),
        waves=DynamoWaveRepository(t), invitations=DynamoInvitationRepository(t),
        responses=DynamoResponseRepository(t), health=t,
    )


@cache
def invitation_tokens():
    from chalicelib.security.tokens import InvitationTokens

    secret = settings().token_secret
    if not secret:
        raise RuntimeError("PULSE_TOKEN_SECRET is not set")
    return InvitationTokens(secret)


def reset() -> None:
    """Forget every cached adapter (after the environment changed)."""
    for getter in (settings, dynamodb_client, table, repositories, invitation_tokens):
        getter.cache_clear()


# -- leadership reports ------------------------------------------------------------------------
@cache
def report_settings():
    from chalicelib.reports.settings import ReportSettings

    return ReportSettings.from_environment()


def _local_path(path: str):
    from pathlib import Path

    directory = Path(path)
    return directory if directory.is_absolute() else Path(__file__).resolve().parents[1] / directory


@cache
def reporting():
    """The report use-case context: runs store, archive (S3 or local), mailer (SES or outbox)."""
    import boto3

    from chalicelib.reports.archive import LocalReportArchive, S3ReportArchive
    from chalicelib.reports.delivery import OutboxReportMailer, SesReportMailer
    from chalicelib.services.reporting import Reporting
    from chalicelib.storage.report_runs import DynamoReportRunRepository

    rs, region = report_settings(), settings().region
    session = boto3.session.Session()
    archive = (S3ReportArchive(session.client("s3", region_name=region), rs.bucket) if rs.bucket
               else LocalReportArchive(_local_path(rs.local_dir)))
    mailer = (SesReportMailer(session.client("ses", region_name=region), rs.sender) if rs.transport == "ses"
              else OutboxReportMailer(_local_path(rs.outbox_dir)))
    return Reporting(repos=repositories(), runs=DynamoReportRunRepository(table()), archive=archive,
                     mailer=mailer, settings=rs)


_reset_before_reports = reset


def reset() -> None:  # noqa: F811 - also forgets the report getters
    """Forget every cached adapter (after the environment changed)."""
    _reset_before_reports()
    for getter in (report_settings, reporting):
        getter.cache_clear()
