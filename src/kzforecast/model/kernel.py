r"""The year loop: all model blocks for a set of paths, given parameters and shocks.

:func:`run_paths` is a pure function. Arrays are laid out ``(year, path)``;
the recursion runs row by row over years (a Python loop over at most ~100
years), every row a whole-path NumPy operation. Parameters are arrays of shape
``(n_paths,)`` or Python floats (point masses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kzforecast.model.blocks import (
    exchange_rate_step,
    market_step,
    partial_adjustment_step,
    ration_output,
)

Arr = NDArray[np.float64]

__all__ = [
    "SHOCK_SHAPES",
    "TREND_VARIABLES",
    "VARIABLES",
    "Shocks",
    "model_streams",
    "model_uses_block",
    "model_variables",
    "run_paths",
]

VARIABLES: tuple[str, ...] = (
    "vehicle_output",
    "capacity",
    "new_vehicle_sales",
    "domestic_supply",
    "domestic_share_of_sales",
    "export_demand",
    "export_units",
    "exports_to_russia",
    "exports_to_uzbekistan",
    "exports_to_kyrgyzstan",
    "exports_to_tajikistan",
    "exports_to_other",
    "local_content_share",
    "ckd_share",
    "usd_kzt",
    "rub_kzt",
    "devaluation",
    "processing_output_index",
    "processing_exports_usd_bn",
    "processing_investment_kzt_trn",
    "processing_state_investment_kzt_trn",
    "processing_private_investment_kzt_trn",
)
"""Simulated variables, in the order of the first axis of kept path arrays."""

UNITS: dict[str, str] = {
    "vehicle_output": "vehicles per year",
    "capacity": "vehicles per year",
    "new_vehicle_sales": "vehicles per year",
    "domestic_supply": "vehicles per year",
    "domestic_share_of_sales": "fraction",
    "export_demand": "vehicles per year",
    "export_units": "vehicles per year",
    "exports_to_russia": "vehicles per year",
    "exports_to_uzbekistan": "vehicles per year",
    "exports_to_kyrgyzstan": "vehicles per year",
    "exports_to_tajikistan": "vehicles per year",
    "exports_to_other": "vehicles per year",
    "local_content_share": "fraction",
    "ckd_share": "fraction",
    "usd_kzt": "KZT per USD (annual average)",
    "rub_kzt": "KZT per RUB (annual average)",
    "devaluation": "1 in a devaluation year, else 0",
    "processing_output_index": "real index (history's base year = 1)",
    "processing_exports_usd_bn": "USD bn",
    "processing_investment_kzt_trn": "trillion KZT",
    "processing_state_investment_kzt_trn": "trillion KZT",
    "processing_private_investment_kzt_trn": "trillion KZT",
}

LOG_CAP = 300.0
"""Log-levels are capped here (e^300 is about 2e130, so squares and sums of squares
stay finite too): every value stays finite even for extreme volatilities or
horizons; realistic scenarios never come near it."""

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

TREND_VARIABLES: tuple[str, ...] = ("vehicle_output", "usd_kzt", "rub_kzt", "devaluation")
"""What a ``model = "trend"`` scenario simulates: output alone, and the exchange-rate block whose
devaluation jumps enter it (DESIGN.md section 3: the trend model is for output alone)."""

_TREND_BLOCKS = ("exchange_rate", "trend")


def model_variables(model: str) -> tuple[str, ...]:
    """The variables a model simulates, in the order of the kernel's first axis."""
    return TREND_VARIABLES if model == "trend" else VARIABLES


def model_uses_block(model: str, block: str) -> bool:
    """Whether a model's equations use a scenario block (and so draw its parameters)."""
    return block in _TREND_BLOCKS if model == "trend" else block != "trend"


def model_streams(model: str) -> dict[str, tuple[int, int]]:
    """The shock streams a model draws (each model draws only what its equations use)."""
    return {k: v for k, v in SHOCK_SHAPES.items() if model_uses_block(model, k)}


def _cap(log_level: Arr) -> Arr:
    """Cap a log-level at LOG_CAP in place (a reduction first: the cap almost never binds,
    and NumPy's minimum against a scalar is several times slower than a max)."""
    if log_level.max() > LOG_CAP:
        np.minimum(log_level, LOG_CAP, out=log_level)
    return log_level


def _exchange_rate_year(
    p: dict[str, Any],
    e_fx: Arr,
    u_fx: Arr,
    t: int,
    z: Arr,
    r: Arr,
    o_usd: Arr,
    o_rub: Arr,
    o_dev: Arr,
) -> tuple[Arr, Arr, Arr]:
    """Year ``t`` of the exchange-rate block: advance the log rates ``z`` and ``r`` in place
    (capped), write both rates and the devaluation flag, return ``(dz, dr, jump)``."""
    dz, dr, jump = exchange_rate_step(
        p["mu_z"], p["s_z"], p["p_dev"], p["jump_mean"], p["jump_sd"],
        p["b_r"], p["mu_r"], p["s_r"],
        e_fx[0, t], e_fx[1, t], e_fx[2, t], u_fx[0, t],
    )  # fmt: skip
    z += dz
    r += dr
    _cap(z)
    _cap(r)
    np.exp(z, out=o_usd[t])
    np.exp(r, out=o_rub[t])
    np.greater(jump, 0.0, out=o_dev[t])
    return dz, dr, jump


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


@dataclass(frozen=True)
class PlantArrays:
    """Capacity pipeline: per plant its capacity and first operating year, per path."""

    capacity: list[Any]
    first_year: list[Any]


def run_paths(
    p: dict[str, Any],
    shocks: Shocks,
    init: Initial,
    years: NDArray[np.int64],
    *,
    as_of: int,
    model: str,
    export_start_year: int | None = None,
    plants: PlantArrays | None = None,
    destination_shares: Arr | None = None,
    out: Arr | None = None,
) -> Arr:
    """Run the model's blocks over all years for ``n`` paths.

    ``model="structural"`` runs every block but the trend and writes :data:`VARIABLES`;
    ``model="trend"`` runs the exchange-rate block and the trend equation of
    output and writes :data:`TREND_VARIABLES` (it needs neither plants,
    destination shares nor the export start year).

    Parameters
    ----------
    p : dict
        Parameter values by short name (``mu_z``, ``s_M``, ...): arrays ``(n,)``
        or floats.
    shocks : Shocks
        Standard shocks, see :class:`Shocks`.
    init : Initial
        State in the as-of year.
    years : ndarray of int
        Simulated years ``as_of + 1 .. horizon``.
    destination_shares : ndarray, shape (5, n)
        Export destination shares per path (columns sum to 1).
    out : ndarray, shape (len(model_variables(model)), n_years, n), optional
        Buffer to write into.

    Returns
    -------
    ndarray, shape (len(model_variables(model)), n_years, n)
        ``(variable, year, path)``, variables in :func:`model_variables` order.
    """
    n_years = len(years)
    n = shocks.normal["exchange_rate"].shape[-1]
    if model == "trend":
        return _run_trend(p, shocks, init, n_years, n, out)
    if plants is None or destination_shares is None or export_start_year is None:
        raise ValueError(
            "the structural model needs plants, destination_shares and export_start_year"
        )
    if out is None:
        out = np.empty((len(VARIABLES), n_years, n), dtype=np.float64)
    (
        o_q, o_k, o_m, o_d, o_s, o_xs, o_x, o_ru, o_uz, o_kg, o_tj, o_ot,
        o_l, o_c, o_usd, o_rub, o_dev, o_pi, o_pe, o_pv, o_pvs, o_pvp,
    ) = out  # fmt: skip
    dest_out = (o_ru, o_uz, o_kg, o_tj, o_ot)

    nz = shocks.normal
    e_fx = nz["exchange_rate"]
    u_fx = shocks.uniform["exchange_rate"]
    e_m = nz["market"][0]
    e_s = nz["domestic_share"][0]
    e_x = nz["exports"][0]
    e_l = nz["local_content"][0]
    e_c = nz["ckd_share"][0]
    e_p = nz["processing"]

    z = np.full(n, math.log(init.usd_kzt))
    r = np.full(n, math.log(init.rub_kzt))
    log_m = np.full(n, math.log(init.new_vehicle_sales))
    lg_s = np.full(n, float(special.logit(init.domestic_share_of_sales)))
    with np.errstate(divide="ignore"):
        log_x = np.full(n, math.log(init.export_demand) if init.export_demand > 0 else -np.inf)
    # exports continue from the initial demand if they had started by as_of and
    # a figure exists; otherwise they (re)start at x_start in the first year >= start
    started = as_of >= export_start_year and init.export_demand > 0
    level_l = np.full(n, init.local_content_share)
    level_c = np.full(n, init.ckd_share)
    log_pi = np.full(n, math.log(init.processing_output_index))
    log_pe = np.full(n, math.log(init.processing_exports_usd_bn))
    log_pv = np.full(n, math.log(init.processing_investment_kzt_trn))

    existing = p["existing"]
    any_plants = list(zip(plants.capacity, plants.first_year))
    u_max = p["u_max"]

    # exp(-lg_s) may overflow to inf (a domestic share of exactly 0): not an error
    with np.errstate(over="ignore"):
        for t in range(n_years):
            year = int(years[t])
            dz, dr, _ = _exchange_rate_year(p, e_fx, u_fx, t, z, r, o_usd, o_rub, o_dev)

            log_m = _cap(market_step(log_m, p["mu_M"], p["b_M"], p["s_M"], dz, e_m[t]))
            sales = np.exp(log_m, out=o_m[t])
            lg_s += p["k_S"]
            lg_s += p["s_S"] * e_s[t]
            # expit(lg_s) = 1 / (1 + exp(-lg_s)); exp overflows to inf for very
            # negative lg_s, giving a share of exactly 0
            share = np.negative(lg_s)
            np.exp(share, out=share)
            share += 1.0
            np.divide(1.0, share, out=share)

            x_star = o_xs[t]
            if year < export_start_year:
                x_star[:] = 0.0
            else:
                if not started:
                    with np.errstate(divide="ignore"):
                        log_x = np.log(np.broadcast_to(p["x_start"], (n,)).astype(np.float64))
                    started = True
                else:
                    log_x += p["mu_X"]
                    log_x += p["b_X"] * dr
                    log_x += p["s_X"] * e_x[t]
                    _cap(log_x)
                np.exp(log_x, out=x_star)

            cap = o_k[t]
            cap[:] = existing
            for c_p, y_p in any_plants:
                cap += c_p * (year >= y_p)

            dom_demand = share * sales
            o_q[t], o_d[t], o_x[t] = ration_output(cap, u_max, dom_demand, x_star)
            d, x = o_d[t], o_x[t]
            ds = o_s[t]
            if sales.all():
                np.divide(d, sales, out=ds)
            else:
                ds[:] = 0.0
                np.divide(d, sales, out=ds, where=sales > 0)
            if ds.max() > 1.0:
                np.minimum(ds, 1.0, out=ds)
            for i, dest in enumerate(dest_out):
                np.multiply(x, destination_shares[i], out=dest[t])

            level_l = partial_adjustment_step(level_l, p["k_L"], p["L_max"], p["s_L"], e_l[t])
            o_l[t] = level_l
            level_c = partial_adjustment_step(level_c, p["k_C"], p["C_max"], p["s_C"], e_c[t])
            o_c[t] = level_c

            for log_v, g, sd, k in ((log_pi, "g_P", "s_P", 0), (log_pe, "g_E", "s_E", 1),
                                    (log_pv, "g_I", "s_I", 2)):  # fmt: skip
                log_v += p[g]
                log_v += p[sd] * e_p[k, t]
                _cap(log_v)
            np.exp(log_pi, out=o_pi[t])
            np.exp(log_pe, out=o_pe[t])
            inv = np.exp(log_pv, out=o_pv[t])
            np.multiply(inv, p["theta"], out=o_pvs[t])
            np.subtract(inv, o_pvs[t], out=o_pvp[t])
    return out


def _run_trend(
    p: dict[str, Any], shocks: Shocks, init: Initial, n_years: int, n: int, out: Arr | None
) -> Arr:
    """The trend model: log output an ARIMA(1,1,0) with drift less the devaluation jump.

    Writes :data:`TREND_VARIABLES` (output and the exchange-rate block that drives
    its jumps); nothing else is simulated.
    """
    if out is None:
        out = np.empty((len(TREND_VARIABLES), n_years, n), dtype=np.float64)
    o_q, o_usd, o_rub, o_dev = out
    e_fx = shocks.normal["exchange_rate"]
    u_fx = shocks.uniform["exchange_rate"]
    e_q = shocks.normal["trend"][0]
    z = np.full(n, math.log(init.usd_kzt))
    r = np.full(n, math.log(init.rub_kzt))
    log_q = np.full(n, math.log(max(init.vehicle_output, 1e-300)))
    growth = np.full(n, init.output_growth)
    mu_q, phi, s_q, b_q = p["mu_q"], p["phi"], p["s_q"], p["b_q"]
    for t in range(n_years):
        _, _, jump = _exchange_rate_year(p, e_fx, u_fx, t, z, r, o_usd, o_rub, o_dev)
        # g_t = mu_q + phi (g_{t-1} - mu_q) + s_q e_t - b_q J_t D_t
        growth -= mu_q
        growth *= phi
        growth += mu_q
        growth += s_q * e_q[t]
        growth -= b_q * jump
        log_q += growth
        _cap(log_q)
        np.exp(log_q, out=o_q[t])
    return out
