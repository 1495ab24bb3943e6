"""The observations a verdict reads: preferred rows as intervals, and a metric in a year.

:func:`read_history` turns a long observation frame into a :class:`History` of
:class:`~kzforecast.targets._interval.Quantity` intervals keyed by (series,
year); :func:`metric_value` computes a target's metric in one year from it, as
the metric table (:mod:`kzforecast.targets.metrics`) defines it, or says which
observations are missing.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from kzforecast.data import QUALIFIERS
from kzforecast.errors import DataError
from kzforecast.targets._interval import INF, Quantity, complement, div, mul, total
from kzforecast.targets._model import Target
from kzforecast.targets.metrics import (
    DESTINATION_SERIES,
    HISTORY_INPUTS,
    METRIC_SPECS,
    destination_series,
)

__all__ = [
    "History",
    "Missing",
    "Result",
    "metric_parts",
    "metric_value",
    "missing_text",
    "needed",
    "read_history",
]

_SOURCE = "observations"


class History:
    """Preferred observations as intervals, keyed by (series, year)."""

    def __init__(self, values: dict[tuple[str, int], Quantity]) -> None:
        self.values = values

    def get(self, series: str, year: int) -> Quantity | None:
        """The observation of ``series`` in ``year``, or None if there is none."""
        return self.values.get((series, year))

    @property
    def last_year(self) -> int | None:
        """The last year with any observation (None when there is none)."""
        return max((y for _, y in self.values), default=None)

    def up_to(self, year: int) -> History:
        """The observations of ``year`` and before."""
        return History({k: v for k, v in self.values.items() if k[1] <= year})


def _sources(raw: Any) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if isinstance(raw, float) and math.isnan(raw):
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset | np.ndarray):
        return frozenset(str(s).strip() for s in raw if str(s).strip())
    return frozenset(p.strip() for p in re.split(r"[;,]", str(raw)) if p.strip())


_NONNEGATIVE: frozenset[str] = frozenset(
    {s for inputs in HISTORY_INPUTS.values() for s in inputs}
    | {s for series in DESTINATION_SERIES.values() for s in series}
)
"""Series a verdict reads, all of them quantities >= 0."""


def _preferred(observations: pd.DataFrame) -> pd.DataFrame:
    """The preferred rows, after checking the columns, years and qualifiers."""
    if not isinstance(observations, pd.DataFrame):
        raise DataError(
            f"must be a pandas DataFrame, got {type(observations).__name__}", source=_SOURCE
        )
    required = ("series", "year", "value", "qualifier")
    missing = [c for c in required if c not in observations.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            source=_SOURCE,
            allowed="columns series, year, value, qualifier [, preferred, source_ids]",
        )
    frame = observations
    if "preferred" in frame.columns:
        pref = frame["preferred"]
        if pref.isna().any():
            raise DataError("column preferred has missing values", source=_SOURCE)
        frame = frame[pref.astype(bool).to_numpy()]
    if frame["year"].isna().any():
        raise DataError("column year has missing values", source=_SOURCE)
    bad = sorted(set(frame["qualifier"].astype(str)) - set(QUALIFIERS))
    if bad:
        raise DataError(
            f"unknown qualifier(s) {', '.join(bad)}",
            source=_SOURCE,
            location="column qualifier",
            allowed=", ".join(QUALIFIERS),
        )
    return frame


def _quantity(
    series: str, year: int, value: Any, qualifier: str, sources: Any, row: int
) -> Quantity:
    """The interval of one row that is not ``missing``, its value checked."""
    where = f"row {row}, column value"
    try:
        v = float(value) if value is not None and not pd.isna(value) else math.nan
    except (TypeError, ValueError):
        raise DataError(
            f"value {value!r} is not a number", source=_SOURCE, location=where
        ) from None
    if not math.isfinite(v):
        raise DataError(
            f"{series} {year} has qualifier {qualifier} but value {value!r}",
            source=_SOURCE,
            location=where,
            allowed="a finite number, or qualifier 'missing'",
        )
    if series in _NONNEGATIVE and v < 0:
        raise DataError(
            f"{series} {year} is negative ({v})",
            source=_SOURCE,
            location=where,
            allowed="values >= 0",
        )
    srcs = _sources(sources)
    q = frozenset({qualifier})
    if qualifier == "lower_bound":
        return Quantity(v, INF, v, q, srcs)
    if qualifier == "upper_bound":
        return Quantity(0.0, v, v, q, srcs)
    return Quantity(v, v, v, q, srcs)


def read_history(observations: pd.DataFrame) -> History:
    """The preferred observations of a long frame, as intervals.

    Raises
    ------
    DataError
        If a required column is missing, a qualifier is unknown, a series has
        two preferred rows in a year, or a value is not a finite number (or is
        negative for a series that cannot be).
    """
    frame = _preferred(observations)
    values: dict[tuple[str, int], Quantity] = {}
    seen: set[tuple[str, int]] = set()
    has_sources = "source_ids" in frame.columns
    for row_number, (series, year, value, qualifier, src) in enumerate(
        zip(
            frame["series"].astype(str),
            frame["year"],
            frame["value"],
            frame["qualifier"].astype(str),
            frame["source_ids"] if has_sources else [None] * len(frame),
        )
    ):
        year_int = int(year)
        if year_int != year:
            raise DataError(
                f"year {year!r} is not a whole number",
                source=_SOURCE,
                location=f"row {row_number}, column year",
            )
        key = (series, year_int)
        if key in seen:
            raise DataError(
                f"two preferred observations of {series} in {year_int}",
                source=_SOURCE,
                location=f"row {row_number}",
                allowed="one preferred row per (series, year)",
            )
        seen.add(key)
        if qualifier != "missing":
            values[key] = _quantity(series, year_int, value, qualifier, src, row_number)
    return History(values)


# --------------------------------------------------------------------------- per-year values


@dataclasses.dataclass(frozen=True)
class Missing:
    """The (series, year) observations a value needs and lacks, or why it has none."""

    needed: tuple[tuple[str, int], ...]
    reason: str = ""


Result = Quantity | Missing


def missing_text(m: Missing) -> str:
    """``no preferred observation of vehicle_output 2019, 2020; ...`` (or the reason)."""
    if m.reason:
        return m.reason
    by_series: dict[str, list[int]] = {}
    for series, year in m.needed:
        by_series.setdefault(series, []).append(year)
    parts = [f"{s} {', '.join(str(y) for y in sorted(set(ys)))}" for s, ys in by_series.items()]
    return "no preferred observation of " + "; ".join(parts)


def needed(r: Result | None) -> tuple[tuple[str, int], ...]:
    """The observations a result lacks (none for a value)."""
    return r.needed if isinstance(r, Missing) else ()


def _series(h: History, series: str, year: int) -> Result:
    v = h.get(series, year)
    return v if v is not None else Missing(((series, year),))


def _exports(h: History, year: int, destinations: tuple[str, ...]) -> Result:
    """Exports to the destinations (all exports if none), bounded when only part is known."""
    whole = h.get("export_units", year)
    if not destinations:
        return whole if whole is not None else Missing((("export_units", year),))
    names = destination_series(destinations)
    uncovered = [d for d in destinations if not DESTINATION_SERIES[d]]
    parts = [h.get(s, year) for s in names]
    known = [p for p in parts if p is not None]
    if len(known) == len(parts) and not uncovered:
        return total(known)
    if not known and whole is None:
        return Missing((*((s, year) for s in names), ("export_units", year)))
    # bound the destinations' exports: known parts below, the total above
    lo = sum(p.lo for p in known)
    hi = whole.hi if whole is not None else INF
    quals: set[str] = set()
    srcs: set[str] = set()
    for p in [*known, *([whole] if whole is not None else [])]:
        quals |= p.qualifiers
        srcs |= p.sources
    return Quantity(lo, max(hi, lo), math.nan, frozenset(quals), frozenset(srcs))


def _private_state(t: Target, h: History, year: int) -> tuple[Result, Result]:
    """Private and state investment (a one-year ratio needs only the budget share)."""
    share_series, investment_series = METRIC_SPECS[t.metric].history_series
    s = _series(h, share_series, year)
    if t.transform != "cumulative":
        if isinstance(s, Missing):
            return s, s
        return complement(s), s
    inv = _series(h, investment_series, year)
    if isinstance(s, Quantity) and isinstance(inv, Quantity):
        return mul(inv, complement(s)), mul(inv, s)
    missing = Missing(needed(s) + needed(inv))
    return missing, missing


def metric_parts(t: Target, h: History, year: int) -> tuple[Result, Result | None]:
    """Numerator and (for ratio metrics) denominator of the metric in one year.

    A named destination replaces ``export_units`` by the destinations' exports.
    """
    spec = METRIC_SPECS[t.metric]
    if t.metric == "private_per_state_investment":
        return _private_state(t, h, year)
    first, *rest = spec.history_series
    main = _exports(h, year, t.destinations) if spec.destinations else _series(h, first, year)
    if spec.combine == "share":
        return main, _series(h, rest[0], year)
    if spec.combine == "product":
        other = _series(h, rest[0], year)
        if isinstance(main, Quantity) and isinstance(other, Quantity):
            return mul(main, other), None
        return Missing(needed(main) + needed(other)), None
    return main, None


def _ratio(num: Result, den: Result | None) -> Result:
    if den is None:
        return num
    if isinstance(num, Missing) or isinstance(den, Missing):
        lacking = needed(num) + tuple(x for x in needed(den) if x not in needed(num))
        return Missing(lacking)
    out = div(num, den)
    if out is None:
        return Missing((), "the denominator is zero")
    return out


def _level(t: Target, h: History, year: int) -> Result:
    return _ratio(*metric_parts(t, h, year))


def metric_value(t: Target, h: History, year: int) -> Result:
    """The metric as the reading transforms it (a level or a ratio to the base year) in ``year``."""
    if t.transform == "ratio_to_base":
        assert t.base_year is not None
        now, base = _level(t, h, year), _level(t, h, t.base_year)
        return _ratio(now, base)
    return _level(t, h, year)
