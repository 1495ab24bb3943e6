"""``kzforecast sensitivity``: which uncertain input decides a target."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TypeVar

from kzforecast._io import output_directory
from kzforecast.cli import _common as common
from kzforecast.errors import ArgumentError, KzForecastError

if TYPE_CHECKING:
    from kzforecast.scenario import Scenario
    from kzforecast.targets import Target

P = TypeVar("P", bound=argparse.ArgumentParser)


def add_parser(subparsers: argparse._SubParsersAction[P]) -> P:
    """Register ``kzforecast sensitivity`` on the CLI's sub-parsers; returns the parser.

    ``kzforecast sensitivity [--scenario NAME|FILE] [--target ID] [--reading R]
    [--statistic S] [--parameters P ...] [--method tornado|sobol] [--paths N]
    [--n N] [--seed S] [--out DIR]`` prints the ranked table and, with
    ``--out``, writes ``sensitivity-<method>.png`` and ``.csv`` there (both or
    neither: a failure leaves no file and no new directory).
    """
    p = subparsers.add_parser(
        "sensitivity",
        help="which uncertain parameters drive a target or an output (tornado or Sobol)",
    )
    p.add_argument(
        "--scenario",
        default=None,
        help="built-in name or .toml/.json file (default: baseline; for a --target due by "
        "the baseline's as-of year, the latest built-in scenario made before its due year)",
    )
    p.add_argument("--target", help="target id (registry or alias), e.g. KZ2026-KAU-209K")
    p.add_argument("--reading", help="reading slug of --target (default: its default reading)")
    p.add_argument(
        "--statistic",
        help="without --target: 'mean:VARIABLE:YEAR' or 'pNN:VARIABLE:YEAR' (tornado), "
        "'VARIABLE:YEAR' (sobol); default vehicle_output in the horizon year",
    )
    p.add_argument(
        "--parameters", nargs="+", help="dotted parameter paths (default: all uncertain)"
    )
    p.add_argument("--method", choices=["tornado", "sobol"], default="tornado")
    p.add_argument(
        "--paths",
        type=common.positive_int,
        default=common.DEFAULT_PATHS,
        help="paths per simulation (tornado)",
    )
    p.add_argument(
        "--n", type=common.positive_int, default=1024, help="base samples, a power of 2 (sobol)"
    )
    p.add_argument("--seed", type=common.seed, default=common.DEFAULT_SEED)
    p.add_argument("--out", help="directory for the chart (PNG) and the table (CSV)")
    p.set_defaults(func=_cmd_sensitivity)
    return p


def _scenario_before_due(default: Scenario, target_id: str, reading: str | None) -> Scenario:
    """The default scenario, or, for a target already due at its as-of year, the latest
    built-in scenario whose as-of year lies before the due year (ex-ante question)."""
    from kzforecast.scenario import Scenario, builtin_scenarios
    from kzforecast.targets import get_target

    t = get_target(target_id, reading)
    if t.due_year is None or t.due_year > default.as_of:
        return default
    earlier = [Scenario.builtin(n) for n in builtin_scenarios()]
    earlier = [s for s in earlier if s.as_of < t.due_year <= s.horizon]
    if not earlier:
        return default
    chosen = max(earlier, key=lambda s: s.as_of)
    print(
        f"{t.id} was due in {t.due_year}, not after the {default.name!r} scenario's as-of year "
        f"{default.as_of}; using {chosen.name!r} (as of {chosen.as_of}) instead "
        "(choose with --scenario)\n"
    )
    return chosen


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    scenario = common.load_scenario(args.scenario or "baseline")
    if args.scenario is None and args.target:
        scenario = _scenario_before_due(scenario, args.target, args.reading)
    if args.reading and not args.target:
        raise ArgumentError("--reading needs --target", source="--reading")
    if args.target and args.statistic:
        raise ArgumentError("give --target or --statistic, not both", source="--statistic")
    out = common.check_out(args.out)
    what: Target | str
    if args.target:
        from kzforecast.targets import get_target

        what = get_target(args.target, args.reading)
    elif args.statistic:
        what = args.statistic
    else:
        what = f"vehicle_output:{scenario.horizon}"
        if args.method == "tornado":
            what = "mean:" + what
    from kzforecast.analysis.sensitivity import model_sobol_indices, tornado
    from kzforecast.report.sensitivity_charts import sobol_chart, tornado_chart

    try:
        if args.method == "tornado":
            table = tornado(
                scenario, what, paths=args.paths, seed=args.seed, parameters=args.parameters
            )
        else:
            table = model_sobol_indices(
                scenario, what, n=args.n, seed=args.seed, parameters=args.parameters
            )
    except KzForecastError:
        raise
    except (ValueError, TypeError) as exc:
        raise ArgumentError(str(exc), source="sensitivity") from None
    output = table.attrs.get("output", "")
    if args.method == "tornado":
        print(
            f"Tornado: scenario {scenario.name!r}, output {output}, {args.paths:,} paths per "
            f"run, seed {args.seed}; parameters held at their 10% and 90% quantiles\n"
        )
        common.print_table(table.set_index("parameter"), max_colwidth=70)
    else:
        print(
            f"Sobol indices: scenario {scenario.name!r}, output {output}, n = {args.n} "
            f"({table.attrs['evaluations']:,} model paths), seed {args.seed}; "
            f"{table.attrs['confidence']:.0%} bootstrap intervals\n"
        )
        common.print_table(table, max_colwidth=70)
    if out is not None:
        name = f"sensitivity-{args.method}"
        fig = tornado_chart(table) if args.method == "tornado" else sobol_chart(table)
        with output_directory(out) as tmp:  # both files or none
            fig.savefig(tmp / f"{name}.png", format="png")
            table.to_csv(tmp / f"{name}.csv")
        print(f"\nwrote {name}.png, {name}.csv to {out}")
    return 0
