"""Execution engine: seeding, draws, the block runner and the local and Dask engines.

Modules, from the bottom up:

* :mod:`~kzforecast.engine.seeding`: root seeds and one random stream per (grid block, stream);
* :mod:`~kzforecast.engine.draws`: parameter and shock draws of grid blocks;
* :mod:`~kzforecast.engine.initial`: the initial state, gaps filled from history;
* :mod:`~kzforecast.engine.kernel_inputs`: drawn parameters to the kernel, and its run;
* :mod:`~kzforecast.engine.workspace`: work buffers reused from chunk to chunk;
* :mod:`~kzforecast.engine.local` and :mod:`~kzforecast.engine.dask`: the engines, which
  run chunks of grid blocks and hand the results back in grid order;
* :mod:`~kzforecast.engine.runner`: the block-range runner (a range of grid blocks in,
  merged summaries out);
* :mod:`~kzforecast.engine.simulate`: :func:`~kzforecast.simulate`, a Simulation out.

``local`` (default) runs chunks of grid blocks in this process (optionally on
threads); ``dask`` runs them as tasks on a Dask cluster. Every engine returns
the chunk results in grid order and the caller merges them in that order, so
the results are bit-identical whatever the engine or the number of workers.
"""

from __future__ import annotations

from typing import Literal

Engine = Literal["local", "dask"]
"""Where chunks of grid blocks run: ``"local"`` (threads of this process) or ``"dask"``."""

__all__ = ["Engine"]
