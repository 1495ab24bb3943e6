"""Hypothesis strategies that build valid :class:`kzforecast.Scenario` objects.

Bounds follow what the pydantic models enforce (volatilities >= 0, shares in
[0, 1], AR coefficients in (-1, 1)), kept to economically sensible ranges so
that values stay finite over the horizon.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kzforecast.scenario import DESTINATIONS, Scenario


def _f(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def real_param(lo: float, hi: float) -> st.SearchStrategy[Any]:
    """A parameter on the real line: fixed, normal, uniform or triangular."""
    fixed = _f(lo, hi)
    normal = st.builds(
        lambda m, s: {"dist": "normal", "mean": m, "sd": s}, _f(lo, hi), _f(0.0, (hi - lo) / 4)
    )
    uniform = st.tuples(_f(lo, hi), _f(lo, hi)).map(
        lambda t: {"dist": "uniform", "low": min(t), "high": max(t)}
    )
    triangular = (
        st.lists(_f(lo, hi), min_size=3, max_size=3)
        .map(sorted)
        .filter(lambda t: t[0] < t[2])
        .map(lambda t: {"dist": "triangular", "low": t[0], "mode": t[1], "high": t[2]})
    )
    return st.one_of(fixed, normal, uniform, triangular)


def nonneg_param(hi: float) -> st.SearchStrategy[Any]:
    """A parameter >= 0: fixed, lognormal, truncated normal or uniform."""
    fixed = _f(0.0, hi)
    lognormal = st.builds(
        lambda m, s: {"dist": "lognormal", "mu": m, "sigma": s},
        _f(-6.0, float(__import__("math").log(hi))),
        _f(0.0, 0.5),
    )
    trunc = st.builds(
        lambda m, s: {"dist": "truncnormal", "mean": m, "sd": s, "low": 0.0, "high": hi},
        _f(0.0, hi),
        _f(hi / 100, hi / 2),
    )
    uniform = st.tuples(_f(0.0, hi), _f(0.0, hi)).map(
        lambda t: {"dist": "uniform", "low": min(t), "high": max(t)}
    )
    return st.one_of(fixed, lognormal, trunc, uniform)


def unit_param(lo: float = 0.0, hi: float = 1.0) -> st.SearchStrategy[Any]:
    """A parameter in [lo, hi] within [0, 1]: fixed, beta or uniform."""
    fixed = _f(lo, hi)
    beta = st.builds(
        lambda a, b: {"dist": "beta", "a": a, "b": b, "low": lo, "high": hi},
        _f(0.5, 10.0),
        _f(0.5, 10.0),
    )
    uniform = st.tuples(_f(lo, hi), _f(lo, hi)).map(
        lambda t: {"dist": "uniform", "low": min(t), "high": max(t)}
    )
    return st.one_of(fixed, beta, uniform)


@st.composite
def scenario_dicts(draw: st.DrawFn, model: str | None = None) -> dict[str, Any]:
    """A valid scenario as plain data."""
    as_of = draw(st.integers(2005, 2030))
    horizon = as_of + draw(st.integers(1, 12))
    n_plants = draw(st.integers(0, 3))
    plants = [
        {
            "name": f"plant {i}",
            "capacity": draw(nonneg_param(100_000.0)),
            "planned_start": draw(st.integers(as_of - 2, horizon + 2)),
            "delay": draw(nonneg_param(4.0)),
        }
        for i in range(n_plants)
    ]
    alpha = {d: draw(_f(0.2, 20.0)) for d in DESTINATIONS}
    return {
        "name": "generated",
        "as_of": as_of,
        "horizon": horizon,
        "model": model or draw(st.sampled_from(["structural", "trend"])),
        "initial": {
            "vehicle_output": draw(_f(1_000.0, 300_000.0)),
            "output_growth": draw(_f(-0.5, 0.5)),
            "new_vehicle_sales": draw(_f(10_000.0, 400_000.0)),
            "domestic_share_of_sales": draw(_f(0.01, 0.99)),
            "export_demand": draw(st.one_of(st.just(0.0), _f(1.0, 50_000.0))),
            "usd_kzt": draw(_f(100.0, 600.0)),
            "rub_kzt": draw(_f(2.0, 10.0)),
            "local_content_share": draw(_f(0.0, 0.6)),
            "ckd_share": draw(_f(0.0, 0.6)),
            "processing_output_index": draw(_f(0.5, 2.0)),
            "processing_exports_usd_bn": draw(_f(5.0, 40.0)),
            "processing_investment_kzt_trn": draw(_f(0.3, 3.0)),
        },
        "blocks": {
            "exchange_rate": {
                "mu_z": draw(real_param(-0.1, 0.15)),
                "s_z": draw(nonneg_param(0.2)),
                "p_dev": draw(unit_param(0.0, 0.5)),
                "jump_mean": draw(nonneg_param(0.5)),
                "jump_sd": draw(nonneg_param(0.2)),
                "b_r": draw(real_param(0.0, 1.5)),
                "mu_r": draw(real_param(-0.1, 0.1)),
                "s_r": draw(nonneg_param(0.2)),
            },
            "market": {
                "mu_M": draw(real_param(-0.2, 0.2)),
                "b_M": draw(real_param(0.0, 2.0)),
                "s_M": draw(nonneg_param(0.3)),
            },
            "domestic_share": {"k_S": draw(real_param(-0.5, 0.5)), "s_S": draw(nonneg_param(0.5))},
            "exports": {
                "start_year": draw(st.integers(as_of - 3, horizon + 1)),
                "x_start": draw(nonneg_param(20_000.0)),
                "mu_X": draw(real_param(-0.3, 0.4)),
                "b_X": draw(real_param(0.0, 2.0)),
                "s_X": draw(nonneg_param(0.5)),
                "destinations": {"alpha": alpha, "fixed": draw(st.booleans())},
            },
            "capacity": {"existing": draw(nonneg_param(400_000.0)), "plants": plants},
            "output": {"u_max": draw(unit_param(0.5, 1.0))},
            "local_content": {
                "k_L": draw(unit_param()),
                "L_max": draw(unit_param(0.6, 1.0)),
                "s_L": draw(nonneg_param(1.0)),
            },
            "ckd_share": {
                "k_C": draw(unit_param()),
                "C_max": draw(unit_param(0.6, 1.0)),
                "s_C": draw(nonneg_param(1.0)),
            },
            "processing": {
                "g_P": draw(real_param(-0.1, 0.1)),
                "s_P": draw(nonneg_param(0.1)),
                "g_E": draw(real_param(-0.2, 0.2)),
                "s_E": draw(nonneg_param(0.2)),
                "g_I": draw(real_param(-0.2, 0.2)),
                "s_I": draw(nonneg_param(0.2)),
                "theta": draw(unit_param(0.05, 0.95)),
            },
            "trend": {
                "mu_q": draw(real_param(-0.1, 0.2)),
                "phi": draw(unit_param(0.0, 0.9)),
                "s_q": draw(nonneg_param(0.3)),
                "b_q": draw(real_param(0.0, 1.0)),
            },
        },
    }


def scenarios(model: str | None = None) -> st.SearchStrategy[Scenario]:
    """Valid scenarios (see :func:`scenario_dicts`)."""
    return scenario_dicts(model).map(lambda d: Scenario.from_dict(d, source="<hypothesis>"))
