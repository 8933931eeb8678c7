"""Publication over time on DynamoDB Local, through the stream path: single submissions one at a time.

After each submit the stream poller (the local stand-in for the deployed trigger) hands the new
records to the same handler the stream function runs; then a viewer and an analyst read the
scorecard through the staff API. The viewer (no respondent-level access) must never see a group
move by fewer than k responses, so no single respondent's NPS category or ratings can be read off
two consecutive reads; the analyst on this identified survey sees every response at once.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of
from tests.review.conftest import auth, identified_definition

pytestmark = pytest.mark.dynamodb_local
WAVE = "w-release"
K = 5


SINGLES = int(os.environ.get("PULSE_RELEASE_SINGLES", "8"))  # 20 for the measurement in the docs


def _partners():
    tiers, regions = ("advanced", "principal", "enrolled"), ("EMEA", "APJ", "AMER")
    spread = [make_partner(f"P{i:03d}", tier=tiers[i % 3], region=regions[(i // 3) % 3])
              for i in range(12 + SINGLES)]
    alike = [make_partner(f"Q{i:03d}", tier="enrolled", region="AMER") for i in range(K)]  # one profile
    return spread + alike


def _answers(i: int) -> dict:
    return {**VALID_ANSWERS, "q_nps": i % 11, "q_portal": 1 + i % 5, "q_contact": "yes"}


def _numbers(doc: dict) -> dict:
    """Every published count and value per (breakdown, segment): what a poller can difference."""
    out = {}
    for item in [{"by": [], "cells": [doc["overall"]]}, *doc["breakdowns"]]:
        for cell in item["cells"]:
            key = (tuple(item["by"]), tuple(sorted((cell.get("segment") or {}).items())))
            nps = cell.get("nps")
            out[key] = (cell.get("respondents"), nps.get("value") if isinstance(nps, dict) else nps,
                        json.dumps(cell.get("csat"), sort_keys=True))
    return out


def test_a_polling_viewer_cannot_attribute_single_submissions(local_table, tokens, app_env):
    import boto3
    from chalice.test import Client

    from app import app
    from chalicelib.jobs.results_stream import handle_stream_event
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from devtools.stream_poller import StreamPoller

    repos, links = given_open_wave(local_table, tokens, _partners(), wave_id=WAVE,
                                   definition=identified_definition())
    wiring = app_env(local_table)
    spread = [link for link in links if link.invitation.partner_id.startswith("P")]
    alike = [link for link in links if link.invitation.partner_id.startswith("Q")]
    for i, link in enumerate(spread[:12]):  # answers before the poller starts; a full build releases them
        submit_response(repos, tokens, token_of(link), {"answers": _answers(i), "language": "en", "final": True}, NOW)
    stores = wiring.review_stores()
    results.clear_cache()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE,
                             Thresholds(changes=K), 5, NOW)
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           endpoint_url=local_table.client.meta.endpoint_url)
    poller = StreamPoller(local_table.client, streams, local_table.name, handle_stream_event)
    poller.ensure_stream()

    with Client(app, stage_name="test") as client:
        def submit(link, i):
            response = client.http.put(f"/api/v1/invitations/{token_of(link)}/response",
                                       headers={"Content-Type": "application/json"},
                                       body=json.dumps({"answers": _answers(i), "language": "en", "final": True}))
            assert response.status_code in (200, 201), response.body
            for _ in range(20):  # the records of this submit reach the handler
                if poller.poll_once():
                    break

        def read(role):
            results.clear_cache()
            response = client.http.get(f"/api/v1/staff/waves/{WAVE}/scorecard", headers=auth(role))
            assert response.status_code == 200, response.body
            return json.loads(response.body)

        viewer, analyst = read("viewer"), read("analyst")
        assert viewer["overall"]["respondents"] == analyst["overall"]["respondents"] == 12

        # the rule can say yes: K responses that fall in exactly the same groups move every group by K
        for i, link in enumerate(alike, start=100):
            submit(link, i)
            shown = read("viewer")["overall"]["respondents"]
            assert shown == (12 + K if i == 100 + K - 1 else 12)
        viewer, analyst = read("viewer"), read("analyst")
        assert viewer["release"]["min_changes"] == K and viewer["snapshot"]["released_at"]
        assert "released_at" not in analyst["snapshot"]  # the analyst of an identified survey reads live

        def comments(role):
            results.clear_cache()
            response = client.http.get(f"/api/v1/staff/waves/{WAVE}/comments?limit=100", headers=auth(role))
            return json.loads(response.body)["total"]

        viewer_comments = comments("viewer")

        # single submissions spread over the groups: the analyst sees each, the viewer none alone
        attributable = 0
        for i, link in enumerate(spread[12:12 + SINGLES], start=12):
            submit(link, i)
            now_viewer, now_analyst = read("viewer"), read("analyst")
            assert now_analyst["overall"]["respondents"] == analyst["overall"]["respondents"] + 1
            before, after = _numbers(viewer), _numbers(now_viewer)
            for key in (k for k in after if k in before and before[k] != after[k]):
                old, new = before[key][0], after[key][0]
                if not (isinstance(old, int) and isinstance(new, int)) or abs(new - old) < K:
                    attributable += 1  # a group moved by fewer than K (or changed values in place)
            viewer, analyst = now_viewer, now_analyst
            if viewer["overall"]["respondents"] == 12 + K:  # no release yet: no new comment either
                attributable += comments("viewer") != viewer_comments
        assert attributable == 0
        assert analyst["overall"]["respondents"] == 12 + K + SINGLES
        print(f"\n{SINGLES} single submissions: attributable by a polling viewer {attributable}; the viewer's "
              f"copy shows {viewer['overall']['respondents']} of {analyst['overall']['respondents']} respondents")
