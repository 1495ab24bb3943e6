"""Execution engine: seeding, draws, the block runner and the local and Dask engines.

``local`` (default) runs chunks of grid blocks in this process (optionally on
threads); ``dask`` runs them as tasks on a Dask cluster. Every engine returns
the chunk results in grid order and the caller merges them in that order, so
the results are bit-identical whatever the engine or the number of workers.
"""

from __future__ import annotations

from typing import Literal

Engine = Literal["local", "dask"]

__all__ = ["Engine"]
