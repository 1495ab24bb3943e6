"""Random draws of one or more grid blocks: uncertain parameters and model shocks.

Every (grid block, stream) pair has its own generator
(:func:`~kzforecast.engine.seeding.block_generator`), so a block's draws are the
same whichever chunk it is drawn in. The chunk functions draw consecutive blocks
side by side along the path axis with the same numbers as concatenating the
one-block functions.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from kzforecast.engine.seeding import GRID_BLOCK, STREAM, block_generator
from kzforecast.engine.workspace import Workspace
from kzforecast.model.kernel import SHOCK_SHAPES, Shocks, model_streams, model_uses_block
from kzforecast.scenario import DESTINATIONS, Scenario
from kzforecast.scenario.distributions import Distribution

__all__ = [
    "U_EPS",
    "ParamSpec",
    "Sampling",
    "SobolLayout",
    "concat_parameters",
    "concat_shocks",
    "draw_chunk_parameters",
    "draw_chunk_shocks",
    "draw_parameters",
    "draw_shocks",
    "param_specs",
    "sobol_design",
    "sobol_layout",
]

Arr = NDArray[np.float64]
Sampling = Literal["random", "antithetic", "sobol"]
U_EPS = 1e-12
"""Uniforms are clipped to ``[U_EPS, 1 - U_EPS]`` before an inverse normal CDF."""


def _normals(gen: np.random.Generator, lead: tuple[int, ...], sampling: Sampling) -> Arr:
    """Standard normals of shape ``(*lead, GRID_BLOCK)`` (random or antithetic)."""
    if sampling == "antithetic":
        # pairs (z, -z) side by side, so every even-length prefix (a partial
        # last block) stays balanced
        half = gen.standard_normal((*lead, GRID_BLOCK // 2))
        return np.stack([half, -half], axis=-1).reshape(*lead, GRID_BLOCK)
    return gen.standard_normal((*lead, GRID_BLOCK))


def _uniforms(gen: np.random.Generator, lead: tuple[int, ...], sampling: Sampling) -> Arr:
    """Uniforms on [0, 1) of shape ``(*lead, GRID_BLOCK)`` (random or antithetic)."""
    if sampling == "antithetic":
        half = gen.random((*lead, GRID_BLOCK // 2))
        return np.stack([half, 1.0 - half], axis=-1).reshape(*lead, GRID_BLOCK)
    return gen.random((*lead, GRID_BLOCK))


@dataclass(frozen=True)
class SobolLayout:
    """Which dimensions of a grid block's Sobol design each draw takes.

    With ``sampling="sobol"`` every grid block draws **one** scrambled Sobol
    design of :data:`GRID_BLOCK` points over all the dimensions the run uses:
    each shock stream in :data:`~kzforecast.model.kernel.SHOCK_SHAPES` order
    (its normal series year by year, then its uniform series), then the
    destinations' normal scores, then one dimension per parameter of
    :func:`param_specs` (a fixed one keeps its unused dimension). A stream
    therefore always takes the same range of dimensions whatever the others
    do, and no two draws share a dimension, so the shocks of different streams
    are not correlated (independent scrambles of the same dimensions are: their
    points come in nearly the same order).

    Each block is scrambled independently (its own seed,
    ``block_generator(root, block, STREAM["sobol"])``): the blocks are independent
    randomised QMC replicates, whose spread gives the Monte Carlo error.
    """

    model: str
    n_years: int
    n_params: int

    @property
    def streams(self) -> dict[str, tuple[int, int]]:
        """The model's shock streams (:func:`model_streams`)."""
        return model_streams(self.model)

    def stream_dims(self, stream: str) -> tuple[slice, slice]:
        """The dimensions of one stream's normals and uniforms."""
        start = 0
        for k, (nn, nu) in self.streams.items():
            if k == stream:
                mid = start + nn * self.n_years
                return slice(start, mid), slice(mid, mid + nu * self.n_years)
            start += (nn + nu) * self.n_years
        raise KeyError(stream)

    @property
    def n_destinations(self) -> int:
        """Destination dimensions (none for the trend model)."""
        return 0 if self.model == "trend" else len(DESTINATIONS)

    @property
    def destination_start(self) -> int:
        """The first destination dimension."""
        return sum((nn + nu) * self.n_years for nn, nu in self.streams.values())

    @property
    def param_start(self) -> int:
        """The first parameter dimension."""
        return self.destination_start + self.n_destinations

    @property
    def dims(self) -> int:
        """Dimensions of the design."""
        return self.param_start + self.n_params


def sobol_layout(scenario: Scenario) -> SobolLayout:
    """The Sobol design's layout for a scenario (see :class:`SobolLayout`).

    Parameters
    ----------
    scenario : Scenario
        The scenario run.

    Returns
    -------
    SobolLayout
    """
    return SobolLayout(scenario.model, len(scenario.years), len(param_specs(scenario)[0]))


@lru_cache(maxsize=8)
def _sobol_design(
    entropy: int | tuple[int, ...], spawn_key: tuple[int, ...], block: int, dims: int
) -> Arr:
    root = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    gen = block_generator(root, block, STREAM["sobol"])
    from scipy.stats import qmc  # only for sampling='sobol': scipy.stats costs ~0.5 s to import

    u = qmc.Sobol(dims, scramble=True, seed=gen).random_base2(int(math.log2(GRID_BLOCK)))
    out = np.ascontiguousarray(u.T)  # (dims, GRID_BLOCK)
    out.setflags(write=False)
    return out


def sobol_design(root: np.random.SeedSequence, block: int, layout: SobolLayout) -> Arr:
    """One grid block's scrambled Sobol points: uniforms of shape ``(dims, GRID_BLOCK)``.

    Parameters
    ----------
    root : numpy.random.SeedSequence
        The run's root seed.
    block : int
        The grid block (each block is an independent scramble).
    layout : SobolLayout
        The run's dimensions.

    Returns
    -------
    ndarray
        Read-only, cached for the last few blocks (parameters and shocks read the same one).
    """
    ent = root.entropy
    key = int(ent) if isinstance(ent, int | np.integer) else tuple(int(e) for e in (ent or []))
    return _sobol_design(key, tuple(int(k) for k in root.spawn_key), block, layout.dims)


def _to_normal(u: Arr) -> Arr:
    return np.asarray(special.ndtri(np.clip(u, U_EPS, 1 - U_EPS)), dtype=np.float64)


@dataclass(frozen=True)
class ParamSpec:
    """One parameter a model draws: its dotted path, distribution and stream key."""

    path: str
    dist: Distribution
    key: int  # stream key
    fixed_value: float | None  # value of a point mass (or a zero-width distribution)


_SPEC_CACHE: dict[int, tuple[weakref.ref[Scenario], tuple[ParamSpec, ...], Any]] = {}


def param_specs(scenario: Scenario) -> tuple[tuple[ParamSpec, ...], Any]:
    """The parameters the scenario's model draws, and the copula factor (or None).

    Computed once per scenario object (they are the same for every block).

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    (specs, factor)
        A :class:`ParamSpec` per drawn parameter, in the scenario's order, and
        the Gaussian copula's lower-triangular factor when the model uses one of
        its parameters.
    """
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
        specs.append(ParamSpec(path, dist, scenario.stream_key(path), fixed))
    corr = scenario.correlation
    factor = corr.gaussian_factor() if corr is not None and correlated else None
    if len(_SPEC_CACHE) > 64:
        _SPEC_CACHE.clear()
    _SPEC_CACHE[id(scenario)] = (weakref.ref(scenario), tuple(specs), factor)
    return tuple(specs), factor


def draw_parameters(
    scenario: Scenario, root: np.random.SeedSequence, block: int, n: int, sampling: Sampling
) -> dict[str, Any]:
    """Per-path parameter values of one grid block.

    Parameters
    ----------
    scenario : Scenario
        Whose parameters (only those its model uses).
    root : numpy.random.SeedSequence
        The run's root seed.
    block : int
        The grid block's index.
    n : int
        How many of the block's paths (its first ``n``).
    sampling : {"random", "antithetic", "sobol"}
        The run's sampling (with ``"sobol"`` each parameter takes its dimension of
        the block's design, :class:`SobolLayout`).

    Returns
    -------
    dict
        Values by dotted path: an array of ``n`` values, or a float for a point mass.
    """
    return draw_chunk_parameters(scenario, root, [block], [n], sampling)


def draw_chunk_parameters(
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
    ``sizes`` gives the paths taken from each block (its first ones).
    """
    specs, factor = param_specs(scenario)
    layout = sobol_layout(scenario) if sampling == "sobol" else None
    n = sum(sizes)
    z: dict[str, Arr] = {}
    for i, sp in enumerate(specs):
        if sp.fixed_value is None:
            zz = np.empty(n)
            start = 0
            for b, m in zip(blocks, sizes):
                if layout is not None:
                    u = sobol_design(root, b, layout)[layout.param_start + i, :m]
                    zz[start : start + m] = _to_normal(u)
                    start += m
                    continue
                gen = block_generator(root, b, STREAM["params"], sp.key)
                if sampling == "random" and m == GRID_BLOCK:
                    gen.standard_normal(out=zz[start : start + m])
                else:
                    zz[start : start + m] = _normals(gen, (), sampling)[:m]
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
    *,
    layout: SobolLayout | None = None,
) -> Shocks:
    """One grid block's shocks.

    Parameters
    ----------
    root : numpy.random.SeedSequence
        The run's root seed.
    block : int
        The grid block's index.
    n_years : int
        Simulated years.
    n : int
        How many of the block's paths (its first ``n``).
    sampling : {"random", "antithetic", "sobol"}
        How the normals are drawn.
    model : str, optional
        Draw the streams of this model only (default: every stream; with
        ``"sobol"``: those of the structural model).
    layout : SobolLayout, optional
        With ``"sobol"``: the run's design (:func:`sobol_layout` of its scenario;
        default: the shocks' dimensions only, without parameters).

    Returns
    -------
    Shocks
        Normals and uniforms per stream, shape ``(k, n_years, n)``, and the
        destinations' normal scores ``(destinations, n)`` (none for the trend model).
    """
    if sampling == "sobol":
        if layout is None:
            layout = SobolLayout(model or "structural", n_years, 0)
        return _sobol_shocks(root, block, n, layout)
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


def _sobol_shocks(root: np.random.SeedSequence, block: int, n: int, layout: SobolLayout) -> Shocks:
    """One grid block's shocks from its Sobol design (see :class:`SobolLayout`)."""
    u = sobol_design(root, block, layout)
    normal: dict[str, Arr] = {}
    uniform: dict[str, Arr] = {}
    for stream, (nn, nu) in layout.streams.items():
        dn, du = layout.stream_dims(stream)
        normal[stream] = _to_normal(u[dn, :n]).reshape(nn, layout.n_years, n)
        uniform[stream] = np.array(u[du, :n]).reshape(nu, layout.n_years, n)
    d0 = layout.destination_start
    dest = _to_normal(u[d0 : d0 + layout.n_destinations, :n])
    return Shocks(normal, uniform, dest)


def draw_chunk_shocks(
    root: np.random.SeedSequence,
    blocks: Sequence[int],
    sizes: Sequence[int],
    n_years: int,
    sampling: Sampling,
    ws: Workspace | None = None,
    model: str = "structural",
    layout: SobolLayout | None = None,
) -> Shocks:
    """The shocks of consecutive grid blocks, side by side along the path axis.

    The same numbers as concatenating ``draw_shocks`` of each block; with plain
    random sampling each block's variates are drawn into a reused block buffer
    (``Generator.standard_normal(out=...)``) and copied into the chunk's buffers
    (views of ``ws``), so a chunk allocates nothing. ``layout`` is the run's
    Sobol design (:func:`sobol_layout`), needed with ``sampling="sobol"``.
    """
    n = sum(sizes)
    if ws is None:
        ws = Workspace()
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
            part = draw_shocks(root, b, n_years, m, sampling, model, layout=layout)
            for stream in streams:
                normal[stream][..., sl] = part.normal[stream]
                uniform[stream][..., sl] = part.uniform[stream]
            dest[:, sl] = part.destinations
        start += m
    return Shocks(normal, uniform, dest)


def concat_shocks(parts: Sequence[Shocks]) -> Shocks:
    """Shocks of consecutive blocks joined along the path axis.

    Parameters
    ----------
    parts : sequence of Shocks
        In path order (one part is returned as it is).

    Returns
    -------
    Shocks
    """
    if len(parts) == 1:
        return parts[0]
    return Shocks(
        {k: np.concatenate([p.normal[k] for p in parts], axis=-1) for k in parts[0].normal},
        {k: np.concatenate([p.uniform[k] for p in parts], axis=-1) for k in parts[0].uniform},
        np.concatenate([p.destinations for p in parts], axis=-1),
    )


def concat_parameters(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Parameter values of consecutive blocks joined along the path axis.

    Parameters
    ----------
    parts : sequence of dict
        :func:`draw_parameters` results in path order; point masses (floats) are
        taken from the first.

    Returns
    -------
    dict
    """
    if len(parts) == 1:
        return parts[0]
    out: dict[str, Any] = {}
    for k, v in parts[0].items():
        out[k] = v if isinstance(v, float) else np.concatenate([p[k] for p in parts])
    return out
