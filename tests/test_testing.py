"""kzforecast.testing: public strategies and invariant checks; docs/testing.md's examples."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import kzforecast.model.kernel
from kzforecast import Scenario, check, load_history, load_observations, simulate
from kzforecast.targets import Target
from kzforecast.testing import (
    FAMILIES,
    assert_invariants,
    assert_monotone,
    assert_reproducible,
    histories,
    parameters,
    raise_parameter,
    scenarios,
    targets,
)

from .test_check import make_target

DOCS = Path(__file__).resolve().parents[1] / "docs" / "testing.md"


def test_importing_without_hypothesis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("kzforecast.testing")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # import hypothesis -> ImportError
    with pytest.raises(ImportError, match=re.escape('pip install "kzforecast[test]"')):
        importlib.import_module("kzforecast.testing")


def _families(s: Scenario) -> set[str]:
    out: set[str] = {d.dist for d in s.parameters().values()}
    if not s.blocks.exports.destinations.fixed:
        out.add("dirichlet")
    return out


def test_new_scenarios_are_valid_and_cover_every_family_and_model() -> None:
    seen: set[str] = set()
    models: set[str] = set()

    @settings(max_examples=60, derandomize=True, database=None)
    @given(scenario=scenarios())
    def collect(scenario: Scenario) -> None:
        assert Scenario.from_dict(scenario.to_dict()) == scenario  # Scenario validates it
        seen.update(_families(scenario))
        models.add(scenario.model)

    collect()
    assert seen == set(FAMILIES)
    assert models == {"structural", "trend"}


@settings(max_examples=30)
@given(scenario=scenarios(base=Scenario.builtin("baseline"), model="trend"))
def test_perturbations_stay_valid_and_near_their_base(scenario: Scenario) -> None:
    base = Scenario.builtin("baseline")
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert scenario.model == "trend"
    assert (scenario.as_of, scenario.horizon) == (base.as_of, base.horizon)
    for path, dist in base.uncertain_parameters().items():
        moved = scenario.parameters()[path]
        lo, hi = dist.quantile(0.01), dist.quantile(0.99)
        centre = moved.quantile(0.5) if moved.dist != "beta" else moved.mean()
        if moved.dist in ("uniform", "triangular", "beta"):
            assert dist.bounds()[0] <= centre <= dist.bounds()[1], path
        else:
            assert lo - 1e-9 * abs(lo) <= centre <= hi + 1e-9 * abs(hi), path


@settings(max_examples=60)
@given(d=parameters(0.1, 0.9, support="unit"))
def test_unit_parameters_stay_in_the_unit_interval(d: Any) -> None:
    lo, hi = d.bounds()
    assert 0.0 <= lo <= hi <= 1.0
    Scenario.builtin("baseline").with_parameter("blocks.output.u_max", d)  # a valid field


def test_parameters_refuse_a_range_outside_the_support() -> None:
    with pytest.raises(ValueError, match="support"):
        parameters(-1.0, 0.5, support="nonnegative")
    with pytest.raises(ValueError, match="none of"):
        parameters(0.0, 1.0, support="unit", families=["normal"])


@settings(max_examples=20)
@given(target=targets(years=(2026, 2035)))
def test_synthetic_targets_are_valid_and_checkable(target: Target) -> None:
    assert Target.model_validate(target.model_dump()) == target
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1, targets=[target])
    row = check(sim).iloc[0]
    if row["status"] == "evaluated":
        assert 0.0 <= row["p_met"] <= 1.0
    else:
        assert row["status"]  # says why it cannot be evaluated


@settings(max_examples=25)
@given(frame=histories(["vehicle_output", "domestic_share_of_sales"]))
def test_histories_load_with_their_gaps_and_qualifiers(frame: Any) -> None:
    obs = load_observations(frame)
    assert len(obs) == len(frame)
    assert list(obs["qualifier"]) == list(frame["qualifier"])
    wide = load_history(frame)
    assert int(wide.index[-1]) == 2025
    missing = frame[(frame.qualifier == "missing") & frame.preferred]
    for _, row in missing.iterrows():
        assert np.isnan(wide.loc[row["year"], row["series"]])


def test_assert_invariants_needs_kept_paths() -> None:
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1)
    with pytest.raises(ValueError, match="keep_paths=True"):
        assert_invariants(sim)


def test_a_share_above_one_is_caught_with_variable_year_and_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deliberately broken block: the kernel calls the name it imported from
    kzforecast.model.blocks, so the patch goes on kzforecast.model.kernel."""
    original = kzforecast.model.kernel.local_content_step

    def broken(level: Any, p: Any, e: Any) -> Any:
        out = original(level, p, e)
        out[7] = 1.5  # path 7 goes above 1
        return out

    monkeypatch.setattr(kzforecast.model.kernel, "local_content_step", broken)
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1, keep_paths=True)
    with pytest.raises(AssertionError, match=r"local_content_share = 1\.5 in 2026 on path 7"):
        assert_invariants(sim)


def test_exports_above_output_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    original = kzforecast.model.kernel.output_step

    def broken(*args: Any, **kwargs: Any) -> Any:
        q = original(*args, **kwargs)
        return q._replace(exports=q.exports + q.output + 1.0)

    monkeypatch.setattr(kzforecast.model.kernel, "output_step", broken)
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1, keep_paths=True)
    with pytest.raises(AssertionError, match=r"export_units = .* in 2026 on path 0: exports"):
        assert_invariants(sim)


def test_a_ceiling_is_checked_per_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def at_one(level: Any, p: Any, e: Any) -> Any:
        return np.ones_like(level)  # in [0, 1], but above every drawn L_max < 1

    monkeypatch.setattr(kzforecast.model.kernel, "local_content_step", at_one)
    sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1, keep_paths=True)
    with pytest.raises(AssertionError, match=r"local_content_share = 1\.0 in 2026 on path 0: "
                       r"must not exceed its ceiling L_max = 0\.\d+"):  # fmt: skip
        assert_invariants(sim)


def test_assert_reproducible_passes_on_the_baseline() -> None:
    assert_reproducible(Scenario.builtin("baseline"), seed=5, paths=4096 + 100)


def test_assert_monotone_passes_and_catches_a_lever_that_lowers_output() -> None:
    sc = Scenario.builtin("baseline")
    t = make_target(threshold=200_000.0, due_year=2030)
    assert_monotone(sc, "blocks.market.mu_M", t, paths=2000, seed=3)
    with pytest.raises(AssertionError, match=r"P\(met\) of TEST-1:main fell from"):
        assert_monotone(sc, lambda s: raise_parameter(s, "blocks.market.mu_M", -0.05), t,
                        paths=2000, seed=3)  # fmt: skip
    with pytest.raises(ValueError, match="cannot be evaluated: beyond horizon"):
        assert_monotone(sc, "blocks.market.mu_M", make_target(due_year=2040), paths=1000)


def test_assert_monotone_checks_every_path() -> None:
    """A lever that moves no path's output leaves P(met) equal, and the pathwise check
    names the metric, year and path of a path that falls."""
    sc = Scenario.builtin("baseline")
    t = make_target(threshold=1.0, due_year=2030)  # met on every path: P(met) stays 1
    assert_monotone(sc, "blocks.market.mu_M", t, paths=1000, seed=2)
    with pytest.raises(AssertionError, match=r"vehicle_output .* in 2030 on path \d+ moved"):
        assert_monotone(sc, "blocks.market.mu_M", t, step=-0.05, paths=1000, seed=2)


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_testing_has_three_examples() -> None:
    assert len(_python_blocks(DOCS.read_text(encoding="utf-8"))) == 3


@pytest.mark.parametrize("index", [0, 1, 2])
def test_docs_testing_examples_run(index: int) -> None:
    """Each ```python block of docs/testing.md defines test functions; run them."""
    block = _python_blocks(DOCS.read_text(encoding="utf-8"))[index]
    namespace: dict[str, Any] = {"__name__": f"docs_testing_{index}"}
    exec(compile(block, f"docs/testing.md[{index}]", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert tests
    for test in tests:
        test()
