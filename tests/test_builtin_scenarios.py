"""The scenarios shipped with kzforecast: they load, round-trip, simulate and match the data.

The numbers inside the files are documented in their comments and in docs/model.md;
these tests pin what must stay true whenever someone edits them.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kzforecast import Scenario, simulate
from kzforecast.scenario import builtin_scenarios

EXPECTED = {
    # name: (as_of, horizon) as documented in docs/scenarios.md
    "baseline": (2025, 2035),
    "devaluation": (2025, 2028),
    "export-push": (2025, 2035),
    "russia-slump": (2025, 2030),
    "ministry-2016": (2016, 2025),
}

# Scenarios whose as-of state deliberately differs from today's history: they use the
# information available at the time (a vintage). ministry-2016 takes the July-2016 view of
# 2016 output, 2 x H1 2016 = 2 x (2,980 cars + 718 trucks + 71 minibuses) [A08], not the
# BNS figure of about 11,000 published in 2022 [A14].
VINTAGE_OUTPUT = {"ministry-2016": 2 * (2980 + 718 + 71)}

NAMES = sorted(EXPECTED)


def test_the_documented_scenarios_are_shipped() -> None:
    assert sorted(builtin_scenarios()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_loads_with_documented_years(name: str) -> None:
    s = Scenario.builtin(name)
    assert s.name == name
    assert s.model == "structural"
    assert (s.as_of, s.horizon) == EXPECTED[name]
    assert s.description


def test_baseline_and_ministry_as_of() -> None:
    assert Scenario.builtin("baseline").as_of == 2025
    assert Scenario.builtin("baseline").horizon >= 2030
    assert Scenario.builtin("ministry-2016").as_of == 2016
    assert Scenario.builtin("ministry-2016").horizon == 2025


@pytest.mark.parametrize("name", NAMES)
def test_every_initial_field_is_given(name: str) -> None:
    # the files state every initial value with its source; nothing is left to history
    assert Scenario.builtin(name).initial.missing() == []


@pytest.mark.parametrize("name", NAMES)
def test_plants_name_their_source(name: str) -> None:
    s = Scenario.builtin(name)
    assert s.blocks.capacity.plants
    for plant in s.blocks.capacity.plants:
        assert plant.source.strip(), plant.name


@pytest.mark.parametrize("name", NAMES)
def test_toml_round_trip(name: str, tmp_path: Path) -> None:
    s = Scenario.builtin(name)
    path = tmp_path / f"{name}.toml"
    s.to_toml(path)
    back = Scenario.from_toml(path)
    assert back == s
    assert back.to_dict() == s.to_dict()


@pytest.mark.parametrize("name", NAMES)
def test_simulates_finite(name: str) -> None:
    s = Scenario.builtin(name)
    sim = simulate(s, paths=4096, seed=1, keep_paths=True)
    assert sim.paths is not None
    assert np.isfinite(sim.paths).all()
    assert list(sim.years) == list(range(s.as_of + 1, s.horizon + 1))
    out = sim.summary("vehicle_output")
    assert np.isfinite(out.to_numpy()).all()
    q = sim.values("vehicle_output")
    x = sim.values("export_units")
    assert (q >= 0).all()
    assert (x >= 0).all()
    assert (x <= q * (1 + 1e-12)).all()
    loc = sim.values("local_content_share")
    assert ((loc >= 0) & (loc <= 1)).all()


def test_baseline_is_plausible() -> None:
    """Median 2026 output near the recent trend, not a different order of magnitude."""
    s = Scenario.builtin("baseline")
    sim = simulate(s, paths=4096, seed=1)
    med = sim.summary("vehicle_output")["p50"]
    q2025 = s.initial.vehicle_output
    assert q2025 is not None
    # 2023-2025 output grew 7.5% a year (147,581 -> 171,442); KAU expects +22% for 2026
    assert 0.9 * q2025 < med.loc[2026] < 1.4 * q2025
    # the median path keeps growing but stays within the capacity range of the plants list
    assert med.loc[2030] < 600_000


def test_devaluation_lowers_output_against_baseline() -> None:
    # common random numbers: same seed, so the difference is the scenario's effect
    base = simulate(Scenario.builtin("baseline"), paths=4096, seed=7)
    dev = simulate(Scenario.builtin("devaluation"), paths=4096, seed=7)
    b = base.summary("vehicle_output")["p50"]
    d = dev.summary("vehicle_output")["p50"]
    assert d.loc[2028] < 0.8 * b.loc[2028]


def test_export_push_raises_exports_against_baseline() -> None:
    base = simulate(Scenario.builtin("baseline"), paths=4096, seed=3)
    push = simulate(Scenario.builtin("export-push"), paths=4096, seed=3)
    assert (
        push.summary("export_units")["p50"].loc[2030]
        > base.summary("export_units")["p50"].loc[2030]
    )


def test_russia_slump_weakens_the_rouble() -> None:
    base = simulate(Scenario.builtin("baseline"), paths=4096, seed=5)
    slump = simulate(Scenario.builtin("russia-slump"), paths=4096, seed=5)
    assert slump.summary("rub_kzt")["p50"].loc[2030] < base.summary("rub_kzt")["p50"].loc[2030]
    assert (
        slump.summary("export_units")["p50"].loc[2030]
        < base.summary("export_units")["p50"].loc[2030]
    )


def _history() -> Any:
    """The shipped history, or skip (the history module is written separately)."""
    try:
        module = importlib.import_module("kzforecast.data")
    except ImportError as exc:
        pytest.skip(f"kzforecast.data not importable yet ({exc})")
    load_history = getattr(module, "load_history", None)
    if load_history is None:
        pytest.skip("kzforecast.data.load_history not available yet")
    return load_history()


@pytest.mark.parametrize("name", NAMES)
def test_initial_output_matches_history(name: str) -> None:
    s = Scenario.builtin(name)
    value = s.initial.vehicle_output
    assert value is not None
    if name in VINTAGE_OUTPUT:
        # a vintage: the value known at the time, documented in the file
        assert value == VINTAGE_OUTPUT[name]
        return
    hist = _history()
    if "vehicle_output" not in hist.columns or s.as_of not in hist.index:
        pytest.skip(f"no shipped vehicle_output for {s.as_of}")
    shipped = hist.loc[s.as_of, "vehicle_output"]
    if shipped is None or (isinstance(shipped, float) and math.isnan(shipped)):
        pytest.skip(f"no shipped vehicle_output for {s.as_of}")
    assert value == pytest.approx(float(shipped))
