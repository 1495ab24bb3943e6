"""Invariant checks for any test: bounds, reproducibility and monotonicity (DESIGN.md section 4).

Each check raises an :class:`AssertionError` whose message names the variable, the year and
the path that break the invariant, with the value(s), so that a failing property test says
what broke where; a misuse (a simulation without kept paths, a target the scenario cannot
evaluate) raises :class:`ValueError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.engine.draws import Sampling, draw_chunk_parameters
from kzforecast.engine.initial import resolve_initial, with_initial_state
from kzforecast.engine.seeding import GRID_BLOCK
from kzforecast.engine.simulate import simulate
from kzforecast.model.variables import DESTINATION_VARIABLES
from kzforecast.results.check import check
from kzforecast.results.evaluate import make_getter, target_values
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = [
    "SHARES",
    "assert_invariants",
    "assert_monotone",
    "assert_reproducible",
    "drawn_parameters",
    "raise_parameter",
]

Arr = NDArray[np.float64]

SHARES: tuple[str, ...] = ("domestic_share_of_sales", "local_content_share", "ckd_share")
"""Simulated variables that are fractions in [0, 1]."""

_CEILINGS: dict[str, str] = {
    "local_content_share": "blocks.local_content.L_max",
    "ckd_share": "blocks.ckd_share.C_max",
}


def _where(sim: Simulation, bad: NDArray[np.bool_]) -> tuple[int, int, str]:
    """The first offending ``(path, year index)`` of a ``(path, year)`` mask and a count."""
    path, j = (int(i) for i in np.argwhere(bad)[0])
    n = int(bad.sum())
    more = f" (and {n - 1} other values)" if n > 1 else ""
    return path, j, more


def _fail(sim: Simulation, name: str, bad: NDArray[np.bool_], rule: str, shown: Arr) -> None:
    """Raise an AssertionError for the first ``bad`` value of ``name``, if any."""
    if not bad.any():
        return
    path, j, more = _where(sim, bad)
    raise AssertionError(
        f"{name} = {float(shown[path, j])!r} in {int(sim.years[j])} on path {path}: "
        f"{rule}{more}; scenario {sim.scenario.name!r}, seed {sim.attrs.get('seed')}"
    )


def drawn_parameters(sim: Simulation) -> dict[str, Any]:
    """The parameter values each path of ``sim`` was simulated with.

    They are drawn again from the seed recorded in ``sim.attrs`` (the draws depend only on
    the scenario, the seed, the grid blocks and the sampling).

    Parameters
    ----------
    sim : Simulation
        A result of :func:`kzforecast.simulate` (or of merged block ranges).

    Returns
    -------
    dict
        Dotted path -> an array of ``sim.n_paths`` values, or a float for a point mass
        (only the parameters the scenario's model uses).

    Examples
    --------
    >>> from kzforecast import Scenario, simulate
    >>> from kzforecast.testing import drawn_parameters
    >>> sim = simulate(Scenario.builtin("baseline"), paths=1000, seed=1)
    >>> drawn_parameters(sim)["blocks.market.mu_M"].shape
    (1000,)
    """
    seed = sim.attrs["seed"]
    root = np.random.SeedSequence(seed["entropy"], spawn_key=tuple(seed["spawn_key"]))
    first = int(sim.attrs.get("first_block", 0))
    n_blocks = -(-sim.n_paths // GRID_BLOCK)
    sizes = [GRID_BLOCK] * (n_blocks - 1) + [sim.n_paths - GRID_BLOCK * (n_blocks - 1)]
    sampling: Sampling = sim.attrs.get("sampling", "random")
    blocks = list(range(first, first + n_blocks))
    return draw_chunk_parameters(sim.scenario, root, blocks, sizes, sampling)


def _per_path(value: Any, n: int) -> Arr:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))[:, None]


def assert_invariants(sim: Simulation) -> None:
    """Check every bound of DESIGN.md section 4 on every kept value of a simulation.

    Every value is finite and >= 0; the devaluation flag is 0 or 1; shares lie in
    [0, 1]; local content and the CKD share lie below their ceilings (``L_max``,
    ``C_max``, as drawn for each path); exports never exceed output, and output never
    exceeds ``u_max`` times capacity; exports by destination sum to exports (destination
    shares sum to 1); state and private processing investment sum to the total. Checks of
    variables the scenario's model does not simulate (the trend model simulates output
    and exchange rates) are skipped.

    Parameters
    ----------
    sim : Simulation
        A result of :func:`kzforecast.simulate` run with ``keep_paths=True``.

    Raises
    ------
    AssertionError
        Naming the variable, the year, the path and the value that break an invariant
        (the first one found), and how many values do.
    ValueError
        If ``sim`` kept no paths.

    Examples
    --------
    >>> from kzforecast import Scenario, simulate
    >>> from kzforecast.testing import assert_invariants
    >>> assert_invariants(simulate(Scenario.builtin("baseline"), paths=1000, seed=1,
    ...                            keep_paths=True))
    """
    if sim.paths is None:
        raise ValueError("assert_invariants needs every path: run simulate(..., keep_paths=True)")
    has = set(sim.variables)
    v = sim.values
    for name in sim.variables:
        x = v(name)
        _fail(sim, name, ~np.isfinite(x), "every simulated value must be finite", x)
        _fail(sim, name, x < 0, "must be >= 0", x)
    if "devaluation" in has:
        d = v("devaluation")
        _fail(sim, "devaluation", (d != 0) & (d != 1), "must be 0 or 1", d)
    for name in SHARES:
        if name in has:
            x = v(name)
            _fail(sim, name, (x < 0) | (x > 1), "a share must lie in [0, 1]", x)
    if "capacity" in has:
        _structural_invariants(sim)


def _structural_invariants(sim: Simulation) -> None:
    """The invariants that tie the structural model's variables together."""
    v = sim.values
    drawn = drawn_parameters(sim)
    n = sim.n_paths
    for name, path in _CEILINGS.items():
        x, ceiling = v(name), _per_path(drawn[path], n)
        label = path.rsplit(".", 1)[1]
        bad = x > ceiling + 1e-12
        if bad.any():
            p, _, _ = _where(sim, bad)
            rule = f"must not exceed its ceiling {label} = {float(ceiling[p, 0])!r} on this path"
            _fail(sim, name, bad, rule, x)
    q, x = v("vehicle_output"), v("export_units")
    _fail(sim, "export_units", x > q, "exports must not exceed vehicle_output", x)
    limit = _per_path(drawn["blocks.output.u_max"], n) * v("capacity")
    bad = q > limit * (1 + 1e-12)
    if bad.any():
        p, j, _ = _where(sim, bad)
        rule = f"output must not exceed u_max x capacity = {float(limit[p, j])!r}"
        _fail(sim, "vehicle_output", bad, rule, q)
    total = sum(v(name) for name in DESTINATION_VARIABLES)
    assert isinstance(total, np.ndarray)
    bad = np.abs(total - x) > 1e-9 + 1e-9 * np.abs(x)
    if bad.any():
        p, j, _ = _where(sim, bad)
        share = float(total[p, j] / x[p, j]) if x[p, j] > 0 else float("nan")
        rule = (
            f"destination shares must sum to 1, but exports_to_* sum to "
            f"{float(total[p, j])!r} (shares sum to {share!r})"
        )
        _fail(sim, "export_units", bad, rule, x)
    inv = v("processing_investment_kzt_trn")
    parts = v("processing_state_investment_kzt_trn") + v("processing_private_investment_kzt_trn")
    bad = np.abs(parts - inv) > 1e-12 * np.abs(inv)
    if bad.any():
        p, j, _ = _where(sim, bad)
        rule = f"state + private investment ({float(parts[p, j])!r}) must equal the total"
        _fail(sim, "processing_investment_kzt_trn", bad, rule, inv)


_CONFIGURATIONS: tuple[tuple[int, int], ...] = ((8192, 1), (4096, 2), (3 * 4096, 2))


def _first_difference(ref: Simulation, other: Simulation, what: str) -> None:
    assert ref.paths is not None
    assert other.paths is not None
    diff = ~((ref.paths == other.paths) | (np.isnan(ref.paths) & np.isnan(other.paths)))
    if diff.any():
        i, path, j = (int(k) for k in np.argwhere(diff)[0])
        raise AssertionError(
            f"{ref.variables[i]} differs in {int(ref.years[j])} on path {path}: "
            f"{float(ref.paths[i, path, j])!r} with block_size=4096, threads=1 but "
            f"{float(other.paths[i, path, j])!r} with {what} ({int(diff.sum())} values differ)"
        )
    for name in ("mean", "m2", "vmin", "vmax"):
        a, b = getattr(ref.moments, name), getattr(other.moments, name)
        bad = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            raise AssertionError(
                f"the {name} of {ref.variables[i]} in {int(ref.years[j])} differs: "
                f"{float(a[i, j])!r} with block_size=4096, threads=1 but {float(b[i, j])!r} "
                f"with {what}"
            )
    if not np.array_equal(ref.sketch.counts, other.sketch.counts):
        i, j = (int(k) for k in np.argwhere(ref.sketch.counts != other.sketch.counts)[0][:2])
        raise AssertionError(
            f"the quantile sketch of {ref.variables[i]} in {int(ref.years[j])} differs with {what}"
        )


def assert_reproducible(
    scenario: Scenario,
    seed: int,
    *,
    paths: int = 2 * GRID_BLOCK + 1234,
    sampling: Sampling = "random",
    configurations: tuple[tuple[int, int], ...] = _CONFIGURATIONS,
) -> None:
    """Check that a scenario and a seed give bit-identical results however they are run.

    Runs the scenario with ``block_size=4096, threads=1`` and with every
    ``(block_size, threads)`` of ``configurations``, and compares every kept value, the
    moments and the quantile sketch bit for bit (NaN equal to NaN).

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    seed : int
        The root seed.
    paths : int, default 2 x 4096 + 1234
        Paths per run (the default ends in a partial grid block).
    sampling : {"random", "antithetic", "sobol"}
        The sampling of every run.
    configurations : tuple of (int, int)
        ``(block_size, threads)`` pairs to compare with the reference run.

    Raises
    ------
    AssertionError
        Naming the variable, year and path (or the summary) that differ, both values and
        the configuration.

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> from kzforecast.testing import assert_reproducible
    >>> assert_reproducible(Scenario.builtin("baseline"), seed=3, paths=5000)
    """
    ref = simulate(scenario, paths=paths, seed=seed, keep_paths=True, block_size=4096,
                   sampling=sampling)  # fmt: skip
    for block_size, threads in configurations:
        other = simulate(scenario, paths=paths, seed=seed, keep_paths=True,
                         block_size=block_size, threads=threads, sampling=sampling)  # fmt: skip
        _first_difference(ref, other, f"block_size={block_size}, threads={threads}")


def raise_parameter(scenario: Scenario, path: str, step: float) -> Scenario:
    """A copy of ``scenario`` with the parameter at ``path`` raised by ``step``.

    The whole distribution moves up: a point mass, a mean, the bounds and the mode by
    ``step``; a log-normal's ``mu`` by ``step`` (its values multiplied by ``exp(step)``).

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    path : str
        A dotted parameter path (:meth:`Scenario.parameters`), e.g. ``blocks.market.mu_M``.
    step : float
        How far to raise it (> 0 raises).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If ``path`` is no parameter, or the raised distribution leaves what the field
        allows (e.g. a share above 1).

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> from kzforecast.testing import raise_parameter
    >>> s = raise_parameter(Scenario.builtin("baseline"), "blocks.market.mu_M", 0.01)
    >>> s.blocks.market.mu_M.mean() > Scenario.builtin("baseline").blocks.market.mu_M.mean()
    True
    """
    current = scenario.parameters().get(path)
    if current is None:
        return scenario.with_parameter(path, 0.0)  # raises ScenarioError naming the path
    data = current.model_dump(mode="python", by_alias=True)
    keys = ("mu",) if current.dist == "lognormal" else ("value", "mean", "low", "mode", "high")
    for key in keys:
        if isinstance(data.get(key), float):
            data[key] += step
    return scenario.with_parameter(path, data)


def _metric_paths(
    sim: Simulation, target: Target, history: pd.DataFrame | None
) -> tuple[Arr, NDArray[np.bool_]]:
    """Per path: the reading's metric at its decisive year and whether it is met."""
    assert sim.paths is not None
    sc = sim.scenario
    hist = history if history is not None else sim.history
    init, _ = resolve_initial(sc, hist)
    if hist is None:
        from kzforecast.data import load_history

        hist = load_history()
    filled = with_initial_state(hist, sc.as_of, init)
    values = np.ascontiguousarray(np.swapaxes(sim.paths, 1, 2))  # (variable, year, path)
    get = make_getter(values, sim.variables, sim.years, filled)
    years = [int(y) for y in sim.years]
    v, met, _ = target_values(target, get, sim.n_paths, sc.as_of, years)
    return np.asarray(v, dtype=np.float64), met & np.isfinite(v)


def assert_monotone(
    scenario: Scenario,
    lever: str | Callable[[Scenario], Scenario],
    target: Target,
    *,
    step: float = 0.01,
    paths: int = 4096,
    seed: int = 0,
    pathwise: bool = True,
    history: pd.DataFrame | None = None,
    rtol: float = 1e-12,
) -> None:
    """Check that raising a lever never lowers P(met), with common random numbers.

    Simulates ``scenario`` and the raised scenario with one seed (so they share every
    shock and parameter draw) and checks that the probability of meeting ``target`` does
    not fall; with ``pathwise``, also that no path's metric (at the reading's decisive
    year) moves against the target (falls for ``>=``, rises for ``<=``) and that no path
    that met the target misses it.

    Parameters
    ----------
    scenario : Scenario
        The scenario before the lever is raised.
    lever : str or callable
        A dotted parameter path raised by ``step`` (:func:`raise_parameter`), or a
        function returning the raised scenario (a new plant, a larger initial state...).
    target : Target
        A reading the scenario can evaluate (due within its simulated years).
    step : float, default 0.01
        How far a parameter lever is raised.
    paths, seed : int
        The Monte Carlo paths and seed of both runs.
    pathwise : bool, default True
        Also check every path. Turn it off for metrics that are not monotone in the lever
        path by path (a share of two simulated variables, a ratio to a simulated base
        year): P(met) is then compared alone.
    history : DataFrame, optional
        Wide history for the past years of the reading (default the shipped data).
    rtol : float, default 1e-12
        Relative rounding allowed in the pathwise comparison.

    Raises
    ------
    AssertionError
        P(met) fell (both values, the lever, paths and seed), or a path's metric moved
        against the target (the metric, year, path and both values).
    ValueError
        If the scenario cannot evaluate the target (the reason is given).

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> from kzforecast.testing import assert_monotone
    >>> from kzforecast.targets import get_target
    >>> sc = Scenario.builtin("baseline")
    >>> target = get_target("KZ2026-KAU-209K")  # 209,000 vehicles in 2026
    >>> assert_monotone(sc, "blocks.market.mu_M", target, paths=2000)
    """
    if callable(lever):
        raised, what = lever(scenario), f"the lever {getattr(lever, '__name__', lever)!r}"
    else:
        raised, what = raise_parameter(scenario, lever, step), f"{lever} rose by {step!r}"
    runs = [
        simulate(s, paths=paths, seed=seed, keep_paths=True, targets=[target], history=history)
        for s in (scenario, raised)
    ]
    status = runs[0].target_status.get(target.key)
    if status is not None:
        raise ValueError(f"target {target.id}:{target.reading} cannot be evaluated: {status}")
    p = [float(check(r)["p_met"].iloc[0]) for r in runs]
    if p[1] < p[0]:
        raise AssertionError(
            f"P(met) of {target.id}:{target.reading} fell from {p[0]!r} to {p[1]!r} when "
            f"{what} (paths={paths}, seed={seed})"
        )
    if not pathwise or target.comparison == "==":
        return
    (va, ma), (vb, mb) = (_metric_paths(r, target, history) for r in runs)
    sign = 1.0 if target.comparison == ">=" else -1.0
    against = sign * (vb - va) < -rtol * np.maximum(np.abs(va), np.abs(vb))
    _pathwise_fail(target, against, va, vb, what, "moved against the target")
    _pathwise_fail(target, ma & ~mb, va, vb, what, "met the target before but not after")


def _pathwise_fail(
    target: Target,
    bad: NDArray[np.bool_],
    before: Arr,
    after: Arr,
    what: str,
    how: str,
) -> None:
    if not bad.any():
        return
    path = int(np.argmax(bad))
    year = target.decisive_year
    raise AssertionError(
        f"{target.metric} (target {target.id}:{target.reading}, {target.comparison} "
        f"{target.threshold!r}) in {year} on path {path} {how}: {float(before[path])!r} -> "
        f"{float(after[path])!r} when {what} ({int(bad.sum())} paths)"
    )
