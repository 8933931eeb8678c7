"""Durability under faults: throttling, crashes after the write, unprocessed batch items."""
import json

import pytest
from botocore.exceptions import ClientError
from chalice.test import Client

from app import app
from chalicelib.domain.errors import StorageUnavailable
from chalicelib.storage.table import BATCH_WRITE_SIZE
from tests.builders import VALID_ANSWERS, given_open_wave, make_partner, token_of
from tests.reliability.faults import Throttler

JSON = {"Content-Type": "application/json"}
BODY = json.dumps({"answers": VALID_ANSWERS, "language": "en"})


@pytest.fixture
def world(local_table, tokens, app_env):
    """DynamoDB Local over HTTP: a before-send answer really replaces the request there
    (under moto, moto's own before-send handler would still execute the write)."""
    repos, links = given_open_wave(local_table, tokens, [make_partner("P001", contacts=2)])
    wiring = app_env(local_table)
    client = wiring.dynamodb_client()
    with Client(app, stage_name="test") as http:
        yield http, repos, links, client


def submit(http, link):
    return http.http.put(f"/api/v1/invitations/{token_of(link)}/response", headers=JSON, body=BODY)


def responses_in_table(repos, link):
    item = repos.responses.get(link.invitation.invitation_id)
    return [] if item is None else [item]


def test_client_pins_the_standard_retry_mode(world):
    *_, client = world
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 4}


@pytest.mark.parametrize("operation", ["BatchGetItem", "TransactWriteItems"])
def test_fewer_throttles_than_attempts_still_store_exactly_once(world, operation):
    http, repos, [link, _], client = world
    throttler = Throttler((operation,), remaining=3).install(client)
    response = submit(http, link)
    assert response.status_code == 201
    assert throttler.remaining == 0 and throttler.seen.count(operation) == 4
    assert [r.version for r in responses_in_table(repos, link)] == [1]


def test_exhausted_retries_give_503_with_retry_after_and_write_nothing(world):
    http, repos, [link, _], client = world
    throttler = Throttler(("TransactWriteItems",), remaining=4).install(client)
    response = submit(http, link)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.json_body["error"] == "unavailable"
    assert responses_in_table(repos, link) == []
    throttler.uninstall(client)
    assert submit(http, link).status_code == 201
    assert [r.version for r in responses_in_table(repos, link)] == [1]


def test_crash_after_the_write_then_client_retry_leaves_one_response(world):
    http, repos, [link, _], client = world

    def crash_after_write(http_response, parsed, model, **kwargs):
        client.meta.events.unregister("after-call.dynamodb.TransactWriteItems", unique_id="crash")
        raise RuntimeError("process died after the write, before the answer")

    client.meta.events.register("after-call.dynamodb.TransactWriteItems", crash_after_write, unique_id="crash")
    crashed = submit(http, link)
    assert crashed.status_code == 500 and crashed.json_body["request_id"]
    assert "Traceback" not in crashed.body.decode()
    assert [r.version for r in responses_in_table(repos, link)] == [1]
    retry = submit(http, link)
    assert retry.status_code == 200
    stored = responses_in_table(repos, link)
    assert len(stored) == 1 and stored[0].version == 2


@pytest.mark.parametrize("reason,status", [
    ("ThrottlingError", 503), ("ValidationError", 503), ("TransactionConflict", 409)])
def test_transaction_cancellation_reasons_map_to_statuses(world, monkeypatch, reason, status):
    http, repos, [link, _], client = world
    error = ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                         "CancellationReasons": [{"Code": "None"}, {"Code": reason}, {"Code": "None"}]},
                        "TransactWriteItems")
    from chalicelib.storage.table import DynamoTable

    def cancelled(self, actions):
        raise error

    monkeypatch.setattr(DynamoTable, "transact", cancelled)
    response = submit(http, link)
    assert response.status_code == status
    assert responses_in_table(repos, link) == []


def test_bulk_writes_resend_unprocessed_items(moto_table):
    calls = []
    real = moto_table.client.batch_write_item

    def half_processed(**kwargs):
        requests = kwargs["RequestItems"][moto_table.name]
        calls.append(len(requests))
        if len(calls) == 1:
            real(RequestItems={moto_table.name: requests[:10]})
            return {"UnprocessedItems": {moto_table.name: requests[10:]}}
        return real(**kwargs)

    moto_table.client.batch_write_item = half_processed
    items = [{"PK": f"T#{i}", "SK": "X", "n": i} for i in range(BATCH_WRITE_SIZE)]
    assert moto_table.batch_put(items) == BATCH_WRITE_SIZE
    assert calls == [25, 15]
    assert all(moto_table.get(f"T#{i}", "X") for i in range(BATCH_WRITE_SIZE))


def test_bulk_writes_fail_loudly_when_items_stay_unprocessed(moto_table, monkeypatch):
    monkeypatch.setattr("chalicelib.storage.table.time.sleep", lambda _: None)

    def never(**kwargs):
        return {"UnprocessedItems": kwargs["RequestItems"]}

    moto_table.client.batch_write_item = never
    with pytest.raises(StorageUnavailable, match="stayed unprocessed"):
        moto_table.batch_put([{"PK": "T#1", "SK": "X"}])
