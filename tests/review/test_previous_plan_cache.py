"""The previous wave's joint plan is kept in the wave state: a cold process reads it instead of
rebuilding the previous wave's scorecards, and a changed previous wave is planned again."""
from __future__ import annotations

import pytest

from tests.analysis.builders import SPECS, frame, respondent

TIERS, REGIONS = ("advanced", "principal", "enrolled"), ("EMEA", "APJ", "AMER")


def _previous(count: int) -> dict:
    """A previous wave's state entry: atoms of ``count`` respondents over tiers and regions (small groups)."""
    from analysis.atoms import collapse, contributions, stat_names, to_records

    people = frame([respondent(i, i % 11, tier=TIERS[i % 3], region=REGIONS[(i // 3) % 3], partner=f"P{i % 17}")
                    for i in range(count)])
    specs = [s for s in SPECS if s.type != "text"]
    return {"wave_id": "before", "atoms": to_records(collapse(contributions(people, specs, "q_nps"),
                                                                 stat_names(specs, "q_nps"))), "invitations": None}


def _plan(previous: dict):
    from chalicelib.services import wave_state
    from chalicelib.services.snapshot_builder import BREAKDOWNS, Thresholds

    before = wave_state._wave_data(previous["wave_id"], previous["atoms"], previous["invitations"])
    return wave_state._previous_plan(previous, before, [s for s in SPECS if s.type != "text"], BREAKDOWNS,
                                     Thresholds())


@pytest.fixture
def builds(monkeypatch):
    """Counts the previous wave's scorecard builds; starts with an empty process cache."""
    import analysis.scorecard
    from chalicelib.services import wave_state

    monkeypatch.setattr(wave_state, "_PREVIOUS_PLANS", {})
    real, calls = analysis.scorecard.build_scorecard, []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis.scorecard, "build_scorecard", counting)
    return calls


def test_a_cold_process_reads_the_stored_plan_without_building_a_scorecard(builds, monkeypatch):
    from chalicelib.services import wave_state

    previous = _previous(60)
    first = _plan(previous)
    built = len(builds)
    assert built >= 2 and "plan" in previous  # the whole wave and its scopes, kept in the state entry
    assert any(first.withheld.values())  # small groups: something is withheld

    monkeypatch.setattr(wave_state, "_PREVIOUS_PLANS", {})  # a fresh process with the stored state
    again = _plan(previous)

    assert len(builds) == built
    assert again.withheld == first.withheld


def test_a_changed_previous_wave_is_planned_again(builds):
    previous = _previous(60)
    _plan(previous)
    built, fingerprint = len(builds), previous["plan"]["fingerprint"]

    changed = {**_previous(75), "plan": previous["plan"]}  # stale plan of other atoms
    _plan(changed)

    assert len(builds) > built
    assert changed["plan"]["fingerprint"] != fingerprint
