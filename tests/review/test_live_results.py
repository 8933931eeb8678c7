"""Live results: stream records of submitted responses create follow-ups at once and rebuild the
snapshot when due, through the same handler the deployed stream trigger calls."""
import json
from dataclasses import replace

from tests.review.conftest import SMALL_WAVE, auth


def _record(table, invitation_id, event_name="MODIFY", old_status=None):
    raw = table.client.get_item(TableName=table.name, Key={"PK": {"S": f"INVITE#{invitation_id}"},
                                                           "SK": {"S": "RESPONSE"}})["Item"]
    change = {"Keys": {"PK": raw["PK"], "SK": raw["SK"]}, "NewImage": raw, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if old_status:
        change["OldImage"] = {**raw, "status": {"S": old_status}}
    return {"eventID": "1", "eventName": event_name, "eventSource": "aws:dynamodb", "eventVersion": "1.1",
            "awsRegion": "us-east-1", "dynamodb": change,
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x"}


def _respondents(client):
    response = client.http.get(f"/api/v1/staff/waves/{SMALL_WAVE}/scorecard", headers=auth("analyst"))
    return json.loads(response.body)["overall"]["respondents"]


def test_changed_responses_ignores_other_items_and_unsubmitted_saves():
    from chalicelib.services.live_results import changed_responses

    records = [
        {"dynamodb": {"Keys": {"PK": {"S": "INVITE#a"}, "SK": {"S": "RESPONSE"}},
                      "NewImage": {"status": {"S": "submitted"}, "wave_id": {"S": "w1"}}}},
        {"dynamodb": {"Keys": {"PK": {"S": "INVITE#b"}, "SK": {"S": "RESPONSE"}},
                      "NewImage": {"status": {"S": "partial"}, "wave_id": {"S": "w1"}}}},
        {"dynamodb": {"Keys": {"PK": {"S": "INVITE#c"}, "SK": {"S": "INVITATION"}},
                      "NewImage": {"status": {"S": "submitted"}, "wave_id": {"S": "w1"}}}},
        {"dynamodb": {"Keys": {"PK": {"S": "WAVE#w1"}, "SK": {"S": "SNAPSHOT#CURRENT"}}}},
        {"eventName": "REMOVE", "dynamodb": {"Keys": {"PK": {"S": "INVITE#d"}, "SK": {"S": "RESPONSE"}},
                                             "OldImage": {"status": {"S": "submitted"}, "wave_id": {"S": "w2"}}}},
    ]
    assert changed_responses(records) == {"w1": {"a"}, "w2": {"d"}}


def test_a_new_detractor_reaches_the_queue_and_the_scorecard_through_the_stream_handler(small, monkeypatch):
    from chalicelib import wiring
    from chalicelib.services import results

    monkeypatch.setenv("PULSE_LIVE_REBUILD_SECONDS", "0")
    wiring.reset()
    repos, stores, table = wiring.repositories(), wiring.review_stores(), wiring.table()
    before = _respondents(small)
    # Given a partial response that is now submitted as a detractor (as the form would write it)
    template = next(r for r in repos.responses.for_wave(SMALL_WAVE) if r.answers["q_nps"] >= 9)
    invitation = replace(repos.invitations.get(template.invitation_id), invitation_id="inv-live-1")
    repos.invitations.put_many([invitation])
    new = replace(template, invitation_id="inv-live-1", answers={**template.answers, "q_nps": 1})
    repos.responses.put_many([new])
    assert stores.followups.get(SMALL_WAVE, "inv-live-1") is None
    # When the stream delivers the change
    result = small.lambda_.invoke("results_stream", {"Records": [_record(table, "inv-live-1", "INSERT")]}).payload
    # Then the follow-up exists and the scorecard counts the respondent, with no command run
    assert result["followups_created"] == 1 and result["updated"] == [SMALL_WAVE] and result["rebuilt"] == []
    followup = stores.followups.get(SMALL_WAVE, "inv-live-1")
    assert followup["reasons"][0] == "detractor" and followup["status"] == "open"
    results.clear_cache()
    assert _respondents(small) == before + 1
    # Delivering the same batch again (at-least-once) changes nothing
    again = small.lambda_.invoke("results_stream", {"Records": [_record(table, "inv-live-1")]}).payload
    assert again["followups_created"] == 0
    assert stores.followups.get(SMALL_WAVE, "inv-live-1")["version"] == 1


def test_a_wave_with_a_state_is_updated_at_once_and_one_without_is_rebuilt_when_due(small, monkeypatch):
    from chalicelib import wiring
    from chalicelib.jobs.results_stream import handle_stream_event
    from chalicelib.services import wave_state

    monkeypatch.setenv("PULSE_LIVE_REBUILD_SECONDS", "3600")
    wiring.reset()
    table, stores, repos = wiring.table(), wiring.review_stores(), wiring.repositories()
    some = next(iter(repos.responses.for_wave(SMALL_WAVE)))
    repos.responses.put_many([replace(some, answers={**some.answers, "q_nps": 0}, version=some.version + 1)])
    version = stores.snapshots.pointer(SMALL_WAVE)["version"]
    first = handle_stream_event({"Records": [_record(table, some.invitation_id)]})
    # the snapshot holds the wave's state: the change is applied now, no rebuild, no debounce
    assert first["updated"] == [SMALL_WAVE] and first["rebuilt"] == []
    assert stores.snapshots.pointer(SMALL_WAVE)["version"] > version
    assert stores.snapshots.changed_waves() == []
    # a snapshot from before states (no state part) is rebuilt in full, at most once per interval
    pointer = stores.snapshots.pointer(SMALL_WAVE)
    table.put({**pointer, "parts": {k: v for k, v in pointer["parts"].items() if k != wave_state.STATE_PART}})
    assert handle_stream_event({"Records": [_record(table, some.invitation_id)]})["rebuilt"] == []
    assert stores.snapshots.changed_waves()[0]["wave_id"] == SMALL_WAVE
    monkeypatch.setenv("PULSE_LIVE_REBUILD_SECONDS", "0")
    wiring.reset()
    assert handle_stream_event({"Records": []})["rebuilt"] == [SMALL_WAVE]
    assert handle_stream_event({"Records": []})["rebuilt"] == []  # up to date now
    assert wave_state.STATE_PART in stores.snapshots.pointer(SMALL_WAVE)["parts"]


def test_a_wave_without_a_snapshot_gets_its_first_results_automatically(moto_table, tokens, app_env):
    from chalicelib.jobs.results_stream import handle_stream_event
    from chalicelib.services.submissions import submit_response
    from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

    repos, links = given_open_wave(moto_table, tokens, [make_partner(f"P{i}") for i in range(6)], wave_id="w-new")
    for link in links:
        submit_response(repos, tokens, token_of(link), {"answers": VALID_ANSWERS, "language": "en",
                                                        "final": True}, NOW)
    wiring = app_env(moto_table)
    assert wiring.review_stores().snapshots.pointer("w-new") is None
    records = [_record(moto_table, link.invitation.invitation_id, "INSERT") for link in links]
    summary = handle_stream_event({"Records": records})
    assert summary["rebuilt"] == ["w-new"]
    assert [w["wave_id"] for w in wiring.review_stores().snapshots.registered_waves()] == ["w-new"]
