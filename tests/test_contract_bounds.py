"""Contract: every simulated number is finite and within its economic bounds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from kzforecast import Scenario, simulate
from kzforecast.model.kernel import TREND_VARIABLES, VARIABLES
from kzforecast.scenario import DESTINATIONS

from .strategies import scenarios


@settings(max_examples=40)
@given(scenario=scenarios())
def test_bounds_hold_for_random_scenarios(scenario: Scenario) -> None:
    sim = simulate(scenario, paths=1000, seed=3, keep_paths=True)
    assert sim.paths is not None
    assert np.isfinite(sim.paths).all()
    v = sim.values
    for name in ("vehicle_output", "usd_kzt", "rub_kzt"):
        assert (v(name) >= 0).all(), name
    assert ((v("devaluation") == 0) | (v("devaluation") == 1)).all()
    if scenario.model == "trend":
        # output alone, with the exchange-rate block that drives its jumps
        assert sim.variables == TREND_VARIABLES
        return
    assert sim.variables == VARIABLES
    for name in (
        "export_units",
        "new_vehicle_sales",
        "capacity",
        "domestic_supply",
        "export_demand",
    ):
        assert (v(name) >= 0).all(), name
    q, x = v("vehicle_output"), v("export_units")
    assert (x <= q).all()
    # output never exceeds the usable capacity
    assert (q <= v("capacity") * 1.0 + 1e-6 * np.maximum(q, 1)).all()
    for name in ("local_content_share", "ckd_share", "domestic_share_of_sales"):
        assert ((v(name) >= 0) & (v(name) <= 1)).all(), name
    l_max = scenario.blocks.local_content.L_max.bounds()[1]
    assert (v("local_content_share") <= l_max + 1e-12).all()
    dest_total = sum(v(f"exports_to_{d}") for d in DESTINATIONS)
    np.testing.assert_allclose(dest_total, x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        v("processing_state_investment_kzt_trn") + v("processing_private_investment_kzt_trn"),
        v("processing_investment_kzt_trn"),
        rtol=1e-12,
    )


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
