"""Contract: closed forms.

Zero volatility gives the deterministic path, equal to its closed form; the
trend model with fixed parameters and no jumps has a log-normal terminal
distribution, matched by Monte Carlo within 4.5 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from kzforecast import Scenario, simulate
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


def _quiet(**blocks: dict) -> Scenario:  # type: ignore[type-arg]
    data = {
        "name": "closed-form",
        "as_of": 2025,
        "horizon": 2035,
        "initial": INITIAL,
        "blocks": {"capacity": {"existing": 1e7}, **blocks},
    }
    return Scenario.from_dict(data)


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
    dz = mu_z
    dr = b_r * dz + mu_r
    sales = 200_000.0 * np.exp(t * (mu_m - b_m * dz))
    share = 1 / (1 + np.exp(-(math.log(0.6 / 0.4) + 0.1 * t)))
    exports = 5_000.0 * np.exp(t * (mu_x + b_x * dr))
    expected = {
        "usd_kzt": 500.0 * np.exp(mu_z * t),
        "rub_kzt": 6.0 * np.exp(dr * t),
        "new_vehicle_sales": sales,
        "export_units": exports,
        "vehicle_output": share * sales + exports,
        "local_content_share": l_max - (l_max - 0.3) * (1 - k_l) ** t,
        "ckd_share": c_max - (c_max - 0.1) * (1 - k_c) ** t,
        "processing_output_index": 1.4 * np.exp(0.04 * t),
        "processing_state_investment_kzt_trn": 0.2 * 1.7 * np.exp(0.06 * t),
    }
    for name, value in expected.items():
        got = sim.values(name)
        np.testing.assert_allclose(got, np.broadcast_to(value, got.shape), rtol=1e-10, err_msg=name)


def test_binding_capacity_rations_in_proportion() -> None:
    s = _quiet(exports={"start_year": 2020}, capacity={"existing": 50_000.0})
    sim = simulate(s, paths=1000, seed=1, keep_paths=True)
    demand = 0.6 * 200_000.0 + 5_000.0
    np.testing.assert_allclose(sim.values("vehicle_output"), 50_000.0)
    np.testing.assert_allclose(sim.values("export_units"), 5_000.0 * 50_000.0 / demand)


@pytest.mark.parametrize("threshold_factor", [0.8, 1.0, 1.3])
def test_trend_model_terminal_distribution_is_lognormal(threshold_factor: float) -> None:
    mu_q, s_q, years = 0.05, 0.12, 10
    s = _quiet(trend={"mu_q": mu_q, "phi": 0.0, "s_q": s_q}).model_copy(update={"model": "trend"})
    n = 40_000
    sim = simulate(s, paths=n, seed=2016, keep_paths=True)
    q_t = sim.values("vehicle_output")[:, -1]
    loc = math.log(100_000.0) + years * mu_q
    scale = s_q * math.sqrt(years)
    c = math.exp(loc) * threshold_factor
    p_exact = float(stats.norm.sf((math.log(c) - loc) / scale))
    p_mc = float((q_t >= c).mean())
    se = math.sqrt(p_exact * (1 - p_exact) / n)
    assert abs(p_mc - p_exact) < 4.5 * se, (p_mc, p_exact, se)
    # the log of output is normal: mean and sd within their Monte Carlo errors
    lq = np.log(q_t)
    assert abs(lq.mean() - loc) < 4.5 * scale / math.sqrt(n)
    assert abs(lq.std(ddof=1) - scale) < 4.5 * scale / math.sqrt(2 * (n - 1))


def test_sketch_quantiles_within_documented_accuracy() -> None:
    mu_q, s_q = 0.05, 0.12
    s = _quiet(trend={"mu_q": mu_q, "s_q": s_q}).model_copy(update={"model": "trend"})
    kept = simulate(s, paths=20_000, seed=3, keep_paths=True)
    summary_only = simulate(s, paths=20_000, seed=3)
    qs = [0.1, 0.5, 0.9]
    exact = np.quantile(kept.values("vehicle_output"), qs, axis=0, method="inverted_cdf").T
    approx = summary_only.sketch_quantiles("vehicle_output", qs)
    np.testing.assert_allclose(approx, exact, rtol=ALPHA)
