"""Contract: the vectorised core equals the scalar reference implementation.

The reference reads the drawn parameters by dotted path, as the kernel's inputs are built
(kzforecast.engine.kernel_inputs), but with none of its code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from kzforecast import simulate
from kzforecast.engine.kernel_inputs import kernel_parameters, required_parameters
from kzforecast.engine.simulate import draw_parameters, draw_shocks, resolve_initial
from kzforecast.scenario import Scenario
from kzforecast.testing import scenarios

from .reference import reference_path

N_PATHS = 1000
N_CHECK = 12


def _compare(scenario: Scenario, seed: int) -> None:
    sim = simulate(scenario, paths=N_PATHS, seed=seed, keep_paths=True)
    root = np.random.SeedSequence(seed)
    params = draw_parameters(scenario, root, 0, N_PATHS, "random")
    shocks = draw_shocks(root, 0, len(scenario.years), N_PATHS, "random")
    init, _ = resolve_initial(scenario)
    shares = scenario.blocks.exports.ordered_destinations().draw(shocks.destinations)
    # the trend model draws no plant parameters (it is for output alone)
    plants = scenario.blocks.capacity.plants if scenario.model == "structural" else ()
    for i in range(N_CHECK):
        par = {k: float(v if isinstance(v, float) else v[i]) for k, v in params.items()}
        plant_list = []
        for j, pl in enumerate(plants):
            c = params[f"blocks.capacity.plants.{j}.capacity"]
            d = params[f"blocks.capacity.plants.{j}.delay"]
            c_i = float(c if isinstance(c, float) else c[i])
            d_i = float(d if isinstance(d, float) else d[i])
            plant_list.append((c_i, pl.planned_start + math.ceil(d_i - 1e-9)))
        ref = reference_path(
            scenario,
            par,
            plant_list,
            [float(s) for s in shares[:, i]],
            shocks.normal,
            shocks.uniform,
            init,
            i,
        )
        for name, series in ref.items():
            got = sim.values(name)[i]
            np.testing.assert_allclose(
                got, series, rtol=1e-9, atol=1e-9, err_msg=f"{name}, path {i}"
            )


@settings(max_examples=25)
@given(scenario=scenarios())
def test_vectorised_core_matches_scalar_reference(scenario: Scenario) -> None:
    _compare(scenario, seed=20161)


def test_builtin_baseline_matches_scalar_reference() -> None:
    _compare(Scenario.builtin("baseline"), seed=7)


@settings(max_examples=25)
@given(scenario=scenarios())
def test_kernel_reads_every_drawn_parameter(scenario: Scenario) -> None:
    """The kernel's parameter structures cover exactly what the model draws (a copula may
    draw parameters of unused blocks too), each read by its dotted path."""
    drawn = draw_parameters(scenario, np.random.SeedSequence(1), 0, 8, "random")
    required = set(required_parameters(scenario))
    correlated = set(scenario.correlation.parameters) if scenario.correlation else set()
    assert required <= set(drawn)
    assert set(drawn) - required <= correlated
    shares = np.full((5, 8), 0.2)
    params = kernel_parameters(scenario, drawn, shares)
    for path in required:
        block, name = path.split(".")[1], path.split(".")[-1]
        if ".plants." in path:
            continue
        assert getattr(getattr(params, block), name) is drawn[path], path


def test_a_missing_parameter_is_an_error() -> None:
    scenario = Scenario.builtin("baseline")
    drawn = draw_parameters(scenario, np.random.SeedSequence(1), 0, 8, "random")
    del drawn["blocks.market.b_M"], drawn["blocks.capacity.plants.1.delay"]
    with pytest.raises(ValueError, match=r"blocks\.market\.b_M, blocks\.capacity\.plants\.1"):
        kernel_parameters(scenario, drawn, np.full((5, 8), 0.2))
