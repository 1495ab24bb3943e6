"""From drawn parameters (by dotted path) to the kernel's typed inputs, and the kernel run.

This is the one place where drawn parameters, keyed by their dotted path in the scenario
(``blocks.market.mu_M``), become the per-block structures of
:mod:`kzforecast.model.params` (``MarketParams(mu_M, b_M, s_M)``): a field of a structure
is read from ``blocks.<block>.<field>``, and a missing one is an error.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kzforecast.model.kernel import Initial, Shocks, model_uses_block, run_paths
from kzforecast.model.params import (
    BLOCK_PARAMS,
    Arr,
    ArrOrFloat,
    CapacityParams,
    CKDShareParams,
    DomesticShareParams,
    ExchangeRateParams,
    ExportParams,
    LocalContentParams,
    MarketParams,
    ModelParams,
    OutputParams,
    PlantArrays,
    ProcessingParams,
    StructuralParams,
    TrendModelParams,
    TrendParams,
    drawn_fields,
)
from kzforecast.scenario import Scenario

__all__ = ["kernel_parameters", "required_parameters", "run_kernel"]


def _plant_path(i: int, field: str) -> str:
    return f"blocks.capacity.plants.{i}.{field}"


def required_parameters(scenario: Scenario) -> tuple[str, ...]:
    """Dotted paths of every drawn parameter the scenario's model reads.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its model and its plants matter).

    Returns
    -------
    tuple of str
        ``blocks.<block>.<field>`` for every drawn field of the model's blocks, and each
        plant's ``capacity`` and ``delay`` (structural model only), in block order.
    """
    paths = [
        f"blocks.{block}.{name}"
        for block, params_type in BLOCK_PARAMS.items()
        if model_uses_block(scenario.model, block)
        for name in drawn_fields(params_type)
    ]
    if model_uses_block(scenario.model, "capacity"):
        for i in range(len(scenario.blocks.capacity.plants)):
            paths += [_plant_path(i, "capacity"), _plant_path(i, "delay")]
    return tuple(paths)


def kernel_parameters(
    scenario: Scenario, params: Mapping[str, ArrOrFloat], shares: Arr
) -> ModelParams:
    """The kernel's parameter structures, from parameters drawn by dotted path.

    Parameters
    ----------
    scenario : Scenario
        The scenario the parameters were drawn for.
    params : mapping of str to ndarray or float
        Per-path values by dotted path (``blocks.market.mu_M``); floats for point masses.
        Entries the model does not read are ignored.
    shares : ndarray, shape (5, n)
        Export destination shares per path (unused by the trend model).

    Returns
    -------
    StructuralParams or TrendModelParams
        As the scenario's model. A plant's first operating year is
        ``planned_start + ceil(delay)``.

    Raises
    ------
    ValueError
        If a parameter of :func:`required_parameters` is missing.
    """
    missing = [path for path in required_parameters(scenario) if path not in params]
    if missing:
        raise ValueError(
            f"the {scenario.model} model needs parameters that were not drawn: "
            + ", ".join(missing)
        )

    def drawn(block: str) -> list[ArrOrFloat]:
        return [params[f"blocks.{block}.{f}"] for f in drawn_fields(BLOCK_PARAMS[block])]

    exchange_rate = ExchangeRateParams(*drawn("exchange_rate"))
    if scenario.model == "trend":
        return TrendModelParams(exchange_rate, TrendParams(*drawn("trend")))
    plants = scenario.blocks.capacity.plants
    pipeline = PlantArrays(
        tuple(params[_plant_path(i, "capacity")] for i in range(len(plants))),
        tuple(
            pl.planned_start + np.ceil(params[_plant_path(i, "delay")] - 1e-9)
            for i, pl in enumerate(plants)
        ),
    )
    return StructuralParams(
        exchange_rate=exchange_rate,
        market=MarketParams(*drawn("market")),
        domestic_share=DomesticShareParams(*drawn("domestic_share")),
        exports=ExportParams(
            x_start=params["blocks.exports.x_start"],
            mu_X=params["blocks.exports.mu_X"],
            b_X=params["blocks.exports.b_X"],
            s_X=params["blocks.exports.s_X"],
            start_year=scenario.blocks.exports.start_year,
            destination_shares=shares,
        ),
        capacity=CapacityParams(existing=params["blocks.capacity.existing"], plants=pipeline),
        output=OutputParams(*drawn("output")),
        local_content=LocalContentParams(*drawn("local_content")),
        ckd_share=CKDShareParams(*drawn("ckd_share")),
        processing=ProcessingParams(*drawn("processing")),
    )


def run_kernel(
    scenario: Scenario,
    params: Mapping[str, ArrOrFloat],
    shocks: Shocks,
    init: Initial,
    shares: Arr,
    out: Arr | None = None,
) -> Arr:
    """Run the kernel for parameters drawn by dotted path.

    Parameters
    ----------
    scenario : Scenario
        The scenario the parameters and shocks were drawn for.
    params : mapping of str to ndarray or float
        Per-path values by dotted path, see :func:`kernel_parameters`.
    shocks : Shocks
        The standard shocks of the same paths.
    init : Initial
        The resolved initial state.
    shares : ndarray, shape (5, n)
        Export destination shares per path.
    out : ndarray, optional
        Buffer of shape ``(n_variables, n_years, n)`` to write into.

    Returns
    -------
    ndarray, shape (n_variables, n_years, n)
        ``(variable, year, path)`` in ``model_variables(scenario.model)`` order.
    """
    return run_paths(
        kernel_parameters(scenario, params, shares),
        shocks,
        init,
        scenario.years,
        as_of=scenario.as_of,
        out=out,
    )
