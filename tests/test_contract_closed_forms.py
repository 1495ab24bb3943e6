"""Contract: closed forms.

Zero volatility gives the deterministic path, equal to its closed form; the
trend model with fixed parameters and no jumps has a log-normal terminal
distribution, matched by Monte Carlo within 4.5 standard errors. The closed
forms are the library's (kzforecast.model.closed_forms), derived from the
equations, not from the kernel.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from kzforecast import Scenario, Simulation, simulate
from kzforecast.model import closed_forms as cf
from kzforecast.model.params import (
    CapacityParams,
    CKDShareParams,
    DomesticShareParams,
    ExchangeRateParams,
    ExportParams,
    LocalContentParams,
    MarketParams,
    OutputParams,
    PlantArrays,
    ProcessingParams,
    TrendParams,
)
from kzforecast.results.summary import ALPHA

INITIAL = {
    "vehicle_output": 100_000.0,
    "output_growth": 0.05,
    "new_vehicle_sales": 200_000.0,
    "domestic_share_of_sales": 0.6,
    "export_demand": 5_000.0,
    "usd_kzt": 500.0,
    "rub_kzt": 6.0,
    "local_content_share": 0.3,
    "ckd_share": 0.1,
    "processing_output_index": 1.4,
    "processing_exports_usd_bn": 25.0,
    "processing_investment_kzt_trn": 1.7,
}


def _fx(**given: float) -> ExchangeRateParams:
    """Exchange-rate parameters, zero unless given."""
    names = ("mu_z", "s_z", "p_dev", "jump_mean", "jump_sd", "b_r", "mu_r", "s_r")
    return ExchangeRateParams(**{k: given.get(k, 0.0) for k in names})


def _exports(start_year: int, mu_x: float, b_x: float, x_start: float = 0.0) -> ExportParams:
    shares = np.full((5, 1), 0.2)  # not used by export demand
    return ExportParams(x_start, mu_x, b_x, 0.0, start_year=start_year, destination_shares=shares)


def _quiet(**blocks: dict) -> Scenario:  # type: ignore[type-arg]
    data = {
        "name": "closed-form",
        "as_of": 2025,
        "horizon": 2035,
        "initial": INITIAL,
        "blocks": {"capacity": {"existing": 1e7}, **blocks},
    }
    return Scenario.from_dict(data)


def _assert_paths(sim: Simulation, expected: dict[str, np.ndarray]) -> None:
    for name, value in expected.items():
        got = sim.values(name)
        np.testing.assert_allclose(got, np.broadcast_to(value, got.shape), rtol=1e-10, err_msg=name)


def test_zero_volatility_equals_closed_form() -> None:
    mu_z, mu_m, b_m, mu_x, b_r, mu_r, b_x = 0.04, 0.06, 0.5, 0.1, 0.8, -0.01, 0.7
    k_l, l_max, k_c, c_max = 0.2, 0.7, 0.35, 0.5
    s = _quiet(
        exchange_rate={"mu_z": mu_z, "b_r": b_r, "mu_r": mu_r},
        market={"mu_M": mu_m, "b_M": b_m},
        domestic_share={"k_S": 0.1},
        exports={"start_year": 2020, "mu_X": mu_x, "b_X": b_x},
        local_content={"k_L": k_l, "L_max": l_max},
        ckd_share={"k_C": k_c, "C_max": c_max},
        processing={"g_P": 0.04, "g_E": 0.05, "g_I": 0.06, "theta": 0.2},
    )
    sim = simulate(s, paths=1000, seed=1, keep_paths=True)
    t = np.arange(1, 11)
    fx = cf.exchange_rate_path(500.0, 6.0, _fx(mu_z=mu_z, b_r=b_r, mu_r=mu_r), t)
    sales = cf.market_path(200_000.0, MarketParams(mu_M=mu_m, b_M=b_m, s_M=0.0), fx.dz, t)
    share = cf.domestic_share_path(0.6, DomesticShareParams(k_S=0.1, s_S=0.0), t)
    exports = cf.export_demand_path(5_000.0, _exports(2020, mu_x, b_x), fx.dr, t, as_of=2025)
    q, _, x = cf.output_path(1e7, OutputParams(u_max=1.0), share * sales, exports)
    proc = cf.processing_path(
        1.4, 25.0, 1.7, ProcessingParams(0.04, 0.0, 0.05, 0.0, 0.06, 0.0, theta=0.2), t
    )
    expected = {
        "usd_kzt": fx.usd_kzt,
        "rub_kzt": fx.rub_kzt,
        "new_vehicle_sales": sales,
        "export_units": x,
        "vehicle_output": q,
        "local_content_share": cf.local_content_path(0.3, LocalContentParams(k_l, l_max, 0.0), t),
        "ckd_share": cf.ckd_share_path(0.1, CKDShareParams(k_c, c_max, 0.0), t),
        "processing_output_index": proc.output_index,
        "processing_state_investment_kzt_trn": proc.state_investment,
    }
    _assert_paths(sim, expected)
    # the closed forms are those of docs/model.md
    dz = mu_z
    np.testing.assert_allclose(sales, 200_000.0 * np.exp(t * (mu_m - b_m * dz)), rtol=1e-14)
    np.testing.assert_allclose(q, share * sales + 5_000.0 * np.exp(t * (mu_x + b_x * fx.dr)))


def test_zero_volatility_with_yearly_devaluations_and_late_exports() -> None:
    """Deterministic devaluations (p_dev = 1, fixed jump) and exports starting after as_of,
    with capacity from plants opening during the horizon."""
    mu_z, jump, b_r, mu_r, b_m, mu_x, b_x, x_start = 0.01, 0.05, 0.5, 0.0, 1.2, 0.2, 0.9, 800.0
    plants = [
        {"name": "a", "capacity": 20_000.0, "planned_start": 2027},
        {"name": "b", "capacity": 50_000.0, "planned_start": 2029, "delay": 1.5},
    ]
    s = _quiet(
        exchange_rate={"mu_z": mu_z, "p_dev": 1.0, "jump_mean": jump, "b_r": b_r, "mu_r": mu_r},
        market={"mu_M": 0.08, "b_M": b_m},
        exports={"start_year": 2028, "x_start": x_start, "mu_X": mu_x, "b_X": b_x},
        capacity={"existing": 100_000.0, "plants": plants},
        output={"u_max": 1.1},
    )
    sim = simulate(s, paths=1000, seed=4, keep_paths=True)
    t = np.arange(1, 11)
    years = 2025 + t
    fx = cf.exchange_rate_path(
        500.0, 6.0, _fx(mu_z=mu_z, p_dev=1.0, jump_mean=jump, b_r=b_r, mu_r=mu_r), t
    )
    sales = cf.market_path(200_000.0, MarketParams(mu_M=0.08, b_M=b_m, s_M=0.0), fx.dz, t)
    share = cf.domestic_share_path(0.6, DomesticShareParams(k_S=0.0, s_S=0.0), t)
    exports = cf.export_demand_path(
        5_000.0, _exports(2028, mu_x, b_x, x_start=x_start), fx.dr, t, as_of=2025
    )
    cap = cf.capacity_path(
        CapacityParams(100_000.0, PlantArrays((20_000.0, 50_000.0), (2027.0, 2031.0))), years
    )
    q, d, x = cf.output_path(cap, OutputParams(u_max=1.1), share * sales, exports)
    expected = {
        "usd_kzt": fx.usd_kzt,
        "rub_kzt": fx.rub_kzt,
        "devaluation": 1.0,
        "new_vehicle_sales": sales,
        "export_demand": exports,
        "capacity": cap,
        "vehicle_output": q,
        "domestic_supply": d,
        "export_units": x,
    }
    _assert_paths(sim, expected)
    assert (exports[years < 2028] == 0).all()
    assert exports[years == 2028] == x_start


def test_binding_capacity_rations_in_proportion() -> None:
    s = _quiet(exports={"start_year": 2020}, capacity={"existing": 50_000.0})
    sim = simulate(s, paths=1000, seed=1, keep_paths=True)
    demand = 0.6 * 200_000.0 + 5_000.0
    q, _, x = cf.output_path(50_000.0, OutputParams(u_max=1.0), 0.6 * 200_000.0, 5_000.0)
    np.testing.assert_allclose(sim.values("vehicle_output"), q)
    np.testing.assert_allclose(sim.values("export_units"), x)
    np.testing.assert_allclose(x, 5_000.0 * 50_000.0 / demand)


@pytest.mark.parametrize("threshold_factor", [0.8, 1.0, 1.3])
@pytest.mark.parametrize(("mu_q", "phi"), [(0.05, 0.0), (0.03, 0.6)])
def test_trend_model_terminal_distribution_is_lognormal(
    threshold_factor: float, mu_q: float, phi: float
) -> None:
    s_q, years = 0.12, 10
    s = _quiet(trend={"mu_q": mu_q, "phi": phi, "s_q": s_q}).model_copy(update={"model": "trend"})
    n = 40_000
    sim = simulate(s, paths=n, seed=2016, keep_paths=True)
    q_t = sim.values("vehicle_output")[:, -1]
    p = TrendParams(mu_q=mu_q, phi=phi, s_q=s_q, b_q=0.0)
    loc, scale = cf.trend_log_output_moments(100_000.0, 0.05, p, years)
    if phi == 0.0:  # the textbook case: a random walk with drift
        assert loc == pytest.approx(math.log(100_000.0) + years * mu_q)
        assert scale == pytest.approx(s_q * math.sqrt(years))
    c = math.exp(loc) * threshold_factor
    p_exact = cf.trend_prob_output_at_least(c, 100_000.0, 0.05, p, years)
    assert p_exact == pytest.approx(float(stats.norm.sf((math.log(c) - loc) / scale)))
    p_mc = float((q_t >= c).mean())
    se = math.sqrt(p_exact * (1 - p_exact) / n)
    assert abs(p_mc - p_exact) < 4.5 * se, (p_mc, p_exact, se)
    # the log of output is normal: mean and sd within their Monte Carlo errors
    lq = np.log(q_t)
    assert abs(lq.mean() - loc) < 4.5 * scale / math.sqrt(n)
    assert abs(lq.std(ddof=1) - scale) < 4.5 * scale / math.sqrt(2 * (n - 1))


def test_trend_model_at_zero_volatility_equals_closed_form() -> None:
    mu_q, phi = 0.04, 0.7
    s = _quiet(trend={"mu_q": mu_q, "phi": phi}).model_copy(update={"model": "trend"})
    sim = simulate(s, paths=1000, seed=5, keep_paths=True)
    t = np.arange(1, 11)
    p = TrendParams(mu_q=mu_q, phi=phi, s_q=0.0, b_q=0.0)
    path = cf.trend_path(100_000.0, 0.05, p, t)
    _assert_paths(sim, {"vehicle_output": path})
    # growth decays geometrically from 0.05 towards mu_q
    growth = np.diff(np.log(np.concatenate([[100_000.0], path])))
    np.testing.assert_allclose(growth, mu_q + (0.05 - mu_q) * phi**t, rtol=1e-9)


def test_sketch_quantiles_within_documented_accuracy() -> None:
    mu_q, s_q = 0.05, 0.12
    s = _quiet(trend={"mu_q": mu_q, "s_q": s_q}).model_copy(update={"model": "trend"})
    kept = simulate(s, paths=20_000, seed=3, keep_paths=True)
    summary_only = simulate(s, paths=20_000, seed=3)
    qs = [0.1, 0.5, 0.9]
    exact = np.quantile(kept.values("vehicle_output"), qs, axis=0, method="inverted_cdf").T
    approx = summary_only.sketch_quantiles("vehicle_output", qs)
    np.testing.assert_allclose(approx, exact, rtol=ALPHA)
