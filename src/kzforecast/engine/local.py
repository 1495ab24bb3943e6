"""The local engine: grid-block chunks on threads of this process.

NumPy releases the GIL in the kernel's array operations, so a second thread
gains on a multi-core machine. Results are handed back in chunk order whatever
the order in which the threads finish them.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["map_in_order"]

T = TypeVar("T")
R = TypeVar("R")


def map_in_order(
    func: Callable[[T], R], items: Sequence[T], *, threads: int = 1
) -> Generator[R, None, None]:
    """Apply ``func`` to every item, on ``threads`` threads; yield the results in item order.

    Parameters
    ----------
    func : callable
        The task (it must be safe to run on several threads at once).
    items : sequence
        Its arguments, one task each.
    threads : int, default 1
        Worker threads; with 1 the tasks run one after another in the calling thread.

    Yields
    ------
    object
        ``func(item)`` for each item, in item order. With several threads at
        most ``2 * threads + 1`` tasks are in flight or waiting to be taken, so
        memory stays flat however many items there are.
    """
    if threads == 1:
        for item in items:
            yield func(item)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: list[Future[R]] = []
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) > 2 * threads:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()
