"""Hypothesis strategies for synthetic targets and user history frames.

:func:`targets` builds valid :class:`~kzforecast.targets.Target` readings (all seventeen
fields consistent) of chosen metrics and kinds of reading; :func:`histories` builds long
observation frames, with gaps, bounds and alternatives, that
:func:`kzforecast.load_observations` and :func:`kzforecast.load_history` accept.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from kzforecast.data import SERIES
from kzforecast.targets import METRIC_SPECS, MODELLED_METRICS, Metric, Target

__all__ = ["READINGS", "Reading", "histories", "targets"]

Reading = Literal["level", "ratio_to_base", "cumulative", "by_year", "window"]
"""Kinds of reading :func:`targets` builds: a level in the due year, a ratio to a base
year, a sum over a window up to the due year, a level met in any year of a window
(``by_year``), or a window rule (first, last or any year)."""

READINGS: tuple[Reading, ...] = get_args(Reading)

_LEVELS: dict[str, tuple[float, float]] = {
    # where a level threshold of each metric is drawn (canonical units)
    "vehicle_output": (1_000.0, 400_000.0),
    "passenger_car_output": (1_000.0, 300_000.0),
    "export_units": (0.0, 100_000.0),
    "processing_output_index": (0.5, 3.0),
    "processing_exports_usd_bn": (5.0, 60.0),
    "processing_investment_kzt_trn": (0.3, 6.0),
    "private_per_state_investment": (0.5, 10.0),
    "assembly_capacity": (10_000.0, 1_000_000.0),
    "ckd_output": (0.0, 300_000.0),
}
_MODEL_DESTINATIONS = ("russia", "uzbekistan", "kyrgyzstan", "tajikistan", "other", "central_asia")


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _threshold(draw: st.DrawFn, metric: Metric, reading: Reading, n_years: int) -> float:
    if reading == "ratio_to_base":
        return draw(_floats(0.5, 3.0))
    if METRIC_SPECS[metric].share:
        return draw(_floats(0.0, 1.0))
    low, high = _LEVELS.get(metric, (0.0, 100_000.0))
    scale = n_years if reading == "cumulative" else 1
    return draw(_floats(low * scale, high * scale))


def _fields(draw: st.DrawFn, reading: Reading, first: int, last: int) -> dict[str, Any]:
    """Transform, timing and the years of a reading due in ``first .. last``."""
    due = draw(st.integers(first, last))
    out: dict[str, Any] = {"due_year": due, "transform": "level", "timing": "in_year"}
    if reading == "ratio_to_base":
        out["transform"] = "ratio_to_base"
        out["base_year"] = draw(st.integers(first - 1, due - 1))
    elif reading == "cumulative":
        out["transform"] = "cumulative"
        out["window_start"] = draw(st.integers(first, due))
    elif reading == "by_year":
        out["timing"] = "by_year"
        out["window_start"] = draw(st.integers(first, due))
    elif reading == "window":
        out["timing"] = "window"
        out["window_start"] = draw(st.integers(first, due))
        out["window_rule"] = draw(st.sampled_from(["first", "last", "any"]))
    return out


@st.composite
def _target(
    draw: st.DrawFn,
    metrics: tuple[Metric, ...],
    readings: tuple[Reading, ...],
    years: tuple[int, int],
    comparisons: tuple[str, ...],
) -> Target:
    metric = draw(st.sampled_from(metrics))
    spec = METRIC_SPECS[metric]
    allowed = [r for r in readings if not (r == "cumulative" and spec.share)]
    if not allowed:
        raise ValueError(f"no reading of {list(readings)} suits the share metric {metric!r}")
    reading = draw(st.sampled_from(allowed))
    fields = _fields(draw, reading, *years)
    n_years = fields["due_year"] - fields.get("window_start", fields["due_year"]) + 1
    destinations: list[str] = []
    named = bool(spec.destinations) and bool(draw(st.booleans()))
    if named:
        destinations = draw(
            st.lists(st.sampled_from(_MODEL_DESTINATIONS), min_size=1, max_size=2, unique=True)
        )
    stated = draw(st.dates(datetime.date(years[0] - 10, 1, 1), datetime.date(years[0] - 1, 12, 31)))
    return Target.model_validate(
        {
            "id": f"GEN-{draw(st.integers(1, 9999))}",
            "reading": reading.replace("_", "-"),
            "default_reading": True,
            "stated_on": stated.isoformat(),
            "speaker": "A generated speaker",
            "office": "A generated office",
            "source_url": "https://example.org/generated",
            "confidence": draw(st.sampled_from(["high", "medium", "low"])),
            "quote": "A generated target.",
            "official": draw(st.booleans()),
            "metric": metric,
            "comparison": draw(st.sampled_from(comparisons)),
            "threshold": _threshold(draw, metric, reading, n_years),
            "unit": spec.unit,
            "destinations": destinations,
            "interpretation": f"A generated {reading} reading of {metric}.",
            **fields,
        }
    )


def targets(
    metrics: Sequence[Metric] | None = None,
    readings: Sequence[Reading] | None = None,
    *,
    years: tuple[int, int] = (2026, 2035),
    comparisons: Sequence[Literal[">=", "<=", "=="]] = (">=", "<="),
) -> st.SearchStrategy[Target]:
    """Valid synthetic target readings.

    Parameters
    ----------
    metrics : sequence of Metric, optional
        Metrics to draw from; default every modelled one
        (:data:`kzforecast.targets.MODELLED_METRICS`).
    readings : sequence of Reading, optional
        Kinds of reading to draw from (:data:`READINGS`; ``cumulative`` is not drawn for
        share metrics); default all.
    years : (int, int), default (2026, 2035)
        Due years, window starts and (from the year before) base years lie in this range:
        pass a scenario's ``(as_of + 1, horizon)`` for readings it can evaluate.
    comparisons : sequence of {">=", "<=", "=="}, default (">=", "<=")
        Comparisons to draw from.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of Target
        Thresholds lie in plausible ranges of the metric's canonical unit (a fraction
        for shares, 0.5-3 for ratios to a base year, multiplied by the window's length
        for sums); export metrics sometimes name destinations the model simulates.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kzforecast.testing import targets
    >>> @settings(max_examples=10)
    ... @given(targets(["vehicle_output"], ["cumulative"], years=(2026, 2030)))
    ... def test_cumulative(t):
    ...     assert t.transform == "cumulative" and 2026 <= t.window_start <= t.due_year
    >>> test_cumulative()
    """
    chosen_metrics = tuple(MODELLED_METRICS if metrics is None else metrics)
    chosen_readings = tuple(READINGS if readings is None else readings)
    if not chosen_metrics or not chosen_readings or not comparisons:
        raise ValueError("metrics, readings and comparisons must not be empty")
    if years[0] > years[1]:
        raise ValueError(f"years must be (first, last) with first <= last, got {years}")
    return _target(chosen_metrics, chosen_readings, years, tuple(comparisons))


_START: dict[str, tuple[float, float]] = {
    # where a level series starts, by kind (vehicles; KZT per USD; index; other levels)
    "count": (1_000.0, 300_000.0),
    "price": (100.0, 600.0),
    "index": (0.5, 2.0),
    "level": (0.5, 50.0),
}


def _path(draw: st.DrawFn, kind: str, n: int) -> list[float]:
    """``n`` plausible values of a series of this kind: a random walk with drift and a
    volatility of at least 2% a year, on a scale that suits the kind."""
    drift = draw(_floats(-0.1, 0.3))
    vol = draw(_floats(0.02, 0.3))
    shocks = np.asarray(draw(st.lists(_floats(-2.0, 2.0), min_size=n, max_size=n)))
    # a fixed pattern of signs keeps even a shrunk example (all shocks 0) a noisy series
    steps = drift + vol * (shocks + np.where(np.arange(n) % 2 == 0, 1.0, -1.0))
    if kind == "share":
        level = draw(_floats(-3.0, 3.0)) + np.cumsum(steps - drift)
        return [float(1.0 / (1.0 + math.exp(-x))) for x in level]
    if kind == "rate":
        return [float(min(max(x, -0.9), 0.9)) for x in steps]
    low, high = _START.get(kind, _START["level"])
    start = math.log(draw(_floats(low, high)))
    return [float(math.exp(start + x)) for x in np.cumsum(steps)]


_STATUS = st.sampled_from(
    ["exact"] * 6 + ["derived", "approximate", "lower_bound", "upper_bound", "missing", "absent"]
)


def _row(
    series: str, year: int, value: float, qualifier: str, *, preferred: bool
) -> dict[str, Any]:
    return {
        "series": series,
        "year": year,
        "value": value,
        "qualifier": qualifier,
        "preferred": preferred,
    }


@st.composite
def _history(
    draw: st.DrawFn,
    series: tuple[str, ...],
    years: tuple[int, int],
    min_years: int,
    min_observed: int,
    alternatives: bool,
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for name in series:
        first = draw(st.integers(years[0], years[1] - min_years + 1))
        span = list(range(first, years[1] + 1))
        values = _path(draw, SERIES[name].kind, len(span))
        status = draw(st.lists(_STATUS, min_size=len(span), max_size=len(span)))
        if status[-1] == "absent":  # the last year is always in the frame
            status[-1] = "exact"
        observed = [i for i, s in enumerate(status) if s in ("exact", "derived", "approximate")]
        for i in range(len(span) - 1, -1, -1):  # too few observed: the latest years exact
            if len(observed) >= min_observed:
                break
            if i not in observed:
                status[i] = "exact"
                observed.append(i)
        for year, value, how in zip(span, values, status):
            if how == "absent":
                continue
            blank = how == "missing"
            rows.append(_row(name, year, math.nan if blank else value, how, preferred=True))
            if alternatives and not blank and draw(st.integers(0, 9)) == 0:
                other = value * draw(_floats(0.9, 1.1))
                if SERIES[name].kind == "share":
                    other = min(max(other, 0.0), 1.0)
                rows.append(_row(name, year, other, "approximate", preferred=False))
    return pd.DataFrame(rows, columns=["series", "year", "value", "qualifier", "preferred"])


def histories(
    series: Sequence[str] = ("vehicle_output",),
    *,
    years: tuple[int, int] = (2005, 2025),
    min_years: int = 8,
    min_observed: int = 5,
    alternatives: bool = True,
) -> st.SearchStrategy[pd.DataFrame]:
    """Long user history frames that :func:`kzforecast.load_observations` accepts.

    Parameters
    ----------
    series : sequence of str, default ("vehicle_output",)
        Canonical series (:data:`kzforecast.data.SERIES`); values follow a random walk on
        a scale that suits the series' kind (vehicles, a rate, a share in [0, 1]...).
    years : (int, int), default (2005, 2025)
        Each series starts in a year of this range and ends in its last year.
    min_years : int, default 8
        Each series spans at least this many years.
    min_observed : int, default 5
        At least this many years of each series have a value observed (exact, derived or
        approximate); the latest years are made exact if the draw left too few.
    alternatives : bool, default True
        Sometimes add a non-preferred alternative figure after a year's preferred row.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame
        Columns ``series, year, value, qualifier, preferred``: one preferred row per
        series and year present, years ascending, gaps both as absent years and as
        ``missing`` rows (value NaN), bounds as ``lower_bound`` / ``upper_bound``.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kzforecast import load_history
    >>> from kzforecast.testing import histories
    >>> @settings(max_examples=10, deadline=None)
    ... @given(histories())
    ... def test_loads(frame):
    ...     assert int(load_history(frame).index[-1]) == 2025
    >>> test_loads()
    """
    names = tuple(series)
    unknown = [s for s in names if s not in SERIES]
    if unknown or not names:
        raise ValueError(f"series must be canonical names (kzforecast.data.SERIES): {unknown}")
    if not 1 <= min_observed <= min_years <= years[1] - years[0] + 1:
        raise ValueError("need 1 <= min_observed <= min_years <= the number of years")
    return _history(names, years, min_years, min_observed, alternatives)
