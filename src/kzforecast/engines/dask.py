"""The Dask engine: grid-block chunks as tasks on a ``dask.distributed`` cluster.

Tasks are pure functions of their keys (scenario, seed, block range), so a task
lost with a worker is simply recomputed by Dask and the result is unchanged.
With no client, a ``LocalCluster`` (processes, one thread each) is started for
the run and closed after it. Install with ``pip install 'kzforecast[dask]'``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["map_in_order"]

_MISSING = "the dask engine needs dask.distributed: pip install 'kzforecast[dask]'"


def _client(client: Any) -> tuple[Any, Callable[[], None]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError(_MISSING) from None
    if client is None:
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
    func: Callable[[Any], Any], items: Sequence[Any], *, client: Any = None
) -> Iterator[Any]:
    """Apply ``func`` to every item as Dask tasks; yield results in item order.

    ``client`` is a ``distributed.Client``, a scheduler address, or None (a
    temporary LocalCluster).
    """
    c, close = _client(client)
    try:
        futures = c.map(func, list(items), pure=False)
        for fut in futures:
            yield fut.result()
            fut.release()
    finally:
        close()
