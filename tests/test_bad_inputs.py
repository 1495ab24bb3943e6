"""Issue 14: one regression test per class of bad input the corpus found.

Each bad input gets one library error (a :class:`KzForecastError`, also the matching
builtin) whose one-line message names the file or argument, the field, what was wrong and
what is allowed; no file is written half.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from kzforecast.analysis.backtest import backtest
from kzforecast.analysis.sensitivity import sobol_indices, tornado
from kzforecast.cli.app import main
from kzforecast.data import load_history
from kzforecast.errors import (
    ArgumentError,
    ArgumentTypeError,
    DataError,
    FileAccessError,
    KzForecastError,
    ScenarioError,
)
from kzforecast.scenario import Scenario, builtin_scenarios
from kzforecast.scenario.io import MAX_FILE_BYTES, MAX_NESTING
from kzforecast.scenario.plausible import (
    PLAUSIBLE_RANGES,
    check_initial_state_covered,
    range_key,
)

# the runs below use few paths on purpose: their warning is not the subject here
pytestmark = pytest.mark.filterwarnings(r"ignore:\d+ paths give:UserWarning")

BASE = """name = "t"
as_of = 2025
horizon = 2030
[blocks.capacity]
existing = 300000
"""


def _toml(tmp_path: Path, text: str, name: str = "my.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------- deep nesting
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("arrays.toml", "a = " + "[" * 30_000 + "]" * 30_000 + "\n"),
        ("tables.toml", "a = " + "{b = " * 30_000 + "1" + "}" * 30_000 + "\n"),
        ("arrays.json", "[" * 100_000 + "]" * 100_000),
        ("objects.json", '{"a": ' * 50_000 + "1" + "}" * 50_000),
    ],
)
def test_deep_nesting_is_refused_by_name(tmp_path: Path, name: str, text: str) -> None:
    p = _toml(tmp_path, text, name)
    with pytest.raises(ScenarioError, match=rf"^{name}: line 1: .*nested too deeply") as info:
        Scenario.from_file(p)
    assert f"at most {MAX_NESTING} levels" in str(info.value)
    assert "\n" not in str(info.value)


def test_nesting_within_the_limit_is_still_parsed(tmp_path: Path) -> None:
    p = _toml(tmp_path, BASE + "[notes]\nx = '" + "[" * 10 + "'\n")
    assert Scenario.from_toml(p).notes == {"x": "[" * 10}


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    p = _toml(tmp_path, BASE + "# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(ScenarioError, match="my.toml: file too large"):
        Scenario.from_toml(p)


# ------------------------------------------------------------- undecodable bytes
@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_undecodable_bytes_name_file_and_offset(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"bad{suffix}"
    p.write_bytes(b"n\x8aame = 1")
    with pytest.raises(ScenarioError, match=rf"bad{suffix}: not UTF-8 text: byte 0x8a at offset 1"):
        Scenario.from_file(p)


def test_undecodable_csv_names_file_and_offset(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_bytes(b"series,year,value\nvehicle_output,2020,\xff1\n")
    with pytest.raises(DataError, match=r"h.csv: is not UTF-8 text: byte 0xff at offset 38"):
        load_history(p)


@pytest.mark.parametrize("reader", [Scenario.from_json, Scenario.from_toml, Scenario.from_file])
def test_directory_is_refused_by_name(tmp_path: Path, reader: object) -> None:
    d = tmp_path / "dir.json"
    d.mkdir()
    with pytest.raises(ScenarioError, match=r"dir.json: is a directory"):
        reader(d)  # type: ignore[operator]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_file_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        Scenario.from_toml(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        load_history(fifo)


# ------------------------------------------------------------- API misuse
def test_api_argument_errors_are_library_errors() -> None:
    s = Scenario.builtin("baseline")
    with pytest.raises(ArgumentTypeError, match="scenario must be a kzforecast.Scenario"):
        tornado("baseline", "mean:vehicle_output:2030")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="need 0 < low < high < 1"):
        tornado(s, "mean:vehicle_output:2030", low=0.9, high=0.1)
    with pytest.raises(ArgumentError, match="statistic"):
        tornado(s, "median-ish", paths=64)
    with pytest.raises(ArgumentError, match="distributions is empty"):
        sobol_indices(lambda x: x[:, 0], {}, n=8)
    with pytest.raises(ArgumentTypeError, match="func must be callable"):
        sobol_indices(3, {"a": s.parameters()["blocks.market.mu_M"]}, n=8)  # type: ignore[arg-type]


# ------------------------------------------------------------- half-written output
def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_sensitivity_leaves_no_png_when_its_csv_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sensitivity-tornado.csv").mkdir(parents=True)
    before = _tree(tmp_path)
    args = ["sensitivity", "--paths", "64", "--parameters", "blocks.market.mu_M"]
    assert main([*args, "--out", str(out)]) == 2
    assert _tree(tmp_path) == before


def test_failed_command_leaves_no_empty_out_directory(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    args = ["sensitivity", "--paths", "64", "--parameters", "blocks.nope", "--out", str(out)]
    assert main(args) == 2
    assert not (tmp_path / "new").exists()


def test_backtest_leaves_no_scores_when_summary_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "summary.csv").mkdir(parents=True)
    before = _tree(tmp_path)
    args = ["backtest", "--vintages", "2020", "--horizon", "1", "--paths", "64"]
    assert main([*args, "--out", str(out)]) == 2
    assert _tree(tmp_path) == before


def test_check_leaves_nothing_when_report_html_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    before = _tree(tmp_path)
    args = ["check", "--paths", "256", "--targets", "in-force", "--out", str(out)]
    assert main(args) == 2
    assert _tree(tmp_path) == before


def test_out_that_is_a_file_is_refused_before_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    assert main(["backtest", "--vintages", "2020", "--out", str(f)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


# ------------------------------------------------------------- wrong rule or thing named
@pytest.mark.parametrize(
    ("value", "shown"), [('"fast"', "a string 'fast'"), ("true", "a boolean (true)")]
)
def test_string_or_boolean_distribution(tmp_path: Path, value: str, shown: str) -> None:
    p = _toml(tmp_path, BASE + f"[blocks.market]\nmu_M = {value}\n")
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(p)
    msg = str(info.value)
    assert msg.startswith("my.toml: blocks.market.mu_M: must be a number or a distribution")
    assert shown in msg
    assert "dictionary" not in msg


def test_nan_initial_share_is_called_not_finite(tmp_path: Path) -> None:
    p = _toml(tmp_path, BASE + "[initial]\nckd_share = nan\n")
    with pytest.raises(ScenarioError, match="my.toml: initial.ckd_share: .*finite number"):
        Scenario.from_toml(p)


def test_error_names_the_file_not_the_scenario_name(tmp_path: Path) -> None:
    p = _toml(tmp_path, BASE.replace('"t"', '"Some name"') + "[blocks.market]\ns_M = -1\n")
    with pytest.raises(ScenarioError, match=r"^my.toml: blocks.market.s_M"):
        Scenario.from_toml(p)


# ------------------------------------------------------------- valid input refused
def test_toml_and_json_with_a_bom_are_read(tmp_path: Path) -> None:
    t = tmp_path / "bom.toml"
    t.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert Scenario.from_toml(t).name == "t"
    j = tmp_path / "bom.json"
    j.write_bytes(b"\xef\xbb\xbf" + json.dumps(Scenario.from_toml(t).to_dict()).encode())
    assert Scenario.from_json(j) == Scenario.from_toml(t)


# ------------------------------------------------------------- nonsense accepted
@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (BASE.replace("2025", '"2025"'), "as_of", "must be a whole number"),
        (BASE.replace("2025", "2025.0"), "as_of", "must be a whole number"),
        (BASE.replace("2025", "2150").replace("2030", "2160"), "as_of", "[1990, 2100]"),
        (BASE + "[blocks.market]\nmu_M = 1000\n", "blocks.market.mu_M", "[-1, 1]"),
        (
            BASE + '[blocks.market]\nmu_M = { dist = "normal", mean = 0.1, sd = 1 }\n',
            "blocks.market.mu_M",
            "bulk (0.1%-99.9%) spans [-2.99, 3.19]",
        ),
        (BASE.replace("300000", "1e308"), "blocks.capacity.existing", "[0, 1e+12]"),
        (
            BASE + '[[blocks.capacity.plants]]\nname = "p"\ncapacity = 1\nplanned_start = -5000\n',
            "blocks.capacity.plants.0.planned_start",
            "[1900, 2200]",
        ),
        (BASE + "[initial]\nusd_kzt = 1e9\n", "initial.usd_kzt", "KZT per USD"),
        (BASE + "[blocks.market]\ns_M = 60\n", "blocks.market.s_M", "[0, 50]"),
    ],
)
def test_nonsense_is_refused(tmp_path: Path, text: str, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(_toml(tmp_path, text))
    assert info.value.field_path == path
    assert words in str(info.value)


def test_implausible_values_run_only_when_allowed(tmp_path: Path) -> None:
    text = "allow_implausible = true\n" + BASE + "[blocks.market]\nmu_M = 1000\n"
    s = Scenario.from_toml(_toml(tmp_path, text))
    assert s.allow_implausible
    assert s.blocks.market.mu_M.mean() == 1000
    assert Scenario.from_dict(s.to_dict()) == s  # the flag survives a round trip
    assert "allow_implausible" not in Scenario.builtin("baseline").to_dict()


def test_as_of_after_history_needs_an_initial_state() -> None:
    with pytest.raises(ScenarioError, match=r"s.toml: initial: as_of 2040 is after .*2025"):
        check_initial_state_covered(2040, ["usd_kzt"], 2025, source="s.toml")
    check_initial_state_covered(2040, [], 2025, source="s.toml")
    check_initial_state_covered(2025, ["usd_kzt"], 2025, source="s.toml")


def test_empty_backtest_is_an_error_in_the_api() -> None:
    with pytest.raises(ArgumentError, match=r"backtest: vintages: no year .* \(years 2026-2028\)"):
        backtest(vintages=[2025], horizon=3, paths=64, seed=1)


@pytest.mark.parametrize("out", ["", "  "])
def test_empty_out_is_refused(out: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--vintages", "2020", "--out", out]) == 2
    assert "--out: empty directory name" in capsys.readouterr().err


# ------------------------------------------------------------- the table itself
def test_builtin_scenarios_and_ranges_agree() -> None:
    keys = set()
    for name in builtin_scenarios():
        s = Scenario.builtin(name)
        assert not s.allow_implausible
        keys |= {range_key(p) for p in s.parameters()}
    assert {k for k in PLAUSIBLE_RANGES if not k.startswith(("initial.", "as_of"))} >= {
        k for k in keys if k in PLAUSIBLE_RANGES
    }
    for key, rng in PLAUSIBLE_RANGES.items():
        assert rng.low < rng.high, key
        assert math.isfinite(rng.high), key


def test_every_error_type_is_a_library_error() -> None:
    for cls in (ArgumentError, ArgumentTypeError, DataError, FileAccessError, ScenarioError):
        assert issubclass(cls, KzForecastError)


def test_docs_show_the_plausible_ranges_table() -> None:
    from kzforecast.scenario.plausible import ranges_markdown

    doc = Path(__file__).parents[1] / "docs" / "errors.md"
    assert ranges_markdown() in doc.read_text(encoding="utf-8")


def test_what_it_takes_with_a_target_id_string_names_the_type() -> None:
    from kzforecast import Scenario, what_it_takes
    from kzforecast.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match="target must be a kzforecast.Target, got str"):
        what_it_takes(Scenario.builtin("baseline"), "KZ2026-KAU-209K", lever="blocks.market.mu_M")  # type: ignore[arg-type]


def test_what_it_takes_searches_only_plausible_lever_values() -> None:
    from kzforecast.analysis.compare import _default_lever_bounds
    from kzforecast.scenario import Scenario

    params = Scenario.builtin("baseline").parameters()
    lo, hi = _default_lever_bounds(params["blocks.market.mu_M"], "blocks.market.mu_M")
    assert -1.0 <= lo < hi <= 1.0
