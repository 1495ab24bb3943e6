"""``check`` and ``joint_probabilities``: the target counts of a simulation, read as probabilities.

Pure reads of a :class:`~kzforecast.Simulation`; the functions that run
simulations for targets (``compare``, ``what_it_takes``, ``check_until``) are in
:mod:`kzforecast.analysis.compare`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from kzforecast.errors import ArgumentTypeError, TargetError
from kzforecast.results.evaluate import TargetPayload, likelihood_words, wilson
from kzforecast.results.simulation import Simulation
from kzforecast.results.summary import Sketch
from kzforecast.targets import Target

__all__ = ["check", "joint_probabilities", "met_interval"]

_CONFIDENCE = 0.9


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """The Wilson score interval of a proportion over ``n`` (effective, not whole) paths."""
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def met_interval(sim: Simulation, i: int, confidence: float) -> tuple[float, float, float, float]:
    """P(met) of the ``i``-th counted reading, its Monte Carlo standard error and interval.

    The error follows the run's sampling: for plain random sampling the binomial
    ``sqrt(p (1 - p) / n)`` and the Wilson score interval; for antithetic
    sampling the spread of the pairs' counts, for Sobol sampling the spread of
    the grid blocks' counts (independent scrambles), each read as a Wilson
    interval of the effective number of paths ``p (1 - p) / se**2`` (Sobol:
    with Student's t of ``blocks - 1`` degrees of freedom instead of the normal
    quantile). A Sobol run of one grid block cannot estimate its error: NaN.

    Parameters
    ----------
    sim : Simulation
        A run with target counts.
    i : int
        The reading's position among the counted ones.
    confidence : float
        The interval's confidence, in (0, 1).

    Returns
    -------
    (p, se, low, high)
    """
    if sim.target_payload is None:
        raise TargetError("no evaluated targets in this simulation", source="check")
    n = sim.n_paths
    p = int(sim.target_payload.met[i]) / n
    z = float(special.ndtri(0.5 + confidence / 2))
    clusters = sim.target_clusters
    if clusters is None:
        lo, hi = wilson(p, n, z)
        return p, math.sqrt(p * (1 - p) / n), lo, hi
    var = clusters.variance(i)
    if math.isnan(var):
        return p, math.nan, math.nan, math.nan
    if clusters.kind == "block":
        z = float(stats.t.ppf(0.5 + confidence / 2, clusters.clusters - 1))
    # the effective number of paths (n when the spread is 0: p is 0 or 1 on every cluster)
    n_eff = p * (1 - p) / var if var > 0 and 0 < p < 1 else float(n)
    lo, hi = _wilson(p, n_eff, z)
    return p, math.sqrt(var), lo, hi


def _payload_for(
    sim: Simulation, targets: Sequence[Target]
) -> tuple[list[Target], TargetPayload | None]:
    """The evaluable targets and their counts, as recorded during the run."""
    evaluable = [t for t in targets if sim.target_status.get((t.id, t.reading), "x") is None]
    recorded = [t for t in sim.targets if sim.target_status.get((t.id, t.reading)) is None]
    if [(t.id, t.reading) for t in evaluable] == [(t.id, t.reading) for t in recorded]:
        return evaluable, sim.target_payload
    raise TargetError(
        "these targets were not counted during the simulation",
        source="check",
        allowed="simulate(scenario, ..., targets=targets) with the same targets",
    )


def _first_year_text(counts: np.ndarray[Any, Any], years: Sequence[int], n: int) -> str:
    parts = [f"already met by {years[0] - 1}: {counts[0] / n:.0%}"] if counts[0] else []
    parts += [f"{y}: {c / n:.0%}" for y, c in zip(years, counts[1:-1]) if c > 0]
    never = counts[-1] / n
    if never > 0:
        parts.append(f"never: {never:.0%}")
    return "; ".join(parts)


def check(simulation: Simulation, targets: Sequence[Target] | None = None) -> pd.DataFrame:
    """Probability of meeting each target reading, with its Monte Carlo error.

    Parameters
    ----------
    simulation : Simulation
        A result of :func:`kzforecast.simulate` run with ``targets=``.
    targets : sequence of Target, optional
        Default: the targets the simulation counted.

    Returns
    -------
    DataFrame
        One row per target reading: ``id, reading, default_reading, interpretation,
        due_year, threshold, unit, status, p_met, mc_se, p90_low, p90_high,
        likelihood, metric_p10, metric_p50, metric_p90, shortfall_if_missed,
        first_year_met, realized, ex_post``. ``status`` is ``evaluated`` or says
        why a reading cannot be evaluated (not modelled, beyond the horizon, in
        history, no deadline): no target is dropped silently.

    Raises
    ------
    TargetError
        When no targets are given or counted, or when a reading was not counted
        during the simulation (run ``simulate(..., targets=...)`` with it).

    Notes
    -----
    ``p_met`` is the share of paths meeting the target, an exact count. With
    plain random sampling ``mc_se = sqrt(p (1 - p) / n)`` and ``p90_low/high``
    is the 90% Wilson score interval (well-behaved near 0 and 1); with
    antithetic or Sobol sampling both come from the spread of the antithetic
    pairs or of the Sobol replicates (grid blocks), see :func:`met_interval`. Metric quantiles come
    from the log-bin sketch (0.39% relative accuracy). ``shortfall_if_missed`` is the
    mean distance to the threshold over the paths that miss it (metric units).
    """
    if not isinstance(simulation, Simulation):
        raise ArgumentTypeError(
            f"must be a Simulation (from kzforecast.simulate(..., targets=...)), "
            f"got {type(simulation).__name__}",
            source="check",
            location="simulation",
        )
    chosen = list(targets) if targets is not None else list(simulation.targets)
    if not chosen:
        raise TargetError(
            "no targets to check",
            source="check",
            allowed="simulate(scenario, ..., targets=load_targets(...))",
        )
    uncounted = [
        f"{t.id}:{t.reading}" for t in chosen if (t.id, t.reading) not in simulation.target_status
    ]
    if uncounted:
        raise TargetError(
            f"not counted during the simulation: {', '.join(uncounted)}",
            source="check",
            allowed="simulate(scenario, ..., targets=targets) with these targets",
        )
    evaluable, payload = _payload_for(simulation, chosen)
    position = {(t.id, t.reading): i for i, t in enumerate(evaluable)}
    ex_post = _ex_post(chosen, simulation)
    rows = []
    for t in chosen:
        row: dict[str, Any] = {
            "id": t.id,
            "reading": t.reading,
            "default_reading": t.default_reading,
            "interpretation": t.interpretation,
            "metric": t.metric,
            "due_year": t.due_year,
            "metric_year": (
                t.window_start if t.timing == "window" and t.window_rule == "first" else t.due_year
            ),
            "threshold": t.threshold,
            "unit": t.unit,
        }
        key = (t.id, t.reading)
        why = simulation.target_status.get(key, "not counted in this simulation")
        if why is None and payload is not None:
            row.update(_evaluated(t, payload, position[key], simulation))
        else:
            row.update(status=why or "not evaluated", p_met=math.nan, likelihood="")
        row.update(ex_post.get(key, {}))
        rows.append(row)
    cols = [
        "id", "reading", "default_reading", "interpretation", "metric", "due_year", "metric_year",
        "threshold",
        "unit", "status", "p_met", "mc_se", "p90_low", "p90_high", "likelihood", "metric_p10",
        "metric_p50", "metric_p90", "shortfall_if_missed", "first_year_met", "realized",
        "realized_qualifier", "ex_post",
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out:
            out[c] = math.nan if c not in ("first_year_met", "ex_post", "likelihood") else ""
    out = out[cols]
    out.attrs["paths"] = simulation.n_paths
    out.attrs["scenario"] = simulation.scenario.name
    return out


def _evaluated(t: Target, payload: TargetPayload, i: int, sim: Simulation) -> dict[str, Any]:
    """The columns of an evaluated reading: the ``i``-th counted one of the payload."""
    n = sim.n_paths
    p, se, lo, hi = met_interval(sim, i, _CONFIDENCE)
    q = Sketch(payload.metric_sketch.counts[i]).quantile(np.array([0.1, 0.5, 0.9]))
    return {
        "status": "evaluated",
        "p_met": p,
        "mc_se": se,
        "p90_low": lo,
        "p90_high": hi,
        "likelihood": likelihood_words(p),
        "metric_p10": float(q[0]),
        "metric_p50": float(q[1]),
        "metric_p90": float(q[2]),
        "shortfall_if_missed": (
            float(payload.shortfall_sum[i]) / int(payload.shortfall_n[i])
            if payload.shortfall_n[i]
            else math.nan
        ),
        "first_year_met": (
            _first_year_text(payload.first_year[i], [int(y) for y in sim.years], n)
            if t.timing in ("by_year", "window")
            else ""
        ),
    }


def _ex_post(targets: Sequence[Target], sim: Simulation) -> dict[tuple[str, str], dict[str, Any]]:
    """Realized values and verdicts for readings whose due year lies in the history."""
    try:
        from kzforecast.targets import verdicts
    except ImportError:  # pragma: no cover - registry not available
        return {}
    v = verdicts(list(targets))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for _, r in v.iterrows():
        if r["status"] in ("not_yet_due", "no_deadline", "not_measurable"):
            continue
        out[(r["id"], r["reading"])] = {
            "realized": r["realized"],
            "realized_qualifier": r["realized_qualifier"],
            "ex_post": r["status"],
        }
    return out


def joint_probabilities(simulation: Simulation) -> pd.DataFrame:
    """P(both met) for every pair of evaluated readings; the diagonal is P(met).

    ``P(A | B) = P(A and B) / P(B)`` follows by dividing by the diagonal.

    Parameters
    ----------
    simulation : Simulation
        A result of :func:`kzforecast.simulate` run with ``targets=``.

    Returns
    -------
    DataFrame
        Square, indexed and labelled ``"id:reading"`` in both directions.

    Raises
    ------
    TargetError
        When the simulation counted no evaluable reading.
    """
    evaluable, payload = _payload_for(simulation, list(simulation.targets))
    if payload is None:
        raise TargetError("no evaluated targets in this simulation", source="joint_probabilities")
    labels = [f"{t.id}:{t.reading}" for t in evaluable]
    return pd.DataFrame(payload.pair / simulation.n_paths, index=labels, columns=labels)
