"""Contract: same scenario + same seed -> bit-identical results.

Whatever the memory chunk size (``block_size``), the number of threads or
repetition; and a run without a seed can be repeated from its recorded entropy.
"""

from __future__ import annotations

import numpy as np
import pytest

from kzforecast import Scenario, simulate


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.builtin("baseline")


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.paths is not None
    assert b.paths is not None
    assert np.array_equal(a.paths, b.paths)
    assert np.array_equal(a.moments.mean, b.moments.mean)
    assert np.array_equal(a.moments.m2, b.moments.m2)
    assert np.array_equal(a.sketch.counts, b.sketch.counts)


@pytest.mark.parametrize("sampling", ["random", "antithetic", "sobol"])
def test_identical_across_block_sizes_and_threads(scenario: Scenario, sampling: str) -> None:
    paths = 3 * 4096 + 1234  # a partial last block too
    ref = simulate(
        scenario, paths=paths, seed=11, keep_paths=True, block_size=4096, sampling=sampling
    )  # type: ignore[arg-type]
    for block_size, threads in [(8192, 1), (4 * 4096, 1), (4096, 2), (8192, 3)]:
        other = simulate(
            scenario,
            paths=paths,
            seed=11,
            keep_paths=True,
            block_size=block_size,
            threads=threads,
            sampling=sampling,
        )  # type: ignore[arg-type]
        _same(ref, other)


def test_summary_does_not_depend_on_keep_paths(scenario: Scenario) -> None:
    a = simulate(scenario, paths=9000, seed=5, keep_paths=True)
    b = simulate(scenario, paths=9000, seed=5, keep_paths=False, block_size=8192)
    assert np.array_equal(a.moments.mean, b.moments.mean)
    assert np.array_equal(a.sketch.counts, b.sketch.counts)


def test_repeated_runs_identical_and_seeds_differ(scenario: Scenario) -> None:
    a = simulate(scenario, paths=4096, seed=1, keep_paths=True)
    b = simulate(scenario, paths=4096, seed=1, keep_paths=True)
    c = simulate(scenario, paths=4096, seed=2, keep_paths=True)
    _same(a, b)
    assert not np.array_equal(a.values("vehicle_output"), c.values("vehicle_output"))


def test_seedless_run_repeatable_from_recorded_entropy(scenario: Scenario) -> None:
    a = simulate(scenario, paths=2000, seed=None, keep_paths=True)
    entropy = a.attrs["seed"]["entropy"]
    b = simulate(scenario, paths=2000, seed=np.random.SeedSequence(entropy), keep_paths=True)
    _same(a, b)


def test_more_paths_extend_fewer(scenario: Scenario) -> None:
    """Paths are prefix-stable: a larger run contains the smaller one's paths."""
    small = simulate(scenario, paths=5000, seed=9, keep_paths=True)
    large = simulate(scenario, paths=12000, seed=9, keep_paths=True)
    assert small.paths is not None
    assert large.paths is not None
    assert np.array_equal(small.paths, large.paths[:, :5000])


def test_generator_seed_is_refused(scenario: Scenario) -> None:
    with pytest.raises(TypeError, match="SeedSequence"):
        simulate(scenario, paths=1000, seed=np.random.default_rng(1))  # type: ignore[arg-type]


def test_adjacent_block_ranges_merge_into_the_single_run(scenario: Scenario) -> None:
    """A run cut into ranges of grid blocks and merged has the paths of the single run."""
    from kzforecast.engine.seeding import root_seed_sequence
    from kzforecast.engine.simulate import simulate_blocks

    paths = 3 * 4096 + 500
    one = simulate(scenario, paths=paths, seed=13, keep_paths=True)
    root = root_seed_sequence(13)
    head = simulate_blocks(scenario, root, range(2), keep_paths=True)
    tail = simulate_blocks(scenario, root, range(2, 4), paths=4096 + 500, keep_paths=True)
    assert (head.attrs["first_block"], tail.attrs["first_block"]) == (0, 2)
    merged = head.merge(tail)
    assert merged.n_paths == merged.attrs["paths"] == paths
    assert merged.attrs["first_block"] == 0
    assert merged.paths is not None
    assert one.paths is not None
    assert np.array_equal(merged.paths, one.paths)
    assert np.array_equal(merged.sketch.counts, one.sketch.counts)
    assert np.array_equal(merged.moments.vmin, one.moments.vmin)
    assert np.array_equal(merged.moments.vmax, one.moments.vmax)
    # the same sums, merged in another order: equal up to rounding
    np.testing.assert_allclose(merged.moments.mean, one.moments.mean, rtol=1e-12)
    np.testing.assert_allclose(merged.moments.m2, one.moments.m2, rtol=1e-9)


def test_merge_refuses_what_is_not_the_next_part_of_the_same_run(scenario: Scenario) -> None:
    from kzforecast.engine.seeding import root_seed_sequence
    from kzforecast.engine.simulate import simulate_blocks
    from kzforecast.errors import ArgumentError

    root = root_seed_sequence(13)
    first = simulate_blocks(scenario, root, range(1))
    with pytest.raises(ArgumentError, match="not adjacent"):
        first.merge(simulate_blocks(scenario, root, range(2, 3)))
    with pytest.raises(ArgumentError, match="seed differs"):
        first.merge(simulate_blocks(scenario, root_seed_sequence(14), range(1, 2)))
    other = scenario.with_parameter("blocks.market.mu_M", 0.02)
    with pytest.raises(ArgumentError, match="scenarios"):
        first.merge(simulate_blocks(other, root, range(1, 2)))
    with pytest.raises(ArgumentError, match="sampling differs"):
        first.merge(simulate_blocks(scenario, root, range(1, 2), sampling="antithetic"))
    short = simulate_blocks(scenario, root, range(1), paths=1000)
    with pytest.raises(ArgumentError, match="partial grid block"):
        short.merge(simulate_blocks(scenario, root, range(1, 2)))
    with pytest.raises(ArgumentError, match="kept its paths"):
        first.merge(simulate_blocks(scenario, root, range(1, 2), keep_paths=True))
    assert first.merge(simulate_blocks(scenario, root, range(1, 2))).n_paths == 2 * 4096
