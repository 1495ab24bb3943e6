"""The initial state: filled from history, validated, and natural starts where history is silent."""

from __future__ import annotations

import pandas as pd
import pytest

from kzforecast import Scenario, ScenarioError, simulate

from .test_check import trend_scenario


def test_exports_started_without_an_initial_figure_start_at_x_start() -> None:
    data = Scenario.builtin("ministry-2016").to_dict()
    data["blocks"]["exports"]["start_year"] = 2016
    data["initial"]["export_demand"] = 0.0
    sim = simulate(Scenario.from_dict(data), paths=2000, seed=1)
    assert (sim.summary("export_units")["mean"] > 0).all()


def test_history_filling_the_initial_state_is_validated() -> None:
    data = trend_scenario().to_dict()
    del data["initial"]["new_vehicle_sales"]
    sc = Scenario.from_dict(data)
    history = pd.DataFrame({"new_vehicle_sales": [-5.0]}, index=[2025])
    with pytest.raises(ScenarioError, match=r"initial.new_vehicle_sales: .*history"):
        simulate(sc, paths=1000, seed=1, history=history)
