"""Throughput of the Dask engine against the local engine, measured in one run.

Prints, for a run large enough that task overhead is small (a few seconds of
work): seconds and path-years per second for the local engine and for a Dask
LocalCluster with 1 and 2 worker processes (one thread each), the parallel
efficiency at 2 workers (local time / (2 x dask-2 time)) and the per-task
overhead in milliseconds ((dask-1 time - local time) / tasks). Cluster start-up
is excluded: the client is created before timing. Results are also checked to
be bit-identical.

Usage: python benchmarks/bench_scaling.py [--paths N] [--block-size B]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from kzforecast import Scenario, __version__, simulate


def _time(fn, repeat: int = 2):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _noop(x: int) -> int:
    return x


def _warm_worker() -> None:
    """Run once in every worker: imports, quantile tables and a small simulation."""
    simulate(Scenario.builtin("baseline"), paths=8192, seed=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=800_000)
    ap.add_argument("--block-size", type=int, default=32_768)
    args = ap.parse_args()
    import dask
    import distributed

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"kzforecast {__version__}, numpy {np.__version__}, dask {dask.__version__}, "
          f"distributed {distributed.__version__}")  # fmt: skip
    sc = Scenario.builtin("baseline")
    n_years = len(sc.years)
    tasks = -(-args.paths // args.block_size)
    kw = {"paths": args.paths, "seed": 1, "block_size": args.block_size}
    simulate(sc, paths=8192, seed=1)  # warm-up
    t_local, ref = _time(lambda: simulate(sc, **kw))
    rows = [("local", 1, t_local)]
    noop_ms = float("nan")
    results = {}
    from kzforecast.engine.dask import WORKER_ENVIRON

    for workers in (1, 2):
        with (
            dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRON}),
            distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster,
            distributed.Client(cluster) as client,
        ):  # fmt: skip
            client.run(_warm_worker)  # warm up every worker, not only the first to get a task
            simulate(sc, paths=8192, seed=1, engine="dask", client=client)
            t, res = _time(lambda c=client: simulate(sc, engine="dask", client=c, **kw))
            if workers == 1:
                n_noop = 200
                t0 = time.perf_counter()
                client.gather(client.map(_noop, range(n_noop), pure=False))
                noop_ms = (time.perf_counter() - t0) / n_noop * 1000
        rows.append((f"dask, {workers} worker{'s' * (workers > 1)}", workers, t))
        results[workers] = res
    same = all(np.array_equal(r.moments.mean, ref.moments.mean) for r in results.values())
    print(f"\nrun: {args.paths:,} paths x {n_years} years, block_size {args.block_size:,} "
          f"({tasks} tasks); identical to local: {same}\n")  # fmt: skip
    print(f"{'engine':<18}{'seconds':>9}{'path-yr/s':>12}")
    for name, _, t in rows:
        print(f"{name:<18}{t:>9.2f}{args.paths * n_years / t:>12.3g}")
    t1 = rows[1][2]
    t2 = rows[2][2]
    print(
        f"\nparallel efficiency at 2 workers: {t_local / (2 * t2):.2f} (vs local), "
        f"{t1 / (2 * t2):.2f} (vs dask 1 worker)"
    )
    print(f"per-task overhead: {(t1 - t_local) / tasks * 1000:+.1f} ms from the run "
          f"(dask 1 worker - local, per task; noise is of the same order), "
          f"{noop_ms:.2f} ms for an empty task (scheduling round trip)")  # fmt: skip


if __name__ == "__main__":
    main()
