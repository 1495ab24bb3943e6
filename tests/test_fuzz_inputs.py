"""Property: the readers and the command line cannot be crashed by their input.

Random bytes, random TOML/JSON documents (and valid scenarios with one field broken) and
random argument vectors get either a result or one of the library's own errors
(:class:`~kzforecast.errors.KzForecastError`, exit status 2 on the command line): never
another exception, a traceback or a partial file. Example counts are bounded so that
the ``ci`` profile stays at a few seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzforecast.cli.app import main
from kzforecast.data import load_history
from kzforecast.errors import KzForecastError
from kzforecast.scenario import Scenario
from kzforecast.testing import scenario_dicts

_KEYS = st.sampled_from(
    ["name", "as_of", "horizon", "model", "blocks", "capacity", "existing", "market", "mu_M",
     "dist", "mean", "sd", "initial", "plants", "planned_start", "x", "allow_implausible"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["normal", "lognormal", "fixed", "2025", "baseline"]),
)
_DOCS = st.recursive(
    _SCALARS.filter(lambda v: v is not None),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)
_BASELINE = Scenario.builtin("baseline")
_FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _library_error(call: Callable[[], object]) -> KzForecastError | None:
    """Run ``call``: ``None`` on success, the library's error if it raised one (any other
    exception propagates and fails the test)."""
    try:
        call()
    except KzForecastError as exc:
        return exc
    return None


def _read(path: Path) -> None:
    """Read a scenario file: success or a one-line library error naming the file."""
    exc = _library_error(lambda: Scenario.from_file(path))
    if exc is not None:
        assert "\n" not in str(exc)
        assert exc.source  # names the file


@_FAST
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".toml", ".json", ".txt"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"f{suffix}"
        p.write_bytes(data)
        _read(p)


@_FAST
@given(doc=st.dictionaries(_KEYS, _DOCS, max_size=5))
def test_random_documents(doc: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as d:
        j = Path(d) / "s.json"
        j.write_text(json.dumps(doc), encoding="utf-8")
        _read(j)
        try:
            text = tomli_w.dumps(doc)
        except (TypeError, ValueError):  # None or mixed arrays: not representable in TOML
            return
        t = Path(d) / "s.toml"
        t.write_text(text, encoding="utf-8")
        _read(t)


def _leaves(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _leaves(v, (*prefix, k))] or [prefix]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _leaves(v, (*prefix, i))] or [prefix]
    return [prefix]


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), base=scenario_dicts())
def test_valid_scenario_with_one_field_broken(data: st.DataObject, base: dict[str, Any]) -> None:
    path = data.draw(st.sampled_from(_leaves(base)))
    node: Any = base
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(_DOCS)
    exc = _library_error(lambda: Scenario.from_dict(base))
    assert exc is None or "\n" not in str(exc)


@_FAST
@given(
    arg=st.one_of(_SCALARS, st.lists(st.integers(), max_size=2), st.just(Path("/"))),
    reader=st.sampled_from(
        [Scenario.from_file, Scenario.from_toml, Scenario.from_json, Scenario.from_dict,
         Scenario.builtin, load_history, _BASELINE.with_parameter]
    ),
)  # fmt: skip
def test_random_reader_arguments(arg: object, reader: Callable[[object], object]) -> None:
    if reader == _BASELINE.with_parameter:
        exc = _library_error(lambda: _BASELINE.with_parameter(arg, 1.0))  # type: ignore[arg-type]
    else:
        exc = _library_error(lambda: reader(arg))
    assert exc is None or "\n" not in str(exc)


@_FAST
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(["vehicle_output", "usd_kzt", "2020", "nan", "-1", "", "1e400"]),
                st.text(max_size=5),
            ),
            min_size=1,
            max_size=4,
        ),
        max_size=5,
    ),
    header=st.sampled_from(["series,year,value", "series,year", "a,b,c", ""]),
)
def test_random_history_csv(rows: list[list[str]], header: str) -> None:
    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "h.csv"
        p.write_bytes(text.encode("utf-8", errors="replace"))
        exc = _library_error(lambda: load_history(p))
        assert exc is None or "\n" not in str(exc)


_ARGS = st.lists(
    st.sampled_from(
        ["--scenario", "baseline", "nope", "s.toml", "s.json", "dir", "--paths", "0", "64",
         "x", "-5", "--seed", "--out", "out", "", "--targets", "all", "2016", "--parameters",
         "blocks.market.mu_M", "--vintages", "2025", "--horizon", "--as-of", "2150",
         "--method", "sobol", "--n", "3", "--statistic", "mean:vehicle_output:2030",
         "--target", "KZ2026-KAU-209K", "--help"]
    ),
    max_size=6,
)  # fmt: skip
_COMMANDS = st.sampled_from(
    ["validate", "simulate", "sensitivity", "backtest", "calibrate", "data", "bogus"]
)  # not check: its report takes 15 s (tests/test_cli.py and test_bad_inputs.py cover it)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(command=_COMMANDS, args=_ARGS, doc=st.dictionaries(_KEYS, _DOCS, max_size=3))
def test_random_command_lines(command: str, args: list[str], doc: dict[str, Any]) -> None:
    # keep the runs that succeed quick: few paths, one parameter, one vintage
    if command in ("simulate", "sensitivity", "backtest") and "--paths" not in args:
        args = [*args, "--paths", "64"]
    if command == "sensitivity" and "--parameters" not in args:
        args = [*args, "--parameters", "blocks.market.mu_M"]
    if command == "backtest" and "--vintages" not in args:
        args = [*args, "--vintages", "2021"]
    with tempfile.TemporaryDirectory() as d:
        cwd = os.getcwd()
        os.chdir(d)
        try:
            Path("s.toml").write_text("name = 1\n", encoding="utf-8")
            Path("s.json").write_text(json.dumps(doc), encoding="utf-8")
            Path("dir").mkdir()
            before = set(Path(".").rglob("*"))
            err = io.StringIO()
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(err),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("ignore")  # few paths: a warning, not the subject here
                try:
                    rc = main([command, *args])
                except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
                    rc = exc.code if isinstance(exc.code, int) else 2
            assert rc in (0, 2), err.getvalue()
            assert "Traceback" not in err.getvalue()
            after = set(Path(".").rglob("*"))
            assert not any(p.name.startswith(".") for p in after - before)  # no staging left
            if rc == 2:
                assert after == before, sorted(map(str, after - before))
        finally:
            os.chdir(cwd)
