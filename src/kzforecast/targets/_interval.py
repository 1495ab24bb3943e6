"""Interval arithmetic on qualified observations, and the comparison verdicts rest on.

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
import math
from collections.abc import Sequence
from typing import Literal

__all__ = [
    "INF",
    "Quantity",
    "add",
    "complement",
    "div",
    "fmt",
    "judge_interval",
    "mul",
    "total",
]

REL_TOL = 1e-9
INF = math.inf


def _ge(a: float, b: float) -> bool:
    return a >= b - REL_TOL * max(1.0, abs(b))


def _le(a: float, b: float) -> bool:
    return a <= b + REL_TOL * max(1.0, abs(b))


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


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A realized quantity: the interval ``[lo, hi]``, a point value and its provenance.

    ``qualifiers`` are those of the observations it was computed from,
    ``sources`` their source ids.
    """

    lo: float
    hi: float
    point: float
    qualifiers: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    def describe(self) -> str:
        """The value in words: ``>= 50,000 (a lower bound)``, ``about 0.3 (approximate)``..."""
        kind = self.kind
        if kind == "lower_bound":
            return f">= {fmt(self.lo)} (a lower bound)"
        if kind == "upper_bound":
            return f"<= {fmt(self.hi)} (an upper bound)"
        if kind == "interval":
            return f"between {fmt(self.lo)} and {fmt(self.hi)}"
        text = fmt(self.point)
        if kind == "approximate":
            return f"about {text} (approximate)"
        if kind == "derived":
            return f"{text} (derived)"
        return text

    @property
    def kind(self) -> str:
        """``exact``, ``approximate``, ``derived``, ``lower_bound``, ``upper_bound`` or
        ``interval``: what the interval and the qualifiers behind it say."""
        if self.lo == self.hi:
            if "approximate" in self.qualifiers:
                return "approximate"
            if "derived" in self.qualifiers:
                return "derived"
            return "exact"
        if self.hi == INF:
            return "lower_bound"
        if self.lo <= 0:
            return "upper_bound"
        return "interval"


def _merge(a: Quantity, b: Quantity, lo: float, hi: float, point: float) -> Quantity:
    return Quantity(lo, hi, point, a.qualifiers | b.qualifiers, a.sources | b.sources)


def _mul_end(x: float, y: float) -> float:
    if x == 0 or y == 0:
        return 0.0
    return x * y


def add(a: Quantity, b: Quantity) -> Quantity:
    """a + b (the ends add)."""
    return _merge(a, b, a.lo + b.lo, a.hi + b.hi, a.point + b.point)


def mul(a: Quantity, b: Quantity) -> Quantity:
    """a x b for non-negative a, b (the ends multiply; 0 x inf is 0)."""
    return _merge(a, b, _mul_end(a.lo, b.lo), _mul_end(a.hi, b.hi), _mul_end(a.point, b.point))


def div(a: Quantity, b: Quantity) -> Quantity | None:
    """a / b for non-negative a, b; None when b is zero for sure."""
    if b.hi <= 0:
        return None
    lo = 0.0 if b.hi == INF else a.lo / b.hi
    if b.lo > 0:
        hi = a.hi / b.lo
    elif a.hi == 0:
        hi = 0.0
    else:
        hi = INF
    point = a.point / b.point if b.point > 0 else math.nan
    return _merge(a, b, lo, hi, point)


def complement(a: Quantity) -> Quantity:
    """1 - a for a share a in [0, 1]."""
    return Quantity(
        1.0 - a.hi if a.hi != INF else 0.0, 1.0 - a.lo, 1.0 - a.point, a.qualifiers, a.sources
    )


def total(values: Sequence[Quantity | None]) -> Quantity:
    """The sum of the quantities given (``None`` entries skipped; at least one needed)."""
    vals = [v for v in values if v is not None]
    acc = vals[0]
    for v in vals[1:]:
        acc = add(acc, v)
    return acc


def fmt(x: float) -> str:
    """A number for a verdict's detail: thousands separated, else 4 significant digits."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) >= 1000 or (float(x).is_integer() and abs(x) >= 1):
        return f"{x:,.0f}"
    return f"{x:.4g}"
