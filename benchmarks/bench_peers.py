"""kzforecast against its peers, and time to +-0.5 pp per sampling mode. Prints; asserts nothing.

1. The same question through three tools: 10 years of an ARIMA(1,1,0) with drift on
   log output (phi = 0.6, drift 0.05, innovation sd 0.12, from 171,442 vehicles): the
   kzforecast trend model (no devaluation effect: ``b_q = 0``), statsmodels
   ``SARIMAX(order=(1, 1, 0), trend="c").simulate(..., repetitions=N)``, and monaco
   when it is installed (skipped with a note otherwise). Runs are interleaved in one
   process (tool A, tool B, tool A, ...) and the minimum of the repeats is kept;
   the table prints nanoseconds per path-year and the ratio to kzforecast at 1e3,
   1e4 and 1e5 paths.
2. ``check_until(precision=0.005, confidence=0.95)`` on each built-in scenario's
   targets in force at its as-of year, per sampling mode: wall time, paths used and
   whether it converged within the budget.

    python benchmarks/bench_peers.py            # ~2-4 min on 2 cores
    python benchmarks/bench_peers.py --quick    # 1e3 and 1e4 paths, baseline only
"""

from __future__ import annotations

import argparse
import math
import platform
import time
import warnings
from collections.abc import Callable

import numpy as np

import kzforecast
from kzforecast import Scenario, check_until, load_targets, simulate
from kzforecast.analysis.compare import Sampling

YEARS = 10
PHI, DRIFT, SD, Q0 = 0.6, 0.05, 0.12, 171_442.0


def trend_arima() -> Scenario:
    """The ARIMA(1,1,0)-with-drift question as a kzforecast trend scenario."""
    return Scenario.from_dict(
        {
            "name": "arima110",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2025 + YEARS,
            "initial": {
                "vehicle_output": Q0,
                "output_growth": DRIFT,
                "new_vehicle_sales": 200_000.0,
                "domestic_share_of_sales": 0.6,
                "export_demand": 5_000.0,
                "usd_kzt": 500.0,
                "rub_kzt": 6.0,
                "local_content_share": 0.3,
                "ckd_share": 0.1,
                "processing_output_index": 1.4,
                "processing_exports_usd_bn": 25.0,
                "processing_investment_kzt_trn": 1.7,
            },
            "blocks": {
                "capacity": {"existing": 1e7},
                "trend": {"mu_q": DRIFT, "phi": PHI, "s_q": SD, "b_q": 0.0},
            },
        }
    )


def run_kzforecast(n: int) -> float:
    sim = simulate(trend_arima(), paths=n, seed=1)
    return float(sim.summary("vehicle_output")["mean"].iloc[-1])


def make_statsmodels() -> Callable[[int], float] | None:
    try:
        from statsmodels.tsa.statespace.sarimax import SARIMAX
    except ImportError:
        return None
    # a short history ending at Q0 with growth DRIFT, so the simulation starts from there
    hist = np.log(Q0) - DRIFT * np.arange(8)[::-1]
    model = SARIMAX(hist, order=(1, 1, 0), trend="c")
    # SARIMAX's constant is the intercept of the differenced series: drift * (1 - phi)
    params = np.array([DRIFT * (1 - PHI), PHI, SD**2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        filtered = model.filter(params)  # the state at the end of the history

    def run(n: int) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sims = filtered.simulate(YEARS, anchor="end", repetitions=n)
        return float(np.exp(np.asarray(sims)[-1]).mean())

    return run


def make_monaco() -> Callable[[int], float] | None:
    try:
        import monaco  # noqa: F401
    except ImportError:
        return None
    return None  # pragma: no cover - not installed where this was written


def best_of(fn: Callable[[int], float], n: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(n)
        times.append(time.perf_counter() - t0)
    return min(times)


def peers(sizes: list[int]) -> None:
    tools: dict[str, Callable[[int], float]] = {"kzforecast": run_kzforecast}
    sm = make_statsmodels()
    if sm is not None:
        tools["statsmodels"] = sm
    else:
        print("statsmodels: not installed, skipped")
    mo = make_monaco()
    if mo is None:
        print("monaco: not installed, skipped (pip install monaco to compare)")
    print(f"\nARIMA(1,1,0) with drift, {YEARS} years: ns per path-year (min of repeats)")
    print(f"{'paths':>8} " + " ".join(f"{k:>14}" for k in tools) + "   ratio to kzforecast")
    for n in sizes:
        for fn in tools.values():
            fn(min(n, 1000))  # warm up
        repeats = 5 if n <= 10_000 else 3
        best = dict.fromkeys(tools, math.inf)
        for _ in range(repeats):  # interleaved: one run of each tool per round
            for k, fn in tools.items():
                best[k] = min(best[k], best_of(fn, n, 1))
        ns = {k: v / (n * YEARS) * 1e9 for k, v in best.items()}
        ratios = ", ".join(
            f"{k} {ns[k] / ns['kzforecast']:.1f}x" for k in tools if k != "kzforecast"
        )
        print(f"{n:>8} " + " ".join(f"{ns[k]:>14.1f}" for k in tools) + f"   {ratios}")


def precision(names: list[str]) -> None:
    print("\ncheck_until(precision=0.005, confidence=0.95, batch=4096, max_paths=1e6), seed 1:")
    print(f"{'scenario':>14} {'targets':>7} {'sampling':>10} {'seconds':>8} {'paths':>8} converged")
    modes: tuple[Sampling, ...] = ("random", "antithetic", "sobol")
    for name in names:
        sc = Scenario.builtin(name)
        targets = load_targets(in_force=sc.as_of)
        for sampling in modes:  # warm-up of this scenario's caches
            check_until(sc, targets, batch=4096, max_paths=4096, seed=0, sampling=sampling)
        for sampling in modes:
            t0 = time.perf_counter()
            table, _ = check_until(
                sc, targets, precision=0.005, batch=4096, seed=1, sampling=sampling
            )
            dt = time.perf_counter() - t0
            n_eval = int((table["status"] == "evaluated").sum())
            print(
                f"{name:>14} {n_eval:>7} {sampling:>10} {dt:>8.2f} "
                f"{table.attrs['paths']:>8} {table.attrs['converged']}"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1e3 and 1e4 paths, baseline only")
    args = ap.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.platform())
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"kzforecast {kzforecast.__version__}"
    )
    peers([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    names = ["baseline"] if args.quick else [
        "baseline", "devaluation", "export-push", "ministry-2016", "russia-slump"
    ]  # fmt: skip
    precision(names)


if __name__ == "__main__":
    main()
