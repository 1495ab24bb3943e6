"""Contract: every simulated number is finite and within its economic bounds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from kzforecast import Scenario, simulate
from kzforecast.model.kernel import TREND_VARIABLES, VARIABLES
from kzforecast.testing import assert_invariants, scenarios, seeds


@settings(max_examples=40)
@given(scenario=scenarios())
def test_bounds_hold_for_random_scenarios(scenario: Scenario) -> None:
    """Finite, non-negative, shares in [0, 1], localization below its ceiling on each path,
    exports <= output <= u_max x capacity, destination shares sum to 1, investment parts sum
    to the total (kzforecast.testing.assert_invariants)."""
    sim = simulate(scenario, paths=1000, seed=3, keep_paths=True)
    # output alone for the trend model, with the exchange-rate block that drives its jumps
    assert sim.variables == (TREND_VARIABLES if scenario.model == "trend" else VARIABLES)
    assert_invariants(sim)


@settings(max_examples=10)
@given(scenario=scenarios(base=Scenario.builtin("baseline")), seed=seeds())
def test_bounds_hold_for_perturbed_baselines(scenario: Scenario, seed: int) -> None:
    assert_invariants(simulate(scenario, paths=1000, seed=seed, keep_paths=True))


def test_summaries_are_finite_without_kept_paths() -> None:
    sim = simulate(Scenario.builtin("baseline"), paths=5000, seed=1)
    s = sim.summary()
    assert np.isfinite(s.to_numpy()).all()
    assert (s["p05"] <= s["p50"]).all()
    assert (s["p50"] <= s["p95"]).all()
    assert (s["min"] <= s["p05"]).all()
    assert (s["p95"] <= s["max"]).all()


def test_exports_tidy_frame_and_xarray_agree_with_kept_paths() -> None:
    xr = __import__("pytest").importorskip("xarray")
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=2, keep_paths=True)
    tidy = sim.to_frame(["vehicle_output"])
    assert list(tidy.columns) == ["variable", "path", "year", "value"]
    assert len(tidy) == 1000 * len(sim.years)
    wide = tidy.pivot(index="path", columns="year", values="value").to_numpy()
    np.testing.assert_array_equal(wide, sim.values("vehicle_output"))
    ds = sim.to_xarray()
    assert isinstance(ds, xr.Dataset)
    np.testing.assert_array_equal(ds["vehicle_output"].to_numpy(), sim.values("vehicle_output"))


def test_sparse_sketch_equals_dense_sketch() -> None:
    from kzforecast.results.summary import Sketch, sparse_sketch_of

    rng = np.random.default_rng(0)
    x = np.concatenate(
        [rng.lognormal(8, 2, (3, 4, 500)), np.zeros((3, 4, 20)), rng.random((3, 4, 30))], axis=-1
    )
    dense = Sketch.of(x).counts
    assert np.array_equal(sparse_sketch_of(x).add_to(None), dense)
    assert dense.sum() == x.size


def test_sparse_sketch_with_known_extremes_equals_dense() -> None:
    from kzforecast.results.summary import Sketch, sparse_sketch_of

    x = np.random.default_rng(3).lognormal(5, 3, (4, 6, 700))
    got = sparse_sketch_of(x, x.min(axis=-1), x.max(axis=-1)).add_to(None)
    assert np.array_equal(got, Sketch.of(x).counts)


def test_variables_are_declared_once() -> None:
    """Names, units and the trend model's variables all come from one declaration, and each
    variable names the block function that computes it."""
    from kzforecast.model import blocks
    from kzforecast.model.variables import DECLARED, UNITS, variable_index

    assert tuple(v.name for v in DECLARED) == VARIABLES
    assert len(set(VARIABLES)) == len(VARIABLES)
    assert list(UNITS) == list(VARIABLES)
    assert set(TREND_VARIABLES) <= set(VARIABLES)
    for model, names in (("structural", VARIABLES), ("trend", TREND_VARIABLES)):
        assert list(variable_index(model).items()) == [(n, i) for i, n in enumerate(names)]
    for v in DECLARED:
        assert callable(getattr(blocks, v.block)), v
