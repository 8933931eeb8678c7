"""Concurrency over real HTTP against `chalice local` + DynamoDB Local (bounded loops only).

`chalice local` serves each request on its own thread (ThreadingHTTPServer), so these requests
really overlap; reconciliation reads the table instead of trusting status codes.
"""
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from chalicelib.services.catalogue import open_wave, publish_survey
from chalicelib.services.invitations import create_invitations
from tests.builders import NOW, VALID_ANSWERS, make_partner, survey_definition, token_of

HEADERS = {"Content-Type": "application/json"}


def _wave_with(live_server, wave_id: str, partners: int):
    repos = live_server.repos
    publish_survey(repos, survey_definition(), NOW)
    repos.partners.put_many([make_partner(f"{wave_id}-P{i:03d}") for i in range(partners)], "t")
    open_wave(repos, "px-test", wave_id, (NOW + timedelta(days=30)).date().isoformat(), NOW)
    return [link for link in create_invitations(repos, live_server.tokens, wave_id, live_server.url, NOW)
            if link.partner.partner_id.startswith(wave_id)]


def _put(live_server, link, answers):
    """PUT a submission; like any client, retry when the connection is reset.

    chalice local's http.server has a listen backlog of 5, so a burst of 50 connects can be
    reset before the app sees them (API Gateway has no such limit). A retried request may have
    been processed already: that is exactly the duplicate the conditional write must absorb.
    A 503 is the server's own "busy, retry" answer (DynamoDB Local on a loaded 2-core machine can
    exceed the client's 5 s read timeout); it must carry Retry-After, and an API client retries it
    (the form shows a "please try again" page). Only the final answer counts.
    """
    url = f"{live_server.url}/api/v1/invitations/{token_of(link)}/response"
    body = json.dumps({"answers": answers, "language": "en"})
    for attempt in range(8):
        try:
            answer = requests.put(url, data=body, headers=HEADERS, timeout=30)
        except requests.ConnectionError:
            time.sleep(0.05 * 2 ** attempt)
            continue
        if answer.status_code != 503:
            return answer
        assert answer.headers.get("Retry-After"), "a 503 must say when to retry"
        # as a client would: wait as long as the server asks (a loaded machine's last retries need it)
        time.sleep(max(0.2 * 2 ** min(attempt, 3), float(answer.headers["Retry-After"])))
    return requests.put(url, data=body, headers=HEADERS, timeout=30)


def test_200_distinct_submissions_from_20_workers_all_stored_once(live_server):
    links = _wave_with(live_server, "w-conc-200", 200)
    assert len(links) == 200
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(lambda link: _put(live_server, link, VALID_ANSWERS).status_code, links))
    stored = list(live_server.repos.responses.for_wave("w-conc-200"))
    per_invitation = Counter(r.invitation_id for r in stored)
    assert statuses == Counter({201: 200})
    assert len(stored) == 200 and max(per_invitation.values()) == 1
    assert {r.invitation_id for r in stored} == {link.invitation.invitation_id for link in links}


def test_50_concurrent_identical_submissions_store_one_response(live_server):
    [link] = _wave_with(live_server, "w-conc-50", 1)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(lambda _: _put(live_server, link, VALID_ANSWERS).status_code, range(50)))
    assert not [s for s in statuses if s >= 500]
    assert statuses[201] == 1
    assert set(statuses) <= {200, 201, 409}
    items = list(live_server.table.query_all(f"INVITE#{link.invitation.invitation_id}"))
    responses = [item for item in items if item["SK"] == "RESPONSE"]
    assert len(responses) == 1
    assert responses[0]["version"] >= statuses[200] + statuses[201]  # every acknowledged write is a version
