"""Contract: each block and parameter draws from its own stream; antithetic pairs stay paired."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from kzforecast import Scenario, simulate
from kzforecast.testing import assert_reproducible, scenarios, seeds

from .test_check import trend_scenario


def test_adding_a_plant_leaves_other_plants_draws_unchanged() -> None:
    base = Scenario.builtin("baseline")
    data = base.to_dict()
    plants = data["blocks"]["capacity"]["plants"]
    new = {"name": "Inserted plant", "capacity": 1.0, "planned_start": 2040,
           "delay": {"dist": "uniform", "low": 0.0, "high": 3.0}}  # fmt: skip
    data["blocks"]["capacity"]["plants"] = [new, *plants]
    more = Scenario.from_dict(data)
    a = simulate(base, paths=2000, seed=5, keep_paths=True)
    b = simulate(more, paths=2000, seed=5, keep_paths=True)
    np.testing.assert_array_equal(a.values("capacity"), b.values("capacity"))


def test_antithetic_pairs_stay_balanced_in_a_partial_block() -> None:
    sc = trend_scenario()
    sim = simulate(sc, paths=2000, seed=3, keep_paths=True, sampling="antithetic")
    lq = np.log(sim.values("vehicle_output"))
    # paths 2i and 2i+1 are mirrors: log output deviations from the drift cancel
    dev = lq - lq.mean(axis=0)
    np.testing.assert_allclose(dev[0::2] + dev[1::2], 0.0, atol=1e-9)


@settings(max_examples=5)
@given(scenario=scenarios(), seed=seeds())
def test_random_scenarios_are_bit_identical_across_block_sizes_and_threads(
    scenario: Scenario, seed: int
) -> None:
    """Every block and parameter stream is keyed by grid block, so chunking and threads
    change nothing (kzforecast.testing.assert_reproducible)."""
    assert_reproducible(scenario, seed, paths=4096 + 700)
