"""Regression tests for problems found in review (each one reproduced a wrong result)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kzforecast import Scenario, ScenarioError, TargetError, check, simulate
from kzforecast.scenario import DESTINATIONS

from .test_check import make_target, trend_scenario


def _with_alpha(order: list[str]) -> Scenario:
    alpha = {
        "russia": 0.332,
        "uzbekistan": 1.0,
        "kyrgyzstan": 2.0,
        "tajikistan": 3.0,
        "other": 5.32,
    }
    data = Scenario.builtin("baseline").to_dict()
    data["blocks"]["exports"]["destinations"] = {
        "alpha": {k: alpha[k] for k in order},
        "fixed": True,
    }
    return Scenario.from_dict(data)


def test_destination_shares_do_not_depend_on_the_order_of_alpha_keys() -> None:
    a = simulate(_with_alpha(list(DESTINATIONS)), paths=1000, seed=1, keep_paths=True)
    b = simulate(_with_alpha(list(reversed(DESTINATIONS))), paths=1000, seed=1, keep_paths=True)
    for d in DESTINATIONS:
        np.testing.assert_array_equal(a.values(f"exports_to_{d}"), b.values(f"exports_to_{d}"))
    share = a.values("exports_to_russia") / a.values("export_units")
    np.testing.assert_allclose(share, 0.332 / (0.332 + 1 + 2 + 3 + 5.32))


def _structural() -> Scenario:
    """The trend test scenario run by the structural model (capacity never binds)."""
    data = trend_scenario().to_dict()
    data["model"] = "structural"
    return Scenario.from_dict(data)


def test_growth_from_a_zero_base_is_never_met() -> None:
    sc = _structural().with_parameter("blocks.exports.x_start", 0.0)
    data = sc.to_dict()
    data["blocks"]["exports"]["start_year"] = 2030
    data["initial"]["export_demand"] = 0.0
    sc = Scenario.from_dict(data)
    t = make_target(metric="export_units", threshold=1.19, unit="ratio", transform="ratio_to_base",
                    base_year=2027, due_year=2029)  # fmt: skip
    res = check(simulate(sc, paths=4096, seed=1, targets=[t]))
    assert res["p_met"].iloc[0] == 0.0
    assert math.isnan(res["shortfall_if_missed"].iloc[0])


def test_destination_target_reaching_into_missing_history_is_not_evaluated() -> None:
    history = pd.DataFrame({"export_units": [1548.0], "vehicle_output": [19217.0]}, index=[2017])
    history.index.name = "year"
    t = make_target(metric="export_units", threshold=1.0, unit="vehicles", transform="cumulative",
                    window_start=2024, due_year=2027, destinations=("russia",))  # fmt: skip
    res = check(simulate(_structural(), paths=4096, seed=1, targets=[t], history=history))
    assert res["status"].iloc[0].startswith("no history: exports_to_russia 2024")
    # the trend model does not simulate exports at all, which it says first
    res = check(simulate(trend_scenario(), paths=4096, seed=1, targets=[t], history=history))
    assert res["status"].iloc[0].startswith("not modelled: this scenario's model simulates only")
    assert "exports_to_russia" in res["status"].iloc[0]


def test_export_share_to_named_destinations_uses_only_those_exports() -> None:
    sc = _with_alpha(list(DESTINATIONS))
    all_dest = make_target(metric="export_share_of_output", threshold=0.0, unit="share",
                           due_year=2028)  # fmt: skip
    taj = make_target(reading="taj", default_reading=False, metric="export_share_of_output",
                      threshold=0.0, unit="share", due_year=2028,
                      destinations=("tajikistan",))  # fmt: skip
    res = check(simulate(sc, paths=4096, seed=1, targets=[all_dest, taj])).set_index("reading")
    ratio = res.loc["taj", "metric_p50"] / res.loc["main", "metric_p50"]
    assert ratio == pytest.approx(3.0 / 11.652, rel=0.01)


def test_unknown_destination_is_reported_not_modelled() -> None:
    t = make_target(metric="export_units", threshold=1.0, unit="vehicles", due_year=2027,
                    destinations=("russia", "belarus"))  # fmt: skip
    res = check(simulate(trend_scenario(), paths=4096, seed=1, targets=[t]))
    assert "not modelled: destination 'belarus'" in res["status"].iloc[0]


def test_exports_started_without_an_initial_figure_start_at_x_start() -> None:
    data = Scenario.builtin("ministry-2016").to_dict()
    data["blocks"]["exports"]["start_year"] = 2016
    data["initial"]["export_demand"] = 0.0
    sim = simulate(Scenario.from_dict(data), paths=2000, seed=1)
    assert (sim.summary("export_units")["mean"] > 0).all()


def test_antithetic_pairs_stay_balanced_in_a_partial_block() -> None:
    sc = trend_scenario()
    sim = simulate(sc, paths=2000, seed=3, keep_paths=True, sampling="antithetic")
    lq = np.log(sim.values("vehicle_output"))
    # paths 2i and 2i+1 are mirrors: log output deviations from the drift cancel
    dev = lq - lq.mean(axis=0)
    np.testing.assert_allclose(dev[0::2] + dev[1::2], 0.0, atol=1e-9)


def test_history_filling_the_initial_state_is_validated() -> None:
    data = trend_scenario().to_dict()
    del data["initial"]["new_vehicle_sales"]
    sc = Scenario.from_dict(data)
    history = pd.DataFrame({"new_vehicle_sales": [-5.0]}, index=[2025])
    with pytest.raises(ScenarioError, match=r"initial.new_vehicle_sales: .*history"):
        simulate(sc, paths=1000, seed=1, history=history)


def test_extreme_volatility_stays_finite() -> None:
    sc = Scenario.builtin("baseline").with_parameter("blocks.market.s_M", 40.0)
    data = sc.to_dict()
    data["horizon"] = data["as_of"] + 60
    sim = simulate(Scenario.from_dict(data), paths=1000, seed=1, keep_paths=True)
    assert sim.paths is not None
    assert np.isfinite(sim.paths).all()
    assert np.isfinite(sim.summary().to_numpy()).all()


def test_empty_target_set_is_an_error() -> None:
    with pytest.raises(TargetError, match="empty target set"):
        simulate(trend_scenario(), paths=1000, seed=1, targets=[])


def test_adding_a_plant_leaves_other_plants_draws_unchanged() -> None:
    base = Scenario.builtin("baseline")
    data = base.to_dict()
    plants = data["blocks"]["capacity"]["plants"]
    new = {"name": "Inserted plant", "capacity": 1.0, "planned_start": 2040,
           "delay": {"dist": "uniform", "low": 0.0, "high": 3.0}}  # fmt: skip
    data["blocks"]["capacity"]["plants"] = [new, *plants]
    more = Scenario.from_dict(data)
    a = simulate(base, paths=2000, seed=5, keep_paths=True)
    b = simulate(more, paths=2000, seed=5, keep_paths=True)
    np.testing.assert_array_equal(a.values("capacity"), b.values("capacity"))


def test_targets_sources_listing_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from kzforecast.cli import main

    assert main(["targets", "--vintage", "2016-07-01", "--sources"]) == 0
    assert "timesca.com" in capsys.readouterr().out


def test_backtest_cli_says_when_nothing_can_be_scored(capsys: pytest.CaptureFixture[str]) -> None:
    from kzforecast.cli import main

    assert main(["backtest", "--vintages", "2025", "--horizon", "2", "--paths", "1000"]) == 2
    assert "no year after these vintages" in capsys.readouterr().err


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


@pytest.mark.parametrize("missing_first", [True, False])
def test_verdict_rejects_duplicate_preferred_rows_in_any_order(missing_first: bool) -> None:
    from kzforecast import DataError, load_targets, verdicts

    rows = [("vehicle_output", 2025, None, "missing"), ("vehicle_output", 2025, 210_000.0, "exact")]
    if not missing_first:
        rows.reverse()
    obs = pd.DataFrame(rows, columns=["series", "year", "value", "qualifier"])
    obs["preferred"] = True
    t = [x for x in load_targets(vintage="2016-07-01") if x.reading == "annual-2025"]
    with pytest.raises(DataError, match="two preferred observations"):
        verdicts(t, obs)


def test_loader_rejects_a_growth_rate_typed_as_a_percentage() -> None:
    from kzforecast import DataError, load_observations

    df = pd.DataFrame({"series": ["processing_real_growth"], "year": [2019], "value": [4.4]})
    with pytest.raises(DataError, match="not 4.4"):
        load_observations(df)


def test_loader_accepts_float_preferred_flags() -> None:
    from kzforecast import load_observations

    df = pd.DataFrame(
        {"series": ["vehicle_output"] * 2, "year": [2024, 2024], "value": [1.0, 2.0],
         "preferred": [1.0, 0.0]}
    )  # fmt: skip
    obs = load_observations(df)
    assert obs["preferred"].tolist() == [True, False]


def test_a_met_verdict_within_rounding_of_a_derived_value_is_flagged_fragile() -> None:
    from kzforecast import load_targets, verdicts

    t = [x for x in load_targets(vintage="2016-07-01") if x.reading == "output-2020"]
    obs = pd.DataFrame(
        {"series": ["processing_output_index"] * 2, "year": [2015, 2020],
         "value": [1.0, 1.2227], "qualifier": ["derived", "derived"]}
    )  # fmt: skip
    detail = verdicts(t, obs)["detail"].iloc[0]
    assert "fragile" in detail
    obs.loc[1, "value"] = 1.30
    assert "fragile" not in verdicts(t, obs)["detail"].iloc[0]


def test_model_sobol_indices_give_destinations_their_own_shares_in_any_key_order() -> None:
    from kzforecast.sensitivity import model_sobol_indices

    runs = [
        model_sobol_indices(
            _with_alpha(order),
            "exports_to_russia:2030",
            n=64,
            seed=1,
            parameters=["blocks.exports.mu_X"],
            bootstrap=0,
        )
        for order in (list(DESTINATIONS), list(reversed(DESTINATIONS)))
    ]
    assert runs[0].attrs["mean"] == runs[1].attrs["mean"]
    assert runs[0].attrs["variance"] == runs[1].attrs["variance"]


def test_noisy_adjustment_from_zero_stays_at_zero_not_nan() -> None:
    """ratio 0 with s*e beyond ~745: exp(-s e) underflows, and 0/0 must give 0."""
    data = Scenario.builtin("baseline").to_dict()
    data["initial"]["local_content_share"] = 0.0
    data["blocks"]["local_content"]["k_L"] = 0.0
    data["blocks"]["local_content"]["s_L"] = 300.0
    sim = simulate(Scenario.from_dict(data), paths=4096, seed=1, keep_paths=True)
    np.testing.assert_array_equal(sim.values("local_content_share"), 0.0)
    assert np.isfinite(sim.summary().to_numpy()).all()
