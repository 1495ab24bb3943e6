"""From drawn parameters (by dotted path) to the kernel's inputs, and the kernel run."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from kzforecast.model.kernel import Initial, PlantArrays, Shocks, run_paths
from kzforecast.scenario import Scenario

__all__ = ["run_kernel"]

Arr = NDArray[np.float64]


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def run_kernel(
    scenario: Scenario,
    params: dict[str, Any],
    shocks: Shocks,
    init: Initial,
    shares: Arr,
    out: Arr | None = None,
) -> Arr:
    """Run the kernel for drawn parameters (by dotted path): map them to the kernel's short
    names and build the plants' capacities and first operating years
    (``planned_start + ceil(delay)``)."""
    short = {_short(k): v for k, v in params.items() if ".plants." not in k}
    if scenario.model == "trend":
        return run_paths(
            short, shocks, init, scenario.years, as_of=scenario.as_of, model="trend", out=out
        )
    plants = scenario.blocks.capacity.plants
    caps = [params[f"blocks.capacity.plants.{i}.capacity"] for i in range(len(plants))]
    first = [
        pl.planned_start + np.ceil(params[f"blocks.capacity.plants.{i}.delay"] - 1e-9)
        for i, pl in enumerate(plants)
    ]
    return run_paths(
        short,
        shocks,
        init,
        scenario.years,
        as_of=scenario.as_of,
        model=scenario.model,
        export_start_year=scenario.blocks.exports.start_year,
        plants=PlantArrays(caps, first),
        destination_shares=shares,
        out=out,
    )
