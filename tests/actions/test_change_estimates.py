"""Live effect estimates: computed from the survey's current waves when asked, cached by the results
snapshot versions, stored on the change; thresholds apply."""
from datetime import timedelta

import pytest

from tests.actions.history import AFTER, CHANGE_DAY, given_two_waves
from tests.builders import NOW

CHANGE = {"change_id": "emea-portal", "description": "EMEA portal moved", "effective": CHANGE_DAY,
          "segments": {"regions": ["EMEA"]}, "metrics": ["mean:q_portal"], "actions": []}


@pytest.fixture
def history(moto_table, tokens):
    from chalicelib.storage.actions import DynamoChangeRepository
    from chalicelib.storage.snapshots import DynamoSnapshotStore
    from tests.report.builders import snapshot_stores

    repos = given_two_waves(moto_table, tokens)
    changes = DynamoChangeRepository(moto_table)
    changes.add(dict(CHANGE))
    return {"repos": repos, "changes": changes, "snapshots": DynamoSnapshotStore(moto_table),
            "refresh": snapshot_stores(moto_table)["refresh"]}


@pytest.fixture
def computations(monkeypatch):
    """Counts the estimator's history loads (one per computation)."""
    import analysis.impact_loader as loader

    calls = []
    real = loader.survey_history

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "survey_history", counted)
    return calls


def estimates(h, **kwargs):
    from chalicelib.services.change_estimates import current_estimates

    change = h["changes"].get("emea-portal")
    return current_estimates(h["repos"], h["snapshots"], h["changes"], change, "px-test", NOW, **kwargs)


def test_the_estimate_is_computed_on_first_view_and_stored_on_the_change(history, computations):
    docs = estimates(history)
    assert computations == ["px-test"]
    assert docs[0]["status"] == "ok" and docs[0]["design"] == "difference in differences"
    assert docs[0]["estimate"]["value"] == pytest.approx(-2.0)  # EMEA's portal rating fell 2 points more
    stored = history["changes"].get("emea-portal")
    assert stored["estimate_key"] and stored["estimates"][0]["verdict"] == docs[0]["verdict"]


def test_a_second_view_reuses_the_estimate_until_a_snapshot_moves(history, computations):
    estimates(history)
    estimates(history)
    assert len(computations) == 1
    history["refresh"](AFTER)  # a new results snapshot of the wave after the change
    estimates(history)
    assert len(computations) == 2
    estimates(history)
    assert len(computations) == 2


def test_the_partner_threshold_applies(history, computations):
    docs = estimates(history, min_partners=9)  # 8 partners per region: too few for a group
    assert docs[0]["status"] == "not enough data" and "estimate" not in docs[0]
    assert "-2.0" not in docs[0]["verdict"]
    assert computations  # a different threshold is a different key
    assert history["changes"].get("emea-portal")["estimates"][0]["status"] == "not enough data"


def test_a_changed_change_is_recomputed(history, computations):
    estimates(history)
    later = (NOW - timedelta(days=1000)).date().isoformat()  # before both waves: nothing before it
    history["changes"].table.update("CHANGE#emea-portal", "CHANGE", "SET effective = :e", {":e": later})
    docs = estimates(history)
    assert len(computations) == 2 and docs[0]["status"] == "not enough data"
