"""Contract: common random numbers and pathwise monotonicity.

Two scenarios run with one seed share their shocks, so raising a growth
parameter never lowers any path's output, and target probabilities never fall.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kzforecast import Scenario, simulate
from kzforecast.testing import assert_monotone, raise_parameter, scenarios, targets


@settings(max_examples=25)
@given(
    scenario=scenarios(model="structural"),
    bump=st.floats(0.001, 0.2),
    which=st.sampled_from(
        ["blocks.market.mu_M", "blocks.exports.mu_X", "blocks.domestic_share.k_S"]
    ),
)
def test_raising_a_growth_parameter_never_lowers_output(
    scenario: Scenario, bump: float, which: str
) -> None:
    # shift the whole distribution up: a fixed value, or the mean / bounds / mode
    raised = raise_parameter(scenario, which, bump)
    a = simulate(scenario, paths=1000, seed=17, keep_paths=True)
    b = simulate(raised, paths=1000, seed=17, keep_paths=True)
    qa, qb = a.values("vehicle_output"), b.values("vehicle_output")
    assert (qb >= qa * (1 - 1e-12)).all()


@settings(max_examples=10)
@given(data=st.data(), scenario=scenarios(base=Scenario.builtin("baseline")))
def test_raising_market_growth_never_lowers_p_met(data: st.DataObject, scenario: Scenario) -> None:
    """P(met) of any output reading never falls, and no path's output metric does
    (kzforecast.testing.assert_monotone)."""
    years = (scenario.as_of + 1, scenario.horizon)
    target = data.draw(targets(["vehicle_output"], years=years, comparisons=[">="]))
    # growth between two simulated years (Q_due / Q_base, base after the as-of year) is not
    # monotone in a growth lever: raising it raises the base too. The contract (DESIGN.md
    # section 4) is for readings of output itself, and for growth from the known as-of level.
    assume(target.transform != "ratio_to_base" or target.base_year == scenario.as_of)
    assert_monotone(scenario, "blocks.market.mu_M", target, paths=1000, seed=17)


def test_identical_scenarios_share_every_draw() -> None:
    s = Scenario.builtin("baseline")
    renamed = s.model_copy(update={"name": "copy"})
    a = simulate(s, paths=3000, seed=4, keep_paths=True)
    b = simulate(renamed, paths=3000, seed=4, keep_paths=True)
    assert a.paths is not None
    assert b.paths is not None
    assert np.array_equal(a.paths, b.paths)


def test_changing_one_block_leaves_other_blocks_draws_unchanged() -> None:
    s = Scenario.builtin("baseline")
    other = s.with_parameter("blocks.processing.s_P", 0.05)
    a = simulate(s, paths=3000, seed=4, keep_paths=True)
    b = simulate(other, paths=3000, seed=4, keep_paths=True)
    assert np.array_equal(a.values("new_vehicle_sales"), b.values("new_vehicle_sales"))
    assert np.array_equal(a.values("local_content_share"), b.values("local_content_share"))


@settings(max_examples=10)
@given(scenario=scenarios(model="trend"))
def test_trend_output_ignores_the_blocks_it_does_not_use(scenario: Scenario) -> None:
    """The trend model is for output alone: making the market, localization or plant
    parameters uncertain draws nothing more and changes no path of its output."""
    noisy = scenario.with_parameter(
        "blocks.market.s_M", {"dist": "lognormal", "mu": -2.0, "sigma": 0.3}
    ).with_parameter("blocks.local_content.k_L", {"dist": "beta", "a": 2.0, "b": 5.0})
    a = simulate(scenario, paths=1000, seed=5, keep_paths=True)
    b = simulate(noisy, paths=1000, seed=5, keep_paths=True)
    assert a.variables == b.variables == ("vehicle_output", "usd_kzt", "rub_kzt", "devaluation")
    assert a.paths is not None
    assert b.paths is not None
    np.testing.assert_array_equal(a.paths, b.paths)


def test_structural_model_ignores_the_trend_block() -> None:
    sc = Scenario.builtin("baseline")
    noisy = sc.with_parameter("blocks.trend.mu_q", {"dist": "normal", "mean": 0.05, "sd": 0.02})
    a = simulate(sc, paths=1000, seed=5, keep_paths=True)
    b = simulate(noisy, paths=1000, seed=5, keep_paths=True)
    assert a.paths is not None
    assert b.paths is not None
    np.testing.assert_array_equal(a.paths, b.paths)


def test_trend_output_ignores_a_copula_over_parameters_it_does_not_use() -> None:
    data = Scenario.builtin("baseline").to_dict()  # its copula: market.mu_M and market.b_M
    data["model"] = "trend"
    with_copula = Scenario.from_dict(data)
    assert with_copula.correlation is not None
    data["correlation"] = None
    without = Scenario.from_dict(data)
    a = simulate(with_copula, paths=5000, seed=9, keep_paths=True)
    b = simulate(without, paths=5000, seed=9, keep_paths=True)
    assert a.paths is not None
    assert b.paths is not None
    np.testing.assert_array_equal(a.paths, b.paths)
