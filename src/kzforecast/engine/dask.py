"""The Dask engine: grid-block chunks as tasks on a ``dask.distributed`` cluster.

Tasks are pure functions of their keys (scenario, seed, block range), so a task
lost with a worker is simply recomputed by Dask and the result is unchanged.
With no client, a ``LocalCluster`` (processes, one thread each) is started for
the run and closed after it. Install with ``pip install 'kzforecast[dask]'``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

__all__ = ["WORKER_ENVIRON", "map_in_order"]

T = TypeVar("T")
R = TypeVar("R")

_MISSING = "the dask engine needs dask.distributed: pip install 'kzforecast[dask]'"

WORKER_ENVIRON: dict[str, str] = {
    "MALLOC_TRIM_THRESHOLD_": str(256 * 2**20),
    "MALLOC_MMAP_THRESHOLD_": str(64 * 2**20),
}
"""Environment for worker processes of the clusters kzforecast starts.

Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` by default, which switches off
glibc's dynamic mmap threshold: path-length temporary arrays (128 KiB at
16,384 paths) are then mapped and unmapped from the OS, and a chunk of 16,384
paths ran about 1.8x slower than in-process (measured). These values keep such arrays on the
heap. For your own cluster, set the same through the dask config key
``distributed.nanny.pre-spawn-environ`` (see docs/scaling.md)."""


def _client(client: Any) -> tuple[Any, Callable[[], None]]:
    try:
        dist: Any = importlib.import_module("distributed")
        dask: Any = importlib.import_module("dask")
    except ImportError:
        raise ImportError(_MISSING) from None
    Client, LocalCluster = dist.Client, dist.LocalCluster
    if client is None:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRON}):
            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        c = Client(cluster)

        def close() -> None:
            c.close()
            cluster.close()

        return c, close
    if isinstance(client, str):
        c = Client(client)
        return c, c.close
    return client, lambda: None


def map_in_order(
    func: Callable[[T], R], items: Sequence[T], *, client: Any = None
) -> Generator[R, None, None]:
    """Apply ``func`` to every item as Dask tasks; yield the results in item order.

    Parameters
    ----------
    func : callable
        The task: a picklable function of one item (it runs in a worker process).
    items : sequence
        Its arguments, one task each.
    client : distributed.Client, str or None
        A client, a scheduler address, or None to start a temporary LocalCluster
        (closed when the generator finishes or is closed).

    Yields
    ------
    object
        ``func(item)`` for each item, in item order; each task's result is
        released on the cluster once yielded.
    """
    c, close = _client(client)
    try:
        futures = c.map(func, list(items), pure=False)
        for fut in futures:
            yield fut.result()
            fut.release()
    finally:
        close()
