"""Targets against scenarios that need simulations: ``compare``, ``what_it_takes``, ``check_until``.

Each call draws its root seed once (fresh entropy when ``seed=None``) and runs
every simulation it needs from it, so its simulations share their random numbers:
differences between scenarios, or between values of a lever, are the scenarios'
effects and not Monte Carlo noise. The seed used is recorded in the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, get_args

import numpy as np
import pandas as pd

from kzforecast.engine import Engine
from kzforecast.engine.draws import Sampling
from kzforecast.engine.seeding import GRID_BLOCK, SeedLike, root_seed_sequence, seed_record
from kzforecast.engine.simulate import DEFAULT_PATHS, prepare, simulate, simulate_blocks
from kzforecast.errors import ArgumentError, ArgumentTypeError, TargetError
from kzforecast.model.kernel import model_variables
from kzforecast.results.check import check, met_interval
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.scenario.distributions import Distribution
from kzforecast.scenario.plausible import PLAUSIBLE_RANGES, range_key
from kzforecast.targets import Target

__all__ = ["check_until", "compare", "what_it_takes"]


def compare(
    scenarios: Mapping[str, Scenario],
    targets: Sequence[Target],
    *,
    paths: int = DEFAULT_PATHS,
    seed: SeedLike = None,
    sampling: Sampling = "random",
    engine: Engine = "local",
    client: Any = None,
) -> pd.DataFrame:
    """P(met) per target reading (rows) and scenario (columns), on common random numbers.

    Parameters
    ----------
    scenarios : mapping of str to Scenario
        The scenarios by column name.
    targets : sequence of Target
        The readings to check.
    paths : int, default DEFAULT_PATHS (20,000)
        Monte Carlo paths per scenario.
    seed : int, sequence of int, SeedSequence or None
        One root seed for every scenario (``None``: fresh entropy, drawn once).
    sampling : {"random", "antithetic", "sobol"}, default "random"
        Passed to :func:`kzforecast.simulate`.
    engine, client
        Passed to :func:`kzforecast.simulate` (results do not depend on them).

    Returns
    -------
    DataFrame
        ``p_met`` indexed by ``(id, reading)``, one column per scenario;
        ``attrs["seed"]`` records the seed, ``attrs["paths"]`` the paths and
        ``attrs["sampling"]`` the sampling.
    """
    if not scenarios:
        raise TargetError("no scenarios to compare", source="compare")
    if not targets:
        raise TargetError("no targets to compare", source="compare")
    root = root_seed_sequence(seed)
    cols = {}
    for name, sc in scenarios.items():
        sim = simulate(
            sc,
            paths=paths,
            seed=root,
            targets=targets,
            sampling=sampling,
            engine=engine,
            client=client,
        )
        res = check(sim)
        cols[name] = res.set_index(["id", "reading"])["p_met"]
    out = pd.DataFrame(cols)
    out.attrs["paths"] = paths
    out.attrs["sampling"] = sampling
    out.attrs["seed"] = seed_record(root)
    return out


def _default_lever_bounds(dist: Distribution, lever: str) -> tuple[float, float]:
    """Search range for a lever: its prior's 0.1%-99.9% range widened by twice its span
    (a fixed lever: its value +- max(|value|, 0.05) x 3), clipped to the limits its
    support implies (>= 0 for a non-negative parameter, [0, 1] for a share) and to its
    plausible range (:data:`kzforecast.scenario.plausible.PLAUSIBLE_RANGES`)."""
    lo_q, hi_q = dist.quantile(0.001), dist.quantile(0.999)
    span = hi_q - lo_q
    if span <= 0:
        span = max(abs(dist.mean()), 0.05)
    lo, hi = lo_q - 2 * span, hi_q + 2 * span
    s_lo, s_hi = dist.bounds()
    if s_lo >= 0:
        lo = max(lo, 0.0)
    if s_lo >= 0 and s_hi <= 1:
        hi = min(hi, 1.0)
    plausible = PLAUSIBLE_RANGES.get(range_key(lever))
    if plausible is not None:
        lo, hi = max(lo, plausible.low), min(hi, plausible.high)
    return (lo, hi)


def what_it_takes(
    scenario: Scenario,
    target: Target,
    *,
    lever: str,
    probability: float = 0.8,
    bounds: tuple[float, float] | None = None,
    paths: int = DEFAULT_PATHS,
    seed: SeedLike = None,
    tol: float | None = None,
    sampling: Sampling = "random",
    engine: Engine = "local",
    client: Any = None,
) -> dict[str, Any]:
    """The value of one parameter at which P(target met) reaches ``probability``.

    The lever (a dotted parameter path, e.g. ``blocks.market.mu_M``) is set to a
    known value (a point mass); every run uses the same root seed, so P(met) is a
    deterministic, monotone step function of the lever for growth-type levers
    and bisection converges to a stable answer.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose lever moves.
    target : Target
        The reading to reach.
    lever : str
        A dotted parameter path of the scenario.
    probability : float, default 0.8
        The P(met) to reach, in (0, 1).
    bounds : (float, float), optional
        Search range; default the lever prior's range widened (see the notes).
    paths : int, default DEFAULT_PATHS (20,000)
        Monte Carlo paths per run.
    seed : int, sequence of int, SeedSequence or None
        One root seed for every run (``None``: fresh entropy, drawn once).
    tol : float, optional
        Bisection tolerance; default 1e-4 of the bounds' width.
    sampling : {"random", "antithetic", "sobol"}, default "random"
        Passed to :func:`kzforecast.simulate`.
    engine, client
        Passed to :func:`kzforecast.simulate`.

    Returns
    -------
    dict
        ``lever``, ``value``, ``p_met`` (re-simulated at the value), ``paths``,
        ``iterations``, ``bounds`` and ``seed`` (the seed's record).

    Raises
    ------
    TargetError
        When no value within the bounds reaches the probability.

    Notes
    -----
    The default bounds are the prior's 0.1%-99.9% range widened by twice its span
    (for a fixed lever its value +- 3 max(|value|, 0.05)), clipped to the limits
    its support implies (>= 0 for a non-negative parameter, [0, 1] for a share).
    """
    # over 80 lines only by its docstring; the code (about 45 lines) is one bisection
    if not isinstance(target, Target):
        raise ArgumentTypeError(
            f"target must be a kzforecast.Target, got {type(target).__name__} {target!r}",
            source="what_it_takes",
            allowed="a Target, e.g. kzforecast.targets.get_target('KZ2026-KAU-209K')",
        )
    if not 0.0 < probability < 1.0:
        raise ArgumentError(
            f"probability must lie in (0, 1), got {probability}", source="what_it_takes"
        )
    params = scenario.parameters()
    if lever not in params:
        raise TargetError(
            f"unknown lever {lever!r}", source="what_it_takes", allowed=", ".join(params)
        )
    if bounds is None:
        bounds = _default_lever_bounds(params[lever], lever)
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo < hi:
        raise ArgumentError(f"bounds must satisfy low < high, got {bounds}", source="what_it_takes")
    root = root_seed_sequence(seed)
    found = {"lever": lever, "paths": paths, "bounds": (lo, hi), "seed": seed_record(root)}

    def p_at(x: float) -> float:
        sc = scenario.with_parameter(lever, x)
        sim = simulate(
            sc,
            paths=paths,
            seed=root,
            targets=[target],
            sampling=sampling,
            engine=engine,
            client=client,
        )
        res = check(sim)
        p = float(res["p_met"].iloc[0])
        if math.isnan(p):
            raise TargetError(f"target cannot be evaluated: {res['status'].iloc[0]}")
        return p

    p_lo, p_hi = p_at(lo), p_at(hi)
    increasing = p_hi >= p_lo
    best = max(p_lo, p_hi)
    if best < probability:
        raise TargetError(
            f"no value of {lever} within [{lo:g}, {hi:g}] reaches P(met) = {probability:.0%}; "
            f"the best is {best:.1%} at {hi if increasing else lo:g}",
            source="what_it_takes",
            allowed="wider bounds=, another lever, or a lower probability",
        )
    a, b = (lo, hi) if increasing else (hi, lo)  # P(a) < prob <= P(b) if not already met at a
    if (p_lo if increasing else p_hi) >= probability:
        return {**found, "value": a, "p_met": p_lo if increasing else p_hi, "iterations": 0}
    tol = tol if tol is not None else (hi - lo) * 1e-4
    it = 0
    while abs(b - a) > tol and it < 60:
        mid = 0.5 * (a + b)
        if p_at(mid) >= probability:
            b = mid
        else:
            a = mid
        it += 1
    return {**found, "value": b, "p_met": p_at(b), "iterations": it}


def check_until(
    scenario: Scenario,
    targets: Sequence[Target],
    *,
    precision: float = 0.005,
    max_paths: int = 1_000_000,
    batch: int = 16_384,
    seed: SeedLike = None,
    confidence: float = 0.95,
    sampling: Sampling = "random",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate block by block until every P(met) is known to ``precision``.

    Stops when the half-width of every evaluated target's interval (at
    ``confidence``, default 95%; see :func:`kzforecast.results.check.met_interval`)
    is at most ``precision``, or when ``max_paths`` is reached. Runs add whole
    grid blocks, so the path counts are exactly those of a single run with the
    same total number of paths, seed and sampling.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    targets : sequence of Target
        The readings to check.
    precision : float, default 0.005
        The largest half-width accepted, in (0, 0.5).
    max_paths : int, default 1,000,000
        The budget (at least ``batch``).
    batch : int, default 16,384
        Paths added per step: a multiple of the grid block (4096).
    seed : int, sequence of int, SeedSequence or None
        The root seed (``None``: fresh entropy, drawn once).
    confidence : float, default 0.95
        The intervals' confidence.
    sampling : {"random", "antithetic", "sobol"}, default "random"
        Passed to :func:`kzforecast.simulate`; the intervals follow it (antithetic
        pairs, Sobol replicates).

    Returns
    -------
    (table, trace)
        The :func:`check` table for all paths used (``table.attrs["paths"]``,
        ``table.attrs["converged"]``, ``table.attrs["precision"]``,
        ``table.attrs["sampling"]``, ``table.attrs["seed"]``), and the
        convergence trace: one row per batch with the paths so far and each
        target's P(met) and half-width.
    """
    # over 80 lines only by its docstring: the code checks arguments, then adds batches
    _check_until_arguments(scenario, targets, precision, confidence, max_paths, batch, sampling)
    root = root_seed_sequence(seed)
    prepared = prepare(scenario, targets=targets, sampling=sampling)
    few = model_variables(scenario.model)[:1]  # the table reads target counts, not summaries
    merged: Simulation | None = None
    trace_rows: list[dict[str, Any]] = []
    converged = False
    while merged is None or merged.n_paths < max_paths:
        done = 0 if merged is None else merged.n_paths
        n = min(batch, max_paths - done)
        first = done // GRID_BLOCK
        blocks = range(first, first + -(-n // GRID_BLOCK))
        part = simulate_blocks(
            scenario, root, blocks, paths=n, sampling=sampling, prepared=prepared, variables=few
        )
        merged = part if merged is None else merged.merge(part)
        row, widths = _trace_row(merged, confidence)
        trace_rows.append(row)
        if not widths or max(widths) <= precision:  # NaN (no error estimate yet) is not <=
            converged = True
            break
        if merged.n_paths % GRID_BLOCK:
            break  # a partial block ends the grid
    assert merged is not None
    table = check(merged)
    table.attrs["converged"] = converged
    table.attrs["precision"] = precision
    table.attrs["sampling"] = sampling
    table.attrs["seed"] = seed_record(root)
    return table, pd.DataFrame(trace_rows).set_index("paths")


def _check_until_arguments(
    scenario: Scenario,
    targets: Sequence[Target],
    precision: float,
    confidence: float,
    max_paths: int,
    batch: int,
    sampling: str,
) -> None:
    """``check_until``'s argument checks (ArgumentError, ArgumentTypeError or TargetError)."""
    src = "check_until"
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(
            f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}", source=src
        )
    if not 0 < precision < 0.5:
        raise ArgumentError(f"precision must lie in (0, 0.5), got {precision}", source=src)
    if not 0 < confidence < 1:
        raise ArgumentError(f"confidence must lie in (0, 1), got {confidence}", source=src)
    for name, value in (("max_paths", max_paths), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ArgumentTypeError(f"{name} must be an integer, got {value!r}", source=src)
    if sampling not in get_args(Sampling):
        raise ArgumentError(
            f"sampling must be 'random', 'antithetic' or 'sobol', got {sampling!r}", source=src
        )
    if not targets:
        raise TargetError("no targets to check", source=src)
    if batch % GRID_BLOCK or batch < GRID_BLOCK:
        raise ArgumentError(
            f"batch must be a positive multiple of {GRID_BLOCK}, got {batch}", source=src
        )
    if max_paths < batch:
        raise ArgumentError(f"max_paths ({max_paths}) must be at least batch ({batch})", source=src)


def _trace_row(sim: Simulation, confidence: float) -> tuple[dict[str, Any], list[float]]:
    """One row of ``check_until``'s trace, and the evaluated readings' half-widths."""
    row: dict[str, Any] = {"paths": sim.n_paths}
    widths = []
    if sim.target_payload is not None:
        evaluable = [t for t in sim.targets if sim.target_status.get((t.id, t.reading)) is None]
        for i, t in enumerate(evaluable):
            p, _, lo, hi = met_interval(sim, i, confidence)
            widths.append((hi - lo) / 2)
            row[f"{t.id}:{t.reading}"] = p
            row[f"{t.id}:{t.reading} half-width"] = (hi - lo) / 2
    return row, widths
