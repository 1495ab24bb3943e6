"""``simulate``: a scenario in, a seeded Monte Carlo :class:`~kzforecast.Simulation` out.

Paths are generated in a fixed grid of blocks of :data:`~kzforecast.engine.seeding.GRID_BLOCK`
paths, each block with its own random streams (one per model block, one per
uncertain parameter), so the result depends only on the scenario, the seed and
the number of paths: not on the memory chunk size, the number of threads or the
engine. Summaries are accumulated block by block, so memory is bounded by the
chunk size unless ``keep_paths=True``.
"""

from __future__ import annotations

import math
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special
from scipy.stats import qmc

from kzforecast._version import __version__
from kzforecast.engine.kernel_inputs import run_kernel
from kzforecast.engine.seeding import (
    GRID_BLOCK,
    STREAM,
    SeedLike,
    block_generator,
    root_seed_sequence,
    seed_record,
)
from kzforecast.errors import ScenarioError
from kzforecast.model.kernel import (
    SHOCK_SHAPES,
    Initial,
    Shocks,
    model_streams,
    model_uses_block,
    model_variables,
)
from kzforecast.results.simulation import Simulation
from kzforecast.results.summary import (
    BlockMoments,
    Moments,
    Sketch,
    SparseSketch,
    block_moments,
    sparse_sketch_of,
)
from kzforecast.scenario import DESTINATIONS, Scenario

__all__ = [
    "DEFAULT_PATHS",
    "concat_parameters",
    "concat_shocks",
    "draw_parameters",
    "draw_shocks",
    "resolve_initial",
    "simulate",
]

Arr = NDArray[np.float64]
Sampling = Literal["random", "antithetic", "sobol"]
_U_EPS = 1e-12

#: The default number of Monte Carlo paths of every public function and command
#: (P(met) to about +-0.35 percentage points at one standard error).
DEFAULT_PATHS = 20_000

DEFAULT_BLOCK_SIZE = {"structural": 2 * GRID_BLOCK, "trend": 8 * GRID_BLOCK}
"""``simulate``'s default chunk per model: similar memory (the trend model has 4 variables
instead of 22), and measured fastest or within 4% of it on a 2-core machine."""

BlockHook = Callable[[int, Arr, dict[str, Any]], Any]
"""Called per grid block with (block index, values (V, T, n), parameters); returns a payload."""


def _normals(gen: np.random.Generator, lead: tuple[int, ...], sampling: Sampling) -> Arr:
    """Standard normals of shape ``(*lead, GRID_BLOCK)``."""
    if sampling == "sobol":
        d = int(np.prod(lead)) if lead else 1
        eng = qmc.Sobol(d, scramble=True, seed=gen)
        u = eng.random_base2(int(math.log2(GRID_BLOCK)))  # (GRID_BLOCK, d)
        z = special.ndtri(np.clip(u, _U_EPS, 1 - _U_EPS)).T
        return np.ascontiguousarray(z.reshape(*lead, GRID_BLOCK))
    if sampling == "antithetic":
        # pairs (z, -z) side by side, so every even-length prefix (a partial
        # last block) stays balanced
        half = gen.standard_normal((*lead, GRID_BLOCK // 2))
        return np.stack([half, -half], axis=-1).reshape(*lead, GRID_BLOCK)
    return gen.standard_normal((*lead, GRID_BLOCK))


def _uniforms(gen: np.random.Generator, lead: tuple[int, ...], sampling: Sampling) -> Arr:
    if sampling == "antithetic":
        half = gen.random((*lead, GRID_BLOCK // 2))
        return np.stack([half, 1.0 - half], axis=-1).reshape(*lead, GRID_BLOCK)
    return gen.random((*lead, GRID_BLOCK))


@dataclass(frozen=True)
class _ParamSpec:
    path: str
    dist: Any
    key: int  # stream key
    fixed_value: float | None  # value of a point mass (or a zero-width distribution)


_SPEC_CACHE: dict[int, tuple[weakref.ref[Scenario], tuple[_ParamSpec, ...], Any]] = {}


def _param_specs(scenario: Scenario) -> tuple[tuple[_ParamSpec, ...], Any]:
    """Parameter paths, distributions, stream keys and the copula factor, computed once per
    scenario object (they are the same for every block)."""
    hit = _SPEC_CACHE.get(id(scenario))
    if hit is not None and hit[0]() is scenario:
        return hit[1], hit[2]
    specs = []

    def used(path: str) -> bool:
        return model_uses_block(scenario.model, path.split(".")[1])

    correlated = set(scenario.correlation.parameters) if scenario.correlation else set()
    if not any(used(p) for p in correlated):
        correlated = set()  # the copula only mixes parameters this model does not use
    for path, dist in scenario.parameters().items():
        # a model draws only the parameters its equations use (and all those of a copula
        # that mixes one of them); every parameter has its own stream, so this changes
        # no other draw
        if not used(path) and path not in correlated:
            continue
        fixed = None
        if dist.is_fixed:
            fixed = float(dist.value) if dist.dist == "fixed" else float(dist.quantile(0.5))
        specs.append(_ParamSpec(path, dist, scenario.stream_key(path), fixed))
    corr = scenario.correlation
    factor = corr.gaussian_factor() if corr is not None and correlated else None
    if len(_SPEC_CACHE) > 64:
        _SPEC_CACHE.clear()
    _SPEC_CACHE[id(scenario)] = (weakref.ref(scenario), tuple(specs), factor)
    return tuple(specs), factor


def draw_parameters(
    scenario: Scenario, root: np.random.SeedSequence, block: int, n: int, sampling: Sampling
) -> dict[str, Any]:
    """Per-path parameter values of one grid block by dotted path (floats for point masses)."""
    return _draw_chunk_parameters(scenario, root, [block], [n], sampling)


def _draw_chunk_parameters(
    scenario: Scenario,
    root: np.random.SeedSequence,
    blocks: Sequence[int],
    sizes: Sequence[int],
    sampling: Sampling,
) -> dict[str, Any]:
    """Per-path parameter values of consecutive grid blocks, side by side.

    Each parameter's normal scores come from its own stream in every block; the
    copula and the quantile function then run once over the whole chunk. Both
    are element-wise (the copula as explicit products in a fixed order, not a
    BLAS matrix product), so the values are the same whatever the chunking.
    """
    specs, factor = _param_specs(scenario)
    kind: Sampling = "antithetic" if sampling == "antithetic" else "random"
    n = sum(sizes)
    z: dict[str, Arr] = {}
    for sp in specs:
        if sp.fixed_value is None:
            zz = np.empty(n)
            start = 0
            for b, m in zip(blocks, sizes):
                gen = block_generator(root, b, STREAM["params"], sp.key)
                if kind == "random" and m == GRID_BLOCK:
                    gen.standard_normal(out=zz[start : start + m])
                else:
                    zz[start : start + m] = _normals(gen, (), kind)[:m]
                start += m
            z[sp.path] = zz
    corr = scenario.correlation
    if factor is not None and corr is not None:
        names = list(corr.parameters)
        mixed = []
        for i in range(len(names)):
            acc = factor[i, 0] * z[names[0]]
            for j in range(1, len(names)):
                acc += factor[i, j] * z[names[j]]
            mixed.append(acc)
        for name, v in zip(names, mixed):
            z[name] = v
    out: dict[str, Any] = {}
    for sp in specs:
        out[sp.path] = (
            sp.fixed_value if sp.fixed_value is not None else sp.dist.ppf_from_normal(z[sp.path])
        )
    return out


def draw_shocks(
    root: np.random.SeedSequence,
    block: int,
    n_years: int,
    n: int,
    sampling: Sampling,
    model: str | None = None,
) -> Shocks:
    """One grid block's shocks: the streams of ``model`` (every stream when None)."""
    normal: dict[str, Arr] = {}
    uniform: dict[str, Arr] = {}
    streams = SHOCK_SHAPES if model is None else model_streams(model)
    for stream, (nn, nu) in streams.items():
        gen = block_generator(root, block, STREAM[stream])
        normal[stream] = _normals(gen, (nn, n_years), sampling)[..., :n]
        uniform[stream] = _uniforms(gen, (nu, n_years), sampling)[..., :n]
    if model == "trend":
        return Shocks(normal, uniform, np.empty((0, n)))
    gen = block_generator(root, block, STREAM["destinations"])
    dest = _normals(gen, (len(DESTINATIONS),), "random" if sampling == "random" else "antithetic")
    dest = dest[..., :n]
    return Shocks(normal, uniform, dest)


def _draw_chunk_shocks(
    root: np.random.SeedSequence,
    blocks: Sequence[int],
    sizes: Sequence[int],
    n_years: int,
    sampling: Sampling,
    ws: _Workspace | None = None,
    model: str = "structural",
) -> Shocks:
    """The shocks of consecutive grid blocks, side by side along the path axis.

    The same numbers as concatenating ``draw_shocks`` of each block; with plain
    random sampling each block's variates are drawn into a reused block buffer
    (``Generator.standard_normal(out=...)``) and copied into the chunk's buffers,
    so a chunk allocates nothing.
    """
    n = sum(sizes)
    if ws is None:
        ws = _Workspace()
    streams = model_streams(model)
    n_dest = 0 if model == "trend" else len(DESTINATIONS)
    normal = {k: ws.take(f"normal.{k}", (nn, n_years, n)) for k, (nn, _) in streams.items()}
    uniform = {k: ws.take(f"uniform.{k}", (nu, n_years, n)) for k, (_, nu) in streams.items()}
    dest = ws.take("destinations", (n_dest, n))
    start = 0
    for b, m in zip(blocks, sizes):
        sl = slice(start, start + m)
        if sampling == "random":
            for stream, (nn, nu) in streams.items():
                gen = block_generator(root, b, STREAM[stream])
                tmp = ws.take("block.normal", (nn, n_years, GRID_BLOCK))
                gen.standard_normal(out=tmp)
                normal[stream][..., sl] = tmp[..., :m]
                if nu:
                    tmp = ws.take("block.uniform", (nu, n_years, GRID_BLOCK))
                    gen.random(out=tmp)
                    uniform[stream][..., sl] = tmp[..., :m]
            if n_dest:
                gen = block_generator(root, b, STREAM["destinations"])
                tmp = ws.take("block.destinations", (n_dest, GRID_BLOCK))
                gen.standard_normal(out=tmp)
                dest[:, sl] = tmp[:, :m]
        else:
            part = draw_shocks(root, b, n_years, m, sampling, model)
            for stream in streams:
                normal[stream][..., sl] = part.normal[stream]
                uniform[stream][..., sl] = part.uniform[stream]
            dest[:, sl] = part.destinations
        start += m
    return Shocks(normal, uniform, dest)


class _Workspace:
    """Work buffers one worker reuses from chunk to chunk.

    A chunk of 8,192 paths over 10 years needs about 30 MiB of shocks, values
    and summary scratch; allocating them afresh for every chunk costs page
    faults and memory bandwidth, so each worker keeps one set. ``take`` hands out a
    C-contiguous view of the requested shape at the start of a flat buffer
    (grown when too small).
    """

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, Any], NDArray[Any]] = {}

    def take(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64) -> NDArray[Any]:
        size = math.prod(shape)
        key = (name, np.dtype(dtype))
        buf = self._buffers.get(key)
        if buf is None or buf.size < size:
            buf = np.empty(size, dtype=dtype)
            self._buffers[key] = buf
        return buf[:size].reshape(shape)


_THREAD_LOCAL = threading.local()


def _run_chunk_cached(plan: _Plan, blocks: range, *, keep: bool, hook: BlockHook | None) -> Any:
    """``_run_chunk`` with this thread's long-lived work buffers: the task a Dask worker runs.

    Without them every task would allocate and page-fault a fresh set (about
    100 MiB for 32,768 structural paths). Measured on a 2-core machine, 2 workers:
    1.67-1.80 s without them, 1.43-1.60 s with them (800,000 paths; 11 of 12 runs).
    A worker thread keeps one set for as long as it lives.
    """
    ws = getattr(_THREAD_LOCAL, "workspace", None)
    if ws is None:
        ws = _THREAD_LOCAL.workspace = _Workspace()
    return _run_chunk(plan, blocks, keep=keep, hook=hook, workspace=ws)


def concat_shocks(parts: Sequence[Shocks]) -> Shocks:
    if len(parts) == 1:
        return parts[0]
    return Shocks(
        {k: np.concatenate([p.normal[k] for p in parts], axis=-1) for k in parts[0].normal},
        {k: np.concatenate([p.uniform[k] for p in parts], axis=-1) for k in parts[0].uniform},
        np.concatenate([p.destinations for p in parts], axis=-1),
    )


def concat_parameters(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if len(parts) == 1:
        return parts[0]
    out: dict[str, Any] = {}
    for k, v in parts[0].items():
        out[k] = v if isinstance(v, float) else np.concatenate([p[k] for p in parts])
    return out


def resolve_initial(scenario: Scenario, history: Any = None) -> tuple[Initial, dict[str, str]]:
    """Fill the scenario's missing initial state from history at (or before) ``as_of``.

    Returns the resolved state and, per field, where its value came from.
    """
    init = scenario.initial
    provenance: dict[str, str] = {}
    values: dict[str, float] = {}
    missing = init.missing()
    hist = None
    if missing:
        if history is None:
            from kzforecast.data import load_history

            history = load_history()
        hist = history
    fallback = {
        # fields with a natural value when history has nothing up to as_of
        "output_growth": ("trend drift mu_q (no growth history)", None),
        "export_demand": ("0: no export figure up to as_of (exports start at x_start)", 0.0),
        "ckd_share": ("no history: 0", 0.0),
    }
    for name in type(init).model_fields:
        given = getattr(init, name)
        if given is not None:
            values[name] = float(given)
            provenance[name] = "scenario"
            continue
        assert hist is not None
        series = "export_units" if name == "export_demand" else name
        if name == "output_growth":
            col = hist.get("vehicle_output")
            if col is not None:
                col = col.loc[: scenario.as_of].dropna()
            if col is not None and len(col) >= 2 and col.index[-1] - col.index[-2] == 1:
                values[name] = float(np.log(col.iloc[-1] / col.iloc[-2]))
                provenance[name] = f"history {col.index[-2]}-{col.index[-1]}"
                continue
            values[name] = float(scenario.blocks.trend.mu_q.mean())
            provenance[name] = fallback[name][0]
            continue
        col = hist[series].loc[: scenario.as_of].dropna() if series in hist else None
        if col is not None and len(col):
            values[name] = float(col.iloc[-1])
            provenance[name] = f"history {series} {int(col.index[-1])}"
            continue
        if name in fallback and fallback[name][1] is not None:
            values[name] = float(fallback[name][1])  # type: ignore[arg-type]
            provenance[name] = fallback[name][0]
            continue
        raise ScenarioError(
            f"no value given and none in history up to {scenario.as_of}",
            source=scenario.name,
            location=f"initial.{name}",
            allowed="a number in the scenario's [initial] table",
        )
    from pydantic import ValidationError

    from kzforecast.scenario import InitialState

    try:
        InitialState.model_validate(values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = str(err["loc"][0])
        raise ScenarioError(
            f"{err['msg'].lower()}, got {values.get(name)!r} from {provenance.get(name)}",
            source=scenario.name,
            location=f"initial.{name}",
            allowed="fix the history, or give the value in the scenario's [initial] table",
        ) from None
    if values["domestic_share_of_sales"] >= 1.0 or values["domestic_share_of_sales"] <= 0.0:
        raise ScenarioError(
            f"must lie strictly between 0 and 1, got {values['domestic_share_of_sales']!r} from "
            f"{provenance.get('domestic_share_of_sales')}",
            source=scenario.name,
            location="initial.domestic_share_of_sales",
        )
    return Initial(**values), provenance


def _with_initial_state(history: Any, as_of: int, init: Initial) -> Any:
    """History with its as-of-year gaps filled from the scenario's initial state.

    The initial state *is* the scenario's value for the as-of year, so targets
    that reach back to it (cumulative sums, growth from the as-of year) use it
    where the history has no figure.
    """
    import pandas as pd

    out = history.copy()
    if as_of not in out.index:
        out.loc[as_of] = np.nan
        out = out.sort_index()
    for name in init.__dataclass_fields__:
        if name in ("output_growth", "export_demand"):
            continue
        if name not in out.columns:
            out[name] = np.nan
        if pd.isna(out.loc[as_of, name]):
            out.loc[as_of, name] = getattr(init, name)
    return out


@dataclass(frozen=True)
class _Plan:
    scenario: Scenario
    root: np.random.SeedSequence
    init: Initial
    n_paths: int
    sampling: Sampling
    first_block: int = 0

    @property
    def n_blocks(self) -> int:
        return -(-self.n_paths // GRID_BLOCK)

    def block_len(self, b: int) -> int:
        return min(GRID_BLOCK, self.n_paths - (b - self.first_block) * GRID_BLOCK)


@dataclass
class _ChunkResult:
    moments: list[BlockMoments]  # one per grid block, in order
    vmin: Arr  # per (variable, year) over the chunk's paths
    vmax: Arr
    sketch: SparseSketch  # integer counts: merge order does not matter
    payloads: list[Any]  # one per grid block, in order
    values: Arr | None


def _run_chunk(
    plan: _Plan,
    blocks: range,
    *,
    keep: bool,
    hook: BlockHook | None,
    workspace: _Workspace | None = None,
) -> _ChunkResult:
    """Simulate consecutive grid blocks together; moments per block, sketch per chunk."""
    sc = plan.scenario
    years = sc.years
    sizes = [plan.block_len(b) for b in blocks]
    n = sum(sizes)
    ws = workspace if workspace is not None else _Workspace()
    params = _draw_chunk_parameters(sc, plan.root, blocks, sizes, plan.sampling)
    shocks = _draw_chunk_shocks(plan.root, blocks, sizes, len(years), plan.sampling, ws, sc.model)
    shares = (
        shocks.destinations
        if sc.model == "trend"
        else sc.blocks.exports.ordered_destinations().draw(shocks.destinations)
    )
    shape = (len(model_variables(sc.model)), len(years), n)
    out = np.empty(shape) if keep else ws.take("values", shape)
    values = run_kernel(sc, params, shocks, plan.init, shares, out=out)
    moments = block_moments(values, sizes, ws.take("deviations", (*shape[:2], GRID_BLOCK)))
    payloads: list[Any] = []
    if hook is not None:
        start = 0
        for b, m in zip(blocks, sizes):
            sl = slice(start, start + m)
            pp = {k: v if isinstance(v, float) else v[sl] for k, v in params.items()}
            payloads.append(hook(b, values[:, :, sl], pp))
            start += m
    vmin = values.min(axis=-1)
    vmax = values.max(axis=-1)
    # the sketch is the values' last use: unless they are kept, their bins overwrite them
    bins = ws.take("bins", shape, np.int64) if keep else values.view(np.int64)
    sketch = sparse_sketch_of(values, vmin, vmax, bins=bins)
    return _ChunkResult(moments, vmin, vmax, sketch, payloads, values if keep else None)


class _Accumulator:
    """Merges chunk results as they arrive, in grid-block order (memory stays flat)."""

    def __init__(self) -> None:
        self.moments: Moments | None = None
        self.sketch_counts: NDArray[np.int64] | None = None
        self.payload: Any = None
        self.kept: list[Arr] = []

    def add(self, res: _ChunkResult) -> None:
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
    history: Any = None,
    targets: Sequence[Any] | None = None,
    engine: Literal["local", "dask"] = "local",
    client: Any = None,
    _hook: BlockHook | None = None,
    _first_block: int = 0,
) -> Simulation:
    """Run a Monte Carlo simulation of a scenario.

    Parameters
    ----------
    scenario : Scenario
        What to simulate (see :class:`~kzforecast.Scenario`).
    paths : int, default 10_000
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
        targets). ``sobol`` draws the normal shocks from a scrambled Sobol
        sequence (scipy.stats.qmc) per block: it helps smooth statistics of
        few-year horizons; for indicator (target met) probabilities and long
        horizons its gain is small. Plain ``random`` is the default and the
        only one whose standard errors are the textbook ones.
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
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}")
    if isinstance(paths, bool) or not isinstance(paths, int | np.integer) or paths < 1:
        raise ValueError(f"paths must be an integer >= 1, got {paths!r}")
    if paths > 2_000_000_000:
        raise ValueError(f"paths must be at most 2e9, got {paths}")
    if block_size is None:
        block_size = DEFAULT_BLOCK_SIZE[scenario.model]
    if (
        isinstance(block_size, bool)
        or not isinstance(block_size, int | np.integer)
        or block_size < GRID_BLOCK
        or block_size % GRID_BLOCK
    ):
        raise ValueError(
            f"block_size must be a positive multiple of {GRID_BLOCK} (the fixed random grid), "
            f"got {block_size!r}"
        )
    if sampling not in ("random", "antithetic", "sobol"):
        raise ValueError(f"sampling must be 'random', 'antithetic' or 'sobol', got {sampling!r}")
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', got {engine!r}")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError(
                "engine='dask' needs dask.distributed: pip install 'kzforecast[dask]'"
            ) from None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    variables = model_variables(scenario.model)
    if keep_paths and paths * len(variables) * len(scenario.years) * 8 > 8 * 2**30:
        raise ValueError(
            "keep_paths=True would need more than 8 GiB; use keep_paths=False (summaries only) "
            "or fewer paths"
        )
    if paths < 1000:
        warnings.warn(
            f"{paths} paths give target probabilities with a standard error up to "
            f"{50 / math.sqrt(paths):.1f} percentage points; use at least 1000",
            UserWarning,
            stacklevel=2,
        )
    root = root_seed_sequence(seed)
    init, provenance = resolve_initial(scenario, history)
    raw_history = history
    target_list: list[Any] = []
    target_status: dict[tuple[str, str], str | None] = {}
    if targets is not None:
        if not list(targets):
            from kzforecast.errors import TargetError

            raise TargetError(
                "an empty target set", source="simulate(targets=...)", allowed="targets=None"
            )
        if history is None:
            from kzforecast.data import load_history

            history = load_history()
        from kzforecast.results.evaluate import evaluate_block, metric_status

        raw_history = history
        history = _with_initial_state(history, scenario.as_of, init)

        for t in targets:
            why = metric_status(t, scenario.as_of, scenario.horizon, history, variables)
            target_status[(t.id, t.reading)] = why
            if why is None:
                target_list.append(t)
        if target_list and _hook is None:
            hist = history
            years_ = scenario.years

            def _hook(b: int, part: Arr, pp: dict[str, Any]) -> Any:
                return evaluate_block(target_list, part, variables, years_, hist, scenario.as_of)

    plan = _Plan(scenario, root, init, int(paths), sampling, _first_block)
    per_chunk = block_size // GRID_BLOCK
    end = _first_block + plan.n_blocks
    chunks = [range(s, min(s + per_chunk, end)) for s in range(_first_block, end, per_chunk)]

    local = threading.local()  # one set of work buffers per worker thread

    def work(c: range) -> _ChunkResult:
        ws = getattr(local, "workspace", None)
        if ws is None:
            ws = local.workspace = _Workspace()
        return _run_chunk(plan, c, keep=keep_paths, hook=_hook, workspace=ws)

    show = progress if progress is not None else sys.stderr.isatty()
    from tqdm.auto import tqdm

    bar = tqdm(
        total=plan.n_paths,
        unit="path",
        unit_scale=True,
        disable=not show or len(chunks) < 2,
        delay=0.5,
        desc=f"simulate {scenario.name}",
    )
    acc = _Accumulator()
    try:
        if engine == "dask":
            from functools import partial

            from kzforecast.engine.dask import map_in_order

            task = partial(_run_chunk_cached, plan, keep=keep_paths, hook=_hook)
            for c, res in zip(chunks, map_in_order(task, chunks, client=client)):
                acc.add(res)
                bar.update(sum(plan.block_len(b) for b in c))
        elif threads == 1:
            for c in chunks:
                acc.add(work(c))
                bar.update(sum(plan.block_len(b) for b in c))
        else:
            # a bounded window of chunks in flight keeps memory flat; results are
            # merged strictly in chunk order
            with ThreadPoolExecutor(max_workers=threads) as pool:
                pending: list[Any] = []
                for c in chunks:
                    pending.append((c, pool.submit(work, c)))
                    if len(pending) > 2 * threads:
                        c0, fut = pending.pop(0)
                        acc.add(fut.result())
                        bar.update(sum(plan.block_len(b) for b in c0))
                for c0, fut in pending:
                    acc.add(fut.result())
                    bar.update(sum(plan.block_len(b) for b in c0))
    finally:
        bar.close()
    assert acc.moments is not None
    assert acc.sketch_counts is not None
    path_values = None
    if keep_paths:
        path_values = np.concatenate(acc.kept, axis=-1).transpose(0, 2, 1)
    attrs: dict[str, Any] = {
        "seed": seed_record(root),
        "paths": plan.n_paths,
        "grid_block": GRID_BLOCK,
        "first_block": _first_block,
        "sampling": sampling,
        "kzforecast_version": __version__,
        "numpy_version": np.__version__,
        "initial_state": {k: getattr(init, k) for k in init.__dataclass_fields__},
        "initial_state_source": provenance,
    }
    target_payload = acc.payload if target_list else None
    return Simulation(
        target_payload=target_payload,
        targets=tuple(targets) if targets is not None else (),
        target_status=target_status,
        history=raw_history,
        scenario=scenario,
        years=scenario.years,
        variables=variables,
        n_paths=plan.n_paths,
        moments=acc.moments,
        sketch=Sketch(acc.sketch_counts),
        paths=path_values,
        attrs=attrs,
    )
