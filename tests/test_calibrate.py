"""Calibration: data cut at as_of, statsmodels agreement, small-sample handling, errors."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from kzforecast import Scenario, simulate
from kzforecast.analysis.calibrate import bound_years, calibrate, t_inflation
from kzforecast.cli.calibrate import add_parser
from kzforecast.data import load_history
from kzforecast.errors import KzForecastError


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return load_history()


def test_uses_only_data_up_to_as_of(history: pd.DataFrame) -> None:
    as_of = 2021
    s1, r1 = calibrate(history, as_of=as_of, model="trend")
    later = history.copy()
    later.loc[2022:, "vehicle_output"] *= 3.0
    later.loc[2023, "new_vehicle_sales"] = 1.0
    later.loc[2022:, "usd_kzt"] *= 0.5
    later.loc[2024, "domestic_share_of_sales"] = 0.99
    later.loc[2025, "processing_real_growth"] = 0.5
    s2, r2 = calibrate(later, as_of=as_of, model="trend")
    assert s1.to_dict() == s2.to_dict()
    pd.testing.assert_frame_equal(r1.to_frame(), r2.to_frame())
    # and a value at as_of does change it
    moved = history.copy()
    moved.loc[as_of, "vehicle_output"] *= 1.2
    s3, _ = calibrate(moved, as_of=as_of, model="trend")
    assert s3.to_dict() != s1.to_dict()


def test_structural_reproduces_baseline_hand_estimates(history: pd.DataFrame) -> None:
    """baseline.toml's comments estimate these by hand from the same data (as_of 2025)."""
    s, rep = calibrate(history, as_of=2025, model="structural", parameter_uncertainty=False)
    fx, mk = s.blocks.exchange_rate, s.blocks.market
    assert fx.mu_z.value == pytest.approx(0.0221, abs=5e-5)
    assert fx.s_z.value == pytest.approx(0.0503, abs=5e-5)
    assert fx.p_dev.value == pytest.approx(3 / 21)
    assert fx.jump_mean.value == pytest.approx(0.308, abs=5e-4)
    assert fx.b_r.value == pytest.approx(0.382, abs=5e-4)
    assert mk.mu_M.value == pytest.approx(0.207, abs=5e-4)
    assert mk.b_M.value == pytest.approx(1.78, abs=5e-3)
    assert rep.get("mu_M").se == pytest.approx(0.079, abs=5e-4)
    assert rep.get("mu_M").n == 20
    # assumptions are listed with a reason, estimates with their sample
    frame = rep.to_frame()
    assert (frame.loc[frame.status == "assumption", "reason"].str.len() > 0).all()
    assert "blocks.capacity.existing" in rep.assumptions
    assert frame.loc["blocks.market.mu_M", "years"] == "2006-2025"
    assert rep.samples["exchange_rate"][:3] == (2006, 2007, 2008)
    assert 2016 not in rep.samples["exchange_rate"]  # echo of the Aug-2015 float


def test_parameter_uncertainty_distributions_and_rank_correlation(history: pd.DataFrame) -> None:
    s, rep = calibrate(history, as_of=2025, model="trend")
    res = rep.results["trend"]
    cov = np.asarray(res.cov_params())
    names = list(res.model.param_names)
    i, j = names.index("x1"), names.index("ar.L1")
    r = cov[i, j] / math.sqrt(cov[i, i] * cov[j, j])
    assert s.correlation is not None
    k1 = s.correlation.parameters.index("blocks.trend.mu_q")
    k2 = s.correlation.parameters.index("blocks.trend.phi")
    assert s.correlation.matrix[k1][k2] == pytest.approx(6 / math.pi * math.asin(r / 2), abs=1e-4)
    # sd = se x t inflation with nu = n_growth - 2
    row = rep.get("mu_q")
    nu = row.n - 1 - 2
    assert s.blocks.trend.mu_q.sd == pytest.approx(row.se * t_inflation(nu))
    assert s.blocks.trend.mu_q.mean_ == pytest.approx(float(res.params[i]))
    # switched off: point masses at the same estimates
    s0, _ = calibrate(history, as_of=2025, model="trend", parameter_uncertainty=False)
    assert s0.blocks.trend.mu_q.is_fixed
    assert s0.blocks.trend.mu_q.value == pytest.approx(float(res.params[i]))
    assert s0.blocks.trend.s_q.value == pytest.approx(math.sqrt(res.params[names.index("sigma2")]))


def test_trend_agrees_with_statsmodels_forecast_intervals(history: pd.DataFrame) -> None:
    """Fixed parameters, no jumps: simulated log-output quantiles = statsmodels intervals."""
    horizon = 5
    s, rep = calibrate(
        history, as_of=2025, model="trend", parameter_uncertainty=False, horizon=2025 + horizon
    )
    s = s.with_parameter("blocks.trend.b_q", 0.0)
    res = rep.results["trend"]
    assert s.initial.vehicle_output == history.loc[2025, "vehicle_output"]
    assert s.initial.output_growth == pytest.approx(
        math.log(history.loc[2025, "vehicle_output"] / history.loc[2024, "vehicle_output"])
    )
    n = 20_000
    sim = simulate(s, paths=n, seed=11, keep_paths=True, history=history.loc[:2025])
    logq = np.log(sim.values("vehicle_output"))
    fc = res.get_forecast(horizon)
    sd = np.asarray(fc.se_mean)
    mean = np.asarray(fc.predicted_mean)
    for alpha in (0.1, 0.5):
        ci = np.asarray(fc.conf_int(alpha=alpha))
        for col, q in ((0, alpha / 2), (1, 1 - alpha / 2)):
            sim_q = np.quantile(logq, q, axis=0)
            # MC standard error of a sample quantile: sqrt(q(1-q)/n) / f(x_q)
            dens = np.exp(-0.5 * special.ndtri(q) ** 2) / math.sqrt(2 * math.pi) / sd
            se = math.sqrt(q * (1 - q) / n) / dens
            assert np.all(np.abs(sim_q - ci[:, col]) < 4.5 * se), (alpha, q, sim_q, ci[:, col])
    med_se = math.sqrt(0.25 / n) * math.sqrt(2 * math.pi) * sd
    assert np.all(np.abs(np.median(logq, axis=0) - mean) < 4.5 * med_se)


def test_short_samples_fall_back_and_flag(history: pd.DataFrame) -> None:
    s, rep = calibrate(history, as_of=2018, model="trend")
    phi = rep.get("phi")
    assert phi.status == "assumption"
    assert "phi = 0" in phi.reason
    assert s.blocks.trend.phi.value == 0.0
    mu = rep.get("mu_q")
    assert mu.n == 3
    assert "n < 8" in mu.flag
    # the AR term is estimated once enough growth rates exist
    _, rep23 = calibrate(history, as_of=2023, model="trend")
    assert rep23.get("phi").status == "estimated"
    # a bound at as_of: the initial level respects it
    _, rep19 = calibrate(history, as_of=2019, model="trend")
    assert rep19.initial["vehicle_output"][0] >= 50_000
    assert any("lower bound" in n for n in rep19.notes)


def test_bounds_are_gaps(history: pd.DataFrame) -> None:
    b = bound_years(history)
    assert b["vehicle_output"] == {
        2012: "lower_bound",
        2013: "lower_bound",
        2015: "lower_bound",
        2019: "lower_bound",
    }
    _, rep = calibrate(history, as_of=2025, model="trend")
    assert 2019 not in rep.samples["trend"]
    assert rep.samples["trend"][0] == 2016


def test_synthetic_history_without_devaluations() -> None:
    rng = np.random.default_rng(3)
    years = np.arange(2000, 2021)
    hist = pd.DataFrame(
        {
            "vehicle_output": 1000 * np.exp(np.cumsum(0.05 + 0.1 * rng.standard_normal(21))),
            "usd_kzt": 100 * np.exp(np.cumsum(0.02 + 0.03 * rng.standard_normal(21))),
        },
        index=pd.Index(years, name="year"),
    )
    s, rep = calibrate(hist, as_of=2020, model="trend", devaluations=[])
    assert s.blocks.exchange_rate.p_dev.value == 0.0
    assert rep.get("phi").status == "estimated"
    assert rep.get("mu_M").status == "assumption"  # no sales column
    assert bound_years(hist) == {}


def test_errors(history: pd.DataFrame) -> None:
    with pytest.raises(KzForecastError, match=r"as_of 2030 is outside the data.*2006 to 2025"):
        calibrate(history, as_of=2030)
    with pytest.raises(KzForecastError, match="outside the data"):
        calibrate(history, as_of=2005)
    with pytest.raises(KzForecastError, match=r"too few vehicle-output.*years 2016-2017"):
        calibrate(history, as_of=2017, model="trend")
    s, _ = calibrate(history, as_of=2017, model="structural")  # structural works without output
    assert s.as_of == 2017
    with pytest.raises(KzForecastError, match="horizon 2020 must be after as_of"):
        calibrate(history, as_of=2020, horizon=2020)
    with pytest.raises(KzForecastError, match="unknown model"):
        calibrate(history, as_of=2020, model="arima")  # type: ignore[arg-type]
    bad = history.copy()
    bad.loc[2010, "new_vehicle_sales"] = -5.0
    with pytest.raises(KzForecastError, match=r"history.new_vehicle_sales\[2010\]"):
        calibrate(bad, as_of=2020)


def test_toml_round_trip_and_cli(tmp_path, history: pd.DataFrame) -> None:
    s, _ = calibrate(history, as_of=2022, model="trend")
    path = tmp_path / "s.toml"
    s.to_toml(path)
    assert Scenario.from_toml(path) == s
    text = path.read_text()
    assert "ESTIMATE" in text
    assert "ASSUMPTION" in text

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    out = tmp_path / "cal.toml"
    args = parser.parse_args(
        ["calibrate", "--as-of", "2021", "--model", "trend", "--out", str(out)]
    )
    assert args.func(args) == 0
    assert Scenario.from_toml(out).as_of == 2021
    args = parser.parse_args(["calibrate", "--as-of", "2040", "--out", str(out)])
    with pytest.raises(KzForecastError, match="outside the data"):
        args.func(args)
    args = parser.parse_args(["calibrate", "--as-of", "2021", "--out", str(tmp_path / "x.txt")])
    with pytest.raises(KzForecastError, match="file type"):
        args.func(args)


def test_calibration_recovers_known_parameters_of_a_synthetic_history() -> None:
    """Data generated by the trend and market equations with known parameters."""
    rng = np.random.default_rng(11)
    n = 300
    mu, phi, s = 0.05, 0.4, 0.1
    g = np.zeros(n)
    g[0] = mu
    for t in range(1, n):
        g[t] = mu + phi * (g[t - 1] - mu) + s * rng.standard_normal()
    dz = 0.02 + 0.03 * rng.standard_normal(n)
    dm = 0.04 - 0.8 * dz + 0.05 * rng.standard_normal(n)
    years = np.arange(1700, 1700 + n)
    hist = pd.DataFrame(
        {
            "vehicle_output": 1000 * np.exp(np.cumsum(g)),
            "usd_kzt": 100 * np.exp(np.cumsum(dz)),
            "new_vehicle_sales": 50_000 * np.exp(np.cumsum(dm)),
        },
        index=pd.Index(years, name="year"),
    )
    _, rep = calibrate(hist, as_of=int(years[-1]), model="trend", devaluations=[])
    truth = {"mu_q": mu, "phi": phi, "s_q": s, "mu_M": 0.04, "b_M": 0.8, "s_M": 0.05}
    for name, value in truth.items():
        e = rep.get(name)
        assert e.status == "estimated", name
        assert abs(e.estimate - value) < 4.5 * e.se, (name, e.estimate, e.se)
        # and the test would notice a wrong answer: half the true value is far outside
        assert abs(e.estimate - value / 2) > 2 * e.se, (name, e.estimate, e.se)


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [("usd_kzt", "x", "not a number"), ("usd_kzt", 0.0, "> 0"),
     ("processing_real_growth", 4.4, "not 4.4")],
)  # fmt: skip
def test_calibrate_names_the_bad_history_cell(column: str, value: object, words: str) -> None:
    import kzforecast as kz
    from kzforecast.errors import KzForecastError

    h = kz.load_history().astype(object)
    h.loc[2012, column] = value
    with pytest.raises(KzForecastError, match=rf"history\.{column}\[2012\].*{words}"):
        kz.calibrate(h, as_of=2020)
