"""Backtest: proper scores against closed forms, PIT, coverage on a synthetic history, errors."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from kzforecast.analysis.backtest import (
    backtest,
    crps_lognormal,
    crps_normal,
    crps_sample,
    pit_sample,
)
from kzforecast.analysis.calibrate import calibrate
from kzforecast.cli.backtest import add_parser
from kzforecast.data import load_history
from kzforecast.engine.simulate import simulate
from kzforecast.errors import ArgumentError, ArgumentTypeError, KzForecastError
from kzforecast.report.backtest_charts import coverage_chart, fan_charts, pit_chart


def _mean_abs_to_normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """E|x - X'| for X' ~ N(mu, sigma^2)."""
    z = (x - mu) / sigma
    return sigma * (z * (2 * special.ndtr(z) - 1) + 2 * stats.norm.pdf(z))


@pytest.mark.parametrize("y", [0.0, 1.3, -2.5])
def test_crps_sample_matches_normal_closed_form(y: float) -> None:
    mu, sigma, m = 0.4, 1.7, 20_000
    x = np.random.default_rng(7).normal(mu, sigma, m)
    est = crps_sample(x, y)
    exact = crps_normal(mu, sigma, y)
    # SE from the first-order (Hoeffding) projection of the estimator:
    # CRPS_hat ~ mean(|X_i - y| - E'|X_i - X'|) + const
    se = float(np.std(np.abs(x - y) - _mean_abs_to_normal(x, mu, sigma)) / math.sqrt(m))
    assert abs(est - exact) < 4.5 * se, (est, exact, se)


def test_crps_sample_equals_brute_force_and_lognormal_closed_form() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    brute = np.mean(np.abs(x - 0.3)) - np.abs(x[:, None] - x[None, :]).sum() / (2 * 60 * 59)
    assert crps_sample(x, 0.3) == pytest.approx(brute, rel=1e-12)
    m, mu, s, y = 20_000, 11.0, 0.3, 70_000.0
    draws = np.exp(rng.normal(mu, s, m))
    diff = np.abs(draws - y)
    se = 5 * float(np.std(diff)) / math.sqrt(m)  # generous: the pair term has a smaller SE
    assert abs(crps_sample(draws, y) - crps_lognormal(mu, s, y)) < se
    assert crps_normal(2.0, 0.0, 5.0) == 3.0


def test_pit_of_a_calibrated_forecast_is_spread_over_unit_interval() -> None:
    rng = np.random.default_rng(2016)
    n_cases, m = 600, 2000
    truth = rng.normal(size=n_cases)
    pits = np.array([pit_sample(rng.normal(size=m), y) for y in truth])
    assert pits.min() >= 0
    assert pits.max() <= 1
    counts, _ = np.histogram(pits, bins=10, range=(0, 1))
    expected = n_cases / 10
    se = math.sqrt(n_cases * 0.1 * 0.9)
    assert np.all(np.abs(counts - expected) < 4.5 * se), counts
    assert abs(pits.mean() - 0.5) < 4.5 * math.sqrt(1 / 12 / n_cases)
    # a too-narrow forecast piles PIT values at the ends
    narrow = np.array([pit_sample(0.3 * rng.normal(size=m), y) for y in truth])
    assert np.mean((narrow < 0.1) | (narrow > 0.9)) > 0.5


def _synthetic_history(seed: int, years: np.ndarray) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(years)
    return pd.DataFrame(
        {
            "vehicle_output": 5000 * np.exp(np.cumsum(0.05 + 0.1 * rng.standard_normal(n))),
            "usd_kzt": 100 * np.exp(np.cumsum(0.02 + 0.03 * rng.standard_normal(n))),
        },
        index=pd.Index(years, name="year"),
    )


@pytest.fixture(scope="module")
def synthetic_scores() -> pd.DataFrame:
    """Random walks with drift (the trend model with phi = 0), one-step forecasts."""
    years = np.arange(1980, 2026)
    parts = []
    for k in range(3):
        res = backtest(
            _synthetic_history(100 + k, years),
            vintages=range(1994, 2025),
            horizon=1,
            paths=1000,
            seed=k,
            observations=pd.DataFrame(columns=["series", "year", "value", "qualifier"]),
            devaluations=[],
            targets=[],
        )
        parts.append(res.scores)
    return pd.concat(parts, ignore_index=True)


@pytest.mark.slow
def test_backtest_coverage_near_nominal_on_a_random_walk(synthetic_scores: pd.DataFrame) -> None:
    for method in ("model", "naive"):
        s = synthetic_scores[synthetic_scores["method"] == method]
        n = len(s)
        assert n == 93
        for level in (0.5, 0.8, 0.9):
            cov = float(s[f"covered_{round(level * 100)}"].astype(float).mean())
            se = math.sqrt(level * (1 - level) / n)
            assert abs(cov - level) < 4 * se, (method, level, cov)
        pit = s["pit"].to_numpy(dtype=float)
        assert abs(pit.mean() - 0.5) < 4 * math.sqrt(1 / 12 / n)


def test_backtest_on_shipped_data_and_charts() -> None:
    res = backtest(vintages=[2018, 2022], horizon=3, paths=1000, seed=0)
    sc = res.scores
    assert list(sc.columns[:12]) == [
        "vintage", "year", "lead", "method", "realized", "median", "crps", "pit",
        "covered_50", "covered_80", "covered_90", "ape",
    ]  # fmt: skip
    # 2019 is a lower bound: skipped and counted, never scored
    assert 2019 not in set(sc["year"])
    assert ((res.skipped["year"] == 2019) & res.skipped["reason"].str.contains("bound")).any()
    # official targets stated by the vintage, as point forecasts (CRPS = absolute error)
    t = sc[sc["method"] == "target"]
    assert set(t["source"]) == {"KZ2018-KAS-100K", "KZ2022-USS-135K", "KZ2016-KAS-200K"}
    assert np.allclose(t["crps"], (t["median"] - t["realized"]).abs())
    summ = res.summary()
    assert summ.loc[("model", "all"), "n"] == len(sc[sc["method"] == "model"])
    assert {"crps", "coverage_80", "ape"} <= set(summ.columns)
    from matplotlib.figure import Figure

    for fig in (
        pit_chart(res),
        coverage_chart(res),
        fan_charts(res),
        fan_charts(res, method="naive"),
    ):
        assert isinstance(fig, Figure)
    # a compact repr, an HTML view with the summary, the tidy scores
    assert repr(res).startswith("BacktestResult(model='trend', vintages=2018-2022 (2), horizon=3")
    assert "scored: model" in repr(res)
    assert "<table" in res._repr_html_()
    frame = res.to_frame()
    assert frame.equals(sc)
    assert frame is not sc
    assert res.seed == {"entropy": 0, "spawn_key": []}


def test_backtest_errors() -> None:
    with pytest.raises(KzForecastError, match="no vintages"):
        backtest(vintages=[], horizon=2)
    with pytest.raises(KzForecastError, match="horizon must be >= 1"):
        backtest(vintages=[2020], horizon=0)
    with pytest.raises(KzForecastError, match="outside the data"):
        backtest(vintages=[2030], horizon=1)
    with pytest.raises(KzForecastError, match="too few vehicle-output"):
        backtest(vintages=[2017], horizon=1)
    with pytest.raises(ArgumentError, match="paths must be >= 2"):
        backtest(vintages=[2020], horizon=1, paths=1)
    with pytest.raises(ArgumentTypeError, match="horizon must be an integer"):
        backtest(vintages=[2020], horizon=1.5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="vehicle_output column"):
        backtest(pd.DataFrame({"usd_kzt": [1.0]}), vintages=[2020], horizon=1)


def test_backtest_seed_is_drawn_once_recorded_and_repeatable() -> None:
    """seed=None draws fresh entropy, recorded in the result; an int seed s runs vintage v
    with the seed [s, v]."""

    def run(seed: int | np.random.SeedSequence | None) -> pd.DataFrame:
        res = backtest(vintages=[2021], horizon=2, paths=1000, seed=seed, targets=[])
        runs.append(res.seed)
        return res.fans

    runs: list[dict[str, object]] = []
    fresh = run(None)
    entropy = runs[0]["entropy"]
    assert isinstance(entropy, int)
    assert runs[0]["spawn_key"] == []
    pd.testing.assert_frame_equal(run(entropy), fresh)
    pd.testing.assert_frame_equal(run(np.random.SeedSequence(entropy)), fresh)
    assert runs[1] == runs[2] == runs[0]
    # the vintage's own run, by hand
    history = load_history()
    scenario, _ = calibrate(history, as_of=2021, model="trend", horizon=2023)
    sim = simulate(
        scenario, paths=1000, seed=[5, 2021], keep_paths=True, history=history.loc[:2021]
    )
    by_hand = np.quantile(sim.values("vehicle_output"), [0.05, 0.5, 0.95], axis=0)
    fans = run(5).set_index(["method", "year"]).loc["model"]
    assert np.array_equal(fans[["p05", "p50", "p95"]].to_numpy().T, by_hand)


def test_backtest_cli(tmp_path) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    args = parser.parse_args(
        ["backtest", "--vintages", "2021", "2022", "--horizon", "2", "--paths", "1000",
         "--out", str(tmp_path)]
    )  # fmt: skip
    assert args.func(args) == 0
    for name in ("scores.csv", "summary.csv", "pit.png", "coverage.png", "fans.png"):
        assert (tmp_path / name).stat().st_size > 0
    args = parser.parse_args(["backtest", "--vintages", "2020", "--horizon", "0"])
    with pytest.raises(KzForecastError, match="horizon"):
        args.func(args)


@pytest.mark.slow
def test_backtest_pit_of_the_trend_model_on_its_own_series_is_uniform(
    synthetic_scores: pd.DataFrame,
) -> None:
    """Series generated by the trend model itself: the PIT values pass a KS uniformity test."""
    pit = synthetic_scores.loc[synthetic_scores["method"] == "model", "pit"].to_numpy(float)
    assert len(pit) == 93
    assert stats.kstest(pit, "uniform").pvalue > 0.01
    # an overconfident forecast (PIT values pushed away from 0.5, towards 0 and 1) would fail
    assert stats.kstest(np.clip(0.5 + 2 * (pit - 0.5), 0, 1), "uniform").pvalue < 0.01
