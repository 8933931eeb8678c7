"""The full build's vectorised shortcuts equal the plain computations they replace."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([0.0, 1.0, 2.5, 7.0, 1e6])), min_size=1, max_size=40),
       st.booleans())
def test_the_two_largest_partner_weights_per_segment_match_a_plain_sort(pairs, in_order):
    from analysis.estimation import _two_largest

    if in_order:
        pairs = sorted(pairs, key=lambda p: p[0])  # partner sums come ordered by segment: the fast path
    seg, w = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    first, second = _two_largest(seg, w, 6)

    for k in range(6):
        values = sorted((v for s, v in pairs if s == k), reverse=True) + [0.0, 0.0]
        assert (first[k], second[k]) == (values[0], values[1])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10 ** 17 - 1) | st.integers(0, 120), st.booleans()), min_size=1,
                max_size=60))
def test_integer_keys_rank_as_their_text_does(pairs):
    from analysis.atoms import _digit_ranks

    numbers = np.array([p[0] for p in pairs], dtype=np.int64)
    inside = np.array([p[1] for p in pairs])
    texts = [str(n) if i else "None" for n, i in pairs]

    ranks = _digit_ranks(numbers, inside)

    distinct = sorted(set(texts))
    assert ranks.tolist() == [distinct.index(t) for t in texts]
