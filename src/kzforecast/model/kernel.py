r"""The year loop: all model blocks for a set of paths, given parameters and shocks.

:func:`run_paths` is a pure function of the parameters (:mod:`kzforecast.model.params`), the
standard shocks and the initial state. It calls the block functions of
:mod:`kzforecast.model.blocks` year by year (a Python loop over at most ~100 years), each a
whole-path NumPy operation, and writes every simulated variable into its row of the output
table ``(variable, year, path)``, found by name through
:func:`kzforecast.model.variables.variable_index`.

This module also says which blocks, shock streams and variables each model uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kzforecast.model.blocks import (
    LOG_CAP,
    ExchangeRateStep,
    capacity_step,
    ckd_share_step,
    domestic_share_step,
    exchange_rate_step,
    export_demand_step,
    export_destinations,
    investment_split,
    local_content_step,
    market_step,
    output_step,
    processing_step,
    trend_step,
)
from kzforecast.model.params import (
    Arr,
    ExchangeRateParams,
    ModelParams,
    PlantArrays,
    StructuralParams,
    TrendModelParams,
)
from kzforecast.model.variables import (
    DESTINATION_VARIABLES,
    TREND_VARIABLES,
    UNITS,
    VARIABLES,
    model_variables,
    variable_index,
)

__all__ = [
    "LOG_CAP",
    "SHOCK_SHAPES",
    "TREND_VARIABLES",
    "UNITS",
    "VARIABLES",
    "Initial",
    "PlantArrays",
    "Shocks",
    "model_streams",
    "model_uses_block",
    "model_variables",
    "run_paths",
]

SHOCK_SHAPES: dict[str, tuple[int, int]] = {
    # stream -> (number of normal series per year, number of uniform series per year)
    "exchange_rate": (3, 1),
    "market": (1, 0),
    "domestic_share": (1, 0),
    "exports": (1, 0),
    "local_content": (1, 0),
    "ckd_share": (1, 0),
    "processing": (3, 0),
    "trend": (1, 0),
}
"""Shocks each model block draws per path and year (fixed, whatever the parameters)."""

_TREND_BLOCKS = ("exchange_rate", "trend")


def model_uses_block(model: str, block: str) -> bool:
    """Whether a model's equations use a scenario block (and so draw its parameters).

    Parameters
    ----------
    model : {"structural", "trend"}
        The scenario's model.
    block : str
        A scenario block (``"market"``, ``"trend"``, ...).

    Returns
    -------
    bool
        The trend model uses the exchange-rate and trend blocks only; the structural model
        every block but the trend.
    """
    return block in _TREND_BLOCKS if model == "trend" else block != "trend"


def model_streams(model: str) -> dict[str, tuple[int, int]]:
    """The shock streams a model draws (each model draws only what its equations use).

    Parameters
    ----------
    model : {"structural", "trend"}
        The scenario's model.

    Returns
    -------
    dict
        The entries of :data:`SHOCK_SHAPES` whose block the model uses.
    """
    return {k: v for k, v in SHOCK_SHAPES.items() if model_uses_block(model, k)}


@dataclass(frozen=True)
class Shocks:
    """Standard shocks for a set of paths.

    ``normal[stream]`` has shape ``(n_series, n_years, n_paths)`` of N(0, 1)
    draws, ``uniform[stream]`` the same layout of U(0, 1) draws, and
    ``destinations`` shape ``(5, n_paths)`` of N(0, 1) draws for the Dirichlet
    (``(0, n_paths)`` for the trend model, which has no exports). Only the
    streams of :func:`model_streams` need to be present.
    """

    normal: dict[str, Arr]
    uniform: dict[str, Arr]
    destinations: Arr


@dataclass(frozen=True)
class Initial:
    """Initial state as floats (all resolved)."""

    vehicle_output: float
    output_growth: float
    new_vehicle_sales: float
    domestic_share_of_sales: float
    export_demand: float
    usd_kzt: float
    rub_kzt: float
    local_content_share: float
    ckd_share: float
    processing_output_index: float
    processing_exports_usd_bn: float
    processing_investment_kzt_trn: float


def run_paths(
    params: ModelParams,
    shocks: Shocks,
    init: Initial,
    years: NDArray[np.int64],
    *,
    as_of: int,
    out: Arr | None = None,
) -> Arr:
    """Run the model's blocks over all years for ``n`` paths.

    :class:`~kzforecast.model.params.StructuralParams` run every block but the trend and
    write :data:`VARIABLES`; :class:`~kzforecast.model.params.TrendModelParams` run the
    exchange-rate block and the trend equation of output and write :data:`TREND_VARIABLES`.

    Parameters
    ----------
    params : StructuralParams or TrendModelParams
        Parameter values per block: arrays ``(n,)`` or floats.
    shocks : Shocks
        Standard shocks, see :class:`Shocks`.
    init : Initial
        State in the as-of year.
    years : ndarray of int
        Simulated years ``as_of + 1 .. horizon``.
    as_of : int
        The as-of year (exports that had started by then continue from the initial state).
    out : ndarray, shape (len(model_variables(model)), n_years, n), optional
        Buffer to write into.

    Returns
    -------
    ndarray, shape (len(model_variables(model)), n_years, n)
        ``(variable, year, path)``, variables in :func:`model_variables` order.
    """
    n = shocks.normal["exchange_rate"].shape[-1]
    if isinstance(params, TrendModelParams):
        return _run_trend(params, shocks, init, len(years), n, out)
    return _run_structural(params, shocks, init, years, as_of, n, out)


def _rows(out: Arr, model: Literal["structural", "trend"]) -> dict[str, Arr]:
    """Each variable's ``(year, path)`` view of the output table, by name."""
    return {name: out[i] for name, i in variable_index(model).items()}


def _exchange_rate_year(
    p: ExchangeRateParams,
    shocks: Shocks,
    t: int,
    z: Arr,
    r: Arr,
    rows: dict[str, Arr],
) -> ExchangeRateStep:
    """Year ``t`` of the exchange-rate block, recorded (both rates and the devaluation flag);
    ``z`` and ``r`` are advanced in place."""
    e_fx = shocks.normal["exchange_rate"]
    fx = exchange_rate_step(z, r, p, e_fx[0, t], e_fx[1, t], e_fx[2, t],
                            shocks.uniform["exchange_rate"][0, t], out=(z, r))  # fmt: skip
    np.exp(fx.z, out=rows["usd_kzt"][t])
    np.exp(fx.r, out=rows["rub_kzt"][t])
    np.greater(fx.jump, 0.0, out=rows["devaluation"][t])
    return fx


def _run_structural(
    p: StructuralParams,
    shocks: Shocks,
    init: Initial,
    years: NDArray[np.int64],
    as_of: int,
    n: int,
    out: Arr | None,
) -> Arr:
    """Every block but the trend, year by year, into the rows of :data:`VARIABLES`.

    One function on purpose (about 70 lines): the year loop threads each block's state
    into the next block, and reads best in one piece.
    """
    if out is None:
        out = np.empty((len(VARIABLES), len(years), n), dtype=np.float64)
    o = _rows(out, "structural")
    first_dest = variable_index("structural")[DESTINATION_VARIABLES[0]]
    o_dest = out[first_dest : first_dest + len(DESTINATION_VARIABLES)]  # (5, year, path)
    e = shocks.normal
    e_p = e["processing"]

    z = np.full(n, math.log(init.usd_kzt))
    r = np.full(n, math.log(init.rub_kzt))
    log_m = np.full(n, math.log(init.new_vehicle_sales))
    lg_s = np.full(n, float(special.logit(init.domestic_share_of_sales)))
    with np.errstate(divide="ignore"):
        log_x = np.full(n, math.log(init.export_demand) if init.export_demand > 0 else -np.inf)
    # exports continue from the initial demand if they had started by as_of and
    # a figure exists; otherwise they (re)start at x_start in the first year >= start
    started = as_of >= p.exports.start_year and init.export_demand > 0
    level_l = np.full(n, init.local_content_share)
    level_c = np.full(n, init.ckd_share)
    log_pi = np.full(n, math.log(init.processing_output_index))
    log_pe = np.full(n, math.log(init.processing_exports_usd_bn))
    log_pv = np.full(n, math.log(init.processing_investment_kzt_trn))

    # exp(-logit S) may overflow to inf (a domestic share of exactly 0), and extreme
    # volatilities may overflow a product before the log cap: not an error
    with np.errstate(over="ignore"):
        for t, year in enumerate(years.tolist()):
            z, r, dz, dr, _ = _exchange_rate_year(p.exchange_rate, shocks, t, z, r, o)

            log_m = market_step(log_m, p.market, dz, e["market"][0, t])
            sales = np.exp(log_m, out=o["new_vehicle_sales"][t])
            lg_s, share = domestic_share_step(lg_s, p.domestic_share, e["domestic_share"][0, t])
            log_x, started, x_star = export_demand_step(
                log_x, started, p.exports, dr, e["exports"][0, t], year,
                out=o["export_demand"][t],
            )  # fmt: skip

            cap = capacity_step(p.capacity, year, n, out=o["capacity"][t])
            q = output_step(
                cap, p.output, sales, share, x_star, out_share=o["domestic_share_of_sales"][t]
            )
            o["vehicle_output"][t] = q.output
            o["domestic_supply"][t] = q.domestic_supply
            o["export_units"][t] = q.exports
            export_destinations(q.exports, p.exports.destination_shares, out=o_dest[:, t])

            level_l = local_content_step(level_l, p.local_content, e["local_content"][0, t])
            o["local_content_share"][t] = level_l
            level_c = ckd_share_step(level_c, p.ckd_share, e["ckd_share"][0, t])
            o["ckd_share"][t] = level_c

            log_pi, log_pe, log_pv = processing_step(
                log_pi, log_pe, log_pv, p.processing, e_p[0, t], e_p[1, t], e_p[2, t]
            )
            np.exp(log_pi, out=o["processing_output_index"][t])
            np.exp(log_pe, out=o["processing_exports_usd_bn"][t])
            inv = np.exp(log_pv, out=o["processing_investment_kzt_trn"][t])
            split = (o["processing_state_investment_kzt_trn"][t],
                     o["processing_private_investment_kzt_trn"][t])  # fmt: skip
            investment_split(inv, p.processing, out=split)
    return out


def _run_trend(
    p: TrendModelParams, shocks: Shocks, init: Initial, n_years: int, n: int, out: Arr | None
) -> Arr:
    """The trend model: log output an ARIMA(1,1,0) with drift less the devaluation jump.

    Writes :data:`TREND_VARIABLES` (output and the exchange-rate block that drives
    its jumps); nothing else is simulated.
    """
    if out is None:
        out = np.empty((len(TREND_VARIABLES), n_years, n), dtype=np.float64)
    o = _rows(out, "trend")
    e_q = shocks.normal["trend"][0]
    z = np.full(n, math.log(init.usd_kzt))
    r = np.full(n, math.log(init.rub_kzt))
    log_q = np.full(n, math.log(max(init.vehicle_output, 1e-300)))
    growth = np.full(n, init.output_growth)
    for t in range(n_years):
        z, r, _, _, jump = _exchange_rate_year(p.exchange_rate, shocks, t, z, r, o)
        log_q, growth = trend_step(log_q, growth, p.trend, e_q[t], jump, out=(log_q, growth))
        np.exp(log_q, out=o["vehicle_output"][t])
    return out
