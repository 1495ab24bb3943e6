"""``simulate``: a scenario in, a seeded Monte Carlo :class:`~kzforecast.Simulation` out.

Paths are generated in a fixed grid of blocks of :data:`~kzforecast.engine.seeding.GRID_BLOCK`
paths, each block with its own random streams (one per model block, one per
uncertain parameter), so the result depends only on the scenario, the seed and
the number of paths: not on the memory chunk size, the number of threads or the
engine. Summaries are accumulated block by block, so memory is bounded by the
chunk size unless ``keep_paths=True``.

:func:`simulate` checks its arguments and runs grid blocks ``0, 1, ...``;
:func:`simulate_blocks` runs any range of grid blocks of a seed (a later range
continues the same run, and :meth:`Simulation.merge` joins adjacent ranges).
The draws, the initial state and the block runner live in
:mod:`~kzforecast.engine.draws`, :mod:`~kzforecast.engine.initial` and
:mod:`~kzforecast.engine.runner`; the names other modules use are re-exported here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast._version import __version__
from kzforecast.engine import Engine
from kzforecast.engine.counting import BlockCounts, Prepared, prepare
from kzforecast.engine.draws import (
    Sampling,
    concat_parameters,
    concat_shocks,
    draw_parameters,
    draw_shocks,
)
from kzforecast.engine.initial import resolve_initial
from kzforecast.engine.runner import DEFAULT_BLOCK_SIZE, Plan, run_blocks
from kzforecast.engine.seeding import GRID_BLOCK, SeedLike, root_seed_sequence, seed_record
from kzforecast.errors import ArgumentError, ArgumentTypeError
from kzforecast.model.kernel import model_variables
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = [
    "DEFAULT_PATHS",
    "Prepared",
    "concat_parameters",
    "concat_shocks",
    "draw_parameters",
    "draw_shocks",
    "prepare",
    "resolve_initial",
    "simulate",
    "simulate_blocks",
]

Arr = NDArray[np.float64]

#: The default number of Monte Carlo paths of every public function and command
#: (P(met) to about +-0.35 percentage points at one standard error).
DEFAULT_PATHS = 20_000


def simulate(
    scenario: Scenario,
    *,
    paths: int = DEFAULT_PATHS,
    seed: SeedLike = None,
    keep_paths: bool = False,
    block_size: int | None = None,
    sampling: Sampling = "random",
    threads: int = 1,
    progress: bool | None = None,
    history: pd.DataFrame | None = None,
    targets: Sequence[Target] | None = None,
    engine: Engine = "local",
    client: Any = None,
    variables: Sequence[str] | None = None,
) -> Simulation:
    """Run a Monte Carlo simulation of a scenario.

    Parameters
    ----------
    scenario : Scenario
        What to simulate (see :class:`~kzforecast.Scenario`).
    paths : int, default DEFAULT_PATHS (20,000)
        Number of Monte Carlo paths (>= 1).
    seed : int, sequence of int, SeedSequence or None
        Root seed. ``None`` draws fresh entropy, recorded in
        ``Simulation.attrs["seed"]`` so the run can be repeated.
    keep_paths : bool, default False
        Keep the full ``variable x path x year`` array (memory grows with
        ``paths``); otherwise only block-merged summaries are kept.
    block_size : int, optional
        Paths processed together in memory: a multiple of the fixed random grid
        of 4096 paths. It changes memory use and speed, never the results.
        Default: 8192 for the structural model (about 50 MiB of work buffers
        over 10 years) and 32768 for the trend model, which has 4 variables
        instead of 22 (about 30 MiB).
    sampling : {"random", "antithetic", "sobol"}
        ``antithetic`` pairs every path with its mirror (shocks ``-e``, uniforms
        ``1 - u``, parameter normals ``-z``): it reduces the variance of means of
        outputs that are close to monotone in the shocks (levels, growth
        targets). ``sobol`` draws every grid block from one scrambled Sobol
        design over all the run's dimensions (every stream, year, destination and
        parameter; see :class:`~kzforecast.engine.draws.SobolLayout`), each block an
        independent scramble: it helps smooth statistics; for indicator (target
        met) probabilities its gain is small. :func:`kzforecast.check` reports the
        Monte Carlo error of each mode from what is independent in it: paths
        (``random``, the default), antithetic pairs, or grid blocks (``sobol``,
        which needs at least two blocks, 4,097 paths, to estimate it).
    threads : int, default 1
        Worker threads for chunks with the local engine (results are identical
        for any number).
    engine : {"local", "dask"}, default "local"
        Where the chunks run. ``"dask"`` makes each chunk of grid blocks a Dask
        task (``pip install 'kzforecast[dask]'``); results are bit-identical to
        the local engine for any number of workers.
    client : distributed.Client, str or None
        For ``engine="dask"``: a client, a scheduler address, or None to start
        a temporary LocalCluster for this run.
    progress : bool or None
        Show a progress bar (tqdm). ``None``: only when stderr is a terminal.
    history : DataFrame, optional
        Wide history (:func:`kzforecast.load_history`) used to fill the
        scenario's missing initial state and the past years of targets;
        default the shipped data.
    targets : sequence of Target, optional
        Target readings to count during the run (see :func:`kzforecast.check`):
        met counts, joint counts, shortfalls, first year met and metric
        sketches are accumulated block by block, so probabilities are exact
        path counts even when paths are not kept.
    variables : sequence of str, optional
        Summarise (and keep) only these of the model's variables, in this order
        (default: every one). Targets are counted on every variable whatever
        this says; the other variables' summaries are the same as without it.

    Returns
    -------
    Simulation

    Examples
    --------
    >>> from kzforecast import Scenario, simulate
    >>> sim = simulate(Scenario.builtin("baseline"), paths=2000, seed=1)
    >>> sim.n_paths
    2000
    >>> bool((sim.summary("vehicle_output")["p50"] > 0).all())
    True
    """
    # over 80 lines only by its docstring (the public reference); the code checks the
    # arguments, warns of few paths and hands the grid blocks 0, 1, ... to simulate_blocks
    _check_arguments(scenario, paths, block_size, sampling, threads, engine, keep_paths)
    _check_variables(scenario, variables)
    if paths < 1000:
        warnings.warn(
            f"{paths} paths give target probabilities with a standard error up to "
            f"{50 / math.sqrt(paths):.1f} percentage points; use at least 1000",
            UserWarning,
            stacklevel=2,
        )
    root = root_seed_sequence(seed)
    n_blocks = -(-int(paths) // GRID_BLOCK)
    return simulate_blocks(
        scenario,
        root,
        range(n_blocks),
        paths=int(paths),
        keep_paths=keep_paths,
        block_size=block_size,
        sampling=sampling,
        threads=threads,
        progress=progress,
        history=history,
        targets=targets,
        engine=engine,
        client=client,
        variables=variables,
    )


def _check_variables(scenario: Scenario, variables: Sequence[str] | None) -> None:
    """``simulate``'s ``variables=`` check: known to the scenario's model, not repeated."""
    if variables is None:
        return
    if isinstance(variables, str):
        raise ArgumentTypeError(
            f"variables must be a sequence of variable names, got the string {variables!r}",
            source="simulate",
        )
    known = model_variables(scenario.model)
    unknown = [v for v in variables if v not in known]
    if unknown or not variables or len(set(variables)) != len(variables):
        raise ArgumentError(
            f"variables must be distinct variables of the {scenario.model} model, "
            f"got {list(variables)!r}",
            source="simulate",
            allowed=", ".join(known),
        )


def _check_arguments(
    scenario: Scenario,
    paths: int,
    block_size: int | None,
    sampling: str,
    threads: int,
    engine: str,
    keep_paths: bool,
) -> None:
    """``simulate``'s argument checks (ValueError, TypeError or ImportError)."""
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(
            f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}"
        )
    if isinstance(paths, bool) or not isinstance(paths, int | np.integer) or paths < 1:
        raise ArgumentError(f"paths must be an integer >= 1, got {paths!r}")
    if paths > 2_000_000_000:
        raise ArgumentError(f"paths must be at most 2e9, got {paths}")
    if block_size is None:
        block_size = DEFAULT_BLOCK_SIZE[scenario.model]
    if (
        isinstance(block_size, bool)
        or not isinstance(block_size, int | np.integer)
        or block_size < GRID_BLOCK
        or block_size % GRID_BLOCK
    ):
        raise ArgumentError(
            f"block_size must be a positive multiple of {GRID_BLOCK} (the fixed random grid), "
            f"got {block_size!r}"
        )
    if sampling not in ("random", "antithetic", "sobol"):
        raise ArgumentError(f"sampling must be 'random', 'antithetic' or 'sobol', got {sampling!r}")
    if engine not in ("local", "dask"):
        raise ArgumentError(f"engine must be 'local' or 'dask', got {engine!r}")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError(
                "engine='dask' needs dask.distributed: pip install 'kzforecast[dask]'"
            ) from None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ArgumentError(f"threads must be an integer >= 1, got {threads!r}")
    n_variables = len(model_variables(scenario.model))
    if keep_paths and paths * n_variables * len(scenario.years) * 8 > 8 * 2**30:
        raise ArgumentError(
            "keep_paths=True would need more than 8 GiB; use keep_paths=False (summaries only) "
            "or fewer paths"
        )


def simulate_blocks(
    scenario: Scenario,
    root: np.random.SeedSequence,
    blocks: range,
    *,
    paths: int | None = None,
    keep_paths: bool = False,
    block_size: int | None = None,
    sampling: Sampling = "random",
    threads: int = 1,
    progress: bool | None = None,
    history: pd.DataFrame | None = None,
    targets: Sequence[Target] | None = None,
    engine: Engine = "local",
    client: Any = None,
    prepared: Prepared | None = None,
    variables: Sequence[str] | None = None,
) -> Simulation:
    """Simulate the paths of a range of grid blocks of one root seed.

    The engine under :func:`simulate` (which runs blocks ``0, 1, ...`` after
    checking its arguments; this function checks none). Block ``b`` holds paths
    ``b * GRID_BLOCK`` to ``(b + 1) * GRID_BLOCK - 1`` of the seed's run, so a
    range that starts where another ends continues it, and
    :meth:`~kzforecast.Simulation.merge` joins the two.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    root : numpy.random.SeedSequence
        The root seed (:func:`~kzforecast.engine.seeding.root_seed_sequence`).
    blocks : range
        Consecutive grid blocks (step 1).
    paths : int, optional
        Paths in all: every block full (the default) except perhaps the last.
    keep_paths, block_size, sampling, threads, progress, history, targets, engine, client
        As for :func:`simulate`.
    variables : sequence of str, optional
        As for :func:`simulate` (not checked here).
    prepared : Prepared, optional
        :func:`prepare` of the same scenario, history, targets and sampling, to
        reuse across calls (the initial state and which targets can be counted
        are then not worked out again); ``history`` and ``targets`` are ignored.

    Returns
    -------
    Simulation
        With ``attrs["first_block"] == blocks.start``.
    """
    # over 80 lines only by its docstring: the code plans, runs and builds the result
    n_paths = len(blocks) * GRID_BLOCK if paths is None else int(paths)
    if prepared is None:
        prepared = prepare(scenario, history=history, targets=targets, sampling=sampling)
    init, provenance, chosen = prepared.init, prepared.provenance, prepared.targets
    status, hook, recorded_history = prepared.status, prepared.hook, prepared.history
    every = model_variables(scenario.model)
    names = tuple(every) if variables is None else tuple(variables)
    rows = None if variables is None else tuple(every.index(v) for v in names)
    plan = Plan(scenario, root, init, n_paths, sampling, blocks, rows)
    run = run_blocks(
        plan,
        block_size=block_size if block_size is not None else DEFAULT_BLOCK_SIZE[scenario.model],
        keep=keep_paths,
        hook=hook,
        engine=engine,
        threads=threads,
        client=client,
        progress=progress,
    )
    attrs: dict[str, Any] = {
        "seed": seed_record(root),
        "paths": n_paths,
        "grid_block": GRID_BLOCK,
        "first_block": blocks.start,
        "sampling": sampling,
        "kzforecast_version": __version__,
        "numpy_version": np.__version__,
        "initial_state": {k: getattr(init, k) for k in init.__dataclass_fields__},
        "initial_state_source": provenance,
    }
    counts: BlockCounts | None = run.payload if hook is not None else None
    return Simulation(
        target_payload=counts.payload if counts is not None else None,
        target_clusters=counts.clusters if counts is not None else None,
        targets=chosen or (),
        target_status=status,
        history=recorded_history,
        scenario=scenario,
        years=scenario.years,
        variables=names,
        n_paths=n_paths,
        moments=run.moments,
        sketch=run.sketch,
        paths=run.paths,
        attrs=attrs,
    )
