"""Builders for distribution tests: a wave with contacts, a Distribution on moto, crash hooks."""
from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from chalicelib.domain.partners import Contact, contact_id_for
from chalicelib.mail.outbox import OutboxMailer
from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
from chalicelib.services.distribution import Distribution, SendPolicy
from chalicelib.storage.sends import DynamoSendRepository
from chalicelib.storage.suppressions import DynamoSuppressionRepository
from tests.builders import TEST_SECRET, given_open_wave, make_partner, survey_definition

BASE_URL = "https://pulse.example.test"
MULTILINGUAL = survey_definition(languages=["en", "es", "ja", "de"])
SENDER = "Partner Pulse <pulse@vendor.example>"


class Crash(BaseException):
    """A process dying mid-way (not an Exception: nothing may catch it)."""


def partner_with_languages(partner_id: str, languages: list[str], **overrides):
    contacts = tuple(
        Contact(contact_id_for(f"{lang}.{n}@{partner_id.lower()}.example"), f"Contact {lang} {n}",
                f"{lang}.{n}@{partner_id.lower()}.example".lower(), lang)
        for n, lang in enumerate(languages))
    return replace(make_partner(partner_id), contacts=contacts, **overrides)


def make_distribution(table, tokens, mailer, **policy) -> Distribution:
    from tests.builders import make_repositories

    return Distribution(
        repos=make_repositories(table), sends=DynamoSendRepository(table),
        suppressions=DynamoSuppressionRepository(table), mailer=mailer, invitation_tokens=tokens,
        unsubscribe_tokens=UnsubscribeTokens(TEST_SECRET), base_url=BASE_URL, sender=SENDER,
        policy=SendPolicy(**policy))


def read_outbox(directory: Path) -> list:
    """Every .eml under ``directory``, parsed with the standard email package."""
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(directory.rglob("*.eml"))]


def bodies(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.fixture(autouse=True)
def _only_local_network():
    """Mail tests never reach AWS: only loopback (DynamoDB Local) is allowed."""
    from pytest_socket import enable_socket, socket_allow_hosts

    socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)
    yield
    enable_socket()


@pytest.fixture
def outbox_dir(tmp_path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def world(moto_table, tokens, outbox_dir):
    """An open wave of 2 partners x 2 contacts (en, es / de, ja), sending to the outbox."""
    partners = [partner_with_languages("P001", ["en", "es"]),
                partner_with_languages("P002", ["de", "ja"], tier="principal", region="APJ")]
    # the survey offers every contact's language (a language it lacks falls back to its default)
    repos, links = given_open_wave(moto_table, tokens, partners, definition=MULTILINGUAL)
    d = make_distribution(moto_table, tokens, OutboxMailer(outbox_dir))
    return d, links
