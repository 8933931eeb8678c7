"""The scheduled refresh job and the admin's on-demand refresh."""
import json

from chalicelib.jobs import snapshot_refresh
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
    assert response.status_code == 202  # started elsewhere (a background thread locally), not in the request
    accepted = json.loads(response.body)
    assert accepted["state"] in ("queued", "running", "done") and response.headers["Location"] == accepted["status_url"]
    snapshot_refresh.wait_for_local_refreshes()
    status = small.http.get(accepted["status_url"], headers=auth("admin"))
    assert status.status_code == 200 and json.loads(status.body)["state"] == "done"
    summary = json.loads(status.body)["summary"]
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
    assert small.http.post(f"/api/v1/staff/waves/{SMALL_WAVE}/snapshot", headers=auth("admin")).status_code == 202
    snapshot_refresh.wait_for_local_refreshes()
    rebuilt = next(c for c in results._comments(stores.snapshots, SMALL_WAVE) if c["id"] == comment["id"])
    assert rebuilt["label"] == "negative" and rebuilt["corrected"]["by"] == "rev@vendor.example"
    followup = stores.followups.get(SMALL_WAVE, comment["invitation_id"])
    assert followup is not None and "negative_comment" in followup["reasons"]


def test_refresh_stores_each_comment_enrichment_once_and_the_next_refresh_does_no_model_work(small, monkeypatch):
    from analysis.sentiment import SentimentModels
    from chalicelib import wiring
    from chalicelib.jobs import snapshot_refresh

    stores = wiring.review_stores()
    response = small.http.post(f"/api/v1/staff/waves/{SMALL_WAVE}/snapshot", headers=auth("admin"))
    assert response.status_code == 202
    snapshot_refresh.wait_for_local_refreshes()
    status = snapshot_refresh.refresh_status(SMALL_WAVE)
    stored = stores.enrichments.for_wave(SMALL_WAVE)
    assert len(stored) == status["summary"]["comments"] > 0
    assert all(e["sentiment_version"].startswith("sentiment-") and e["label"] for e in stored.values())

    def no_model_work(self, texts, language):
        raise AssertionError(f"model asked to score {len(texts)} unchanged comments")

    monkeypatch.setattr(SentimentModels, "predict", no_model_work)
    again = small.http.post(f"/api/v1/staff/waves/{SMALL_WAVE}/snapshot", headers=auth("admin"))
    assert again.status_code == 202
    snapshot_refresh.wait_for_local_refreshes()
    assert snapshot_refresh.refresh_status(SMALL_WAVE)["state"] == "done"
    assert stores.enrichments.for_wave(SMALL_WAVE) == stored
