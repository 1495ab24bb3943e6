"""One-at-a-time sensitivity on common random numbers: :func:`tornado`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from kzforecast.analysis.sensitivity.inputs import choose_parameters
from kzforecast.analysis.sensitivity.statistics import parse_statistic, target_label
from kzforecast.engine import Engine
from kzforecast.engine.seeding import SeedLike, root_seed_sequence, seed_record
from kzforecast.engine.simulate import DEFAULT_PATHS, simulate
from kzforecast.errors import ArgumentError, ArgumentTypeError, TargetError
from kzforecast.results.check import check
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = ["tornado"]

_COLUMNS = ["parameter", "low_value", "high_value", "output_low", "output_high", "swing", "base"]


def _target_output(target: Target) -> Callable[[Simulation], float]:
    """P(met) of ``target`` in a simulation run with it (``TargetError`` if undecidable)."""

    def output(sim: Simulation) -> float:
        row = check(sim).iloc[0]
        p = float(row["p_met"])
        if math.isnan(p):
            raise TargetError(
                f"cannot be evaluated on this scenario: {row['status']}",
                source="tornado",
                location=f"{target.id}:{target.reading}",
            )
        return p

    return output


def _callable_output(
    func: Callable[[Simulation], float], label: str
) -> Callable[[Simulation], float]:
    """A user's statistic, checked to return a finite number."""

    def output(sim: Simulation) -> float:
        value = float(func(sim))
        if not math.isfinite(value):
            raise ArgumentError(f"the statistic {label!r} returned {value}, not a finite number")
        return value

    return output


def _output(
    scenario: Scenario, target_or_statistic: Target | str | Callable[[Simulation], float]
) -> tuple[str, Callable[[Simulation], float], list[Target] | None]:
    """(label, the output of a simulation, the targets each simulation must evaluate)."""
    if isinstance(target_or_statistic, Target):
        t = target_or_statistic
        return target_label(t), _target_output(t), [t]
    if isinstance(target_or_statistic, str):
        stat = parse_statistic(target_or_statistic)
        stat.check_against(scenario)
        return stat.label, stat.of, None
    if callable(target_or_statistic):
        label = getattr(target_or_statistic, "__name__", "callable")
        return label, _callable_output(target_or_statistic, label), None
    raise ArgumentTypeError(
        "target_or_statistic must be a Target, a string like 'mean:vehicle_output:2030' "
        f"or a callable Simulation -> float, got {type(target_or_statistic).__name__}"
    )


def tornado(
    scenario: Scenario,
    target_or_statistic: Target | str | Callable[[Simulation], float],
    *,
    paths: int = DEFAULT_PATHS,
    seed: SeedLike = None,
    low: float = 0.1,
    high: float = 0.9,
    parameters: Sequence[str] | None = None,
    keep_paths: bool = False,
    history: pd.DataFrame | None = None,
    engine: Engine = "local",
    client: Any = None,  # a dask.distributed.Client (optional dependency, untyped)
) -> pd.DataFrame:
    """One-at-a-time swings of P(met) or of a statistic, ranked (a tornado table).

    For each parameter, the scenario is simulated twice with that parameter
    held at its ``low`` and at its ``high`` quantile (a point mass,
    ``scenario.with_parameter(path, dist.quantile(q))``) while every other
    parameter keeps its distribution. All runs use the same seed, so every
    other parameter and every shock takes the same value on each path (common
    random numbers): the swing is the parameter's effect, not Monte Carlo
    noise, and a parameter the output does not depend on has a swing of
    exactly 0.

    Parameters
    ----------
    scenario : Scenario
        The scenario to analyse.
    target_or_statistic : Target, str or callable
        A :class:`~kzforecast.targets.Target` (the output is its P(met), from
        :func:`kzforecast.check`); a string ``"mean:VARIABLE:YEAR"``,
        ``"sd:VARIABLE:YEAR"`` or ``"pNN:VARIABLE:YEAR"`` (a quantile, e.g.
        ``"p50:vehicle_output:2030"``; from the log-bin sketch, within 0.39%,
        unless ``keep_paths``); or a callable ``Simulation -> float``.
    paths : int, default DEFAULT_PATHS (20,000)
        Monte Carlo paths per simulation.
    seed : int, sequence of int, SeedSequence or None
        The common seed of every run. ``None`` draws fresh entropy once, used
        by every run (so the runs still share their random numbers) and
        recorded in ``attrs["seed"]``.
    low, high : float, default 0.1 and 0.9
        Quantiles at which each parameter is held (``0 < low < high < 1``).
    parameters : sequence of str, optional
        Dotted parameter paths (see :meth:`Scenario.parameters`); default all
        uncertain parameters.
    keep_paths : bool, default False
        Keep every path (for a callable that needs :meth:`Simulation.values`).
    history : DataFrame, optional
        Passed to :func:`kzforecast.simulate` (default: the shipped history).
    engine, client : optional
        Passed to every :func:`kzforecast.simulate` run (``engine="dask"`` runs
        each simulation's blocks as Dask tasks); results do not depend on them.

    Returns
    -------
    DataFrame
        One row per parameter, sorted by ``swing`` (descending): ``parameter,
        low_value, high_value, output_low, output_high, swing, base``, where
        ``swing = |output_high - output_low|`` and ``base`` is the output with
        every parameter uncertain. ``attrs`` records the output, seed, paths
        and quantiles.

    Notes
    -----
    Holding a parameter at a quantile removes it from the scenario's rank
    correlation (:meth:`Scenario.with_parameter`): a correlated partner then
    keeps its marginal distribution, not its distribution conditional on the
    held value. A tornado is local (one parameter moves at a time) and says
    nothing about interactions; :func:`model_sobol_indices` does.

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> t = tornado(Scenario.builtin("baseline"), "mean:vehicle_output:2030", paths=4096,
    ...             seed=0, parameters=["blocks.market.mu_M", "blocks.processing.g_P"])
    >>> list(t["parameter"])
    ['blocks.market.mu_M', 'blocks.processing.g_P']
    >>> float(t["swing"].iloc[1])
    0.0
    """
    # Long only by its numpydoc docstring: ~65 lines of code, the signature included.
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(
            f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}"
        )
    if not (0.0 < float(low) < float(high) < 1.0):
        raise ArgumentError(f"need 0 < low < high < 1, got low={low}, high={high}")
    all_params = scenario.parameters()
    chosen = choose_parameters(scenario, parameters, allow_fixed=True)
    label, output, targets = _output(scenario, target_or_statistic)
    root = root_seed_sequence(seed)  # drawn once: every run shares it (common random numbers)

    def run(sc: Scenario) -> float:
        sim = simulate(
            sc,
            paths=paths,
            seed=root,
            keep_paths=keep_paths,
            targets=targets,
            history=history,
            progress=False,
            engine=engine,
            client=client,
        )
        return output(sim)

    base = run(scenario)
    rows: list[dict[str, str | float]] = []
    for path in chosen:
        dist = all_params[path]
        lo_v, hi_v = dist.quantile(float(low)), dist.quantile(float(high))
        out_lo = run(scenario.with_parameter(path, lo_v))
        out_hi = run(scenario.with_parameter(path, hi_v))
        rows.append(
            {
                "parameter": path,
                "low_value": lo_v,
                "high_value": hi_v,
                "output_low": out_lo,
                "output_high": out_hi,
                "swing": abs(out_hi - out_lo),
                "base": base,
            }
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    table.attrs.update(
        output=label,
        scenario=scenario.name,
        paths=int(paths),
        seed=seed_record(root),
        low=float(low),
        high=float(high),
        method="tornado",
    )
    return table
