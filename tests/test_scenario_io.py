"""Contract: Scenario -> TOML/JSON -> Scenario is the identity."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings

from kzforecast import Scenario
from kzforecast.scenario import builtin_scenarios
from kzforecast.testing import scenarios


@settings(max_examples=40)
@given(scenario=scenarios())
def test_toml_and_json_round_trip(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.toml"
        scenario.to_toml(p)
        assert Scenario.from_toml(p) == scenario
        j = Path(d) / "s.json"
        scenario.to_json(j)
        assert Scenario.from_json(j) == scenario
        assert Scenario.from_file(j) == scenario
        # nothing else left behind by the atomic writes
        assert sorted(x.name for x in Path(d).iterdir()) == ["s.json", "s.toml"]


def test_builtin_round_trip(tmp_path: Path) -> None:
    for name in builtin_scenarios():
        s = Scenario.builtin(name)
        s.to_toml(tmp_path / f"{name}.toml")
        assert Scenario.from_toml(tmp_path / f"{name}.toml") == s


def test_dict_round_trip_keeps_distributions() -> None:
    s = Scenario.builtin("baseline")
    assert Scenario.from_dict(s.to_dict()) == s
