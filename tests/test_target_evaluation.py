"""Evaluating targets on simulated paths: bases, destinations, what is and is not modelled."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kzforecast import Scenario, TargetError, check, simulate
from kzforecast.scenario import DESTINATIONS

from .test_check import make_target, trend_scenario
from .test_contract_destination_shares import _with_alpha


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


def test_empty_target_set_is_an_error() -> None:
    with pytest.raises(TargetError, match="empty target set"):
        simulate(trend_scenario(), paths=1000, seed=1, targets=[])
