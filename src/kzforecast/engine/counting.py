"""What a run works out before its blocks: the initial state and the target-counting hook.

:func:`prepare` resolves the scenario's initial state and which target readings can
be counted; the hook it builds counts them per grid block (:func:`evaluate_block`)
and, for antithetic or Sobol runs, by independent cluster of paths (antithetic
pairs, Sobol grid blocks: :class:`~kzforecast.results.simulation.ClusterCounts`),
from which :func:`kzforecast.check` estimates those runs' Monte Carlo error.
:func:`~kzforecast.engine.simulate.simulate_blocks` calls it; ``check_until``
prepares once and reuses it for every batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.engine.draws import Sampling
from kzforecast.engine.initial import resolve_initial, with_initial_state
from kzforecast.engine.runner import BlockHook
from kzforecast.errors import TargetError
from kzforecast.model.kernel import Initial, model_variables
from kzforecast.results.evaluate import (
    TargetPayload,
    evaluate_block,
    make_getter,
    metric_status,
    target_values,
)
from kzforecast.results.simulation import ClusterCounts
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = ["BlockCounts", "Prepared", "prepare"]

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class Prepared:
    """What :func:`simulate_blocks` works out before it runs: the same for every block range."""

    init: Initial
    provenance: dict[str, str]
    targets: tuple[Target, ...] | None
    status: dict[tuple[str, str], str | None]
    hook: BlockHook | None
    history: pd.DataFrame | None


def prepare(
    scenario: Scenario,
    *,
    history: pd.DataFrame | None = None,
    targets: Sequence[Target] | None = None,
    sampling: Sampling = "random",
) -> Prepared:
    """The initial state and the target counting of a run, to reuse across block ranges.

    Parameters
    ----------
    scenario : Scenario
        What is simulated.
    history, targets, sampling
        As for :func:`simulate`.

    Returns
    -------
    Prepared
        For ``simulate_blocks(..., prepared=...)``.
    """
    init, provenance = resolve_initial(scenario, history)
    chosen = tuple(targets) if targets is not None else None
    status, hook, recorded = _target_counting(scenario, chosen, history, init, sampling)
    return Prepared(init, provenance, chosen, status, hook, recorded)


def _target_counting(
    scenario: Scenario,
    targets: tuple[Target, ...] | None,
    history: pd.DataFrame | None,
    init: Initial,
    sampling: Sampling,
) -> tuple[dict[tuple[str, str], str | None], BlockHook | None, pd.DataFrame | None]:
    """Which readings can be counted and the per-block hook that counts them.

    Returns each reading's status (None: evaluable, else why not), the hook
    (None when no reading is evaluable) and the history to record in the result
    (the shipped data when targets are given without one).
    """
    status: dict[tuple[str, str], str | None] = {}
    if targets is None:
        return status, None, history
    if not targets:
        raise TargetError(
            "an empty target set", source="simulate(targets=...)", allowed="targets=None"
        )
    if history is None:
        from kzforecast.data import load_history

        history = load_history()
    filled = with_initial_state(history, scenario.as_of, init)
    variables = model_variables(scenario.model)
    evaluable = []
    for t in targets:
        why = metric_status(t, scenario.as_of, scenario.horizon, filled, variables)
        status[(t.id, t.reading)] = why
        if why is None:
            evaluable.append(t)
    if not evaluable:
        return status, None, history
    state = {k: float(getattr(init, k)) for k in init.__dataclass_fields__}  # growth bases
    hook = partial(
        _count_block,
        evaluable,
        variables,
        scenario.years,
        filled,
        scenario.as_of,
        sampling,
        initial=state,
    )
    return status, hook, history


_Getter = Callable[[str, int], Arr | float]
"""``get(variable, year)`` of :func:`~kzforecast.results.evaluate.make_getter`."""


def _memo_history(get: _Getter, first: int) -> _Getter:
    """``get`` with its history values (years before ``first``) looked up once each."""
    seen: dict[tuple[str, int], Arr | float] = {}

    def memo(variable: str, year: int) -> Arr | float:
        if year >= first:
            return get(variable, year)
        key = (variable, year)
        if key not in seen:
            seen[key] = get(variable, year)
        return seen[key]

    return memo


@dataclass(frozen=True)
class BlockCounts:
    """The hook's payload: target counts and, for antithetic or Sobol runs, their clusters."""

    payload: TargetPayload
    clusters: ClusterCounts | None

    def merge(self, other: BlockCounts) -> BlockCounts:
        """The counts of both (this one's blocks first)."""
        clusters = self.clusters
        if clusters is not None and other.clusters is not None:
            clusters = clusters.merge(other.clusters)
        return BlockCounts(self.payload.merge(other.payload), clusters)


def _count_block(
    targets: Sequence[Target],
    variables: Sequence[str],
    years: NDArray[np.int64],
    history: pd.DataFrame,
    as_of: int,
    sampling: Sampling,
    block: int,
    values: Arr,
    params: dict[str, Any],
    *,
    initial: Mapping[str, float] | None = None,
) -> BlockCounts:
    """The block hook of target counting: one grid block's counts.

    A Sobol block is one cluster (an independent scramble); an antithetic block
    is ``n // 2`` pairs (and one single path when ``n`` is odd). ``initial``: the
    resolved initial state (the as-of year's value of a growth target's base).
    """
    payload = evaluate_block(targets, values, variables, years, history, as_of, initial)
    n = values.shape[-1]
    if sampling == "sobol":
        return BlockCounts(payload, ClusterCounts.of("block", payload.met[:, None], np.array([n])))
    if sampling != "antithetic":
        return BlockCounts(payload, None)
    get = _memo_history(make_getter(values, variables, years, history), int(years[0]))
    sim_years = [int(y) for y in years]
    met = np.empty((len(targets), n), dtype=np.int64)
    for i, t in enumerate(targets):
        v, m, _ = target_values(t, get, n, as_of, sim_years, initial)
        met[i] = m & np.isfinite(v)  # as evaluate_block counts them
    pairs = n // 2
    per_pair = met[:, : 2 * pairs].reshape(len(targets), pairs, 2).sum(axis=-1)
    sizes = np.full(pairs, 2, dtype=np.int64)
    if n % 2:
        per_pair = np.concatenate([per_pair, met[:, -1:]], axis=1)
        sizes = np.append(sizes, 1)
    return BlockCounts(payload, ClusterCounts.of("pair", per_pair, sizes))
