"""Targets against simulations: P(met) closed forms, monotonicity, what-it-takes, compare."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kzforecast import Scenario, TargetError, check, compare, simulate, what_it_takes
from kzforecast.targets import Target

from .test_contract_closed_forms import INITIAL


def make_target(**kw: Any) -> Target:
    base: dict[str, Any] = {
        "id": "TEST-1",
        "reading": "main",
        "default_reading": True,
        "stated_on": "2025-06-01",
        "speaker": "A. Tester",
        "office": "Test ministry",
        "source_url": "https://example.org/statement",
        "confidence": "high",
        "quote": "A test target.",
        "official": True,
        "metric": "vehicle_output",
        "comparison": ">=",
        "threshold": 150_000.0,
        "unit": "vehicles per year",
        "transform": "level",
        "timing": "in_year",
        "due_year": 2035,
        "interpretation": "Annual vehicle output in the due year is at least the threshold.",
    }
    base.update(kw)
    return Target.model_validate(base)


def trend_scenario(mu_q: float = 0.05, s_q: float = 0.12) -> Scenario:
    return Scenario.from_dict(
        {
            "name": "trend",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2035,
            "initial": INITIAL,
            "blocks": {"capacity": {"existing": 1e7}, "trend": {"mu_q": mu_q, "s_q": s_q}},
        }
    )


@pytest.mark.parametrize("factor", [0.7, 1.0, 1.4])
def test_p_met_matches_lognormal_closed_form(factor: float) -> None:
    mu_q, s_q, n = 0.05, 0.12, 40_000
    median = 100_000.0 * math.exp(10 * mu_q)
    t = make_target(threshold=median * factor)
    res = check(simulate(trend_scenario(mu_q, s_q), paths=n, seed=99, targets=[t]))
    p_exact = float(stats.norm.sf(math.log(factor) / (s_q * math.sqrt(10))))
    se = math.sqrt(p_exact * (1 - p_exact) / n)
    assert abs(res["p_met"].iloc[0] - p_exact) < 4.5 * se
    assert res["p90_low"].iloc[0] <= res["p_met"].iloc[0] <= res["p90_high"].iloc[0]
    # the metric's median is the log-normal median, within sketch accuracy and MC error
    assert res["metric_p50"].iloc[0] == pytest.approx(median, rel=0.005 + 4.5 * s_q * 3.2 / 200)


def test_counts_do_not_depend_on_kept_paths() -> None:
    t = make_target(threshold=160_000.0)
    sc = trend_scenario()
    a = check(simulate(sc, paths=10_000, seed=1, targets=[t]))
    b = check(simulate(sc, paths=10_000, seed=1, targets=[t], keep_paths=True, block_size=8192))
    sim = simulate(sc, paths=10_000, seed=1, keep_paths=True)
    exact = float((sim.values("vehicle_output")[:, -1] >= 160_000.0).mean())
    assert a["p_met"].iloc[0] == b["p_met"].iloc[0] == exact


@settings(max_examples=20)
@given(
    mu_q=st.floats(-0.05, 0.1),
    s_q=st.floats(0.01, 0.3),
    thresholds=st.lists(st.floats(20_000, 400_000), min_size=2, max_size=5, unique=True),
)
def test_p_met_falls_as_threshold_rises(mu_q: float, s_q: float, thresholds: list[float]) -> None:
    ts = sorted(thresholds)
    targets = [make_target(reading=f"r{i}", default_reading=i == 0, threshold=x)
               for i, x in enumerate(ts)]  # fmt: skip
    res = check(simulate(trend_scenario(mu_q, s_q), paths=2000, seed=5, targets=targets))
    p = res["p_met"].to_numpy()
    assert np.all(np.diff(p) <= 0)
    assert np.all((p >= 0) & (p <= 1))


@settings(max_examples=20)
@given(mu_q=st.floats(-0.05, 0.1), s_q=st.floats(0.01, 0.3), level=st.floats(80_000, 300_000))
def test_by_year_probability_never_falls_as_year_moves_later(
    mu_q: float, s_q: float, level: float
) -> None:
    targets = [
        make_target(reading=f"by{y}", default_reading=y == 2027, threshold=level,
                    timing="by_year", due_year=y, window_start=2026)
        for y in range(2027, 2036)
    ]  # fmt: skip
    res = check(simulate(trend_scenario(mu_q, s_q), paths=2000, seed=8, targets=targets))
    assert np.all(np.diff(res["p_met"].to_numpy()) >= 0)


def test_what_it_takes_reaches_requested_probability() -> None:
    sc = trend_scenario()
    t = make_target(threshold=200_000.0)
    res = what_it_takes(sc, t, lever="blocks.trend.mu_q", probability=0.8, paths=8192, seed=3,
                        bounds=(-0.1, 0.3))  # fmt: skip
    assert res["p_met"] >= 0.8
    n = 20_000
    again = check(simulate(sc.with_parameter("blocks.trend.mu_q", res["value"]), paths=n,
                           seed=12345, targets=[t]))  # fmt: skip
    se = math.sqrt(0.8 * 0.2 / n) + math.sqrt(0.8 * 0.2 / 8192)
    assert abs(again["p_met"].iloc[0] - 0.8) < 4.5 * se
    # the closed form agrees: log(200000/100000) = 10 mu + z_0.8 * s sqrt(10)
    exact = (math.log(2.0) + stats.norm.ppf(0.8) * 0.12 * math.sqrt(10)) / 10
    assert res["value"] == pytest.approx(exact, abs=4.5 * 0.12 * math.sqrt(10) / 10 * 0.02)


def test_what_it_takes_says_when_unreachable() -> None:
    t = make_target(threshold=1e9)
    with pytest.raises(TargetError, match="no value of blocks.trend.mu_q"):
        what_it_takes(trend_scenario(), t, lever="blocks.trend.mu_q", bounds=(0.0, 0.1),
                      paths=4096, seed=1)  # fmt: skip


def test_compare_identical_scenarios_gives_identical_columns() -> None:
    t1 = make_target(threshold=150_000.0)
    t2 = make_target(reading="low", default_reading=False, threshold=120_000.0)
    sc = trend_scenario()
    table = compare({"a": sc, "b": sc.model_copy(update={"name": "b"})}, [t1, t2],
                    paths=4096, seed=2)  # fmt: skip
    assert table["a"].equals(table["b"])
    up = compare({"base": sc, "faster": sc.with_parameter("blocks.trend.mu_q", 0.08)},
                 [t1], paths=4096, seed=2)  # fmt: skip
    assert (up["faster"] >= up["base"]).all()


def test_unmodelled_metric_is_reported_not_dropped() -> None:
    t = make_target(metric="labour_productivity", threshold=1.22, unit="ratio to 2015",
                    transform="ratio_to_base", base_year=2015, due_year=2030)  # fmt: skip
    ok = make_target(reading="ok", default_reading=False)
    res = check(simulate(trend_scenario(), paths=4096, seed=1, targets=[t, ok]))
    assert len(res) == 2
    row = res.set_index("reading").loc["main"]
    assert "not modelled" in row["status"]
    assert "labour_productivity" in row["status"]
    assert math.isnan(row["p_met"])


def test_joint_probability_of_nested_targets() -> None:
    from kzforecast import joint_probabilities

    hi = make_target(threshold=180_000.0)
    lo = make_target(reading="lo", default_reading=False, threshold=140_000.0)
    sim = simulate(trend_scenario(), paths=8192, seed=4, targets=[hi, lo])
    j = joint_probabilities(sim).to_numpy()
    # meeting the higher threshold implies meeting the lower one
    assert j[0, 1] == pytest.approx(j[0, 0])
    assert j[1, 1] >= j[0, 0]


def test_check_without_targets_is_an_error() -> None:
    with pytest.raises(TargetError, match="no targets to check"):
        check(simulate(trend_scenario(), paths=4096, seed=1))


def test_check_until_reaches_precision_and_matches_one_shot_counts() -> None:
    from kzforecast import check_until

    t = make_target(threshold=165_000.0)
    sc = trend_scenario()
    table, trace = check_until(sc, [t], precision=0.01, batch=4096, max_paths=200_000, seed=6)
    n = table.attrs["paths"]
    assert table.attrs["converged"]
    assert trace.iloc[-1, 1] <= 0.01 < trace.iloc[-2, 1]
    one_shot = check(simulate(sc, paths=n, seed=6, targets=[t]))
    assert table["p_met"].iloc[0] == one_shot["p_met"].iloc[0]


def test_check_until_stops_at_the_budget() -> None:
    from kzforecast import check_until

    t = make_target(threshold=165_000.0)
    table, trace = check_until(trend_scenario(), [t], precision=0.0005, batch=4096,
                               max_paths=8192, seed=6)  # fmt: skip
    assert table.attrs["paths"] == 8192
    assert not table.attrs["converged"]
    assert list(trace.index) == [4096, 8192]


def test_by_year_target_already_met_in_history_is_met_on_every_path() -> None:
    import pandas as pd

    history = pd.DataFrame({"vehicle_output": [250_000.0, 90_000.0]}, index=[2023, 2024])
    history.index.name = "year"
    t = make_target(threshold=200_000.0, timing="by_year", window_start=2023, due_year=2030)
    res = check(simulate(trend_scenario(), paths=4096, seed=1, targets=[t], history=history))
    assert res["p_met"].iloc[0] == 1.0
    assert res["first_year_met"].iloc[0] == "already met by 2025: 100%"


def test_cumulative_target_with_a_missing_past_year_is_not_evaluated() -> None:
    import pandas as pd

    history = pd.DataFrame({"vehicle_output": [np.nan, 90_000.0]}, index=[2023, 2024])
    history.index.name = "year"
    t = make_target(threshold=500_000.0, transform="cumulative", timing="in_year",
                    window_start=2023, due_year=2027)  # fmt: skip
    res = check(simulate(trend_scenario(), paths=4096, seed=1, targets=[t], history=history))
    assert res["status"].iloc[0] == "no history: vehicle_output 2023 is needed and missing"
    assert math.isnan(res["p_met"].iloc[0])


def test_seedless_calls_share_one_recorded_seed_across_their_runs() -> None:
    from kzforecast import check_until

    t = make_target(threshold=150_000.0)
    sc = trend_scenario()
    table = compare({"a": sc, "b": sc.model_copy(update={"name": "b"})}, [t], paths=4096)
    assert table["a"].equals(table["b"])  # common random numbers without a seed too
    seed = np.random.SeedSequence(table.attrs["seed"]["entropy"])
    assert compare({"a": sc, "b": sc}, [t], paths=4096, seed=seed).equals(table)
    res, _ = check_until(sc, [t], precision=0.02, batch=4096, max_paths=8192)
    again, _ = check_until(sc, [t], precision=0.02, batch=4096, max_paths=8192,
                           seed=res.attrs["seed"]["entropy"])  # fmt: skip
    assert again["p_met"].equals(res["p_met"])
    found = what_it_takes(sc, t, lever="blocks.trend.mu_q", probability=0.5, paths=4096,
                          bounds=(-0.1, 0.3), tol=0.01)  # fmt: skip
    assert set(found["seed"]) == {"entropy", "spawn_key"}
