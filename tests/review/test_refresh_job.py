"""The scheduled refresh job and the admin's on-demand refresh."""
import json

from tests.review.conftest import SMALL_WAVE, auth


def test_scheduled_job_refreshes_registered_open_waves(small):
    from chalicelib import wiring

    before = wiring.review_stores().snapshots.pointer(SMALL_WAVE)["version"]
    result = small.lambda_.invoke("refresh_results", small.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert [s["wave_id"] for s in result.payload] == [SMALL_WAVE]
    assert wiring.review_stores().snapshots.pointer(SMALL_WAVE)["version"] != before


def test_admin_refreshes_on_demand_and_old_chunks_are_removed(small):
    from chalicelib import wiring

    table = wiring.table()
    old = wiring.review_stores().snapshots.pointer(SMALL_WAVE)["version"]
    response = small.http.post(f"/api/v1/staff/waves/{SMALL_WAVE}/snapshot", headers=auth("admin"))
    assert response.status_code == 200
    summary = json.loads(response.body)
    assert summary["followups_created"] == 0 and summary["version"] != old
    assert not list(table.query_all(f"WAVE#{SMALL_WAVE}", sk_prefix=f"SNAPSHOT#{old}#"))
    assert all(len(item["data"]) <= 100_000
               for item in table.query_all(f"WAVE#{SMALL_WAVE}", sk_prefix=f"SNAPSHOT#{summary['version']}#"))


def test_corrections_enter_the_aggregates_and_the_follow_up_queue_at_the_next_refresh(small):
    from chalicelib import wiring
    from chalicelib.services import results

    stores = wiring.review_stores()
    # a passive: promoters are never flagged for the tone of a comment
    comment = next(c for c in results._comments(stores.snapshots, SMALL_WAVE)
                   if c["label"] == "positive" and 7 <= (c["nps"] or 0) <= 8)
    response = small.http.put(f"/api/v1/staff/waves/{SMALL_WAVE}/comments/{comment['id']}/correction",
                              headers={**auth("analyst", subject="rev@vendor.example"),
                                       "Content-Type": "application/json"},
                              body=json.dumps({"label": "negative", "themes": []}))
    assert response.status_code == 200
    assert stores.followups.get(SMALL_WAVE, comment["invitation_id"]) is None
    small.http.post(f"/api/v1/staff/waves/{SMALL_WAVE}/snapshot", headers=auth("admin"))
    rebuilt = next(c for c in results._comments(stores.snapshots, SMALL_WAVE) if c["id"] == comment["id"])
    assert rebuilt["label"] == "negative" and rebuilt["corrected"]["by"] == "rev@vendor.example"
    followup = stores.followups.get(SMALL_WAVE, comment["invitation_id"])
    assert followup is not None and "negative_comment" in followup["reasons"]
