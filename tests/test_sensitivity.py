"""Sensitivity analysis: Sobol indices against closed forms, tornado on common random numbers.

Oracles: the Ishigami function's analytic indices; a linear model with normal
inputs (S1 = ST = c_i^2 var_i / sum_j c_j^2 var_j); for the model, a trend
scenario whose output in the last year is log-normal, so the indices of the
level and of a threshold indicator have closed forms (the latter by
Gauss-Hermite quadrature). Tolerances are the estimators' own bootstrap
intervals (95%, percentile) at fixed seeds; the seeds were not searched.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from kzforecast import Scenario, simulate
from kzforecast.cli.sensitivity import add_parser
from kzforecast.scenario import Normal, Uniform
from kzforecast.sensitivity import (
    NOISE,
    model_sobol_indices,
    sobol_chart,
    sobol_indices,
    tornado,
    tornado_chart,
)

from .test_check import make_target
from .test_contract_closed_forms import INITIAL

matplotlib.use("Agg")

PI = math.pi


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = np.array([v1, v2, 0.0]) / v
    st = np.array([v1 + v13, v2, v13]) / v
    return s1, st


def within(table: pd.DataFrame, col: str, exact: np.ndarray) -> None:
    lo = table[f"{col}_low"].to_numpy()
    hi = table[f"{col}_high"].to_numpy()
    est = table[col].to_numpy()
    assert np.all(lo <= est + 1e-12)
    assert np.all(est <= hi + 1e-12)
    bad = [(i, e, a, b) for i, (e, a, b) in enumerate(zip(exact, lo, hi)) if not a <= e <= b]
    assert not bad, f"{col}: exact value outside the bootstrap interval for {bad}"


# ------------------------------------------------------------------ Sobol core
def test_ishigami_recovered_within_bootstrap_intervals() -> None:
    u = Uniform(dist="uniform", low=-PI, high=PI)
    t = sobol_indices(ishigami, {"x1": u, "x2": u, "x3": u}, n=2**13, seed=2024)
    s1, st = ishigami_exact()
    assert s1.round(4).tolist() == [0.3139, 0.4424, 0.0]
    assert round(st[2], 4) == 0.2437
    within(t, "S1", s1)
    within(t, "ST", st)
    assert t.attrs["evaluations"] == 5 * 2**13
    assert list(t.index) == ["x1", "x2", "x3"]


def test_linear_model_closed_form_and_exact_zero_for_a_dummy() -> None:
    c = np.array([1.0, -2.0, 0.5, 0.0])
    dists = [
        ("a", Normal(dist="normal", mean=1.0, sd=1.0)),
        ("b", Normal(dist="normal", mean=-3.0, sd=0.5)),
        ("c", Normal(dist="normal", mean=10.0, sd=2.0)),
        ("dummy", Normal(dist="normal", mean=0.0, sd=1.0)),
    ]
    var = np.array([1.0, 0.25, 4.0, 1.0])
    exact = c**2 * var / np.sum(c**2 * var)
    t = sobol_indices(lambda x: x @ c, dists, n=2**12, seed=7)
    within(t, "S1", exact)
    within(t, "ST", exact)
    # an input the function ignores: A_B rows equal A rows bit for bit
    assert t.loc["dummy", "ST"] == 0.0
    assert t.loc["dummy", "S1"] == 0.0


def test_same_seed_same_table_and_seed_none_is_recorded() -> None:
    u = Uniform(dist="uniform", low=0.0, high=1.0)
    d = {"a": u, "b": u}

    def f(x: np.ndarray) -> np.ndarray:
        return x[:, 0] * x[:, 1] + x[:, 0]

    a = sobol_indices(f, d, n=256, seed=3)
    b = sobol_indices(f, d, n=256, seed=3)
    pd.testing.assert_frame_equal(a, b)
    c = sobol_indices(f, d, n=256, seed=None)
    again = sobol_indices(f, d, n=256, seed=c.attrs["seed"]["entropy"])
    pd.testing.assert_frame_equal(c, again)


def test_wider_intervals_at_higher_confidence_and_none_without_bootstrap() -> None:
    u = Uniform(dist="uniform", low=-PI, high=PI)
    d = {"x1": u, "x2": u, "x3": u}
    t90 = sobol_indices(ishigami, d, n=1024, seed=5, confidence=0.9)
    t99 = sobol_indices(ishigami, d, n=1024, seed=5, confidence=0.99)
    assert np.all(t99["ST_high"] - t99["ST_low"] > t90["ST_high"] - t90["ST_low"])
    t0 = sobol_indices(ishigami, d, n=1024, seed=5, bootstrap=0)
    assert t0["S1_low"].isna().all()
    np.testing.assert_array_equal(t0["S1"], t90["S1"])


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 1}, ValueError, "n must be >= 2"),
        ({"n": 2.5}, TypeError, "n must be an integer"),
        ({"n": 64, "bootstrap": -1}, ValueError, "bootstrap must be"),
        ({"n": 64, "confidence": 1.0}, ValueError, "confidence must lie in"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    u = Uniform(dist="uniform", low=0.0, high=1.0)
    with pytest.raises(exc, match=match):
        sobol_indices(lambda x: x[:, 0], {"a": u}, **kwargs)


def test_bad_distributions() -> None:
    u = Uniform(dist="uniform", low=0.0, high=1.0)
    with pytest.raises(ValueError, match="distributions is empty"):
        sobol_indices(lambda x: x[:, 0], {}, n=64)
    with pytest.raises(ValueError, match="distinct; repeated: a"):
        sobol_indices(lambda x: x[:, 0], [("a", u), ("a", u)], n=64)
    with pytest.raises(TypeError, match=r"input 'a': a distribution needs a \.ppf"):
        sobol_indices(lambda x: x[:, 0], {"a": 3.0}, n=64)


def test_bad_outputs_are_named() -> None:
    u = Uniform(dist="uniform", low=0.0, high=1.0)
    d = {"a": u, "b": u}
    with pytest.raises(ValueError, match=r"shape \(256,\), one value per input row, got shape"):
        sobol_indices(lambda x: x, d, n=64)

    def nan_when_large(x: np.ndarray) -> np.ndarray:
        return np.where(x[:, 0] > 0.9, np.nan, x[:, 0])

    with pytest.raises(ValueError, match=r"non-finite value\(s\).*the first at row \d+ \(a="):
        sobol_indices(nan_when_large, d, n=64)
    with pytest.raises(ValueError, match="constant .* variance is 0"):
        sobol_indices(lambda x: np.ones(len(x)), d, n=64)


def test_not_a_power_of_two_warns_at_the_call_site() -> None:
    u = Uniform(dist="uniform", low=0.0, high=1.0)
    with pytest.warns(UserWarning, match="not a power of 2.*use n = 512 or 1024") as rec:
        sobol_indices(lambda x: x[:, 0] + x[:, 1], {"a": u, "b": u}, n=1000, seed=1)
    assert len(rec) == 1
    assert rec[0].filename == __file__


# ------------------------------------------------------------------ model Sobol
MU, SD, S_Q, T_YEARS = 0.05, 0.03, 0.12, 10


def uncertain_trend() -> Scenario:
    """Trend model: log Q_2035 = log 1e5 + 10 mu_q + s_q sum(e); g_P is irrelevant to it."""
    return Scenario.from_dict(
        {
            "name": "trend-sobol",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2035,
            "initial": INITIAL,
            "blocks": {
                "capacity": {"existing": 1e7},
                "trend": {"mu_q": {"dist": "normal", "mean": MU, "sd": SD}, "s_q": S_Q},
                "processing": {"g_P": {"dist": "normal", "mean": 0.04, "sd": 0.01}},
            },
        }
    )


def lognormal_indices(k: int = 1) -> dict[str, float]:
    """Closed-form indices of the mean of k paths' Q_2035 (log-normal, mu_q normal)."""
    b1, b2 = (T_YEARS * SD) ** 2, T_YEARS * S_Q**2  # variances of the two log terms
    scale = math.exp(2 * (math.log(1e5) + T_YEARS * MU))
    v_x = scale * math.exp(b2 + b1) * math.expm1(b1)  # Var(E[Y | mu_q])
    e_var = scale * math.exp(2 * b1) * math.expm1(b2) * math.exp(b2)  # E[Var(Y | mu_q)]
    v = v_x + e_var / k
    if k == 1:
        v_w = scale * math.exp(b1 + b2) * math.expm1(b2)  # Var(E[Y | W])
        return {"S1": v_x / v, "ST": 1 - v_w / v, "S1_noise": v_w / v, "ST_noise": e_var / v}
    return {"S1": v_x / v, "ST_noise": e_var / k / v}


def test_model_sobol_lognormal_closed_form_and_irrelevant_parameter() -> None:
    t = model_sobol_indices(uncertain_trend(), "vehicle_output:2035", n=2**13, seed=11)
    exact = lognormal_indices()
    assert list(t.index) == ["blocks.processing.g_P", "blocks.trend.mu_q", NOISE]
    mu_q = t.loc[["blocks.trend.mu_q"]]
    within(mu_q, "S1", np.array([exact["S1"]]))
    within(mu_q, "ST", np.array([exact["ST"]]))
    noise = t.loc[[NOISE]]
    within(noise, "S1", np.array([exact["S1_noise"]]))
    within(noise, "ST", np.array([exact["ST_noise"]]))
    # g_P does not enter vehicle output: exactly zero, interval included
    assert (t.loc["blocks.processing.g_P"] == 0.0).all()
    assert t.attrs["evaluations"] == 5 * 2**13


def test_model_sobol_paths_per_point_shrinks_the_noise_share() -> None:
    t = model_sobol_indices(
        uncertain_trend(), "vehicle_output:2035", n=2**11, seed=4, paths_per_point=8,
        parameters=["blocks.trend.mu_q"],
    )  # fmt: skip
    exact = lognormal_indices(k=8)
    within(t.loc[["blocks.trend.mu_q"]], "S1", np.array([exact["S1"]]))
    within(t.loc[[NOISE]], "ST", np.array([exact["ST_noise"]]))
    assert t.attrs["evaluations"] == 4 * 2**11 * 8


def indicator_indices(threshold: float) -> dict[str, float]:
    """Indices of 1{Q_2035 >= threshold}: L = m + a X + b Z, X, Z ~ N(0, 1) independent."""
    m = math.log(1e5) + T_YEARS * MU - math.log(threshold)
    a, b = T_YEARS * SD, math.sqrt(T_YEARS) * S_Q
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    p = float(special.ndtr(m / math.hypot(a, b)))
    v = p * (1 - p)
    px = special.ndtr((m + a * x) / b)  # P(met | mu_q)
    pw = special.ndtr((m + b * x) / a)  # P(met | noise)
    var_x = float(w @ px**2 - (w @ px) ** 2)
    var_w = float(w @ pw**2 - (w @ pw) ** 2)
    return {"p": p, "S1": var_x / v, "ST": 1 - var_w / v, "ST_noise": 1 - var_x / v}


def test_model_sobol_of_a_target_indicator() -> None:
    threshold = 170_000.0
    t = model_sobol_indices(
        uncertain_trend(), make_target(threshold=threshold, due_year=2035), n=2**13, seed=21
    )
    exact = indicator_indices(threshold)
    mu_q = t.loc[["blocks.trend.mu_q"]]
    within(mu_q, "S1", np.array([exact["S1"]]))
    within(mu_q, "ST", np.array([exact["ST"]]))
    within(t.loc[[NOISE]], "ST", np.array([exact["ST_noise"]]))
    assert (t.loc["blocks.processing.g_P"] == 0.0).all()
    # the row mean is P(met): binomial SE over the 2n independent A and B rows
    se = math.sqrt(exact["p"] * (1 - exact["p"]) / (2 * 2**13))
    assert abs(t.attrs["mean"] - exact["p"]) < 4.5 * se
    assert t.attrs["output"] == "P(met) TEST-1:main"


def test_model_sobol_groups_correlated_parameters() -> None:
    sc = Scenario.builtin("baseline")
    t = model_sobol_indices(
        sc, "vehicle_output:2030", n=256, seed=1, bootstrap=0,
        parameters=["blocks.market.mu_M", "blocks.processing.g_P"],
    )  # fmt: skip
    assert list(t.index) == [
        "blocks.market.mu_M + blocks.market.b_M", "blocks.processing.g_P", NOISE,
    ]  # fmt: skip
    assert t.attrs["members"]["blocks.market.mu_M + blocks.market.b_M"] == [
        "blocks.market.mu_M", "blocks.market.b_M",
    ]  # fmt: skip
    assert t.loc["blocks.processing.g_P", "ST"] == 0.0
    # same seed, other batch size: identical
    again = model_sobol_indices(
        sc, "vehicle_output:2030", n=256, seed=1, bootstrap=0, batch_paths=1000,
        parameters=["blocks.market.mu_M", "blocks.processing.g_P"],
    )  # fmt: skip
    pd.testing.assert_frame_equal(t, again)


def test_model_sobol_bad_inputs() -> None:
    from kzforecast import TargetError

    sc = uncertain_trend()
    with pytest.raises(ValueError, match="statistic of a whole run"):
        model_sobol_indices(sc, "p50:vehicle_output:2030", n=64)
    with pytest.raises(ValueError, match="year 2040 is not simulated"):
        model_sobol_indices(sc, "vehicle_output:2040", n=64)
    with pytest.raises(ValueError, match="unknown variable 'cars'"):
        model_sobol_indices(sc, "cars:2030", n=64)
    with pytest.raises(ValueError, match="are fixed"):
        model_sobol_indices(sc, "vehicle_output:2030", n=64, parameters=["blocks.trend.s_q"])
    with pytest.raises(ValueError, match="unknown parameter"):
        model_sobol_indices(sc, "vehicle_output:2030", n=64, parameters=["blocks.nope"])
    with pytest.raises(ValueError, match="paths_per_point"):
        model_sobol_indices(sc, "vehicle_output:2030", n=64, paths_per_point=0)
    with pytest.raises(TargetError, match="no deadline"):
        model_sobol_indices(sc, make_target(timing="none", due_year=None), n=64)
    with pytest.raises(TargetError, match="beyond horizon"):
        model_sobol_indices(sc, make_target(due_year=2040), n=64)
    with pytest.raises(ValueError, match="constant"):
        model_sobol_indices(sc, make_target(threshold=1.0), n=64)
    with pytest.raises(TypeError, match="Target or a string"):
        model_sobol_indices(sc, 3, n=64)


# ------------------------------------------------------------------ tornado
def test_tornado_statistic_irrelevant_parameter_has_zero_swing() -> None:
    sc = Scenario.builtin("baseline")
    params = ["blocks.processing.g_P", "blocks.market.mu_M", "blocks.trend.mu_q"]
    t = tornado(sc, "mean:vehicle_output:2030", paths=4096, seed=3, parameters=params)
    assert list(t.columns) == [
        "parameter", "low_value", "high_value", "output_low", "output_high", "swing", "base",
    ]  # fmt: skip
    row = t.set_index("parameter")
    assert row.loc["blocks.processing.g_P", "swing"] == 0.0
    assert (
        row.loc["blocks.trend.mu_q", "swing"] == 0.0
    )  # trend block unused by the structural model
    assert row.loc["blocks.market.mu_M", "swing"] > 0
    assert (
        row.loc["blocks.market.mu_M", "output_high"] >= row.loc["blocks.market.mu_M", "output_low"]
    )
    assert t["parameter"].iloc[0] == "blocks.market.mu_M"
    assert (np.diff(t["swing"].to_numpy()) <= 0).all()
    kept = simulate(sc, paths=4096, seed=3, keep_paths=True).values("vehicle_output")
    assert t["base"].iloc[0] == pytest.approx(kept[:, 2030 - 2026].mean(), rel=1e-12)
    dist = sc.parameters()["blocks.market.mu_M"]
    assert row.loc["blocks.market.mu_M", "low_value"] == dist.quantile(0.1)


def test_tornado_target_probability_swings() -> None:
    sc = Scenario.builtin("baseline")
    target = make_target(threshold=200_000.0, due_year=2030)
    t = tornado(
        sc, target, paths=4096, seed=1,
        parameters=["blocks.processing.theta", "blocks.market.mu_M", "blocks.exchange_rate.p_dev"],
    )  # fmt: skip
    row = t.set_index("parameter")
    assert row.loc["blocks.processing.theta", "swing"] == 0.0
    assert (
        row.loc["blocks.market.mu_M", "output_high"] > row.loc["blocks.market.mu_M", "output_low"]
    )
    # more devaluations, less output
    assert (
        row.loc["blocks.exchange_rate.p_dev", "output_high"]
        < row.loc["blocks.exchange_rate.p_dev", "output_low"]
    )
    assert (
        (
            (t[["output_low", "output_high", "base"]] >= 0)
            & (t[["output_low", "output_high", "base"]] <= 1)
        )
        .all()
        .all()
    )
    assert t.attrs["output"] == "P(met) TEST-1:main"


def test_tornado_callable_and_quantile_statistics() -> None:
    sc = uncertain_trend()

    def last_mean(sim: Any) -> float:
        return float(sim.values("vehicle_output")[:, -1].mean())

    a = tornado(sc, last_mean, paths=2048, seed=2, keep_paths=True)
    b = tornado(sc, "mean:vehicle_output:2035", paths=2048, seed=2)
    np.testing.assert_allclose(a["output_high"], b["output_high"], rtol=1e-12)
    q = tornado(sc, "p50:vehicle_output:2035", paths=2048, seed=2)
    assert q.set_index("parameter").loc["blocks.processing.g_P", "swing"] == 0.0


def test_tornado_seed_none_is_drawn_once_and_recorded() -> None:
    sc = uncertain_trend()
    t = tornado(sc, "mean:vehicle_output:2035", paths=1024)
    # one entropy for every run: the runs still share their shocks, so the parameter the
    # output ignores swings by exactly 0
    assert t.set_index("parameter").loc["blocks.processing.g_P", "swing"] == 0.0
    again = tornado(sc, "mean:vehicle_output:2035", paths=1024, seed=t.attrs["seed"]["entropy"])
    pd.testing.assert_frame_equal(t, again)
    assert again.attrs["seed"] == t.attrs["seed"]


def test_tornado_bad_inputs() -> None:
    sc = uncertain_trend()
    with pytest.raises(ValueError, match="0 < low < high < 1"):
        tornado(sc, "mean:vehicle_output:2030", low=0.9, high=0.1)
    with pytest.raises(ValueError, match="unknown statistic 'median'"):
        tornado(sc, "median:vehicle_output:2030")
    with pytest.raises(ValueError, match="not of the form"):
        tornado(sc, "vehicle_output")
    with pytest.raises(ValueError, match="unknown parameter"):
        tornado(sc, "mean:vehicle_output:2030", parameters=["blocks.market.mu"])
    with pytest.raises(TypeError, match="Target, a string"):
        tornado(sc, 42)


# ------------------------------------------------------------------ charts and CLI
def test_charts_are_figures() -> None:
    from matplotlib.figure import Figure

    sc = uncertain_trend()
    t = tornado(sc, "mean:vehicle_output:2035", paths=1024, seed=1)
    s = model_sobol_indices(sc, "vehicle_output:2035", n=256, seed=1)
    assert isinstance(tornado_chart(t), Figure)
    assert isinstance(sobol_chart(s), Figure)
    with pytest.raises(ValueError, match="not a tornado table"):
        tornado_chart(s)


def test_the_facade_gathers_the_layers() -> None:
    import kzforecast.analysis.sensitivity as analysis
    import kzforecast.report.sensitivity_charts as charts
    import kzforecast.sensitivity as facade

    for name in analysis.__all__:
        assert getattr(facade, name) is getattr(analysis, name)
    for name in charts.__all__:
        assert getattr(facade, name) is getattr(charts, name)
    assert sorted(facade.__all__) == sorted([*analysis.__all__, *charts.__all__])


def _run_cli(argv: list[str]) -> int:
    from kzforecast.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    if "sensitivity" not in sub.choices:  # type: ignore[operator]
        add_parser(sub)
    args = parser.parse_args(argv)
    from kzforecast import KzForecastError

    try:
        return int(args.func(args))
    except KzForecastError:
        return 2


def test_cli_writes_chart_and_table(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "trend.json"
    uncertain_trend().to_json(spec)
    out = tmp_path / "out"
    code = _run_cli(["sensitivity", "--scenario", str(spec), "--method", "sobol", "--n", "256",
                     "--seed", "1", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert (out / "sensitivity-sobol.png").read_bytes()[:4] == b"\x89PNG"
    assert "blocks.trend.mu_q" in capsys.readouterr().out
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    code = _run_cli(["sensitivity", "--scenario", str(spec), "--paths", "1024", "--out", str(out)])
    assert code == 0
    assert (out / "sensitivity-tornado.png").exists()
    table = pd.read_csv(out / "sensitivity-tornado.csv")
    assert table["parameter"].iloc[0] == "blocks.trend.mu_q"


def test_cli_bad_input_is_a_kzforecast_error(tmp_path: Any) -> None:
    from kzforecast import KzForecastError
    from kzforecast.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    if "sensitivity" not in sub.choices:  # type: ignore[operator]
        add_parser(sub)
    for argv, match in [
        (["sensitivity", "--reading", "x"], "--reading needs --target"),
        (["sensitivity", "--target", "NO-SUCH-ID"], "NO-SUCH-ID"),
        (["sensitivity", "--statistic", "median:vehicle_output:2030"], "unknown statistic"),
        (["sensitivity", "--method", "sobol", "--statistic", "p50:vehicle_output:2030"],
         "whole run"),
    ]:  # fmt: skip
        args = parser.parse_args(argv)
        with pytest.raises(KzForecastError, match=match), warnings.catch_warnings():
            args.func(args)


def test_stats_helper_sanity() -> None:
    # the quadrature oracle agrees with a direct normal computation of P(met)
    ex = indicator_indices(170_000.0)
    m = math.log(1e5) + T_YEARS * MU - math.log(170_000.0)
    assert ex["p"] == pytest.approx(
        stats.norm.sf(-m / math.sqrt((T_YEARS * SD) ** 2 + T_YEARS * S_Q**2))
    )
