"""Evaluate targets on simulated paths (plus history for past years).

A target reading (:class:`kzforecast.targets.Target`) becomes, for every path,
a metric value and a met/missed indicator. These are computed block by block
during :func:`kzforecast.simulate` (``targets=``), reduced to integer counts and
mergeable sketches, so probabilities are exact path counts whether or not paths
are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.model.kernel import model_variables
from kzforecast.results.summary import N_BINS, Sketch, sketch_bins
from kzforecast.scenario import Scenario
from kzforecast.targets import Target
from kzforecast.targets.metrics import (
    CENTRAL_ASIA,
    DESTINATION_SERIES,
    METRIC_SPECS,
    METRIC_TABLE,
    Metric,
    MetricSpec,
    destination_series,
)

Arr = NDArray[np.float64]
Getter = Callable[[str, int], Arr | float]
"""``get(variable, year)``: a variable's paths in a simulated year, its history value before."""

__all__ = [
    "LIKELIHOOD_SCALE",
    "MODELS",
    "TargetPayload",
    "base_getter",
    "evaluate_block",
    "hist_value",
    "likelihood_words",
    "make_getter",
    "metric_models",
    "metric_status",
    "simulated_by",
    "target_values",
    "wilson",
    "years_needed",
]

MODELS: tuple[str, ...] = get_args(Scenario.model_fields["model"].annotation)
"""The models a scenario may choose (``Scenario.model``)."""

_MODEL_DESTINATIONS: tuple[str, ...] = tuple(d for d, s in DESTINATION_SERIES.items() if s)
"""Destinations with series of their own (the others are inside ``other``)."""


def metric_models(metric: Metric) -> tuple[str, ...]:
    """The models that simulate a metric: those with every variable it is computed from.

    Parameters
    ----------
    metric : Metric
        A target metric (:data:`kzforecast.targets.METRICS`).

    Returns
    -------
    tuple of str
        Names among :data:`MODELS`, empty when no model produces the metric.

    Examples
    --------
    >>> metric_models("vehicle_output"), metric_models("ckd_output"), metric_models("other")
    (('structural', 'trend'), ('structural',), ())
    """
    spec = METRIC_SPECS[metric]
    if not spec.modelled:
        return ()
    return tuple(m for m in MODELS if set(spec.simulated) <= set(model_variables(m)))


def simulated_by() -> dict[Metric, tuple[str, ...]]:
    """Metric -> :func:`metric_models`, for every metric of the table (the docs' column)."""
    return {s.name: metric_models(s.name) for s in METRIC_TABLE}


def _cmp(values: Arr, comparison: str, threshold: float) -> NDArray[np.bool_]:
    if comparison == ">=":
        return values >= threshold
    if comparison == "<=":
        return values <= threshold
    return np.isclose(values, threshold, rtol=1e-9, atol=0.0)


def _first_year(t: Target, as_of: int) -> int:
    if t.window_start is not None:
        return int(t.window_start)
    if t.stated_year is not None:
        return int(t.stated_year)
    return as_of + 1


def _due(t: Target) -> int:
    if t.due_year is None:
        raise ValueError(f"target {t.id}:{t.reading} has no due year")
    return int(t.due_year)


def _window_start(t: Target) -> int:
    if t.window_start is None:
        raise ValueError(f"target {t.id}:{t.reading} has no window_start")
    return int(t.window_start)


def metric_status(
    t: Target,
    as_of: int,
    horizon: int,
    history: pd.DataFrame,
    variables: Sequence[str] | None = None,
) -> str | None:
    """Why a target reading cannot be evaluated on this simulation, or None if it can.

    Parameters
    ----------
    t : Target
        The reading.
    as_of, horizon : int
        The scenario's last history year and last simulated year.
    history : pandas.DataFrame
        Wide year x series history (past years of windows, sums and bases).
    variables : sequence of str, optional
        The variables the scenario's model simulates (default: every variable
        of the structural model); a reading needing another is "not modelled".

    Returns
    -------
    str or None
        ``not modelled: ...``, ``no deadline: ...``, ``beyond horizon: ...``,
        ``in history: ...`` or ``no history: ...``; None when it can be evaluated.
    """
    if not METRIC_SPECS[t.metric].modelled:
        return f"not modelled: the model does not produce {t.metric!r}"
    unknown = [d for d in t.destinations if d not in _MODEL_DESTINATIONS]
    if unknown:
        return (
            f"not modelled: destination {', '.join(map(repr, unknown))} is not one of the "
            f"model's ({', '.join(_MODEL_DESTINATIONS)}; it is inside 'other')"
        )
    if t.timing == "none" or t.due_year is None:
        return "no deadline: the statement gives no year"
    if t.due_year > horizon:
        return f"beyond horizon: due {t.due_year}, simulation ends {horizon}"
    if t.due_year <= as_of:
        return f"in history: due {t.due_year}, simulation starts {as_of + 1} (see ex-post verdict)"
    needed = _series_needed(t)
    if variables is not None:
        absent = [s for s in needed if s not in variables]
        if absent:
            return (
                f"not modelled: this scenario's model simulates only {', '.join(variables)}, "
                f"not {', '.join(absent)} (the trend model is for output alone)"
            )
    past = [y for y in years_needed(t, as_of) if y <= as_of]
    for series in needed:
        for y in past:
            if (
                series not in history.columns
                or y not in history.index
                or math.isnan(hist_value(history, y, series))
            ):
                return f"no history: {series} {y} is needed and missing"
    return None


def hist_value(history: pd.DataFrame, year: int, series: str) -> float:
    """A history value as float (NaN when the year or the series is absent)."""
    if series not in history.columns:
        return math.nan
    return float(history[series].reindex([year]).to_numpy(dtype=np.float64)[0])


def _series_needed(t: Target) -> list[str]:
    """The simulated variables of the reading's metric (a named destination replaces
    ``export_units`` by the destinations' series)."""
    out: list[str] = []
    for v in METRIC_SPECS[t.metric].simulated:
        out += destination_series(t.destinations) if _by_destination(t, v) else [v]
    return out


def _by_destination(t: Target, variable: str) -> bool:
    return variable == "export_units" and bool(t.destinations)


def years_needed(t: Target, as_of: int) -> list[int]:
    """Every year whose value the reading reads (base year first), past years included.

    Parameters
    ----------
    t : Target
        A reading with a due year.
    as_of : int
        The scenario's last history year (a "by year" reading reads only the
        simulated years: the history's are counted separately).

    Returns
    -------
    list of int
    """
    due = _due(t)
    years: list[int] = []
    if t.transform == "cumulative":
        years = list(range(_first_year(t, as_of), due + 1))
    elif t.timing == "by_year" or (t.timing == "window" and t.window_rule == "any"):
        years = list(range(max(_first_year(t, as_of), as_of + 1), due + 1))
    elif t.timing == "window" and t.window_rule == "first":
        years = [_window_start(t)]
    else:
        years = [due]
    if t.transform == "ratio_to_base" and t.base_year is not None:
        years = [int(t.base_year), *years]
    return years


@dataclass
class TargetPayload:
    """Per-block integer counts for a set of targets (mergeable by addition)."""

    n: int
    met: NDArray[np.int64]  # (n_targets,)
    pair: NDArray[np.int64]  # (n_targets, n_targets): both met
    shortfall_sum: Arr  # (n_targets,) sum over missed paths of the distance to threshold
    shortfall_n: NDArray[np.int64]  # (n_targets,) missed paths with a defined metric
    first_year: NDArray[np.int64]  # (n_targets, n_years + 2): history, years..., never
    metric_sketch: Sketch  # (n_targets, bins)

    def merge(self, other: TargetPayload) -> TargetPayload:
        return TargetPayload(
            self.n + other.n,
            self.met + other.met,
            self.pair + other.pair,
            self.shortfall_sum + other.shortfall_sum,
            self.shortfall_n + other.shortfall_n,
            self.first_year + other.first_year,
            self.metric_sketch.merge(other.metric_sketch),
        )


def make_getter(
    values: Arr, variables: Sequence[str], years: NDArray[np.int64], history: pd.DataFrame
) -> Getter:
    """``get(variable, year)``: simulated paths for future years, history for past ones."""
    index = {v: i for i, v in enumerate(variables)}
    first = int(years[0])

    def get(variable: str, year: int) -> Arr | float:
        if year >= first:
            if variable.startswith("exports_to_central_asia"):
                total = sum(values[index[f"exports_to_{d}"], year - first] for d in CENTRAL_ASIA)
                return np.asarray(total, dtype=np.float64)
            return np.asarray(values[index[variable], year - first], dtype=np.float64)
        return hist_value(history, year, variable)

    return get


def _variable(t: Target, get: Getter, name: str, year: int, n: int) -> Arr:
    """One variable of the metric on every path (exports: to the named destinations)."""
    if _by_destination(t, name):
        parts = [np.broadcast_to(get(k, year), (n,)) for k in destination_series(t.destinations)]
        return np.asarray(sum(parts), dtype=np.float64)
    return np.broadcast_to(get(name, year), (n,))


def _combine(spec: MetricSpec, operands: Sequence[Arr]) -> Arr:
    """The metric from its variables' values, by the table's rule (``MetricSpec.combine``)."""
    if spec.combine == "share":
        x, q = operands
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(q > 0, x / q, 0.0), dtype=np.float64)
    if spec.combine == "product":
        a, b = operands
        return np.asarray(a * b, dtype=np.float64)
    if spec.combine == "second_per_first":
        first, second = operands
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(first > 0, second / first, np.inf)
        return np.asarray(np.where(np.isnan(first + second), np.nan, ratio))
    (only,) = operands
    return np.asarray(only, dtype=np.float64)


def _metric(t: Target, get: Getter, year: int, n: int) -> Arr:
    spec = METRIC_SPECS[t.metric]
    return _combine(spec, [_variable(t, get, v, year, n) for v in spec.simulated])


def _cumulative(t: Target, get: Getter, year: int, n: int, as_of: int) -> Arr:
    """The metric summed over the window up to ``year`` (a ratio: the ratio of the sums)."""
    spec = METRIC_SPECS[t.metric]
    years = range(_first_year(t, as_of), year + 1)
    if spec.combine == "second_per_first":
        sums = [
            np.asarray(sum(_variable(t, get, v, y, n) for y in years), dtype=np.float64)
            for v in spec.simulated
        ]
        return _combine(spec, sums)
    return np.asarray(sum(_metric(t, get, y, n) for y in years), dtype=np.float64)


def base_getter(get: Getter, as_of: int, initial: Mapping[str, float] | None) -> Getter:
    """The getter a growth target's base reads: the as-of year is the initial state.

    The scenario's initial state *is* its value for the as-of year, so a
    ``ratio_to_base`` target whose base year is the as-of year divides by it,
    not by the history's figure (which the scenario may override).

    Parameters
    ----------
    get : Getter
        Simulated paths for future years, history for past ones.
    as_of : int
        The scenario's last observed year.
    initial : mapping of str to float, optional
        The resolved initial state by variable; None: the history alone.

    Returns
    -------
    Getter
        ``get`` with the as-of year's variables in ``initial`` replaced by them.
    """
    if not initial:
        return get
    state = dict(initial)

    def get_base(variable: str, year: int) -> Arr | float:
        if year == as_of and variable in state:
            return float(state[variable])
        return get(variable, year)

    return get_base


def target_values(
    t: Target,
    get: Getter,
    n: int,
    as_of: int,
    sim_years: Sequence[int],
    initial: Mapping[str, float] | None = None,
) -> tuple[Arr, NDArray[np.bool_], NDArray[np.int64]]:
    """Per path: the metric value at the due year, met indicator, first year met (-1: never).

    ``initial`` (the resolved initial state by variable) is the value of the
    as-of year for a growth target's base (:func:`base_getter`).
    """
    due = _due(t)
    get_base = base_getter(get, as_of, initial)

    def transformed(year: int) -> Arr:
        if t.transform == "cumulative":
            return _cumulative(t, get, year, n, as_of)
        v = _metric(t, get, year, n)
        if t.transform == "ratio_to_base" and t.base_year is not None:
            # growth from a zero (or missing) base is undefined: NaN, never met
            base = _metric(t, get_base, int(t.base_year), n)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(base > 0, v / base, np.nan)
        return v

    if t.timing == "by_year" or (t.timing == "window" and t.window_rule == "any"):
        # past years count too: a target already met in the history is met on every path
        years = list(range(_first_year(t, as_of), due + 1))
        first_met = np.full(n, -1, dtype=np.int64)
        met = np.zeros(n, dtype=bool)
        for y in years:
            hit = _cmp(transformed(y), t.comparison, t.threshold) & ~met
            first_met[hit] = y
            met |= hit
        return transformed(due), met, first_met
    year = _window_start(t) if t.timing == "window" and t.window_rule == "first" else due
    v = transformed(year)
    met = _cmp(v, t.comparison, t.threshold)
    return v, met, np.where(met, year, -1).astype(np.int64)


def evaluate_block(
    targets: Sequence[Target],
    values: Arr,
    variables: Sequence[str],
    years: NDArray[np.int64],
    history: pd.DataFrame,
    as_of: int,
    initial: Mapping[str, float] | None = None,
) -> TargetPayload:
    """Counts for one grid block; ``values`` has shape (variable, year, path).

    ``initial``: the resolved initial state by variable, the as-of year's value
    of a growth target's base (see :func:`base_getter`).
    """
    n = values.shape[-1]
    get = make_getter(values, variables, years, history)
    sim_years = [int(y) for y in years]
    k = len(targets)
    met = np.zeros((k, n), dtype=bool)
    metric = np.zeros((k, n))
    shortfall = np.zeros(k)
    shortfall_n = np.zeros(k, dtype=np.int64)
    # columns: already met in the history, each simulated year, never
    first = np.zeros((k, len(sim_years) + 2), dtype=np.int64)
    sketch_counts = np.zeros((k, N_BINS), dtype=np.int64)
    for i, t in enumerate(targets):
        v, m, fy = target_values(t, get, n, as_of, sim_years, initial)
        finite = np.isfinite(v)
        m = m & finite  # an undefined metric (NaN) never meets a target
        metric[i], met[i] = v, m
        gap = np.abs(v - t.threshold)
        shortfall[i] = float(gap[~m & finite].sum())
        shortfall_n[i] = int((~m & finite).sum())
        sketch_counts[i] = np.bincount(sketch_bins(np.maximum(v[finite], 0.0)), minlength=N_BINS)
        idx = np.where(fy < 0, len(sim_years) + 1, np.maximum(fy - sim_years[0] + 1, 0))
        first[i] = np.bincount(idx, minlength=len(sim_years) + 2)
    mi = met.astype(np.int64)
    pair = mi @ mi.T
    return TargetPayload(
        n, mi.sum(axis=1), pair, shortfall, shortfall_n, first, Sketch(sketch_counts)
    )


def wilson(p: float, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval for a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


LIKELIHOOD_SCALE: tuple[tuple[float, str], ...] = (
    (0.99, "virtually certain"),
    (0.95, "extremely likely"),
    (0.90, "very likely"),
    (0.66, "likely"),
    (0.33, "about as likely as not"),
    (0.10, "unlikely"),
    (0.05, "very unlikely"),
    (0.01, "extremely unlikely"),
    (0.0, "exceptionally unlikely"),
)
"""IPCC AR5 calibrated likelihood language, made mutually exclusive: the first
row whose lower bound the probability reaches (>= 99%: virtually certain; ...;
< 1%: exceptionally unlikely)."""


def likelihood_words(p: float) -> str:
    """The IPCC-style likelihood phrase for a probability.

    >>> likelihood_words(0.5)
    'about as likely as not'
    >>> likelihood_words(0.07)
    'very unlikely'
    """
    if not 0.0 <= p <= 1.0:
        return ""
    for bound, words in LIKELIHOOD_SCALE:
        if p >= bound:
            return words
    return LIKELIHOOD_SCALE[-1][1]  # pragma: no cover
