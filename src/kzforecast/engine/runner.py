"""The block-range runner: a range of grid blocks in, accumulated summaries out.

A :class:`Plan` names what to run (a scenario, a root seed, its initial state and
a range of grid blocks). :func:`run_blocks` cuts the range into chunks of whole
grid blocks, runs them through an engine (:mod:`~kzforecast.engine.local` or
:mod:`~kzforecast.engine.dask`), which hands the chunk results back in grid
order, and merges them in that order (:class:`Accumulator`), so the summaries
depend only on the plan: not on the chunk size, the engine or its workers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kzforecast.engine import Engine
from kzforecast.engine.dask import map_in_order as map_on_dask
from kzforecast.engine.draws import (
    Sampling,
    draw_chunk_parameters,
    draw_chunk_shocks,
    sobol_layout,
)
from kzforecast.engine.kernel_inputs import run_kernel
from kzforecast.engine.local import map_in_order as map_local
from kzforecast.engine.seeding import GRID_BLOCK
from kzforecast.engine.workspace import WORKER_WORKSPACES, ThreadWorkspaces, Workspace
from kzforecast.errors import ArgumentError
from kzforecast.model.kernel import Initial, model_variables
from kzforecast.results.summary import (
    BlockMoments,
    Moments,
    Sketch,
    SparseSketch,
    block_moments,
    sparse_sketch_of,
)
from kzforecast.scenario import Scenario

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "Accumulator",
    "BlockHook",
    "BlockSummaries",
    "ChunkResult",
    "Plan",
    "run_blocks",
    "run_chunk",
    "run_chunk_on_worker",
]

Arr = NDArray[np.float64]

DEFAULT_BLOCK_SIZE = {"structural": 2 * GRID_BLOCK, "trend": 8 * GRID_BLOCK}
"""``simulate``'s default chunk per model: similar memory (the trend model has 4 variables
instead of 22), and measured fastest or within 4% of it on a 2-core machine."""

BlockHook = Callable[[int, Arr, dict[str, Any]], Any]
"""Called per grid block with (block index, values (V, T, n), parameters); returns a payload
with a ``merge(other)`` method (payloads are merged in grid-block order)."""


@dataclass(frozen=True)
class Plan:
    """What to run: ``n_paths`` paths on the consecutive grid ``blocks`` of one root seed.

    Every block holds :data:`~kzforecast.engine.seeding.GRID_BLOCK` paths but the
    last, which may hold fewer. A plan is small and pickles, so it can be sent
    to Dask workers.
    """

    scenario: Scenario
    root: np.random.SeedSequence
    init: Initial
    n_paths: int
    sampling: Sampling
    blocks: range
    rows: tuple[int, ...] | None = None  # the variables summarised (None: every one)

    def __post_init__(self) -> None:
        if self.blocks.step != 1 or self.blocks.start < 0:
            raise ArgumentError(
                f"blocks must be a range of grid blocks with step 1, got {self.blocks}"
            )
        if self.n_paths < 1 or len(self.blocks) != -(-self.n_paths // GRID_BLOCK):
            raise ArgumentError(
                f"{self.n_paths} paths do not fill the {len(self.blocks)} grid blocks "
                f"{self.blocks} ({GRID_BLOCK} paths each, the last one possibly partial)"
            )

    @property
    def n_blocks(self) -> int:
        """Number of grid blocks."""
        return len(self.blocks)

    def block_len(self, b: int) -> int:
        """Paths in grid block ``b`` (one of ``blocks``)."""
        return min(GRID_BLOCK, self.n_paths - (b - self.blocks.start) * GRID_BLOCK)

    def chunks(self, block_size: int) -> list[range]:
        """The blocks cut into consecutive chunks of ``block_size // GRID_BLOCK`` blocks."""
        per_chunk = block_size // GRID_BLOCK
        start, end = self.blocks.start, self.blocks.stop
        return [range(s, min(s + per_chunk, end)) for s in range(start, end, per_chunk)]


@dataclass
class ChunkResult:
    """The summaries of one chunk of grid blocks."""

    moments: list[BlockMoments]  # one per grid block, in order
    vmin: Arr  # per (variable, year) over the chunk's paths
    vmax: Arr
    sketch: SparseSketch  # integer counts: merge order does not matter
    payloads: list[Any]  # one per grid block, in order
    values: Arr | None  # the values (V, T, n) when kept


def run_chunk(
    plan: Plan,
    blocks: range,
    *,
    keep: bool,
    hook: BlockHook | None,
    workspace: Workspace | None = None,
) -> ChunkResult:
    """Simulate consecutive grid blocks of a plan together; moments per block, sketch per chunk.

    Parameters
    ----------
    plan : Plan
        What is run.
    blocks : range
        The chunk: consecutive blocks of ``plan.blocks``.
    keep : bool
        Return the simulated values too (in a fresh array; otherwise they live in
        ``workspace`` and are overwritten by the sketch's bins).
    hook : callable, optional
        Called per grid block (see :data:`BlockHook`).
    workspace : Workspace, optional
        Work buffers to reuse (default: fresh ones).

    Returns
    -------
    ChunkResult
    """
    sc = plan.scenario
    years = sc.years
    sizes = [plan.block_len(b) for b in blocks]
    n = sum(sizes)
    ws = workspace if workspace is not None else Workspace()
    params = draw_chunk_parameters(sc, plan.root, blocks, sizes, plan.sampling)
    layout = sobol_layout(sc) if plan.sampling == "sobol" else None
    shocks = draw_chunk_shocks(
        plan.root, blocks, sizes, len(years), plan.sampling, ws, sc.model, layout
    )
    shares = (
        shocks.destinations
        if sc.model == "trend"
        else sc.blocks.exports.ordered_destinations().draw(shocks.destinations)
    )
    shape = (len(model_variables(sc.model)), len(years), n)
    out = np.empty(shape) if keep else ws.take("values", shape)
    values = run_kernel(sc, params, shocks, plan.init, shares, out=out)
    payloads = _payloads(blocks, sizes, values, params, hook)
    if plan.rows is not None:  # summarise only the variables asked for (a copy of their rows)
        values = values[list(plan.rows)]
        shape = values.shape
    moments = block_moments(values, sizes, ws.take("deviations", (*shape[:2], GRID_BLOCK)))
    vmin = values.min(axis=-1)
    vmax = values.max(axis=-1)
    # the sketch is the values' last use: unless they are kept, their bins overwrite them
    bins = ws.take("bins", shape, np.int64) if keep else values.view(np.int64)
    sketch = sparse_sketch_of(values, vmin, vmax, bins=bins)
    return ChunkResult(moments, vmin, vmax, sketch, payloads, values if keep else None)


def _payloads(
    blocks: range, sizes: list[int], values: Arr, params: dict[str, Any], hook: BlockHook | None
) -> list[Any]:
    """The hook's payload of every grid block of a chunk, in order."""
    payloads: list[Any] = []
    if hook is not None:
        start = 0
        for b, m in zip(blocks, sizes):
            sl = slice(start, start + m)
            pp = {k: v if isinstance(v, float) else v[sl] for k, v in params.items()}
            payloads.append(hook(b, values[:, :, sl], pp))
            start += m
    return payloads


def run_chunk_on_worker(
    plan: Plan, blocks: range, *, keep: bool, hook: BlockHook | None
) -> ChunkResult:
    """:func:`run_chunk` with this thread's long-lived work buffers: the task a Dask worker runs.

    See :data:`~kzforecast.engine.workspace.WORKER_WORKSPACES` for why.
    """
    return run_chunk(plan, blocks, keep=keep, hook=hook, workspace=WORKER_WORKSPACES.get())


class Accumulator:
    """Merges chunk results as they arrive, in grid-block order (memory stays flat)."""

    def __init__(self) -> None:
        self.moments: Moments | None = None
        self.sketch_counts: NDArray[np.int64] | None = None
        self.payload: Any = None
        self.kept: list[Arr] = []

    def add(self, res: ChunkResult) -> None:
        """Merge the next chunk's result (chunks must come in grid order)."""
        for m in res.moments:
            if self.moments is None:
                self.moments = Moments(m.count, m.mean, m.m2, res.vmin, res.vmax)
            else:
                self.moments = self.moments.add_block(m, res.vmin, res.vmax)
        self.sketch_counts = res.sketch.add_to(self.sketch_counts)
        for p in res.payloads:
            self.payload = p if self.payload is None else self.payload.merge(p)
        if res.values is not None:
            self.kept.append(res.values)


@dataclass(frozen=True)
class BlockSummaries:
    """What :func:`run_blocks` returns: the merged summaries of a plan's paths."""

    n_paths: int
    moments: Moments
    sketch: Sketch
    payload: Any = None  # the hook's payloads merged (None without a hook)
    paths: Arr | None = None  # (variable, path, year) when kept


def run_blocks(
    plan: Plan,
    *,
    block_size: int,
    keep: bool = False,
    hook: BlockHook | None = None,
    engine: Engine = "local",
    threads: int = 1,
    client: Any = None,
    progress: bool | None = None,
) -> BlockSummaries:
    """Run a plan's grid blocks in chunks through an engine and merge the results in grid order.

    Parameters
    ----------
    plan : Plan
        The grid blocks to run.
    block_size : int
        Paths per chunk, a multiple of ``GRID_BLOCK`` (checked by the caller).
    keep : bool, default False
        Keep every path's values (``BlockSummaries.paths``).
    hook : callable, optional
        Called per grid block; its payloads are merged (see :data:`BlockHook`).
    engine : {"local", "dask"}, default "local"
        Threads of this process (``threads``) or Dask tasks (``client``).
    threads : int, default 1
        Worker threads of the local engine.
    client : distributed.Client, str or None
        The Dask engine's client or scheduler address (None: a temporary cluster).
    progress : bool or None
        Show a progress bar (tqdm); ``None``: only when stderr is a terminal.

    Returns
    -------
    BlockSummaries
    """
    chunks = plan.chunks(block_size)
    results: Generator[ChunkResult, None, None]
    if engine == "dask":
        task = partial(run_chunk_on_worker, plan, keep=keep, hook=hook)
        results = map_on_dask(task, chunks, client=client)
    else:
        workspaces = ThreadWorkspaces()  # one set of work buffers per thread, for this run

        def work(c: range) -> ChunkResult:
            return run_chunk(plan, c, keep=keep, hook=hook, workspace=workspaces.get())

        results = map_local(work, chunks, threads=threads)
    show = progress if progress is not None else sys.stderr.isatty()
    from tqdm.auto import tqdm

    acc = Accumulator()
    with (
        closing(results),
        tqdm(
            total=plan.n_paths,
            unit="path",
            unit_scale=True,
            disable=not show or len(chunks) < 2,
            delay=0.5,
            desc=f"simulate {plan.scenario.name}",
        ) as bar,
    ):
        for c, res in zip(chunks, results, strict=True):
            acc.add(res)
            bar.update(sum(plan.block_len(b) for b in c))
    assert acc.moments is not None
    assert acc.sketch_counts is not None
    kept = np.concatenate(acc.kept, axis=-1).transpose(0, 2, 1) if keep else None
    return BlockSummaries(plan.n_paths, acc.moments, Sketch(acc.sketch_counts), acc.payload, kept)
