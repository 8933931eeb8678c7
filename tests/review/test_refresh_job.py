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
