"""End to end on DynamoDB Local: a submitted response reaches the staff API by itself.

The stream poller that ``make run`` starts (``devtools/stream_poller.py``) follows the table's
stream and calls the same handler as the deployed stream trigger. Nobody runs a refresh: the
test submits through the partner API and watches the staff API until the new respondent and,
for a detractor, its follow-up appear. The window is the product's promise (one minute); the
measured lag is printed.
"""
from __future__ import annotations

import json
import threading
import time

import pytest

from tests.builders import VALID_ANSWERS, given_open_wave, make_partner, token_of
from tests.review.conftest import auth, identified_definition

pytestmark = pytest.mark.dynamodb_local
WINDOW_S = 60
WAVE = "w-live"


def _get(client, path):
    response = client.http.get(path, headers=auth("analyst"))
    return response.status_code, json.loads(response.body)


def _wait_for(check, window_s=WINDOW_S, every_s=0.25):
    started = time.monotonic()
    while time.monotonic() - started < window_s:
        value = check()
        if value:
            return time.monotonic() - started, value
        time.sleep(every_s)
    pytest.fail(f"not fresh within {window_s} s")


def test_a_detractor_reaches_the_staff_api_and_the_queue_without_a_command(local_table, tokens, app_env):
    import boto3
    from chalice.test import Client

    from app import app
    from chalicelib.jobs.results_stream import handle_stream_event, refresh_due_snapshots
    from chalicelib.services import results
    from devtools.stream_poller import StreamPoller

    partners = [make_partner(f"P{i:03d}") for i in range(7)]
    # identified: the analyst reads the live scorecard (aggregate surveys publish released copies)
    repos, links = given_open_wave(local_table, tokens, partners, wave_id=WAVE, definition=identified_definition())
    wiring = app_env(local_table)
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           endpoint_url=local_table.client.meta.endpoint_url)
    poller = StreamPoller(local_table.client, streams, local_table.name, handle_stream_event,
                          on_idle=refresh_due_snapshots, idle_every_s=1.0)
    poller.ensure_stream()
    thread = threading.Thread(target=poller.run, args=(0.5,), daemon=True)
    thread.start()
    try:
        with Client(app, stage_name="test") as client:
            def submit(link, nps, comment):
                body = {"answers": {**VALID_ANSWERS, "q_nps": nps, "q_comment": comment, "q_contact": "yes"},
                        "language": "en",
                        "final": True}
                response = client.http.put(f"/api/v1/invitations/{token_of(link)}/response",
                                           headers={"Content-Type": "application/json"}, body=json.dumps(body))
                assert response.status_code in (200, 201), response.body

            # Given a new wave whose first respondents answer: it gets results by itself
            for link in links[:6]:
                submit(link, 9, "Great portal")
            def first_results():  # all six counted (the first build may have read fewer; updates follow)
                if not wiring.review_stores().snapshots.pointer(WAVE):
                    return False
                results.clear_cache()
                return _get(client, f"/api/v1/staff/waves/{WAVE}/scorecard")[1]["overall"]["respondents"] == 6

            first_s, _ = _wait_for(first_results)

            # When a detractor submits
            detractor = links[6]
            started = time.monotonic()
            submit(detractor, 2, "Payouts are late and support never answers")

            # Then within the window the queue lists it and the scorecard counts the respondent
            def fresh():
                results.clear_cache()
                _, queue = _get(client, f"/api/v1/staff/waves/{WAVE}/followups")
                listed = any(f["invitation_id"] == detractor.invitation.invitation_id for f in queue["items"])
                status, doc = _get(client, f"/api/v1/staff/waves/{WAVE}/scorecard")
                return listed and status == 200 and doc["overall"]["respondents"] == 7 and (queue, doc)

            _wait_for(fresh)
            lag = time.monotonic() - started
            queue, doc = fresh()
            followup = next(f for f in queue["items"] if f["invitation_id"] == detractor.invitation.invitation_id)
            assert followup["reasons"][0] == "detractor" and followup["status"] == "open"
            print(f"\nfreshness: first results of a new wave {first_s:.1f} s after the first submits; "
                  f"detractor in queue + scorecard {lag:.1f} s after submit (window {WINDOW_S} s)")
    finally:
        poller.stop()
        thread.join(5)
