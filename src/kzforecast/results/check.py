"""``check``, ``compare`` and ``what_it_takes``: targets against simulated scenarios."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtri

from kzforecast.engine.seeding import SeedLike
from kzforecast.engine.simulate import simulate
from kzforecast.errors import TargetError
from kzforecast.results.evaluate import TargetPayload, likelihood_words, wilson
from kzforecast.results.simulation import Simulation
from kzforecast.results.summary import Sketch
from kzforecast.scenario import Scenario

__all__ = ["check", "compare", "what_it_takes"]

_Z90 = 1.6448536269514722


def _payload_for(sim: Simulation, targets: Sequence[Any]) -> tuple[list[Any], TargetPayload | None]:
    """Counts for the evaluable targets: recorded during the run, or from kept paths."""
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


def check(simulation: Simulation, targets: Sequence[Any] | None = None) -> pd.DataFrame:
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

    Notes
    -----
    ``p_met`` is the share of paths meeting the target, an exact count;
    ``mc_se = sqrt(p (1 - p) / n)``; ``p90_low/high`` is the 90% Wilson score
    interval (well-behaved near 0 and 1). Metric quantiles come from the
    log-bin sketch (0.39% relative accuracy). ``shortfall_if_missed`` is the
    mean distance to the threshold over the paths that miss it (metric units).
    """
    if not isinstance(simulation, Simulation):
        raise TypeError("check needs a Simulation (from kzforecast.simulate(..., targets=...))")
    chosen = list(targets) if targets is not None else list(simulation.targets)
    if not chosen:
        raise TargetError(
            "no targets to check",
            source="check",
            allowed="simulate(scenario, ..., targets=load_targets(...))",
        )
    evaluable, payload = _payload_for(simulation, chosen)
    years = [int(y) for y in simulation.years]
    n = simulation.n_paths
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
            i = position[key]
            met = int(payload.met[i])
            p = met / n
            lo, hi = wilson(p, n, _Z90)
            q = Sketch(payload.metric_sketch.counts[i]).quantile(np.array([0.1, 0.5, 0.9]))
            row.update(
                status="evaluated",
                p_met=p,
                mc_se=math.sqrt(p * (1 - p) / n),
                p90_low=lo,
                p90_high=hi,
                likelihood=likelihood_words(p),
                metric_p10=float(q[0]),
                metric_p50=float(q[1]),
                metric_p90=float(q[2]),
                shortfall_if_missed=(
                    float(payload.shortfall_sum[i]) / int(payload.shortfall_n[i])
                    if payload.shortfall_n[i]
                    else math.nan
                ),
                first_year_met=(
                    _first_year_text(payload.first_year[i], years, n)
                    if t.timing in ("by_year", "window")
                    else ""
                ),
            )
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
    out.attrs["paths"] = n
    out.attrs["scenario"] = simulation.scenario.name
    return out


def _ex_post(targets: Sequence[Any], sim: Simulation) -> dict[tuple[str, str], dict[str, Any]]:
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
    """
    evaluable, payload = _payload_for(simulation, list(simulation.targets))
    if payload is None:
        raise TargetError("no evaluated targets in this simulation", source="joint_probabilities")
    labels = [f"{t.id}:{t.reading}" for t in evaluable]
    return pd.DataFrame(payload.pair / simulation.n_paths, index=labels, columns=labels)


def compare(
    scenarios: Mapping[str, Scenario],
    targets: Sequence[Any],
    *,
    paths: int = 20_000,
    seed: SeedLike = 0,
    engine: Literal["local", "dask"] = "local",
    client: Any = None,
) -> pd.DataFrame:
    """P(met) per target reading (rows) and scenario (columns), on common random numbers.

    Every scenario runs with the same seed, so differences between columns are
    the scenarios' effects, not Monte Carlo noise. ``engine``/``client`` are
    passed to :func:`kzforecast.simulate` (results do not depend on them).
    """
    if not scenarios:
        raise TargetError("no scenarios to compare", source="compare")
    if not targets:
        raise TargetError("no targets to compare", source="compare")
    cols = {}
    for name, sc in scenarios.items():
        sim = simulate(sc, paths=paths, seed=seed, targets=targets, engine=engine, client=client)
        res = check(sim)
        cols[name] = res.set_index(["id", "reading"])["p_met"]
    return pd.DataFrame(cols)


def _default_lever_bounds(dist: Any) -> tuple[float, float]:
    """Search range for a lever: its prior's 0.1%-99.9% range widened by twice its span
    (a fixed lever: its value +- max(|value|, 0.05) x 3), clipped only to the hard
    limits its support implies (>= 0 for a non-negative parameter, [0, 1] for a share)."""
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
    return (lo, hi)


def what_it_takes(
    scenario: Scenario,
    target: Any,
    *,
    lever: str,
    probability: float = 0.8,
    bounds: tuple[float, float] | None = None,
    paths: int = 10_000,
    seed: SeedLike = 0,
    tol: float | None = None,
    engine: Literal["local", "dask"] = "local",
    client: Any = None,
) -> dict[str, Any]:
    """The value of one parameter at which P(target met) reaches ``probability``.

    The lever (a dotted parameter path, e.g. ``blocks.market.mu_M``) is set to a
    known value (a point mass); every run uses the same seed, so P(met) is a
    deterministic, monotone step function of the lever for growth-type levers
    and bisection converges to a stable answer.

    Returns a dict with ``lever``, ``value``, ``p_met`` (re-simulated at the
    value), ``paths``, ``iterations`` and ``bounds``.

    Raises
    ------
    TargetError
        When no value within the bounds reaches the probability.
    """
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must lie in (0, 1), got {probability}")
    params = scenario.parameters()
    if lever not in params:
        raise TargetError(
            f"unknown lever {lever!r}", source="what_it_takes", allowed=", ".join(params)
        )
    if bounds is None:
        bounds = _default_lever_bounds(params[lever])
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo < hi:
        raise ValueError(f"bounds must satisfy low < high, got {bounds}")

    def p_at(x: float) -> float:
        sc = scenario.with_parameter(lever, x)
        sim = simulate(sc, paths=paths, seed=seed, targets=[target], engine=engine, client=client)
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
        return {"lever": lever, "value": a, "p_met": p_lo if increasing else p_hi,
                "paths": paths, "iterations": 0, "bounds": (lo, hi)}  # fmt: skip
    tol = tol if tol is not None else (hi - lo) * 1e-4
    it = 0
    while abs(b - a) > tol and it < 60:
        mid = 0.5 * (a + b)
        if p_at(mid) >= probability:
            b = mid
        else:
            a = mid
        it += 1
    return {"lever": lever, "value": b, "p_met": p_at(b), "paths": paths, "iterations": it,
            "bounds": (lo, hi)}  # fmt: skip


def check_until(
    scenario: Scenario,
    targets: Sequence[Any],
    *,
    precision: float = 0.005,
    max_paths: int = 1_000_000,
    batch: int = 16_384,
    seed: SeedLike = 0,
    confidence: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate block by block until every P(met) is known to ``precision``.

    Stops when the half-width of every evaluated target's Wilson interval (at
    ``confidence``, default 95%) is at most ``precision``, or when ``max_paths``
    is reached. Runs add whole grid blocks, so the path counts are exactly those
    of a single run with the same total number of paths and seed.

    Returns
    -------
    (table, trace)
        The :func:`check` table for all paths used (``table.attrs["paths"]``,
        ``table.attrs["converged"]``), and the convergence trace: one row per
        batch with the paths so far and each target's P(met) and half-width.
    """
    from dataclasses import replace

    from kzforecast.engine.seeding import GRID_BLOCK, root_seed_sequence

    if not 0 < precision < 0.5:
        raise ValueError(f"precision must lie in (0, 0.5), got {precision}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    for name, value in (("max_paths", max_paths), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    if not targets:
        raise TargetError("no targets to check", source="check_until")
    if batch % GRID_BLOCK or batch < GRID_BLOCK:
        raise ValueError(f"batch must be a positive multiple of {GRID_BLOCK}, got {batch}")
    if max_paths < batch:
        raise ValueError(f"max_paths ({max_paths}) must be at least batch ({batch})")
    z = float(ndtri(0.5 + confidence / 2))
    root = root_seed_sequence(seed)
    merged: Simulation | None = None
    trace_rows: list[dict[str, Any]] = []
    converged = False
    while merged is None or merged.n_paths < max_paths:
        first = 0 if merged is None else merged.n_paths // GRID_BLOCK
        n = min(batch, max_paths - (merged.n_paths if merged else 0))
        part = simulate(scenario, paths=n, seed=root, targets=targets, _first_block=first)
        if merged is None:
            merged = part
        else:
            pay = merged.target_payload
            if pay is not None and part.target_payload is not None:
                pay = pay.merge(part.target_payload)
            merged = replace(
                merged,
                n_paths=merged.n_paths + part.n_paths,
                moments=merged.moments.merge(part.moments),
                sketch=merged.sketch.merge(part.sketch),
                target_payload=pay,
            )
        row: dict[str, Any] = {"paths": merged.n_paths}
        widths = []
        if merged.target_payload is not None:
            evaluable = [t for t in merged.targets
                         if merged.target_status.get((t.id, t.reading)) is None]  # fmt: skip
            for i, t in enumerate(evaluable):
                p = int(merged.target_payload.met[i]) / merged.n_paths
                lo, hi = wilson(p, merged.n_paths, z)
                widths.append((hi - lo) / 2)
                row[f"{t.id}:{t.reading}"] = p
                row[f"{t.id}:{t.reading} half-width"] = (hi - lo) / 2
        trace_rows.append(row)
        if not widths or max(widths) <= precision:
            converged = True
            break
        if merged.n_paths % GRID_BLOCK:
            break  # a partial block ends the grid
    assert merged is not None
    merged.attrs["paths"] = merged.n_paths
    table = check(merged)
    table.attrs["converged"] = converged
    table.attrs["precision"] = precision
    return table, pd.DataFrame(trace_rows).set_index("paths")


__all__ += ["check_until", "joint_probabilities"]
