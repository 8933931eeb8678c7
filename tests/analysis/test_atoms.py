"""Atoms are a sufficient statistic: the scorecard from atoms equals the scorecard from respondents,
and moving an atom table response by response equals collapsing the final respondents."""
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.atoms import apply, collapse, contributions, from_records, invitation_atoms, stat_names, to_records
from analysis.scorecard import WaveData, build_scorecard

from .builders import SPECS, frame, respondent

NPS = "q_nps"
TIERS, REGIONS = ("advanced", "principal", "enrolled"), ("EMEA", "APJ", "AMER")


def _people(draw_ints) -> pd.DataFrame:
    rows = []
    for i, (nps, tier, region, partner, portal, program) in enumerate(draw_ints):
        rows.append(respondent(i, nps, tier=TIERS[tier], region=REGIONS[region], partner=f"P{partner}",
                               revenue=100.0 * (1 + partner), portal=portal,
                               programs=("proof_of_concept",) if program else ()))
    return frame(rows) if rows else frame([respondent(0, 5)]).iloc[0:0]  # no respondents: columns, no rows


people = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 2), st.integers(0, 2), st.integers(0, 7),
                            st.integers(1, 5), st.booleans()), min_size=0, max_size=40)


def _invitations(respondents: pd.DataFrame) -> pd.DataFrame:
    extra = respondents.assign(partner_id=respondents["partner_id"] + "x") if len(respondents) else respondents
    return pd.concat([respondents, extra], ignore_index=True)[
        ["partner_id", "tier", "region", "country", "partner_types", "transacting", "annual_revenue",
         "revenue_band", "programs"]].drop_duplicates("partner_id").assign(invitation_id="i", state="sent")


@settings(max_examples=40, deadline=None)
@given(people, people)
def test_the_scorecard_from_atoms_equals_the_scorecard_from_respondents(now, before):
    current, previous = _people(now), _people(before)
    names = stat_names(SPECS, NPS)
    invited = _invitations(current) if len(current) else None
    from_respondents = build_scorecard(WaveData("w", current, invited), SPECS, previous=WaveData("v", previous),
                                       threshold=3)
    atoms = collapse(contributions(current, SPECS, NPS), names)
    stored = from_records(to_records(atoms))  # through JSON, as the snapshot keeps it
    prev_atoms = collapse(contributions(previous, SPECS, NPS), names)
    from_atoms = build_scorecard(
        WaveData("w", stored.iloc[0:0], None if invited is None else invitation_atoms(invited), atoms=stored),
        SPECS, previous=WaveData("v", previous.iloc[0:0], atoms=prev_atoms), threshold=3,
        drivers=from_respondents["drivers"])
    assert from_atoms == from_respondents


@settings(max_examples=40, deadline=None)
@given(people, st.lists(st.integers(0, 39), max_size=10), people)
def test_moving_atoms_response_by_response_equals_collapsing_the_result(start, leaving, arriving):
    names = stat_names(SPECS, NPS)
    first = contributions(_people(start), SPECS, NPS)
    gone = sorted({i for i in leaving if i < len(first)})
    new = contributions(_people(arriving), SPECS, NPS)
    moved = apply(collapse(first, names), first.iloc[gone], new, names)
    final = pd.concat([first.drop(index=gone), new], ignore_index=True)
    expected = collapse(final, names)
    assert to_records(moved) == to_records(expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.sampled_from([None, "AMER", "EMEA"]),
                          st.sampled_from([None, 5.0, 1e16, 0.1]),
                          st.sampled_from([(), ("b",), ("a", "b"), ["a"], None])), min_size=1, max_size=30))
def test_atoms_are_sorted_by_the_repr_of_their_key_whatever_the_values(rows):
    """Ties in the partner id (one partner, several profiles), missing values, lists and floats whose
    repr switches to exponent notation: the order is exactly ``sorted(key, key=repr)``."""
    from analysis.atoms import KEY_COLUMNS, key_of

    base = frame([respondent(0, 9)]).iloc[0]
    people = pd.DataFrame([{**base.to_dict(), "partner_id": 10 * p, "region": region, "annual_revenue": revenue,
                            "programs": programs, "response_id": f"r{i}"}
                           for i, (p, region, revenue, programs) in enumerate(rows)])
    atoms = collapse(contributions(people, SPECS, NPS), stat_names(SPECS, NPS))
    keys = [key_of(r) for r in atoms[list(KEY_COLUMNS)].to_dict("records")]
    assert keys == sorted(keys, key=repr)
    assert len(set(keys)) == len(keys) and atoms["n"].sum() == len(rows)
