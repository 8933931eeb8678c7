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
    for getter in (settings, dynamodb_client, table, repositories, invitation_tokens, bad_post_counter):
        getter.cache_clear()


@cache
def bad_post_counter():
    """Per-invitation counter of rejected form posts (rate limiting of the partner form)."""
    from chalicelib.storage.rate_limits import DynamoBadPostCounter

    return DynamoBadPostCounter(table())


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

    secret = settings().token_secret
    if not secret:
        raise RuntimeError("PULSE_TOKEN_SECRET is not set")
    return UnsubscribeTokens(secret)


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


_reset_core = reset


def reset() -> None:  # noqa: F811 - extends the reset above with the distribution getters
    """Forget every cached adapter (after the environment changed)."""
    _reset_core()
    for getter in (mailer, unsubscribe_tokens, distribution):
        getter.cache_clear()
