"""Command line: ``kzforecast check | targets | data | scenarios | simulate | validate``.

The CLI holds no model logic: it parses arguments, calls the public functions,
prints tables and writes files (each atomically: temp name, then rename). Bad
input ends with one line ``kzforecast: error: ...`` and exit status 2, without
a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kzforecast.cli import _common as common
from kzforecast.cli import backtest as cli_backtest
from kzforecast.cli import calibrate as cli_calibrate
from kzforecast.cli import sensitivity as cli_sensitivity
from kzforecast.errors import KzForecastError

__all__ = ["build_parser", "main"]

# Start-up: this module and the sub-command modules import nothing heavy at module level
# (no pandas, SciPy, statsmodels or matplotlib): each command imports the library inside
# its function, so `kzforecast --help` and `--version` answer in a fraction of a second.


# ---------------------------------------------------------------- commands
def _cmd_targets(args: argparse.Namespace) -> int:
    import pandas as pd

    from kzforecast.targets import load_targets, verdicts

    targets = load_targets(
        vintage=args.vintage, metric=args.metric, default_only=not args.all_readings
    )
    v = verdicts(targets)
    cols = ["id", "reading", "vintage", "interpretation", "due_year", "status", "realized",
            "realized_qualifier", "gap_rel"]  # fmt: skip
    table = v[[c for c in cols if c in v.columns]].copy()
    if "realized" in table:
        table["realized"] = table["realized"].map(
            lambda x: "" if pd.isna(x) else (f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}")
        )
    if "gap_rel" in table:
        table["gap_rel"] = table["gap_rel"].map(lambda x: "" if pd.isna(x) else f"{x:+.0%}")
    common.print_table(table.set_index(["id", "reading"]), max_colwidth=90)
    print(f"\n{len(table)} target readings; sources: kzforecast targets --sources "
          "or kzforecast.targets.targets_frame(...)['source_url']")  # fmt: skip
    if args.sources:
        from kzforecast.targets import targets_frame

        common.print_table(targets_frame(targets)[["id", "reading", "speaker", "source_url"]],
                     max_colwidth=120)  # fmt: skip
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from kzforecast.data import load_observations, sources

    obs = load_observations()
    if args.series:
        unknown = sorted(set(args.series) - set(obs["series"]))
        if unknown:
            raise KzForecastError(
                f"unknown series {', '.join(unknown)}",
                source="--series",
                allowed=", ".join(sorted(obs["series"].unique())),
            )
        obs = obs[obs["series"].isin(args.series)]
    if not args.alternatives:
        obs = obs[obs["preferred"]]
    show = obs[["series", "year", "value", "qualifier", "confidence", "source_ids"]]
    common.print_table(show.set_index(["series", "year"]))
    used = {s for ids in obs["source_ids"] for s in str(ids).split(";") if s}
    src = sources()
    src = src[src["source_id"].isin(used)]
    print()
    common.print_table(src[["source_id", "outlet", "date", "url"]].set_index("source_id"),
                 max_colwidth=100)  # fmt: skip
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    import pandas as pd

    from kzforecast.scenario import Scenario, builtin_scenarios

    rows = []
    for name in builtin_scenarios():
        s = Scenario.builtin(name)
        rows.append({"name": name, "as_of": s.as_of, "horizon": s.horizon, "model": s.model,
                     "uncertain parameters": len(s.uncertain_parameters()),
                     "description": s.description})  # fmt: skip
    common.print_table(pd.DataFrame(rows).set_index("name"), max_colwidth=80)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from kzforecast.scenario import Scenario

    s = Scenario.from_file(args.file)
    print(f"{args.file}: valid scenario {s.name!r}, as_of {s.as_of}, horizon {s.horizon}, "
          f"{len(s.uncertain_parameters())} uncertain parameters")  # fmt: skip
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from kzforecast.engine.simulate import simulate
    from kzforecast.model.kernel import model_variables

    scenario = common.load_scenario(args.scenario)
    simulated = model_variables(scenario.model)
    default = ["vehicle_output", "export_units", "local_content_share", "ckd_share"]
    names = args.variables or [v for v in default if v in simulated]
    unknown = [v for v in names if v not in simulated]
    if unknown:
        raise KzForecastError(
            f"unknown variable {', '.join(unknown)} (a {scenario.model} scenario simulates "
            f"{len(simulated)} variables)",
            source="--variables",
            allowed=", ".join(simulated),
        )
    sim = simulate(scenario, paths=args.paths, seed=args.seed, progress=None)
    table = sim.summary().loc[names][["mean", "p10", "p50", "p90"]]
    common.print_table(table)
    print(f"\n{sim.n_paths} paths, seed {args.seed}; quantiles {sim.quantile_accuracy}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from kzforecast.engine.simulate import simulate
    from kzforecast.results.check import check

    scenario = common.load_scenario(args.scenario)
    targets = common.select_targets(args.targets, scenario.as_of)
    out = common.check_out(args.out)
    paths = args.paths
    note = ""
    if args.precision is not None:
        from kzforecast.analysis.compare import check_until

        until, _ = check_until(
            scenario, targets, precision=args.precision, max_paths=args.max_paths,
            seed=args.seed, sampling=args.sampling,
        )  # fmt: skip
        paths = int(until.attrs["paths"])
        reached = "reached" if until.attrs["converged"] else "NOT reached (path budget spent)"
        note = f"; precision +-{args.precision * 100:g} pp at 95% {reached}"
    # the same seed and path count give the counts check_until found, and the full Simulation
    # the report needs
    sim = simulate(scenario, paths=paths, seed=args.seed, targets=targets, sampling=args.sampling)
    table = check(sim)
    import shutil

    from kzforecast.report.terminal import render_check_table

    print(f"Scenario {scenario.name!r} (as of {scenario.as_of}, horizon {scenario.horizon}), "
          f"{sim.n_paths:,} paths ({args.sampling}), seed {args.seed}{note}\n")  # fmt: skip
    width = shutil.get_terminal_size((100, 24)).columns
    text = render_check_table(
        table, width=width, wide=args.wide, targets=sim.targets, color=sys.stdout.isatty()
    )
    print(text, end="")
    if out is not None:
        from kzforecast._io import output_directory
        from kzforecast.report import write_report

        # all or nothing: the files appear in --out only when every one was written
        with output_directory(out) as tmp:
            written = write_report(sim, table, tmp)
        print(f"\nwrote {', '.join(p.name for p in written)} to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and tests)."""
    p = common.Parser(
        prog="kzforecast",
        description="Probabilistic scenarios of Kazakhstan's motor-vehicle industry against "
        "its government's targets.",
    )
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", required=True, parser_class=common.Parser)

    c = sub.add_parser("check", help="P(met) of each target under a scenario; writes a report")
    c.add_argument("--scenario", default="baseline", help="built-in name or .toml/.json file")
    c.add_argument("--targets", default="default",
                   help="'default' (the 2016-07-01 targets plus those in force), 'in-force', "
                   "'all', or a vintage (a date like 2016-07-01 or a year)")  # fmt: skip
    c.add_argument("--paths", type=common.positive_int, default=common.DEFAULT_PATHS)
    c.add_argument("--seed", type=common.seed, default=common.DEFAULT_SEED)
    c.add_argument("--out", default="kzforecast-report",
                   help="directory for targets.csv, charts and report.html")  # fmt: skip
    c.add_argument("--sampling", choices=["random", "antithetic", "sobol"], default="random",
                   help="Monte Carlo design; P(met) errors are estimated for each")  # fmt: skip
    c.add_argument("--precision", type=float, default=None,
                   help="run until every open P(met) is within +-PRECISION (e.g. 0.005) at 95%%; "
                   "--paths is then ignored")  # fmt: skip
    c.add_argument("--max-paths", type=common.positive_int, default=1_000_000,
                   help="path budget of --precision")  # fmt: skip
    c.add_argument(
        "--wide",
        action="store_true",
        help="also show the 90%% intervals and the readings that cannot be evaluated",
    )
    c.set_defaults(func=_cmd_check)

    t = sub.add_parser("targets", help="the official target registry with ex-post verdicts")
    t.add_argument("--vintage", help="statement date (2016-07-01) or year (2016)")
    t.add_argument("--metric", help="e.g. vehicle_output, local_content_share")
    t.add_argument("--all-readings", action="store_true", help="show every reading")
    t.add_argument("--sources", action="store_true", help="also list each target's source")
    t.set_defaults(func=_cmd_targets)

    d = sub.add_parser("data", help="the shipped history with its sources")
    d.add_argument("--series", nargs="+", help="series names (default: all)")
    d.add_argument("--alternatives", action="store_true",
                   help="also show conflicting figures kept as alternatives")  # fmt: skip
    d.set_defaults(func=_cmd_data)

    s = sub.add_parser("scenarios", help="list the built-in scenarios")
    s.set_defaults(func=_cmd_scenarios)

    m = sub.add_parser("simulate", help="simulate a scenario and print a summary")
    m.add_argument("--scenario", default="baseline")
    m.add_argument("--paths", type=common.positive_int, default=common.DEFAULT_PATHS)
    m.add_argument("--seed", type=common.seed, default=common.DEFAULT_SEED)
    m.add_argument("--variables", nargs="+")
    m.set_defaults(func=_cmd_simulate)

    cli_sensitivity.add_parser(sub)
    cli_calibrate.add_parser(sub)
    cli_backtest.add_parser(sub)

    v = sub.add_parser("validate", help="check a scenario file and say what is wrong")
    v.add_argument("file")
    v.set_defaults(func=_cmd_validate)
    return p


def _version() -> str:
    from kzforecast._version import __version__

    return f"kzforecast {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kzforecast`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KzForecastError as exc:
        print(f"kzforecast: error: {exc}", file=sys.stderr)
        return 2
    # Anything else (a ValueError, TypeError, OSError, ...) is a bug of kzforecast: the
    # library reports every bad input, and every file it cannot read or write, with one
    # of its own error types (kzforecast.errors). A bug propagates with its traceback
    # instead of being dressed up as a user error.


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
