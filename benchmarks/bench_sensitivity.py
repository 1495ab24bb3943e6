"""Cost of model Sobol indices against the cost of the model evaluations they need.

Run:  python benchmarks/bench_sensitivity.py [--n 4096] [--repeat 3]

For the built-in baseline scenario (structural model, 2026-2035) and the output
``vehicle_output`` in 2030, with the 10 uncertain parameters that move it most
in a tornado (mu_M and b_M are rank-correlated, so they form one grouped input:
9 inputs), it times (minimum of ``timeit.repeat``):

* ``model_sobol_indices(..., n=N)`` end to end, 200 bootstrap resamples;
* the model evaluations alone, two ways: ``simulate(baseline, paths=P)`` for
  the same number of paths P = (inputs + 3) N (draws, kernel, summaries), and
  the time spent inside ``run_kernel`` during the Sobol run (the kernel only);
* the estimator alone: the Saltelli/Jansen estimates plus the bootstrap on
  the outputs of the run.

and prints the ratios. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
import timeit

import numpy as np
import pandas as pd
import scipy

import kzforecast
import kzforecast.analysis.sensitivity.model_sobol as model_sobol
from kzforecast import Scenario, simulate
from kzforecast.analysis.sensitivity.saltelli import indices_table
from kzforecast.sensitivity import model_sobol_indices

PARAMETERS = [
    "blocks.market.mu_M",  # with b_M (rank correlation 0.5): one grouped input
    "blocks.exchange_rate.p_dev",
    "blocks.exchange_rate.jump_mean",
    "blocks.exchange_rate.mu_z",
    "blocks.capacity.plants.5.delay",
    "blocks.domestic_share.k_S",
    "blocks.output.u_max",
    "blocks.exports.mu_X",
    "blocks.capacity.existing",
]
OUTPUT = "vehicle_output:2030"


def header() -> None:
    print(f"date       {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"platform   {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"processor  {platform.processor() or 'n/a'}")
    print(f"python     {sys.version.split()[0]}")
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, "
        f"kzforecast {kzforecast.__version__}"
    )
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2**12)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    header()
    sc = Scenario.builtin("baseline")
    n = args.n

    def sobol() -> pd.DataFrame:
        return model_sobol_indices(sc, OUTPUT, n=n, seed=1, parameters=PARAMETERS)

    table = sobol()  # warm-up (tabulated quantile functions, imports)
    inputs = len(table) - 1  # minus the noise row
    paths = table.attrs["evaluations"]
    t_sobol = min(timeit.repeat(sobol, number=1, repeat=args.repeat))

    # time inside the kernel during one Sobol run (model_sobol's run_kernel, wrapped)
    spent = [0.0]
    original = model_sobol.run_kernel

    def timed(*a: object, **k: object) -> object:
        t0 = time.perf_counter()
        try:
            return original(*a, **k)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - t0

    kernel_times = []
    model_sobol.run_kernel = timed  # type: ignore[assignment]
    try:
        for _ in range(args.repeat):
            spent[0] = 0.0
            sobol()
            kernel_times.append(spent[0])
    finally:
        model_sobol.run_kernel = original
    t_kernel = min(kernel_times)

    t_sim = min(
        timeit.repeat(lambda: simulate(sc, paths=paths, seed=1), number=1, repeat=args.repeat)
    )

    # the estimator alone, on outputs of the same shape
    rng = np.random.default_rng(0)
    fa, fb = rng.standard_normal(n), rng.standard_normal(n)
    fab = rng.standard_normal((inputs + 1, n))
    names = [f"x{i}" for i in range(inputs + 1)]
    t_est = min(
        timeit.repeat(
            lambda: indices_table(
                names, fa, fb, fab, bootstrap=200, confidence=0.95, gen=np.random.default_rng(1)
            ),
            number=1,
            repeat=args.repeat,
        )
    )

    print(
        f"baseline, output {OUTPUT}, {inputs} inputs ({len(PARAMETERS) + 1} parameters), "
        f"n = {n}, 1 path per row, {paths:,} model paths, 200 bootstrap resamples; "
        f"min of {args.repeat}\n"
    )
    rows = [
        ("model_sobol_indices, end to end", t_sobol),
        (f"simulate(baseline, paths={paths:,})", t_sim),
        ("run_kernel inside the Sobol run", t_kernel),
        ("estimator + bootstrap alone", t_est),
    ]
    for name, t in rows:
        print(f"  {name:<45} {t:8.3f} s")
    print()
    print(f"  Sobol / simulate of the same paths          {t_sobol / t_sim:8.2f}")
    print(f"  Sobol / kernel time                         {t_sobol / t_kernel:8.2f}")
    print(f"  estimator share of the Sobol run            {t_est / t_sobol:8.1%}")
    print()
    with pd.option_context("display.width", 160, "display.precision", 3):
        print(table)


if __name__ == "__main__":
    main()
