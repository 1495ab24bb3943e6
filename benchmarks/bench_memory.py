"""Peak memory of kzforecast.simulate(keep_paths=False) at 1e5, 1e6 and 1e7 paths.

Run:  python benchmarks/bench_memory.py [--sizes 100000 1000000 10000000] [--model structural]

Each size runs in a fresh subprocess: it imports everything and builds the
scenario, reads ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (the baseline),
runs ``simulate(scenario, paths=N, seed=1)`` once, and reads it again. The
figure printed is peak resident memory above that baseline (MiB), with the
run's wall time and path-years per second (one cold run: it includes first-call
costs). Each child's address space is capped (default 60% of RAM) so that a
size that does not fit fails with MemoryError rather than the OOM killer. The scenario is the fixed one of
bench_core.py (10-year horizon, every block volatile). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
if {cap}:
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
sys.path.insert(0, {here!r})
import numpy as np
from bench_core import bench_scenario
from kzforecast import simulate
from kzforecast.engine.seeding import GRID_BLOCK
from kzforecast.model.kernel import VARIABLES
sc = bench_scenario({model!r})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    sim = simulate(sc, paths={paths}, seed=1, keep_paths=False)
    error = None
except MemoryError as exc:
    error = "MemoryError: " + str(exc)[:120]
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"base_kib": base, "peak_kib": peak, "seconds": dt,
                   "years": len(sc.years), "error": error}}))
"""


def _mem_total() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_one(paths: int, model: str, cap: int) -> dict[str, Any]:
    code = CHILD.format(here=str(HERE), paths=paths, model=model, cap=cap)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--model", default="structural", choices=["structural", "trend"])
    ap.add_argument(
        "--mem-cap-gib",
        type=float,
        default=None,
        help="address-space limit per child (default 60%% of RAM): a run that "
        "needs more fails with MemoryError instead of waking the OOM killer",
    )
    args = ap.parse_args()
    cap_gib = args.mem_cap_gib if args.mem_cap_gib is not None else 0.6 * _mem_total() / 2**30
    cap = int(cap_gib * 2**30)

    sys.path.insert(0, str(HERE))
    from bench_core import header

    from kzforecast.engine.runner import DEFAULT_BLOCK_SIZE
    from kzforecast.engine.seeding import GRID_BLOCK
    from kzforecast.model.kernel import model_streams, model_variables
    from kzforecast.results.summary import N_BINS

    block = DEFAULT_BLOCK_SIZE[args.model]
    header("kzforecast bench_memory")
    print(
        f"model {args.model}, keep_paths=False, threads=1, block_size={block} (the default); "
        "one fresh subprocess per size; ru_maxrss is in KiB on Linux; "
        f"address space capped at {cap_gib:.1f} GiB per child"
    )
    n_years = 10
    n_var = len(model_variables(args.model))
    values = n_var * n_years * block * 8
    shocks = sum(a + b for a, b in model_streams(args.model).values()) * n_years * block * 8
    scratch = n_var * n_years * GRID_BLOCK * 8
    sketch = n_var * n_years * N_BINS * 8
    print(
        f"one chunk's reused buffers: values {values / 2**20:.1f} MiB (their sketch bins "
        f"overwrite them), shocks {shocks / 2**20:.1f} MiB, deviations scratch "
        f"{scratch / 2**20:.1f} MiB; the merged sketch {sketch / 2**20:.1f} MiB"
    )
    print()
    print(
        f"{'paths':>12}{'baseline MiB':>14}{'peak MiB':>10}{'above base':>12}"
        f"{'seconds':>10}{'path-yr/s':>12}"
    )
    for n in args.sizes:
        r = run_one(n, args.model, cap)
        base = r["base_kib"] / 1024
        peak = r["peak_kib"] / 1024
        rate = f"{n * r['years'] / r['seconds']:>12.3g}" if r["error"] is None else "      failed"
        print(f"{n:>12,}{base:>14.1f}{peak:>10.1f}{peak - base:>12.1f}{r['seconds']:>10.2f}{rate}")
        if r["error"] is not None:
            print(f"{'':>12}  {r['error']} (after {r['seconds']:.1f} s; peak is at the failure)")


if __name__ == "__main__":
    main()
