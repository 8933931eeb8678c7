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

    from chalicelib.storage.corrections import DynamoCorrectionRepository
    from chalicelib.storage.followups import DynamoFollowupRepository
    from chalicelib.storage.snapshots import DynamoSnapshotStore

    t = table()
    return SimpleNamespace(snapshots=DynamoSnapshotStore(t), corrections=DynamoCorrectionRepository(t),
                           followups=DynamoFollowupRepository(t))


def reset() -> None:
    """Forget every cached adapter (after the environment changed)."""
    for getter in (settings, dynamodb_client, table, repositories, invitation_tokens,
                   review_settings, staff_tokens, review_stores):
        getter.cache_clear()
