"""Contract: every simulated number is finite, at extreme volatilities and at zero levels."""

from __future__ import annotations

import numpy as np

from kzforecast import Scenario, simulate
from kzforecast.testing import assert_invariants


def test_extreme_volatility_stays_finite() -> None:
    sc = Scenario.builtin("baseline").with_parameter("blocks.market.s_M", 40.0)
    data = sc.to_dict()
    data["horizon"] = data["as_of"] + 60
    sim = simulate(Scenario.from_dict(data), paths=1000, seed=1, keep_paths=True)
    assert_invariants(sim)  # finite, and within every bound
    assert np.isfinite(sim.summary().to_numpy()).all()


def test_noisy_adjustment_from_zero_stays_at_zero_not_nan() -> None:
    """ratio 0 with s*e beyond ~745: exp(-s e) underflows, and 0/0 must give 0."""
    data = Scenario.builtin("baseline").to_dict()
    data["initial"]["local_content_share"] = 0.0
    data["blocks"]["local_content"]["k_L"] = 0.0
    data["blocks"]["local_content"]["s_L"] = 300.0
    sim = simulate(Scenario.from_dict(data), paths=4096, seed=1, keep_paths=True)
    np.testing.assert_array_equal(sim.values("local_content_share"), 0.0)
    assert_invariants(sim)
    assert np.isfinite(sim.summary().to_numpy()).all()
