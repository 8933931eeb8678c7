"""Primary and complementary suppression, by hand and as properties."""
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.suppression import COMPLEMENTARY, PRIMARY, suppress_cells


def test_single_small_cell_gets_a_complement_so_it_cannot_be_subtracted_from_the_total():
    cells = pd.DataFrame({"seg_tier": ["a", "b", "c", "d"], "n": [10, 3, 7, 12]})
    status = suppress_cells(cells, ["seg_tier"], "n", 5)
    assert status.tolist() == [None, PRIMARY, COMPLEMENTARY, None]


def test_two_small_cells_need_no_complement():
    cells = pd.DataFrame({"seg_tier": ["a", "b", "c"], "n": [10, 3, 4]})
    assert suppress_cells(cells, ["seg_tier"], "n", 5).tolist() == [None, PRIMARY, PRIMARY]


def test_crossed_table_protects_rows_and_columns():
    # r1/c1 is small; its row, its column and then the remaining row need complements
    cells = pd.DataFrame({"seg_tier": ["r1", "r1", "r2", "r2"], "seg_region": ["c1", "c2", "c1", "c2"],
                          "n": [3, 10, 10, 20]})
    status = suppress_cells(cells, ["seg_tier", "seg_region"], "n", 5)
    assert status.tolist() == [PRIMARY, COMPLEMENTARY, COMPLEMENTARY, COMPLEMENTARY]


def test_crossed_table_with_safe_lines_keeps_other_cells():
    cells = pd.DataFrame({"seg_tier": ["r1", "r1", "r1", "r2", "r2", "r2"],
                          "seg_region": ["c1", "c2", "c3", "c1", "c2", "c3"],
                          "n": [3, 2, 30, 40, 50, 60]})
    status = suppress_cells(cells, ["seg_tier", "seg_region"], "n", 5)
    # r1 already has two hidden cells; columns c1 and c2 each need one complement from r2
    assert status.tolist() == [PRIMARY, PRIMARY, None, COMPLEMENTARY, COMPLEMENTARY, None]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12),
       st.integers(min_value=2, max_value=10), st.integers(min_value=1, max_value=4))
def test_no_published_cell_below_threshold_and_no_line_with_a_single_hidden_cell(counts, threshold, width):
    cells = pd.DataFrame({"seg_a": [str(i // width) for i in range(len(counts))],
                          "seg_b": [str(i % width) for i in range(len(counts))], "n": counts})
    status = suppress_cells(cells, ["seg_a", "seg_b"], "n", threshold)
    published = cells[status.isna()]
    assert (published["n"] >= threshold).all()
    lines = [cells.index] + [g.index for _, g in cells.groupby("seg_a")] + [g.index for _, g in cells.groupby("seg_b")]
    for line in lines:
        hidden = status[line].notna().sum()
        assert hidden != 1 or len(line) == 1


def test_cell_whose_rest_is_small_is_suppressed_for_overlapping_segments():
    # programs overlap: 18 of 20 respondents use PoC, so total - PoC describes 2 people
    cells = pd.DataFrame({"seg_program": ["proof_of_concept", "technical_assessment"], "n": [18, 20]})
    status = suppress_cells(cells, ["seg_program"], "n", 5, total=20)
    assert status[0] == COMPLEMENTARY


def test_row_whose_margin_is_hidden_in_the_one_dimension_table_keeps_a_hidden_cell():
    # tier 'advanced' is suppressed in the tier table; its two region cells must not both show
    cells = pd.DataFrame({"seg_tier": ["advanced", "advanced", "enrolled", "enrolled"],
                          "seg_region": ["AMER", "EMEA", "AMER", "EMEA"], "n": [6, 7, 20, 21]})
    status = suppress_cells(cells, ["seg_tier", "seg_region"], "n", 5, total=54,
                            hidden_margins={"seg_tier": {"advanced"}})
    assert status[0] == COMPLEMENTARY  # the smaller advanced cell
    # and its column then needs a second hidden cell, whose row needs one more
    assert status.notna().sum() == 4


def test_a_cell_of_ten_contacts_from_two_partners_is_withheld():
    """The partner threshold: ten answers from two partners are those partners' own score."""
    from analysis.scorecard import WaveData, build_scorecard

    from .builders import SPECS, frame, respondent

    rows = [respondent(i, 9 if i % 2 else 3, tier="principal", partner=f"PP{i % 2}") for i in range(10)]
    rows += [respondent(100 + i, 8, tier="advanced") for i in range(20)]  # 20 partners
    rows += [respondent(200 + i, 7, tier="enrolled") for i in range(20)]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", threshold=5, min_partners=3)
    cells = {c["segment"]["tier"]: c for c in doc["breakdowns"][0]["cells"]}
    assert cells["principal"]["suppressed"] == "primary" and cells["principal"]["nps"] == "suppressed"
    assert cells["advanced"]["suppressed"] in (False, None) or cells["enrolled"]["suppressed"] in (False, None)
    assert any(c["suppressed"] == "complementary" for c in cells.values())  # the principal value can't be derived
    # the same ten answers from three partners are published: the rule can say yes
    rows[0:10] = [respondent(i, 9 if i % 2 else 3, tier="principal", partner=f"PP{i % 3}") for i in range(10)]
    again = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", threshold=5, min_partners=3)
    principal = next(c for c in again["breakdowns"][0]["cells"] if c["segment"]["tier"] == "principal")
    assert not principal["suppressed"] and principal["respondents"] == 10
    assert again["suppression"]["min_partners"] == 3
