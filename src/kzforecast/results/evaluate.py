"""Evaluate targets on simulated paths (plus history for past years).

A target reading (:class:`kzforecast.targets.Target`) becomes, for every path,
a metric value and a met/missed indicator. These are computed block by block
during :func:`kzforecast.simulate` (``targets=``), reduced to integer counts and
mergeable sketches, so probabilities are exact path counts whether or not paths
are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.results.summary import N_BINS, Sketch, sketch_bins

Arr = NDArray[np.float64]

__all__ = ["TargetPayload", "evaluate_block", "metric_status"]

CENTRAL_ASIA = ("uzbekistan", "kyrgyzstan", "tajikistan")

# metric -> simulated variable (None: computed from two variables)
_SIMULATED: dict[str, str | None] = {
    "vehicle_output": "vehicle_output",
    "export_units": "export_units",
    "export_share_of_output": None,
    "local_content_share": "local_content_share",
    "ckd_share": "ckd_share",
    "domestic_share_of_sales": "domestic_share_of_sales",
    "processing_output_index": "processing_output_index",
    "processing_exports_usd_bn": "processing_exports_usd_bn",
    "processing_investment_kzt_trn": "processing_investment_kzt_trn",
    "private_per_state_investment": None,
    "assembly_capacity": "capacity",
    "ckd_output": None,
}


def _cmp(values: Arr, comparison: str, threshold: float) -> NDArray[np.bool_]:
    if comparison == ">=":
        return values >= threshold
    if comparison == "<=":
        return values <= threshold
    return np.isclose(values, threshold, rtol=1e-9, atol=0.0)


def _first_year(t: Any, as_of: int) -> int:
    if t.window_start is not None:
        return int(t.window_start)
    if t.stated_year is not None:
        return int(t.stated_year)
    return as_of + 1


_DESTINATION_SERIES: dict[str, tuple[str, ...]] = {
    "russia": ("exports_to_russia",),
    "uzbekistan": ("exports_to_uzbekistan",),
    "kyrgyzstan": ("exports_to_kyrgyzstan",),
    "tajikistan": ("exports_to_tajikistan",),
    "other": ("exports_to_other",),
    "central_asia": tuple(f"exports_to_{d}" for d in CENTRAL_ASIA),
}
"""Simulated export series behind each destination a target may name."""


def _destination_series(destinations: Sequence[str]) -> list[str]:
    out: list[str] = []
    for d in destinations:
        for name in _DESTINATION_SERIES[d]:
            if name not in out:
                out.append(name)
    return out


def metric_status(
    t: Any,
    as_of: int,
    horizon: int,
    history: pd.DataFrame,
    variables: Sequence[str] | None = None,
) -> str | None:
    """Why a target reading cannot be evaluated on this simulation, or None if it can.

    ``variables`` are the simulated ones (default: every variable of the
    structural model); a target needing another is "not modelled".
    """
    if t.metric not in _SIMULATED:
        return f"not modelled: the model does not produce {t.metric!r}"
    unknown = [d for d in t.destinations if d not in _DESTINATION_SERIES]
    if unknown:
        return (
            f"not modelled: destination {', '.join(map(repr, unknown))} is not one of the "
            f"model's ({', '.join(_DESTINATION_SERIES)}; it is inside 'other')"
        )
    if t.timing == "none" or t.due_year is None:
        return "no deadline: the statement gives no year"
    if t.due_year > horizon:
        return f"beyond horizon: due {t.due_year}, simulation ends {horizon}"
    if t.due_year <= as_of:
        return f"in history: due {t.due_year}, simulation starts {as_of + 1} (see ex-post verdict)"
    if variables is not None:
        absent = [s for s in _series_needed(t) if s not in variables]
        if absent:
            return (
                f"not modelled: this scenario's model simulates only {', '.join(variables)}, "
                f"not {', '.join(absent)} (the trend model is for output alone)"
            )
    years = years_needed(t, as_of)
    past = [y for y in years if y <= as_of]
    for series in _series_needed(t):
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


def _series_needed(t: Any) -> list[str]:
    if t.metric in ("export_units", "export_share_of_output") and t.destinations:
        extra = ["vehicle_output"] if t.metric == "export_share_of_output" else []
        return _destination_series(t.destinations) + extra
    if t.metric == "export_share_of_output":
        return ["export_units", "vehicle_output"]
    if t.metric == "private_per_state_investment":
        return ["processing_state_investment_kzt_trn", "processing_private_investment_kzt_trn"]
    if t.metric == "ckd_output":
        return ["ckd_share", "vehicle_output"]
    var = _SIMULATED[t.metric]
    assert var is not None
    return ["capacity" if var == "capacity" else var]


def years_needed(t: Any, as_of: int) -> list[int]:
    due = int(t.due_year)
    years: list[int] = []
    if t.transform == "cumulative":
        years = list(range(_first_year(t, as_of), due + 1))
    elif t.timing == "by_year" or (t.timing == "window" and t.window_rule == "any"):
        years = list(range(max(_first_year(t, as_of), as_of + 1), due + 1))
    elif t.timing == "window" and t.window_rule == "first":
        years = [int(t.window_start)]
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
) -> Callable[[str, int], Arr | float]:
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


def _metric(t: Any, get: Callable[[str, int], Arr | float], year: int, n: int) -> Arr:
    m = t.metric
    if m in ("export_units", "export_share_of_output") and t.destinations:
        parts = [np.broadcast_to(get(k, year), (n,)) for k in _destination_series(t.destinations)]
        x_dest = np.asarray(sum(parts), dtype=np.float64)
        if m == "export_units":
            return x_dest
        q = np.broadcast_to(get("vehicle_output", year), (n,))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(q > 0, x_dest / q, 0.0), dtype=np.float64)
    if m == "export_share_of_output":
        x = np.broadcast_to(get("export_units", year), (n,))
        q = np.broadcast_to(get("vehicle_output", year), (n,))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(q > 0, x / q, 0.0)
    if m == "ckd_output":
        c = np.broadcast_to(get("ckd_share", year), (n,))
        q = np.broadcast_to(get("vehicle_output", year), (n,))
        return np.asarray(c * q, dtype=np.float64)
    if m == "private_per_state_investment":
        # ratio of private to state investment (the scenario's theta), per path
        state = np.broadcast_to(get("processing_state_investment_kzt_trn", year), (n,))
        priv = np.broadcast_to(get("processing_private_investment_kzt_trn", year), (n,))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(state > 0, priv / state, np.inf)
        return np.asarray(np.where(np.isnan(state + priv), np.nan, ratio))
    var = _SIMULATED[m]
    assert var is not None
    return np.asarray(np.broadcast_to(get(var, year), (n,)), dtype=np.float64)


def target_values(
    t: Any, get: Callable[[str, int], Arr | float], n: int, as_of: int, sim_years: Sequence[int]
) -> tuple[Arr, NDArray[np.bool_], NDArray[np.int64]]:
    """Per path: the metric value at the due year, met indicator, first year met (-1: never)."""
    due = int(t.due_year)

    def transformed(year: int) -> Arr:
        if t.transform == "cumulative":
            if t.metric == "private_per_state_investment":
                years = range(_first_year(t, as_of), year + 1)
                state = sum(
                    np.broadcast_to(get("processing_state_investment_kzt_trn", y), (n,))
                    for y in years
                )
                priv = sum(
                    np.broadcast_to(get("processing_private_investment_kzt_trn", y), (n,))
                    for y in years
                )
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(state > 0, priv / state, np.inf)
                return np.asarray(np.where(np.isnan(state + priv), np.nan, ratio))
            return np.asarray(
                sum(_metric(t, get, y, n) for y in range(_first_year(t, as_of), year + 1)),
                dtype=np.float64,
            )
        v = _metric(t, get, year, n)
        if t.transform == "ratio_to_base":
            # growth from a zero (or missing) base is undefined: NaN, never met
            base = _metric(t, get, int(t.base_year), n)
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
    year = int(t.window_start) if t.timing == "window" and t.window_rule == "first" else due
    v = transformed(year)
    met = _cmp(v, t.comparison, t.threshold)
    return v, met, np.where(met, year, -1).astype(np.int64)


def evaluate_block(
    targets: Sequence[Any],
    values: Arr,
    variables: Sequence[str],
    years: NDArray[np.int64],
    history: pd.DataFrame,
    as_of: int,
) -> TargetPayload:
    """Counts for one grid block; ``values`` has shape (variable, year, path)."""
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
        v, m, fy = target_values(t, get, n, as_of, sim_years)
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
