"""The demo's program story: changes between its waves, an action from the finding, estimates
saved on the changes and the generator's truth beside them (only in the demo's notes)."""
from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from moto import mock_aws

    from chalicelib.storage.actions import DynamoActionRepository, DynamoChangeRepository
    from pulse_cli.demo import seed_sized
    from pulse_cli.demo_plans import seed_demo_plans
    from tests.builders import make_repositories
    from tests.conftest import _make_table

    tmp = tmp_path_factory.mktemp("demo-plans")
    with mock_aws():
        table = _make_table(None)
        repos = make_repositories(table)
        seed_sized(repos, 300, 600, now=NOW)  # the demo's generator and story, smaller (the full seed takes ~45 s)
        stores = type("Stores", (), {"actions": DynamoActionRepository(table),
                                     "changes": DynamoChangeRepository(table)})()
        summary = seed_demo_plans(repos, stores, NOW, tmp / "demo-notes.md")
        yield {"summary": summary, "stores": stores, "notes": (tmp / "demo-notes.md").read_text()}


def test_demo_records_changes_with_estimates_beside_the_truth(seeded):
    lines = seeded["summary"].splitlines()
    assert len(lines) == 2
    for line in lines:
        estimate, truth = line.split("; true effect ")
        low, high = (float(x) for x in estimate.split("interval ")[1].split(",")[0].split(" to "))
        assert low <= float(truth.split(" ")[0]) <= high, line  # the interval covers the generator's truth
    payout = seeded["stores"].changes.get("emea-payout-platform")
    assert payout["estimates"][0]["design"] == "difference in differences"
    assert payout["estimates"][0]["verdict"].startswith("After the change 'EMEA incentive payouts moved")
    portal = seeded["stores"].changes.get("portal-relaunch")
    assert portal["estimates"][0]["verdict"].startswith("Before/after only; other changes in the same period")
    assert "true" not in str(payout) and "truth" not in str(portal)  # the truth stays in the demo's notes
    assert "true effect on the top-2-box" in seeded["notes"]


def test_demo_action_is_linked_to_the_finding_and_the_change(seeded):
    action = seeded["stores"].actions.get("act-demoportal1")
    assert action["status"] == "done" and action["finding_key"] == "driver:px-2025-h2:q_sat_portal"
    assert seeded["stores"].changes.get("portal-relaunch")["actions"] == ["act-demoportal1"]
    assert seeded["stores"].actions.get("act-demopayout1")["finding"]["segment"] == "region=EMEA"
