"""The chunk summaries simulate() uses agree with the plain definitions they replace."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kzforecast.results.summary import (
    MAX_VALUE,
    MIN_POSITIVE,
    Moments,
    Sketch,
    block_moments,
    sparse_sketch_of,
)


def test_sparse_sketch_clamps_out_of_range_values_like_the_dense_sketch() -> None:
    rng = np.random.default_rng(5)
    x = rng.lognormal(3, 1, (3, 2, 64))
    x[0, 0, :5] = [-1.0, -0.0, 0.0, MIN_POSITIVE / 3, MIN_POSITIVE]
    x[1, 1, :4] = [np.inf, 1e300, MAX_VALUE * 2, MAX_VALUE]
    x[2, 0, :] = 0.0  # a whole cell below the range
    x[2, 1, :] = 7.0  # a constant cell
    dense = Sketch.of(x).counts
    bins = np.full(x.size + 10, -1, dtype=np.int64)  # a dirty, too-large work buffer
    for vmin, vmax in ((None, None), (x.min(axis=-1), x.max(axis=-1))):
        got = sparse_sketch_of(x, vmin, vmax, bins=bins).add_to(None)
        assert np.array_equal(got, dense)
    assert dense[0, 0, 1] >= 4  # -1, -0, 0 and MIN_POSITIVE/3 land in the zero bin
    # inf, 1e300, 2 * MAX_VALUE and MAX_VALUE itself (its bin is the top one)
    assert dense[1, 1, -1] == 4


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 40)),
        elements=st.floats(-1e20, 1e20, allow_nan=False),
    )
)
def test_sparse_sketch_equals_dense_sketch_for_any_finite_values(x: np.ndarray) -> None:
    assert np.array_equal(sparse_sketch_of(x).add_to(None), Sketch.of(x).counts)


def test_block_moments_equal_moments_of_each_block() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(10, 0.5, (4, 3, 4096 * 2 + 100))
    x[0, 0] = 3e5  # a constant cell: M2 must be exactly 0
    sizes = [4096, 4096, 100]
    scratch = np.full((4, 3, 4096), np.nan)
    got = block_moments(x, sizes, scratch)
    start = 0
    for bm, n in zip(got, sizes):
        part = x[..., start : start + n]
        ref = Moments.of(part)
        assert bm.count == n
        # bit for bit what the same block alone gives (the chunk does not matter) ...
        assert np.array_equal(bm.mean, ref.mean)
        assert np.array_equal(bm.m2, ref.m2)
        # ... and the textbook values to rounding
        np.testing.assert_allclose(bm.mean, part.mean(axis=-1), rtol=1e-14)
        np.testing.assert_allclose(bm.m2 / n, part.var(axis=-1), rtol=1e-12)
        start += n
    assert got[0].m2[0, 0] == 0.0


def test_block_moments_reject_sizes_that_do_not_cover_the_paths() -> None:
    import pytest

    with pytest.raises(ValueError, match="do not add up"):
        block_moments(np.zeros((2, 10)), [4, 4])


def test_sparse_sketch_may_overwrite_the_values_with_their_bins() -> None:
    x = np.random.default_rng(11).lognormal(2, 2, (2, 3, 500))
    x[0, 1, :50] = 0.0
    dense = Sketch.of(x).counts
    got = sparse_sketch_of(x, x.min(axis=-1), x.max(axis=-1), bins=x.view(np.int64))
    assert np.array_equal(got.add_to(None), dense)


def test_sparse_sketch_counts_nan_in_the_top_bin_like_the_dense_sketch() -> None:
    x = np.random.default_rng(13).lognormal(2, 1, (2, 50))
    x[0, :3] = np.nan
    dense = Sketch.of(x).counts
    for vmin, vmax in ((None, None), (x.min(axis=-1), x.max(axis=-1))):
        assert np.array_equal(sparse_sketch_of(x, vmin, vmax).add_to(None), dense)
    assert dense[0, -1] == 3


def test_moments_of_integer_and_boolean_values() -> None:
    for x in (np.array([[1, 3], [6, 8]]), np.array([[True, False], [True, True]])):
        m = Moments.of(x)
        np.testing.assert_allclose(m.mean, x.mean(axis=-1))
        np.testing.assert_allclose(m.m2, x.var(axis=-1) * 2)
