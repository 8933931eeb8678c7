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
        retries={"mode": "standard", "total_max_attempts": 4},  # pinned: 1 call + 3 retries
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
    from chalicelib.storage.programs import DynamoProgramRepository
    from chalicelib.storage.responses import DynamoResponseRepository
    from chalicelib.storage.surveys import DynamoSurveyRepository
    from chalicelib.storage.waves import DynamoWaveRepository

    t = table()
    return Repositories(
        surveys=DynamoSurveyRepository(t), partners=DynamoPartnerRepository(t),
        waves=DynamoWaveRepository(t), invitations=DynamoInvitationRepository(t),
        responses=DynamoResponseRepository(t), health=t, programs=DynamoProgramRepository(t),
    )


@cache
def token_secret() -> str:
    """The invitation-link signing key: ``PULSE_TOKEN_SECRET`` locally; on AWS read once per
    execution environment from Secrets Manager (``PULSE_TOKEN_SECRET_ARN``), never from the
    function's configuration."""
    s = settings()
    if s.token_secret:
        return s.token_secret
    if not s.token_secret_arn:
        raise RuntimeError("PULSE_TOKEN_SECRET (local) or PULSE_TOKEN_SECRET_ARN (AWS) is not set")
    import boto3

    client = boto3.session.Session().client("secretsmanager", region_name=s.region)
    return client.get_secret_value(SecretId=s.token_secret_arn)["SecretString"]


@cache
def invitation_tokens():
    from chalicelib.security.tokens import InvitationTokens

    return InvitationTokens(token_secret())


@cache
def review_settings():
    from chalicelib.review_config import ReviewSettings

    return ReviewSettings.from_environment()


@cache
def staff_tokens():
    from chalicelib.security.staff import StaffTokens

    secret = review_settings().staff_token_secret
    if not secret:
        raise RuntimeError("PULSE_STAFF_TOKEN_SECRET (or PULSE_TOKEN_SECRET) is not set")
    return StaffTokens(secret)


@cache
def review_stores():
    """Snapshot store, corrections and follow-up repositories (experience-team review)."""
    from types import SimpleNamespace

    from chalicelib.storage.alert_claims import DynamoAlertClaims
    from chalicelib.storage.corrections import DynamoCorrectionRepository
    from chalicelib.storage.enrichments import DynamoEnrichmentStore
    from chalicelib.storage.followups import DynamoFollowupRepository
    from chalicelib.storage.relabels import DynamoRelabelRepository
    from chalicelib.storage.saved_views import DynamoSavedViewRepository
    from chalicelib.storage.snapshots import DynamoSnapshotStore
    from chalicelib.storage.staff_directory import DynamoStaffDirectory
    from chalicelib.storage.view_shares import DynamoViewShares

    t = table()
    return SimpleNamespace(snapshots=DynamoSnapshotStore(t), corrections=DynamoCorrectionRepository(t),
                           followups=DynamoFollowupRepository(t), enrichments=DynamoEnrichmentStore(t),
                           saved_views=DynamoSavedViewRepository(t), relabels=DynamoRelabelRepository(t),
                           alert_claims=DynamoAlertClaims(t), view_shares=DynamoViewShares(t),
                           staff_directory=DynamoStaffDirectory(t))


@cache
def plan_stores():
    """Action plans and program changes (issue 22)."""
    from types import SimpleNamespace

    from chalicelib.storage.actions import DynamoActionRepository, DynamoChangeRepository

    t = table()
    return SimpleNamespace(actions=DynamoActionRepository(t), changes=DynamoChangeRepository(t))


def change_estimator():
    """``estimates(change, survey_id, restricted=None)``: the change's effect estimates a reader gets
    (services.change_estimates: released ones from closed waves for restricted readers, live ones
    otherwise; ``None`` decides by the survey's reporting, as for the leadership report)."""
    from datetime import UTC, datetime

    from chalicelib.services.change_estimates import estimates_for

    def estimates(change: dict, survey_id: str, restricted: bool | None = None) -> list[dict]:
        review = review_settings()
        return estimates_for(repositories(), review_stores().snapshots, plan_stores().changes, change,
                             survey_id, datetime.now(UTC), restricted, threshold=review.min_scores,
                             min_partners=max(2, review.min_partners))

    return estimates


@cache
def bad_post_counter():
    """Per-invitation counter of rejected form posts (rate limiting of the partner form)."""
    from chalicelib.storage.rate_limits import DynamoBadPostCounter

    return DynamoBadPostCounter(table())


@cache
def session_revocations():
    """Signed-out staff sessions (sign-out writes, every staff request reads)."""
    from chalicelib.storage.session_revocations import DynamoSessionRevocations

    return DynamoSessionRevocations(table())


# -- distribution (mail) ---------------------------------------------------------------------
@cache
def mailer():
    """OutboxMailer (``.eml`` files) or SesMailer, by ``PULSE_MAIL_TRANSPORT``."""
    s = settings()
    if s.mail_transport == "ses":
        import boto3

        from chalicelib.mail.ses import SesMailer

        return SesMailer(boto3.session.Session().client("ses", region_name=s.region), s.mail_from)
    from pathlib import Path

    from chalicelib.mail.outbox import OutboxMailer

    directory = Path(s.outbox_dir)
    if not directory.is_absolute():  # relative to the project root of a source checkout
        directory = Path(__file__).resolve().parents[1] / directory
    return OutboxMailer(directory)


@cache
def unsubscribe_tokens():
    from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens

    return UnsubscribeTokens(token_secret())


@cache
def distribution():
    """Everything the distribution use cases need, as one bundle."""
    from chalicelib.services.distribution import Distribution, SendPolicy
    from chalicelib.storage.sends import DynamoSendRepository
    from chalicelib.storage.suppressions import DynamoSuppressionRepository

    s = settings()
    return Distribution(
        repos=repositories(), sends=DynamoSendRepository(table()),
        suppressions=DynamoSuppressionRepository(table()), mailer=mailer(),
        invitation_tokens=invitation_tokens(), unsubscribe_tokens=unsubscribe_tokens(),
        base_url=s.public_base_url, sender=s.mail_from,
        policy=SendPolicy(max_reminders=s.reminder_max, spacing_days=s.reminder_spacing_days,
                          lease_minutes=s.send_lease_minutes))


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
    def refresh(wave_id: str) -> dict:  # the one snapshot refresh every reader depends on
        from chalicelib.jobs.snapshot_refresh import refresh_wave

        return refresh_wave(wave_id)

    stores = review_stores()
    translator = None
    if rs.translate == "amazon":  # PULSE_REPORT_TRANSLATE: quotes in other languages get an English translation
        from chalicelib.reports.translation import AmazonTranslator

        translator = AmazonTranslator(session.client("translate", region_name=region))
    return Reporting(repos=repositories(), runs=DynamoReportRunRepository(table()), archive=archive,
                     mailer=mailer, settings=rs, snapshots=stores.snapshots, refresh=refresh,
                     followups=stores.followups, translator=translator, plans=plan_stores(),
                     estimates=change_estimator(), pulses=pulse_store())


@cache
def analytics_sink():
    """``put(key, data)`` into the analytics bucket (``PULSE_ANALYTICS_BUCKET``), or None (off)."""
    import os

    bucket = os.environ.get("PULSE_ANALYTICS_BUCKET", "")
    if not bucket:
        return None
    import boto3

    client = boto3.session.Session().client("s3", region_name=settings().region)

    def put(key: str, data: bytes) -> None:
        client.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/x-ndjson",
                          ContentEncoding="gzip")

    return put


# -- staff sign-in (Cognito) ---------------------------------------------------------------------
@cache
def cognito_settings():
    from chalicelib.security.cognito import CognitoSettings

    return CognitoSettings.from_environment()


@cache
def cognito_verifier():
    """Verifies Cognito ID tokens against the pool's JWKS (keys cached for the process)."""
    from chalicelib.security.cognito import IdTokenVerifier

    return IdTokenVerifier(cognito_settings())


# -- asynchronous snapshot refresh --------------------------------------------------------------
@cache
def refresh_starter():
    """``start(wave_id, requested_at)``: async Lambda invoke on AWS, a background thread locally."""
    from chalicelib.jobs import snapshot_refresh

    function = settings().refresh_function
    if not function:
        return snapshot_refresh.start_in_thread
    import json

    import boto3

    client = boto3.session.Session().client("lambda", region_name=settings().region)

    def start(wave_id: str, requested_at: str) -> None:
        client.invoke(FunctionName=function, InvocationType="Event",
                      Payload=json.dumps({"wave_id": wave_id, "requested_at": requested_at}).encode())

    return start


def reset() -> None:
    """Forget every cached adapter (after the environment changed): clears every cached builder here."""
    for value in list(globals().values()):
        if callable(value) and hasattr(value, "cache_clear") and getattr(value, "__module__", "") == __name__:
            value.cache_clear()


# -- program events and transactional pulses (issue 27) -------------------------------------------
@cache
def pulse_store():
    from chalicelib.storage.pulses import DynamoPulseStore

    return DynamoPulseStore(table())


PROGRAM_REREAD_SECONDS = 60.0


@cache
def _held_program() -> dict:
    return {}


def recent_program():
    """The applied program, read at most once a minute per execution environment: the signed-events
    route needs it on every request, and a program changes rarely (a new version reaches a warm
    function within a minute)."""
    import time

    from chalicelib.services.program import current_program

    held = _held_program()
    if not held or time.monotonic() - held["at"] > PROGRAM_REREAD_SECONDS:
        held.update(program=current_program(repositories()), at=time.monotonic())
    return held["program"]


@cache
def event_source_secrets() -> dict:
    """Per-source HMAC keys of signed events: ``PULSE_EVENT_SECRETS`` (JSON) locally; on AWS read once per
    execution environment from Secrets Manager (``PULSE_EVENT_SECRETS_ARN``), like the signing key."""
    import os

    from chalicelib.security.event_signatures import parse_secrets

    text = os.environ.get("PULSE_EVENT_SECRETS", "")
    arn = os.environ.get("PULSE_EVENT_SECRETS_ARN", "")
    if not text and arn:
        import boto3

        client = boto3.session.Session().client("secretsmanager", region_name=settings().region)
        text = client.get_secret_value(SecretId=arn)["SecretString"]
    return parse_secrets(text)


@cache
def fatigue_rules():
    import os

    from chalicelib.domain.fatigue import FatigueRules

    return FatigueRules.from_environment(os.environ)
