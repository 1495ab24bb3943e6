"""Bad input gets one clear error naming the file, the field path and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzforecast import Scenario, ScenarioError, simulate

BASE = """
name = "t"
as_of = 2025
horizon = 2030
[blocks.capacity]
existing = 300000
"""


def _write(tmp_path: Path, extra: str, base: str = BASE) -> Path:
    p = tmp_path / "my.toml"
    p.write_text(base + extra, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("extra", "path", "words"),
    [
        ("[blocks.market]\ns_M = -0.1\n", "blocks.market.s_M", ">= 0"),
        (
            '[blocks.market]\ns_M = { dist = "normal", mean = 0.1, sd = -1 }\n',
            "blocks.market.s_M.sd",
            "greater than or equal to 0",
        ),
        (
            '[blocks.market]\ns_M = { dist = "normal", mean = 0.1, sd = 0.1 }\n',
            "blocks.market.s_M",
            "normal distribution reaches -inf",
        ),
        ("[blocks.market]\nmu_m = 0.1\n", "blocks.market.mu_m", "unknown key"),
        ("[blocks.local_content]\nL_max = 1.2\n", "blocks.local_content.L_max", "[0, 1]"),
        (
            '[blocks.exchange_rate]\np_dev = { dist = "uniform", low = 0.1, high = 1.5 }\n',
            "blocks.exchange_rate.p_dev",
            "[0, 1]",
        ),
        ('[blocks.market]\nmu_M = { dist = "gamma", k = 1 }\n', "blocks.market.mu_M", "fixed"),
        ("[blocks.trend]\nphi = 1.0\n", "blocks.trend.phi", "(-1, 1)"),
        (
            "[initial]\ndomestic_share_of_sales = 1.5\n",
            "initial.domestic_share_of_sales",
            "less than 1",
        ),
        (
            '[correlation]\nparameters = ["blocks.market.mu_M"]\nmatrix = [[1.0]]\n',
            "correlation.parameters",
            "is fixed",
        ),
    ],
)
def test_bad_field_names_file_path_and_rule(
    tmp_path: Path, extra: str, path: str, words: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(_write(tmp_path, extra))
    msg = str(info.value)
    assert msg.startswith("my.toml: ")
    assert f": {path}:" in msg
    assert words in msg
    assert info.value.field_path == path


def test_horizon_before_as_of(tmp_path: Path) -> None:
    p = _write(tmp_path, "", BASE.replace("horizon = 2030", "horizon = 2020"))
    expected = r"my.toml: horizon: must be after as_of \(2025\), got 2020"
    with pytest.raises(ScenarioError, match=expected):
        Scenario.from_toml(p)


def test_invalid_correlation_matrix(tmp_path: Path) -> None:
    extra = """
[blocks.market]
mu_M = { dist = "normal", mean = 0.05, sd = 0.02 }
[blocks.exports]
mu_X = { dist = "normal", mean = 0.05, sd = 0.02 }
[blocks.domestic_share]
k_S = { dist = "normal", mean = 0.05, sd = 0.02 }
[correlation]
parameters = ["blocks.market.mu_M", "blocks.exports.mu_X", "blocks.domestic_share.k_S"]
matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]
"""
    with pytest.raises(ScenarioError, match="not a valid correlation matrix"):
        Scenario.from_toml(_write(tmp_path, extra))


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        Scenario.from_toml(tmp_path / "nope.toml")
    p = tmp_path / "bad.toml"
    p.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="bad.toml: not valid TOML"):
        Scenario.from_toml(p)


def test_scenario_file_is_data_not_code(tmp_path: Path) -> None:
    p = _write(tmp_path, "[blocks.market]\nmu_M = \"__import__('os').system('true')\"\n")
    with pytest.raises(ScenarioError, match="blocks.market.mu_M"):
        Scenario.from_toml(p)


def test_unknown_builtin() -> None:
    with pytest.raises(ScenarioError, match="allowed: .*baseline"):
        Scenario.builtin("nope")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"paths": 0}, "paths must be an integer >= 1"),
        ({"paths": 2.5}, "paths must be an integer"),
        ({"paths": 5000, "block_size": 5000}, "multiple of 4096"),
        ({"paths": 5000, "sampling": "lhs"}, "sampling must be"),
        ({"paths": 5000, "threads": 0}, "threads must be"),
        ({"paths": 5000, "seed": -1}, "seed must be >= 0"),
    ],
)
def test_bad_simulate_arguments(kwargs: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises((ValueError, TypeError), match=match):
        simulate(Scenario.builtin("baseline"), **kwargs)


def test_few_paths_warn_with_standard_error() -> None:
    with pytest.warns(UserWarning, match="standard error up to"):
        simulate(Scenario.builtin("baseline"), paths=100, seed=1)


def test_fixing_a_correlated_parameter_drops_it_from_the_correlation() -> None:
    s = Scenario.builtin("baseline")
    assert s.correlation is not None
    p = s.correlation.parameters[0]
    fixed = s.with_parameter(p, 0.05)
    assert fixed.parameters()[p].is_fixed
    assert fixed.correlation is None or p not in fixed.correlation.parameters


def test_with_parameter_unknown_path() -> None:
    with pytest.raises(ScenarioError, match="blocks.market.nope"):
        Scenario.builtin("baseline").with_parameter("blocks.market.nope", 1.0)
