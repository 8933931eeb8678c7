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


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 80), st.integers(1, 6), st.integers(1, 5), st.booleans(), st.integers(0, 2 ** 16))
def test_segment_sums_of_whole_numbers_by_one_product_equal_the_bincounts(rows, columns, k, repeated, seed):
    from analysis.estimation import _group_sums, _integral

    rng = np.random.default_rng(seed)
    matrix = np.asfortranarray(rng.integers(0, 50, (rows, columns)).astype(float))
    picked = np.sort(rng.integers(0, rows, rows + 7)) if repeated else np.arange(rows)
    seg = rng.integers(0, k, len(picked))
    plain = np.stack([np.bincount(seg, weights=matrix[picked, j], minlength=k) for j in range(columns)], axis=1)

    assert _integral(matrix)
    assert np.array_equal(_group_sums(matrix, picked, seg, k, integral=True), plain)
    assert np.array_equal(_group_sums(matrix, picked, seg, k), plain)


def test_fractions_or_missing_values_are_not_summed_in_any_order():
    from analysis.estimation import _integral

    assert not _integral(np.array([[1.0, 2.5]]))
    assert not _integral(np.array([[1.0, np.nan]]))
    assert not _integral(np.array([[2.0 ** 60, 1.0]]))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 120), st.integers(2, 5), st.integers(0, 2 ** 16), st.sampled_from([5, 7, 11]))
def test_unit_sums_from_bytes_equal_the_row_by_row_sums(rows, k1, seed, scale):
    from analysis.drivers import row_products, unit_sums

    rng = np.random.default_rng(seed)
    values = rng.integers(0, scale, (rows, k1)).astype(float)
    values[rng.random((rows, k1)) < 0.3] = np.nan
    top2 = values[:, 1:] >= scale - 2
    units = rng.integers(0, 6, rows)
    subset = np.sort(rng.choice(rows, max(1, rows // 2), replace=False))
    products = row_products(values, top2)

    assert products is not None
    for chosen in (None, subset):
        plain = unit_sums(values, units if chosen is None else units[chosen], top2, chosen, chunk=13)
        fast = unit_sums(values, units if chosen is None else units[chosen], top2, chosen, chunk=13,
                         products=products)
        assert plain.keys() == fast.keys()
        assert all(np.array_equal(plain[name], fast[name]) for name in plain)


def test_answers_that_do_not_fit_a_byte_keep_the_float_path():
    from analysis.drivers import row_products

    assert row_products(np.array([[3.0, 2.5]]), np.zeros((1, 1), bool)) is None
    assert row_products(np.array([[30.0, 2.0]]), np.zeros((1, 1), bool)) is None
    assert row_products(np.array([[-1.0, 2.0]]), np.zeros((1, 1), bool)) is None
