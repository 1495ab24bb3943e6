"""Contract: destination shares belong to their names, whatever the order of the alpha keys."""

from __future__ import annotations

import numpy as np

from kzforecast import Scenario, simulate
from kzforecast.scenario import DESTINATIONS


def _with_alpha(order: list[str]) -> Scenario:
    alpha = {
        "russia": 0.332,
        "uzbekistan": 1.0,
        "kyrgyzstan": 2.0,
        "tajikistan": 3.0,
        "other": 5.32,
    }
    data = Scenario.builtin("baseline").to_dict()
    data["blocks"]["exports"]["destinations"] = {
        "alpha": {k: alpha[k] for k in order},
        "fixed": True,
    }
    return Scenario.from_dict(data)


def test_destination_shares_do_not_depend_on_the_order_of_alpha_keys() -> None:
    a = simulate(_with_alpha(list(DESTINATIONS)), paths=1000, seed=1, keep_paths=True)
    b = simulate(_with_alpha(list(reversed(DESTINATIONS))), paths=1000, seed=1, keep_paths=True)
    for d in DESTINATIONS:
        np.testing.assert_array_equal(a.values(f"exports_to_{d}"), b.values(f"exports_to_{d}"))
    share = a.values("exports_to_russia") / a.values("export_units")
    np.testing.assert_allclose(share, 0.332 / (0.332 + 1 + 2 + 3 + 5.32))


def test_model_sobol_indices_give_destinations_their_own_shares_in_any_key_order() -> None:
    from kzforecast.sensitivity import model_sobol_indices

    runs = [
        model_sobol_indices(
            _with_alpha(order),
            "exports_to_russia:2030",
            n=64,
            seed=1,
            parameters=["blocks.exports.mu_X"],
            bootstrap=0,
        )
        for order in (list(DESTINATIONS), list(reversed(DESTINATIONS)))
    ]
    assert runs[0].attrs["mean"] == runs[1].attrs["mean"]
    assert runs[0].attrs["variance"] == runs[1].attrs["variance"]
