"""Work buffers that a worker thread reuses from chunk to chunk.

A chunk of 8,192 structural paths over 10 years needs about 30 MiB of shocks,
values and summary scratch; allocating them afresh for every chunk costs page
faults and memory bandwidth, so each worker thread keeps one set.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["WORKER_WORKSPACES", "ThreadWorkspaces", "Workspace"]


class Workspace:
    """Named work buffers of one worker, grown on demand and reused.

    ``take`` hands out a C-contiguous view of the requested shape at the start of
    a flat buffer (replaced by a larger one when too small). The view's contents
    are whatever the last user left there.
    """

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, np.dtype[Any]], NDArray[Any]] = {}

    def take(
        self, name: str, shape: tuple[int, ...], dtype: DTypeLike = np.float64
    ) -> NDArray[Any]:
        """A buffer of ``shape`` and ``dtype`` under ``name`` (uninitialised contents).

        Parameters
        ----------
        name : str
            Which buffer: two names never share memory.
        shape : tuple of int
            The shape of the view returned.
        dtype : numpy dtype, default float64
            Its element type (a name and a dtype make one buffer).

        Returns
        -------
        ndarray
            A C-contiguous view of ``shape``.
        """
        size = math.prod(shape)
        key = (name, np.dtype(dtype))
        buf = self._buffers.get(key)
        if buf is None or buf.size < size:
            buf = np.empty(size, dtype=dtype)
            self._buffers[key] = buf
        return buf[:size].reshape(shape)


class ThreadWorkspaces:
    """One :class:`Workspace` per thread, kept for as long as this object lives."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self) -> Workspace:
        """The calling thread's workspace (created on its first call)."""
        ws: Workspace | None = getattr(self._local, "workspace", None)
        if ws is None:
            ws = self._local.workspace = Workspace()
        return ws


WORKER_WORKSPACES = ThreadWorkspaces()
"""The work buffers of the threads that run Dask tasks, kept for as long as each thread lives.

Without them every task would allocate and page-fault a fresh set (about 100 MiB
for 32,768 structural paths). Measured on a 2-core machine, 2 workers: 1.67-1.80 s
without them, 1.43-1.60 s with them (800,000 paths; 11 of 12 runs)."""
