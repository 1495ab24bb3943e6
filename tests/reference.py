"""A slow, obviously-correct scalar reference implementation of the model.

It loops over paths and years with the ``math`` module, straight from the
equations of DESIGN.md section 3, and consumes the same parameter draws and
standard shocks as the vectorised core. Kept in the tests only.
"""

from __future__ import annotations

import math
from typing import Any

from kzforecast.scenario import DESTINATIONS, Scenario

CAP = 300.0  # log-level cap, as in the core


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _expit(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _adjust(level: float, k: float, ceiling: float, s: float, e: float) -> float:
    m = level + k * (ceiling - level)
    if ceiling <= 0:
        return 0.0
    ratio = min(max(m / ceiling, 0.0), 1.0)
    if s == 0 or ratio <= 0.0 or ratio >= 1.0:
        return ceiling * ratio
    return ceiling * _expit(_logit(ratio) + s * e)


def _block(par: dict[str, float], block: str) -> dict[str, float]:
    """One block's parameters by field name, from values by dotted path."""
    prefix = f"blocks.{block}."
    return {
        k[len(prefix) :]: v
        for k, v in par.items()
        if k.startswith(prefix) and "." not in k[len(prefix) :]
    }


def reference_path(
    scenario: Scenario,
    par: dict[str, float],
    plants: list[tuple[float, int]],
    shares: list[float],
    normal: dict[str, Any],
    uniform: dict[str, Any],
    init: Any,
    i: int,
) -> dict[str, list[float]]:
    """Simulate path ``i``. ``par`` holds its parameter values by dotted path
    (``blocks.market.mu_M``), ``normal[stream][series][t][i]`` its shocks."""
    fx, mk, ds, ex, cp, op, lc, cs, pr, tr = (
        _block(par, b)
        for b in (
            "exchange_rate", "market", "domestic_share", "exports", "capacity",
            "output", "local_content", "ckd_share", "processing", "trend",
        )
    )  # fmt: skip
    years = list(range(scenario.as_of + 1, scenario.horizon + 1))
    out: dict[str, list[float]] = {}

    def rec(name: str, v: float) -> None:
        out.setdefault(name, []).append(v)

    z, r = math.log(init.usd_kzt), math.log(init.rub_kzt)
    m = math.log(init.new_vehicle_sales)
    ls = _logit(init.domestic_share_of_sales)
    start = scenario.blocks.exports.start_year
    started = scenario.as_of >= start and init.export_demand > 0
    lx = math.log(init.export_demand) if init.export_demand > 0 else -math.inf
    loc, ckd = init.local_content_share, init.ckd_share
    lpi = math.log(init.processing_output_index)
    lpe = math.log(init.processing_exports_usd_bn)
    lpv = math.log(init.processing_investment_kzt_trn)
    lq, g = math.log(init.vehicle_output), init.output_growth
    for t, year in enumerate(years):
        e_z, e_j, e_r = (normal["exchange_rate"][k][t][i] for k in range(3))
        dev = uniform["exchange_rate"][0][t][i] < fx["p_dev"]
        jump = max(fx["jump_mean"] + fx["jump_sd"] * e_j, 0.0) if dev else 0.0
        dz = fx["mu_z"] + fx["s_z"] * e_z + jump
        dr = fx["b_r"] * dz + fx["mu_r"] + fx["s_r"] * e_r
        z = min(z + dz, CAP)
        r = min(r + dr, CAP)
        if scenario.model == "trend":  # output alone, driven by the devaluation jump
            g = (
                tr["mu_q"]
                + tr["phi"] * (g - tr["mu_q"])
                + tr["s_q"] * normal["trend"][0][t][i]
                - tr["b_q"] * jump
            )
            lq = min(lq + g, CAP)
            rec("vehicle_output", math.exp(lq))
            rec("usd_kzt", math.exp(z))
            rec("rub_kzt", math.exp(r))
            rec("devaluation", 1.0 if jump > 0 else 0.0)
            continue
        m = min(m + mk["mu_M"] - mk["b_M"] * dz + mk["s_M"] * normal["market"][0][t][i], CAP)
        ls += ds["k_S"] + ds["s_S"] * normal["domestic_share"][0][t][i]
        sales, share = math.exp(m), _expit(ls)
        if year < start:
            xs = 0.0
        else:
            if not started:
                lx = math.log(ex["x_start"]) if ex["x_start"] > 0 else -math.inf
                started = True
            else:
                lx = min(
                    lx + ex["mu_X"] + ex["b_X"] * dr + ex["s_X"] * normal["exports"][0][t][i],
                    CAP,
                )
            xs = math.exp(lx)
        cap = cp["existing"] + sum(c for c, y in plants if year >= y)
        demand = share * sales + xs
        q = min(op["u_max"] * cap, demand)
        rho = q / demand if demand > 0 else 1.0
        d, x = share * sales * rho, min(xs * rho, q)
        loc = _adjust(loc, lc["k_L"], lc["L_max"], lc["s_L"], normal["local_content"][0][t][i])
        ckd = _adjust(ckd, cs["k_C"], cs["C_max"], cs["s_C"], normal["ckd_share"][0][t][i])
        lpi = min(lpi + pr["g_P"] + pr["s_P"] * normal["processing"][0][t][i], CAP)
        lpe = min(lpe + pr["g_E"] + pr["s_E"] * normal["processing"][1][t][i], CAP)
        lpv = min(lpv + pr["g_I"] + pr["s_I"] * normal["processing"][2][t][i], CAP)
        inv = math.exp(lpv)
        rec("vehicle_output", q)
        rec("capacity", cap)
        rec("new_vehicle_sales", sales)
        rec("domestic_supply", d)
        rec("domestic_share_of_sales", min(d / sales, 1.0) if sales > 0 else 0.0)
        rec("export_demand", xs)
        rec("export_units", x)
        for dest, sh in zip(DESTINATIONS, shares):
            rec(f"exports_to_{dest}", x * sh)
        rec("local_content_share", loc)
        rec("ckd_share", ckd)
        rec("usd_kzt", math.exp(z))
        rec("rub_kzt", math.exp(r))
        rec("devaluation", 1.0 if jump > 0 else 0.0)
        rec("processing_output_index", math.exp(lpi))
        rec("processing_exports_usd_bn", math.exp(lpe))
        rec("processing_investment_kzt_trn", inv)
        rec("processing_state_investment_kzt_trn", inv * pr["theta"])
        rec("processing_private_investment_kzt_trn", inv - inv * pr["theta"])
    return out
