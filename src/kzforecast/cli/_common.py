"""Helpers shared by the sub-commands: argument types, table printing, scenario and
target selection, and the output directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kzforecast.errors import ArgumentError, FileAccessError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_SEED",
    "Parser",
    "check_out",
    "load_scenario",
    "positive_int",
    "prepare_out",
    "print_table",
    "seed",
    "select_targets",
]

#: The command line's seed when none is given: its reports are reproducible by default
#: (the Python API's default is ``None``, fresh entropy recorded in the result).
DEFAULT_SEED = 2016

#: The command line's ``--paths`` default: ``kzforecast.engine.simulate.DEFAULT_PATHS``,
#: written out here so that building the parser (``--help``) imports neither the engine
#: nor SciPy; tests/test_readme.py checks that the two agree.
DEFAULT_PATHS = 20_000


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2.

    Sub-command parsers report as the program itself (``kzforecast: error: ...``), naming
    the sub-command in the hint, so every error of the command line starts the same way.
    """

    def error(self, message: str) -> NoReturn:
        program, *command = self.prog.split()
        hint = f"{program} {' '.join(command)} --help" if command else f"{program} --help"
        self.exit(2, f"{program}: error: {message} (see {hint})\n")


def positive_int(text: str) -> int:
    """argparse type: a whole number in [1, 2e9] (underscores allowed)."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    if value > 2_000_000_000:
        raise argparse.ArgumentTypeError(f"must be at most 2,000,000,000, got {value:,}")
    return value


def seed(text: str) -> int:
    """argparse type: a non-negative integer seed."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def print_table(df: pd.DataFrame, *, max_colwidth: int = 60) -> None:
    """Print a DataFrame whole (no truncation of rows or columns)."""
    import pandas as pd

    with pd.option_context(
        "display.max_rows", 500, "display.max_columns", 50, "display.width", 200,
        "display.max_colwidth", max_colwidth,
    ):  # fmt: skip
        print(df.to_string())


def load_scenario(spec: str) -> Any:
    """A built-in scenario by name, or a scenario file (.toml/.json) by path."""
    from kzforecast.scenario import Scenario, builtin_scenarios

    if spec in builtin_scenarios():
        return Scenario.builtin(spec)
    path = Path(spec)
    if path.suffix.lower() in (".toml", ".json") or path.exists():
        return Scenario.from_file(path)
    raise ArgumentError(
        f"{spec!r} is neither a built-in scenario nor a .toml/.json file",
        source="--scenario",
        allowed=", ".join(builtin_scenarios()) + ", or a path to a scenario file",
    )


def select_targets(spec: str, as_of: int) -> list[Any]:
    """The targets named by ``--targets``: default, in-force, all or a vintage."""
    from kzforecast.targets import load_targets

    if spec == "all":
        return list(load_targets())
    if spec == "in-force":
        return list(load_targets(in_force=as_of))
    if spec == "default":
        sel = list(load_targets(vintage="2016-07-01"))
        ids = {(t.id, t.reading) for t in sel}
        sel += [t for t in load_targets(in_force=as_of) if (t.id, t.reading) not in ids]
        return sel
    return list(load_targets(vintage=spec))


def check_out(path: str | None) -> Path | None:
    """The ``--out`` directory, checked before any work but not created.

    Refuses an empty name (which would write into the current directory) and an existing
    path that is not a directory. The files are written later through
    :func:`kzforecast._io.output_directory` (all or none; the directory is created on
    success only).
    """
    if path is None:
        return None
    if not path.strip():
        raise FileAccessError(
            "empty directory name", source="--out", allowed="a directory path, e.g. report"
        )
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise FileAccessError("exists and is not a directory", source="--out", location=path)
    return out


def prepare_out(path: str | None) -> Path | None:
    """Create the output directory (if asked for) and check that it can be written."""
    out = check_out(path)
    if out is None:
        return None
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".kzforecast-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise FileAccessError(
            f"cannot write there ({exc.strerror})", source="--out", location=str(out)
        ) from None
    return out
