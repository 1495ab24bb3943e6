"""Ex-post verdicts: was each target reading met, missed, or can the data not tell?

Every observation is turned into an interval according to its qualifier:

=======================================  =========================
qualifier                                interval
=======================================  =========================
``exact``, ``derived``, ``approximate``  ``[v, v]``
``lower_bound``                          ``[v, +inf)``
``upper_bound``                          ``[0, v]`` (all quantities here are >= 0)
``missing`` or no row                    no data
=======================================  =========================

Intervals are then combined exactly (sums add their ends; ratios of
non-negative quantities divide the low end by the high end and vice versa;
products multiply ends) and compared with the threshold by
:func:`judge_interval`: a ``>=`` target is *met* when the low end reaches the
threshold, *missed* when the high end stays below it, and *undecided*
otherwise. A lower bound can therefore prove a ``>=`` target met, never missed.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from kzforecast.data._series import QUALIFIERS
from kzforecast.errors import DataError, TargetError
from kzforecast.targets._model import (
    DESTINATION_SERIES,
    HISTORY_INPUTS,
    MODELLED_METRICS,
    Target,
)
from kzforecast.targets._registry import load_targets

__all__ = ["QUALIFIERS", "STATUSES", "judge_interval", "verdicts"]

Status = Literal[
    "met", "missed", "not_yet_due", "undecided", "no_data", "not_measurable", "no_deadline"
]
STATUSES: tuple[str, ...] = (
    "met",
    "missed",
    "not_yet_due",
    "undecided",
    "no_data",
    "not_measurable",
    "no_deadline",
)
"""Every verdict status, in the order used for sorting summaries."""


COLUMNS: tuple[str, ...] = (
    "id",
    "reading",
    "default_reading",
    "vintage",
    "metric",
    "interpretation",
    "due_year",
    "threshold",
    "unit",
    "status",
    "realized",
    "realized_low",
    "realized_high",
    "realized_qualifier",
    "realized_sources",
    "gap",
    "gap_rel",
    "detail",
    "comparison",
    "official",
    "as_of",
)

_REL_TOL = 1e-9
_INF = math.inf


def _ge(a: float, b: float) -> bool:
    return a >= b - _REL_TOL * max(1.0, abs(b))


def _le(a: float, b: float) -> bool:
    return a <= b + _REL_TOL * max(1.0, abs(b))


def judge_interval(
    low: float, high: float, comparison: str, threshold: float
) -> Literal["met", "missed", "undecided"]:
    """Decide a comparison when the realized value is only known to lie in ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Ends of the interval (``-inf``/``inf`` for an open end); ``low <= high``.
    comparison : {">=", "<=", "=="}
        The target's comparison.
    threshold : float
        The target's threshold.

    Returns
    -------
    {"met", "missed", "undecided"}
        ``met`` if every value in the interval satisfies the comparison,
        ``missed`` if none does, ``undecided`` otherwise. Equality uses a
        relative tolerance of 1e-9.

    Examples
    --------
    >>> from kzforecast.targets import judge_interval
    >>> judge_interval(50_000, float("inf"), ">=", 60_000)   # "over 50,000"
    'undecided'
    >>> judge_interval(77_000, float("inf"), ">=", 60_000)
    'met'
    >>> judge_interval(0.0, 0.1, ">=", 0.2)                 # "at most 10%"
    'missed'
    >>> judge_interval(1.0, 1.0, "==", 1.0)
    'met'
    """
    if math.isnan(low) or math.isnan(high) or low > high:
        raise ValueError(f"not an interval: [{low}, {high}]")
    if comparison == ">=":
        if _ge(low, threshold):
            return "met"
        if not _ge(high, threshold):
            return "missed"
        return "undecided"
    if comparison == "<=":
        if _le(high, threshold):
            return "met"
        if not _le(low, threshold):
            return "missed"
        return "undecided"
    if comparison == "==":
        if _ge(low, threshold) and _le(high, threshold):
            return "met"
        if not _le(low, threshold) or not _ge(high, threshold):
            return "missed"
        return "undecided"
    raise ValueError(f"unknown comparison {comparison!r}; allowed: >=, <=, ==")


# --------------------------------------------------------------------------- intervals


@dataclasses.dataclass(frozen=True)
class _Value:
    """A realized quantity: interval [lo, hi], a point value and its provenance."""

    lo: float
    hi: float
    point: float
    qualifiers: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    def describe(self) -> str:
        kind = self.kind
        if kind == "lower_bound":
            return f">= {_fmt(self.lo)} (a lower bound)"
        if kind == "upper_bound":
            return f"<= {_fmt(self.hi)} (an upper bound)"
        if kind == "interval":
            return f"between {_fmt(self.lo)} and {_fmt(self.hi)}"
        text = _fmt(self.point)
        if kind == "approximate":
            return f"about {text} (approximate)"
        if kind == "derived":
            return f"{text} (derived)"
        return text

    @property
    def kind(self) -> str:
        if self.lo == self.hi:
            if "approximate" in self.qualifiers:
                return "approximate"
            if "derived" in self.qualifiers:
                return "derived"
            return "exact"
        if self.hi == _INF:
            return "lower_bound"
        if self.lo <= 0:
            return "upper_bound"
        return "interval"


def _merge(a: _Value, b: _Value, lo: float, hi: float, point: float) -> _Value:
    return _Value(lo, hi, point, a.qualifiers | b.qualifiers, a.sources | b.sources)


def _mul_end(x: float, y: float) -> float:
    if x == 0 or y == 0:
        return 0.0
    return x * y


def _add(a: _Value, b: _Value) -> _Value:
    return _merge(a, b, a.lo + b.lo, a.hi + b.hi, a.point + b.point)


def _mul(a: _Value, b: _Value) -> _Value:
    return _merge(a, b, _mul_end(a.lo, b.lo), _mul_end(a.hi, b.hi), _mul_end(a.point, b.point))


def _div(a: _Value, b: _Value) -> _Value | None:
    """a / b for non-negative a, b; None when b is zero for sure."""
    if b.hi <= 0:
        return None
    lo = 0.0 if b.hi == _INF else a.lo / b.hi
    if b.lo > 0:
        hi = a.hi / b.lo
    elif a.hi == 0:
        hi = 0.0
    else:
        hi = _INF
    point = a.point / b.point if b.point > 0 else math.nan
    return _merge(a, b, lo, hi, point)


def _complement(a: _Value) -> _Value:
    """1 - a for a share a in [0, 1]."""
    return _Value(
        1.0 - a.hi if a.hi != _INF else 0.0, 1.0 - a.lo, 1.0 - a.point, a.qualifiers, a.sources
    )


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) >= 1000 or (float(x).is_integer() and abs(x) >= 1):
        return f"{x:,.0f}"
    return f"{x:.4g}"


# --------------------------------------------------------------------------- observations


class _History:
    """Preferred observations as intervals, keyed by (series, year)."""

    def __init__(self, values: dict[tuple[str, int], _Value]) -> None:
        self.values = values

    def get(self, series: str, year: int) -> _Value | None:
        return self.values.get((series, year))

    @property
    def last_year(self) -> int | None:
        return max((y for _, y in self.values), default=None)

    def up_to(self, year: int) -> _History:
        return _History({k: v for k, v in self.values.items() if k[1] <= year})


def _sources(raw: Any) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if isinstance(raw, float) and math.isnan(raw):
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset | np.ndarray):
        return frozenset(str(s).strip() for s in raw if str(s).strip())
    return frozenset(p.strip() for p in re.split(r"[;,]", str(raw)) if p.strip())


def _nonnegative_series() -> set[str]:
    names = {s for inputs in HISTORY_INPUTS.values() for s in inputs}
    names.update(s for series in DESTINATION_SERIES.values() for s in series)
    return names


def _history(observations: pd.DataFrame) -> _History:
    source = "observations"
    if not isinstance(observations, pd.DataFrame):
        raise DataError(
            f"must be a pandas DataFrame, got {type(observations).__name__}", source=source
        )
    required = ("series", "year", "value", "qualifier")
    missing = [c for c in required if c not in observations.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            source=source,
            allowed="columns series, year, value, qualifier [, preferred, source_ids]",
        )
    frame = observations
    if "preferred" in frame.columns:
        pref = frame["preferred"]
        if pref.isna().any():
            raise DataError("column preferred has missing values", source=source)
        frame = frame[pref.astype(bool).to_numpy()]
    if frame["year"].isna().any():
        raise DataError("column year has missing values", source=source)
    qualifiers = frame["qualifier"].astype(str)
    bad = sorted(set(qualifiers) - set(QUALIFIERS))
    if bad:
        raise DataError(
            f"unknown qualifier(s) {', '.join(bad)}",
            source=source,
            location="column qualifier",
            allowed=", ".join(QUALIFIERS),
        )
    nonneg = _nonnegative_series()
    values: dict[tuple[str, int], _Value] = {}
    seen: set[tuple[str, int]] = set()
    has_sources = "source_ids" in frame.columns
    for row_number, (series, year, value, qualifier, src) in enumerate(
        zip(
            frame["series"].astype(str),
            frame["year"],
            frame["value"],
            qualifiers,
            frame["source_ids"] if has_sources else [None] * len(frame),
        )
    ):
        year_int = int(year)
        if year_int != year:
            raise DataError(
                f"year {year!r} is not a whole number",
                source=source,
                location=f"row {row_number}, column year",
            )
        key = (series, year_int)
        if key in seen:
            raise DataError(
                f"two preferred observations of {series} in {year_int}",
                source=source,
                location=f"row {row_number}",
                allowed="one preferred row per (series, year)",
            )
        seen.add(key)
        if qualifier == "missing":
            continue
        try:
            v = float(value) if value is not None and not pd.isna(value) else math.nan
        except (TypeError, ValueError):
            raise DataError(
                f"value {value!r} is not a number",
                source=source,
                location=f"row {row_number}, column value",
            ) from None
        if not math.isfinite(v):
            raise DataError(
                f"{series} {year_int} has qualifier {qualifier} but value {value!r}",
                source=source,
                location=f"row {row_number}, column value",
                allowed="a finite number, or qualifier 'missing'",
            )
        if series in nonneg and v < 0:
            raise DataError(
                f"{series} {year_int} is negative ({v})",
                source=source,
                location=f"row {row_number}, column value",
                allowed="values >= 0",
            )
        srcs = _sources(src)
        q = frozenset({qualifier})
        if qualifier == "lower_bound":
            values[key] = _Value(v, _INF, v, q, srcs)
        elif qualifier == "upper_bound":
            values[key] = _Value(0.0, v, v, q, srcs)
        else:
            values[key] = _Value(v, v, v, q, srcs)
    return _History(values)


# --------------------------------------------------------------------------- per-year values


@dataclasses.dataclass(frozen=True)
class _Missing:
    needed: tuple[tuple[str, int], ...]
    reason: str = ""


_Result = _Value | _Missing


def _missing_text(m: _Missing) -> str:
    if m.reason:
        return m.reason
    by_series: dict[str, list[int]] = {}
    for series, year in m.needed:
        by_series.setdefault(series, []).append(year)
    parts = [f"{s} {', '.join(str(y) for y in sorted(set(ys)))}" for s, ys in by_series.items()]
    return "no preferred observation of " + "; ".join(parts)


def _series(h: _History, series: str, year: int) -> _Result:
    v = h.get(series, year)
    return v if v is not None else _Missing(((series, year),))


def _exports(h: _History, year: int, destinations: tuple[str, ...]) -> _Result:
    total = h.get("export_units", year)
    if not destinations:
        return total if total is not None else _Missing((("export_units", year),))
    names: list[str] = []
    for d in destinations:
        for s in DESTINATION_SERIES[d]:
            if s not in names:
                names.append(s)
    uncovered = [d for d in destinations if not DESTINATION_SERIES[d]]
    parts = [h.get(s, year) for s in names]
    known = [p for p in parts if p is not None]
    if len(known) == len(parts) and not uncovered:
        acc = known[0]
        for p in known[1:]:
            acc = _add(acc, p)
        return acc
    if not known and total is None:
        needed = (*((s, year) for s in names), ("export_units", year))
        return _Missing(needed)
    # bound the destinations' exports: known parts below, total above
    lo = sum(p.lo for p in known)
    hi = total.hi if total is not None else _INF
    quals: set[str] = set()
    srcs: set[str] = set()
    for p in [*known, *([total] if total is not None else [])]:
        quals |= p.qualifiers
        srcs |= p.sources
    return _Value(lo, max(hi, lo), math.nan, frozenset(quals), frozenset(srcs))


def _parts(t: Target, h: _History, year: int) -> tuple[_Result, _Result | None]:
    """Numerator and (for ratio metrics) denominator of the metric in one year."""
    m = t.metric
    if m == "export_units":
        return _exports(h, year, t.destinations), None
    if m == "export_share_of_output":
        return _exports(h, year, t.destinations), _series(h, "vehicle_output", year)
    if m == "ckd_output":
        share = _series(h, "ckd_share", year)
        out = _series(h, "vehicle_output", year)
        if isinstance(share, _Value) and isinstance(out, _Value):
            return _mul(share, out), None
        return _Missing(_needed(share) + _needed(out)), None
    if m == "private_per_state_investment":
        s = _series(h, "processing_state_budget_share", year)
        if t.transform != "cumulative":  # a one-year ratio needs only the share
            if isinstance(s, _Missing):
                return s, s
            return _complement(s), s
        inv = _series(h, "processing_investment_kzt_trn", year)
        if isinstance(s, _Value) and isinstance(inv, _Value):
            return _mul(inv, _complement(s)), _mul(inv, s)
        missing = _Missing(_needed(s) + _needed(inv))
        return missing, missing
    series = HISTORY_INPUTS[m][0]
    return _series(h, series, year), None


def _needed(r: _Result | None) -> tuple[tuple[str, int], ...]:
    return r.needed if isinstance(r, _Missing) else ()


def _ratio(num: _Result, den: _Result | None) -> _Result:
    if den is None:
        return num
    if isinstance(num, _Missing) or isinstance(den, _Missing):
        needed = _needed(num) + tuple(x for x in _needed(den) if x not in _needed(num))
        return _Missing(needed)
    out = _div(num, den)
    if out is None:
        return _Missing((), "the denominator is zero")
    return out


def _level(t: Target, h: _History, year: int) -> _Result:
    return _ratio(*_parts(t, h, year))


def _value_in(t: Target, h: _History, year: int) -> _Result:
    """The metric as the reading transforms it, tested in ``year``."""
    if t.transform == "ratio_to_base":
        assert t.base_year is not None
        now, base = _level(t, h, year), _level(t, h, t.base_year)
        return _ratio(now, base)
    return _level(t, h, year)


# --------------------------------------------------------------------------- evaluation


@dataclasses.dataclass(frozen=True)
class _Outcome:
    status: Status
    value: _Value | None
    detail: str
    missing: _Missing | None = None


def _what(t: Target, year: int) -> str:
    if t.transform == "ratio_to_base":
        return f"{t.metric} {year}/{t.base_year}"
    if t.transform == "cumulative":
        return f"{t.metric} summed over {t.window_start}-{year}"
    return f"{t.metric} in {year}"


_WORDS = {
    ">=": ("at least", "below"),
    "<=": ("at most", "above"),
    "==": ("equal to", "not equal to"),
}


def _judged(t: Target, value: _Value, what: str) -> _Outcome:
    status = judge_interval(value.lo, value.hi, t.comparison, t.threshold)
    thr = _fmt(t.threshold)
    desc = value.describe()
    if status == "met":
        return _Outcome("met", value, f"{what} is {desc}, {_WORDS[t.comparison][0]} {thr}")
    if status == "missed":
        return _Outcome("missed", value, f"{what} is {desc}, {_WORDS[t.comparison][1]} {thr}")
    open_end = (t.comparison == ">=" and value.hi == _INF) or (
        t.comparison == "<=" and value.kind == "upper_bound"
    )
    if open_end:
        why = f"which cannot show the {thr} target missed"
    elif t.comparison == ">=" and value.kind == "upper_bound":
        why = f"which cannot show the {thr} target met"
    else:
        why = f"which cannot decide the {thr} target"
    return _Outcome("undecided", value, f"{what} is {desc}, {why}")


def _in_year(t: Target, h: _History, year: int) -> _Outcome:
    result = _value_in(t, h, year)
    if isinstance(result, _Missing):
        text = _missing_text(result)
        plain = t.transform == "level" and {s for s, _ in result.needed} == {t.metric}
        if not plain:
            text += f" (needed for {_what(t, year)})"
        return _Outcome("no_data", None, text, result)
    return _judged(t, result, _what(t, year))


def _cumulative(t: Target, h: _History, as_of: int) -> _Outcome:
    assert t.window_start is not None
    assert t.due_year is not None
    years = range(t.window_start, min(t.due_year, as_of) + 1)
    due_passed = t.due_year <= as_of
    what = _what(t, t.due_year)
    nums: list[_Result] = []
    dens: list[_Result | None] = []
    for y in years:
        n, d = _parts(t, h, y)
        nums.append(n)
        dens.append(d)
    missing = [r for r in [*nums, *dens] if isinstance(r, _Missing)]
    is_ratio = any(d is not None for d in dens)
    pending = [] if due_passed else list(range(as_of + 1, t.due_year + 1))
    if not missing and not pending:
        total = _sum(cast(list[_Value], nums))
        if is_ratio:
            den = _sum(cast(list[_Value], dens))
            ratio = _div(total, den)
            if ratio is None:
                return _Outcome("no_data", None, f"{what}: the denominator is zero")
            return _judged(t, ratio, what)
        return _judged(t, total, what)
    if not is_ratio:
        # every metric here is >= 0: an absent or future year adds [0, inf)
        known = [(y, r) for y, r in zip(years, nums) if isinstance(r, _Value)]
        if known:
            partial = _sum([r for _, r in known])
            bounded = _Value(partial.lo, _INF, partial.point, partial.qualifiers, partial.sources)
            status = judge_interval(bounded.lo, bounded.hi, t.comparison, t.threshold)
            if status != "undecided":
                others = sorted({y for m in missing for _, y in _needed(m)} | set(pending))
                verb = _WORDS[t.comparison][0] if status == "met" else _WORDS[t.comparison][1]
                return _Outcome(
                    status,
                    bounded,
                    f"{t.metric} summed over {_span([y for y, _ in known])} alone is "
                    f"{partial.describe()}, already {verb} {_fmt(t.threshold)} whatever the "
                    f"other years ({', '.join(map(str, others))}) add",
                )
    if not due_passed:
        return _Outcome("not_yet_due", None, f"due {t.due_year}, after the as-of year {as_of}")
    text = "; ".join(dict.fromkeys(_missing_text(m) for m in missing))
    return _Outcome("no_data", None, f"{text} (needed for {what})")


def _span(years: Sequence[int]) -> str:
    ys = list(years)
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _sum(values: Sequence[_Value | None]) -> _Value:
    vals = [v for v in values if v is not None]
    acc = vals[0]
    for v in vals[1:]:
        acc = _add(acc, v)
    return acc


def _best(t: Target, outcomes: Sequence[tuple[int, _Outcome]]) -> tuple[int, _Outcome]:
    """The year closest to meeting the target (highest point for >=, lowest for <=)."""

    def score(item: tuple[int, _Outcome]) -> float:
        v = item[1].value
        if v is None or math.isnan(v.point):
            return -_INF
        if t.comparison == ">=":
            return v.point
        if t.comparison == "<=":
            return -v.point
        return -abs(v.point - t.threshold)

    return max(outcomes, key=score)


def _any_year(t: Target, h: _History, first: int, last: int, as_of: int) -> _Outcome:
    """Met if some year in [first, last] is met; missed only if every year is missed."""
    span = _span(list(range(first, last + 1)))
    outcomes = [(y, _in_year(t, h, y)) for y in range(first, min(last, as_of) + 1)]
    for y, o in outcomes:
        if o.status == "met":
            return _Outcome("met", o.value, f"first met in {y}: {o.detail}")
    if last > as_of:
        return _Outcome(
            "not_yet_due",
            None,
            f"not shown met in any year up to {as_of}; the years {span} end after the as-of year",
        )
    by_status: dict[str, list[int]] = {}
    for y, o in outcomes:
        by_status.setdefault(o.status, []).append(y)
    decided = [(y, o) for y, o in outcomes if o.value is not None]
    missed = by_status.get("missed", [])
    if len(missed) == len(outcomes):
        _, o = _best(t, outcomes)
        return _Outcome("missed", o.value, f"missed in every year {span}; closest: {o.detail}")
    tail = f"; missed in {_span(missed)}" if missed else ""
    if "no_data" in by_status:
        needed = tuple(x for _, o in outcomes if o.missing is not None for x in o.missing.needed)
        text = _missing_text(_Missing(needed)) if needed else "no data"
        undecided = [(y, o) for y, o in outcomes if o.status == "undecided"]
        extra = "".join(f"; {o.detail}" for _, o in undecided)
        value = _best(t, decided)[1].value if decided else None
        if decided:
            text += f" (no year with data shows the target met{tail})"
        return _Outcome("no_data", value, text + extra)
    undecided = [(y, o) for y, o in outcomes if o.status == "undecided"]
    _, o = _best(t, undecided)
    details = "; ".join(o.detail for _, o in undecided)
    return _Outcome("undecided", o.value, f"{details}{tail}")


def _evaluate(t: Target, h: _History, as_of: int) -> _Outcome:
    if not HISTORY_INPUTS[t.metric]:
        extra = " (modelled only)" if t.metric in MODELLED_METRICS else ""
        return _Outcome("not_measurable", None, f"no history series measures {t.metric}{extra}")
    if t.timing == "none":
        if t.transform == "level":
            years = sorted({y for _, y in h.values})
            for y in years:
                o = _in_year(t, h, y)
                if o.status == "met":
                    return _Outcome(
                        "no_deadline", o.value, f"no deadline; first reached in {y}: {o.detail}"
                    )
            return _Outcome(
                "no_deadline", None, f"no deadline; not shown reached in any year up to {as_of}"
            )
        return _Outcome("no_deadline", None, "no deadline and no base year: nothing to judge")
    assert t.due_year is not None
    if t.transform == "ratio_to_base" and t.base_year is not None and t.base_year > as_of:
        return _Outcome("not_yet_due", None, f"base year {t.base_year} is after as-of {as_of}")
    if t.transform == "cumulative":
        return _cumulative(t, h, as_of)
    if t.timing == "by_year":
        assert t.window_start is not None
        return _any_year(t, h, t.window_start, t.due_year, as_of)
    if t.timing == "window":
        assert t.window_start is not None
        if t.window_rule == "any":
            return _any_year(t, h, t.window_start, t.due_year, as_of)
        year = t.window_start if t.window_rule == "first" else t.due_year
    else:
        year = t.due_year
    if year > as_of:
        return _Outcome("not_yet_due", None, f"due {year}, after the as-of year {as_of}")
    return _in_year(t, h, year)


def _load_default_observations() -> pd.DataFrame:
    module = importlib.import_module("kzforecast.data")
    loader = cast(Callable[[], pd.DataFrame], module.load_observations)
    return loader()


def verdicts(
    targets: Sequence[Target] | None = None,
    observations: pd.DataFrame | None = None,
    *,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Ex-post verdict of every target reading against the history.

    Parameters
    ----------
    targets : sequence of Target, optional
        Default: every reading in the shipped registry
        (:func:`~kzforecast.targets.load_targets`).
    observations : pandas.DataFrame, optional
        Long frame with columns ``series, year, value, qualifier`` and
        optionally ``preferred`` (only preferred rows are used; all rows when
        the column is absent) and ``source_ids``. Shares are fractions.
        Default: :func:`kzforecast.data.load_observations`.
    as_of : int, optional
        Judge with the data up to this year only. Default: the last year with
        any observation. A reading whose deciding year is after ``as_of`` is
        ``not_yet_due`` unless the data already prove it (a "by year" target
        met early, a cumulative sum already past the threshold).

    Returns
    -------
    pandas.DataFrame
        One row per reading, columns ``id, reading, default_reading, vintage,
        metric, interpretation, due_year, threshold, unit, status, realized,
        realized_low, realized_high, realized_qualifier, realized_sources, gap,
        gap_rel, detail, comparison, official, as_of``. ``status`` is one of
        :data:`STATUSES`. ``realized`` is the point value (the bound itself for
        a bound; NaN when no single value stands for the data),
        ``realized_low``/``realized_high`` the interval (``inf`` for an open
        end), ``gap = realized - threshold`` and ``gap_rel = gap / threshold``.

    Raises
    ------
    DataError
        If ``observations`` lacks a required column, has an unknown qualifier,
        two preferred rows for one series and year, or a non-finite or
        negative value where a number is needed.
    TargetError
        If ``targets`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzforecast.targets import get_target, verdicts
    >>> obs = pd.DataFrame({
    ...     "series": ["vehicle_output", "vehicle_output"],
    ...     "year": [2019, 2025],
    ...     "value": [50_000.0, 171_442.0],
    ...     "qualifier": ["lower_bound", "exact"],
    ...     "preferred": [True, True],
    ...     "source_ids": ["A26", "A64"],
    ... })
    >>> v = verdicts([get_target("KZ2019-SKL-60K"), get_target("KZ2016-KAS-200K")], obs)
    >>> v["status"].tolist()
    ['undecided', 'missed']
    >>> v["gap"].tolist()
    [-10000.0, -28558.0]
    >>> print(v["detail"].iloc[0])
    vehicle_output in 2019 is >= 50,000 (a lower bound), which cannot show the 60,000 target missed

    With the shipped history (needs :mod:`kzforecast.data`):

    >>> from kzforecast.targets import load_targets
    >>> v = verdicts(load_targets(vintage="2016-07-01", default_only=True))  # doctest: +SKIP
    """
    if targets is None:
        targets = load_targets()
    targets = list(targets)
    if not targets:
        raise TargetError("no targets given", location="targets", allowed="at least one Target")
    for t in targets:
        if not isinstance(t, Target):
            raise TargetError(
                f"expected Target objects, got {type(t).__name__}", location="targets"
            )
    if observations is None:
        observations = _load_default_observations()
    history = _history(observations)
    if as_of is None:
        last = history.last_year
        if last is None:
            raise DataError(
                "no usable observation (all missing or not preferred)", source="observations"
            )
        as_of = last
    history = history.up_to(as_of)
    rows = [_row(t, _evaluate(t, history, as_of), as_of) for t in targets]
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame["due_year"] = frame["due_year"].astype("Int64")
    for col in ("threshold", "realized", "realized_low", "realized_high", "gap", "gap_rel"):
        frame[col] = frame[col].astype(float)
    frame["default_reading"] = frame["default_reading"].astype(bool)
    frame["official"] = frame["official"].astype(bool)
    frame["as_of"] = frame["as_of"].astype(int)
    return frame


FRAGILE_MARGIN = 0.005
"""A met/missed verdict on a derived or approximate value within this relative margin of
the threshold gets a warning in ``detail``: the inputs' rounding could flip it."""


def _fragility_note(o: _Outcome, gap_rel: float) -> str:
    v = o.value
    if (
        o.status in ("met", "missed")
        and v is not None
        and v.kind in ("derived", "approximate")
        and not math.isnan(gap_rel)
        and abs(gap_rel) < FRAGILE_MARGIN
    ):
        return (
            f"; fragile: the {v.kind} value is within {abs(gap_rel):.1%} of the threshold, "
            "inside the rounding of the figures it is computed from"
        )
    return ""


def _row(t: Target, o: _Outcome, as_of: int) -> dict[str, Any]:
    v = o.value
    realized = v.point if v is not None else math.nan
    gap = realized - t.threshold if not math.isnan(realized) else math.nan
    gap_rel = gap / t.threshold if t.threshold != 0 and not math.isnan(gap) else math.nan
    return {
        "id": t.id,
        "reading": t.reading,
        "default_reading": t.default_reading,
        "vintage": t.vintage,
        "metric": t.metric,
        "interpretation": t.interpretation,
        "due_year": t.due_year,
        "threshold": t.threshold,
        "unit": t.unit,
        "status": o.status,
        "realized": realized,
        "realized_low": v.lo if v is not None else math.nan,
        "realized_high": v.hi if v is not None else math.nan,
        "realized_qualifier": v.kind if v is not None else "missing",
        "realized_sources": ";".join(sorted(v.sources)) if v is not None else "",
        "gap": gap,
        "gap_rel": gap_rel,
        "detail": o.detail + _fragility_note(o, gap_rel),
        "comparison": t.comparison,
        "official": t.official,
        "as_of": as_of,
    }
