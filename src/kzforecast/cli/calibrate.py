"""``kzforecast calibrate``: estimate a scenario from the history; writes TOML or JSON."""

from __future__ import annotations

from typing import Any

from kzforecast.cli import _common as common
from kzforecast.errors import ArgumentError, FileAccessError


def add_parser(subparsers: Any) -> Any:
    """Register ``kzforecast calibrate`` on the CLI's sub-parsers; returns the parser.

    ``kzforecast calibrate --as-of YEAR [--model structural|trend] [--horizon YEAR]
    [--no-parameter-uncertainty] --out scenario.toml`` writes the calibrated scenario
    (atomically) and prints the report.
    """
    p = subparsers.add_parser(
        "calibrate", help="estimate a scenario from the history up to a year; writes TOML"
    )
    p.add_argument("--as-of", type=int, required=True, help="last year of data used")
    p.add_argument("--model", choices=["structural", "trend"], default="structural")
    p.add_argument("--horizon", type=int, help="last simulated year (default as-of + 10)")
    p.add_argument(
        "--no-parameter-uncertainty",
        action="store_true",
        help="point estimates instead of distributions for estimated parameters",
    )
    p.add_argument("--out", required=True, help="scenario file to write (.toml or .json)")
    p.set_defaults(func=_cmd_calibrate)
    return p


def _cmd_calibrate(args: Any) -> int:
    from pathlib import Path

    out = Path(args.out)
    if out.suffix.lower() not in (".toml", ".json"):
        raise ArgumentError(
            f"unknown scenario file type {out.suffix!r}", source="--out", allowed=".toml, .json"
        )
    if not out.parent.exists() and str(out.parent) not in ("", "."):
        raise FileAccessError("directory does not exist", source="--out", location=str(out.parent))
    if out.is_dir():
        raise FileAccessError("is a directory", source="--out", location=str(out))
    from kzforecast.analysis.calibrate import calibrate

    scenario, report = calibrate(
        as_of=args.as_of,
        model=args.model,
        horizon=args.horizon,
        parameter_uncertainty=not args.no_parameter_uncertainty,
    )
    if out.suffix.lower() == ".json":
        scenario.to_json(out)
    else:
        scenario.to_toml(out)
    table = report.to_frame()[["status", "estimate", "se", "n", "years", "flag"]]
    common.print_table(table)
    for note in report.notes:
        print(f"note: {note}")
    print(
        f"\nwrote {out} ({len(report.estimated)} estimated, "
        f"{len(report.assumptions)} kept as assumptions)"
    )
    return 0
