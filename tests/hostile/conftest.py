"""Fixtures of the hostile-input suite: a small wave with answers and a results snapshot on moto
(module-wide, for the fast edge tests), and table dumps to prove that nothing was written."""
from __future__ import annotations

import json
import os

import pytest

from tests.builders import NOW, TEST_SECRET, VALID_ANSWERS, given_open_wave, make_partner, restore_environment, token_of

WAVE = "w-hostile"
COMMENTS = ["Great portal", "Slow payouts", "Deal registration is slow", "Support was helpful",
            "Training is good", "Pricing is confusing"]


@pytest.fixture(scope="session", autouse=True)
def patient_dynamodb_local():
    """Give DynamoDB Local 120 s instead of 30 s to start: on a busy shared machine the JVM can take
    longer, and the sweep would otherwise be skipped."""
    from devtools import dynamodb_local

    original = dynamodb_local.wait_until_ready

    def wait(endpoint, process=None, timeout=30):
        return original(endpoint, process, timeout=max(timeout, 120))

    dynamodb_local.wait_until_ready = wait
    yield
    dynamodb_local.wait_until_ready = original


def table_dump(table, skip_prefixes: tuple[str, ...] = ("RATELIMIT#",)) -> dict:
    """Every item of the table (key -> item), minus bookkeeping that changes on purpose. Snapshot
    chunks (immutable, keyed by version, large) are compared by key only, to keep dumps cheap."""
    items = {}
    for projection, condition in ((None, "NOT begins_with(SK, :chunk)"), ("PK, SK", "begins_with(SK, :chunk)")):
        start = None
        while True:
            kwargs = {"TableName": table.name, "FilterExpression": condition,
                      "ExpressionAttributeValues": {":chunk": {"S": "SNAPSHOT#2"}}}
            if projection:
                kwargs["ProjectionExpression"] = projection
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = table.client.scan(**kwargs)
            for item in page["Items"]:
                pk, sk = item["PK"]["S"], item["SK"]["S"]
                if not pk.startswith(skip_prefixes):
                    items[(pk, sk)] = json.dumps(item, sort_keys=True)
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    return items


def build_world(table, tokens, partners: int = 12):
    """An open wave with ``partners`` submitted responses and a fresh results snapshot."""
    from chalicelib import wiring
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from tests.review.conftest import identified_definition

    people = [make_partner(f"H{i:03d}", contacts=2) for i in range(partners)]
    # identified reporting with consent, so the follow-up queue (a form under test) has items
    repos, links = given_open_wave(table, tokens, people, wave_id=WAVE, definition=identified_definition())
    for i, link in enumerate(links[::2]):
        answers = {**VALID_ANSWERS, "q_nps": i % 11, "q_comment": COMMENTS[i % len(COMMENTS)], "q_contact": "yes"}
        submit_response(repos, tokens, token_of(link), {"answers": answers, "language": "en", "final": True}, NOW)
    wiring.reset()
    results.clear_cache()
    stores = wiring.review_stores()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE,
                             Thresholds(scores=3, comments=3), 5, NOW)
    return repos, links


@pytest.fixture(scope="module")
def world():
    """(chalice test client, repositories, links, table) on a module-wide moto table."""
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib.security.tokens import InvitationTokens
    from tests.conftest import _make_table

    saved = {k: os.environ.get(k) for k in ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT",
                                             "PULSE_STAGE", "PULSE_SUPPRESS_MIN_SCORES",
                                             "PULSE_SUPPRESS_MIN_COMMENTS")}
    with mock_aws():
        table = _make_table(None)
        os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test",
                           "PULSE_SUPPRESS_MIN_SCORES": "3", "PULSE_SUPPRESS_MIN_COMMENTS": "3"})
        os.environ.pop("PULSE_DYNAMODB_ENDPOINT", None)
        repos, links = build_world(table, InvitationTokens(TEST_SECRET))
        with Client(app, stage_name="test") as client:
            yield client, repos, links, table
    restore_environment(saved)


def staff_token(role: str = "analyst", scope: str | None = None) -> str:
    from chalicelib.security.staff import StaffTokens, parse_scope

    return StaffTokens(TEST_SECRET).issue("hostile@vendor.example", role, parse_scope(scope), 3600)
