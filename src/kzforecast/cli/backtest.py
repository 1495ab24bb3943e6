"""``kzforecast backtest``: score past forecasts against what happened."""

from __future__ import annotations

from typing import Any

from kzforecast._io import output_directory
from kzforecast.cli import _common as common
from kzforecast.errors import ArgumentError


def add_parser(subparsers: Any) -> Any:
    """Register ``kzforecast backtest`` on the CLI's sub-parsers; returns the parser.

    ``kzforecast backtest [--vintages 2018 2019 ...] [--horizon H] [--model trend|structural]
    [--paths N] [--seed S] [--out DIR]`` prints the summary and, with ``--out``,
    writes ``scores.csv``, ``summary.csv``, ``pit.png``, ``coverage.png`` and
    ``fans.png`` there (all or none: a failure leaves no file and no new directory).
    """
    p = subparsers.add_parser(
        "backtest", help="score past forecasts (calibrated at each vintage) against outcomes"
    )
    p.add_argument("--vintages", type=int, nargs="+", default=[2018, 2019, 2020, 2021, 2022, 2023])
    p.add_argument("--horizon", type=int, default=3, help="leads scored: 1..H")
    p.add_argument("--model", choices=["trend", "structural"], default="trend")
    p.add_argument("--paths", type=common.positive_int, default=common.DEFAULT_PATHS)
    p.add_argument("--seed", type=common.seed, default=common.DEFAULT_SEED)
    p.add_argument("--out", help="directory for scores.csv, summary.csv and the charts")
    p.set_defaults(func=_cmd_backtest)
    return p


def _cmd_backtest(args: Any) -> int:
    out = common.check_out(args.out)
    from kzforecast.analysis.backtest import backtest

    res = backtest(
        vintages=args.vintages,
        horizon=args.horizon,
        model=args.model,
        paths=args.paths,
        seed=args.seed,
    )
    if res.scores.empty:
        raise ArgumentError(
            "no year after these vintages has an observed value to score",
            source="backtest",
            location="--vintages",
            allowed="vintages with at least one later exact or derived observation",
        )
    print(
        f"Backtest of the {res.model} model, vintages {' '.join(map(str, res.vintages))}, "
        f"leads 1-{res.horizon}, {res.paths:,} paths, seed {args.seed}\n"
    )
    common.print_table(res.summary().round(3))
    n_skip = res.skipped["year"].notna().sum()
    if n_skip:
        reasons = res.skipped.dropna(subset=["year"])["reason"].value_counts()
        print("\nnot scored: " + "; ".join(f"{k} ({v})" for k, v in reasons.items()))
    if out is not None:
        from kzforecast.report.backtest_charts import coverage_chart, fan_charts, pit_chart

        with output_directory(out) as tmp:  # all files or none
            res.scores.to_csv(tmp / "scores.csv", index=False)
            res.summary().to_csv(tmp / "summary.csv")
            for name, fig in (
                ("pit", pit_chart(res)),
                ("coverage", coverage_chart(res)),
                ("fans", fan_charts(res)),
            ):
                fig.savefig(tmp / f"{name}.png", format="png", dpi=110)
        print(f"\nwrote scores.csv, summary.csv, pit.png, coverage.png, fans.png to {out}")
    return 0
