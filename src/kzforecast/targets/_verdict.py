"""Ex-post verdicts: was each target reading met, missed, or can the data not tell?

The observations (:mod:`kzforecast.targets._observations`) are intervals
(:mod:`kzforecast.targets._interval`); this module decides each reading from
them: one year, a window, a cumulative sum, a target without deadline.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal, cast

import pandas as pd

from kzforecast.errors import DataError, TargetError
from kzforecast.targets._interval import INF, Quantity, div, fmt, judge_interval, total
from kzforecast.targets._model import Target
from kzforecast.targets._observations import (
    History,
    Missing,
    Result,
    metric_parts,
    metric_value,
    missing_text,
    needed,
    read_history,
)
from kzforecast.targets._registry import load_targets
from kzforecast.targets.metrics import METRIC_SPECS

__all__ = ["COLUMNS", "FRAGILE_MARGIN", "STATUSES", "Status", "verdicts"]

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
"""Columns of the :func:`verdicts` frame."""


@dataclasses.dataclass(frozen=True)
class _Outcome:
    status: Status
    value: Quantity | None
    detail: str
    missing: Missing | None = None


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


def _judged(t: Target, value: Quantity, what: str) -> _Outcome:
    status = judge_interval(value.lo, value.hi, t.comparison, t.threshold)
    thr = fmt(t.threshold)
    desc = value.describe()
    if status == "met":
        return _Outcome("met", value, f"{what} is {desc}, {_WORDS[t.comparison][0]} {thr}")
    if status == "missed":
        return _Outcome("missed", value, f"{what} is {desc}, {_WORDS[t.comparison][1]} {thr}")
    open_end = (t.comparison == ">=" and value.hi == INF) or (
        t.comparison == "<=" and value.kind == "upper_bound"
    )
    if open_end:
        why = f"which cannot show the {thr} target missed"
    elif t.comparison == ">=" and value.kind == "upper_bound":
        why = f"which cannot show the {thr} target met"
    else:
        why = f"which cannot decide the {thr} target"
    return _Outcome("undecided", value, f"{what} is {desc}, {why}")


def _in_year(t: Target, h: History, year: int) -> _Outcome:
    result = metric_value(t, h, year)
    if isinstance(result, Missing):
        text = missing_text(result)
        plain = t.transform == "level" and {s for s, _ in result.needed} == {t.metric}
        if not plain:
            text += f" (needed for {_what(t, year)})"
        return _Outcome("no_data", None, text, result)
    return _judged(t, result, _what(t, year))


def _cumulative(t: Target, h: History, as_of: int) -> _Outcome:
    assert t.window_start is not None
    assert t.due_year is not None
    years = range(t.window_start, min(t.due_year, as_of) + 1)
    due_passed = t.due_year <= as_of
    what = _what(t, t.due_year)
    nums: list[Result] = []
    dens: list[Result | None] = []
    for y in years:
        n, d = metric_parts(t, h, y)
        nums.append(n)
        dens.append(d)
    missing = [r for r in [*nums, *dens] if isinstance(r, Missing)]
    is_ratio = any(d is not None for d in dens)
    pending = [] if due_passed else list(range(as_of + 1, t.due_year + 1))
    if not missing and not pending:
        summed = total(cast(list[Quantity], nums))
        if is_ratio:
            den = total(cast(list[Quantity], dens))
            ratio = div(summed, den)
            if ratio is None:
                return _Outcome("no_data", None, f"{what}: the denominator is zero")
            return _judged(t, ratio, what)
        return _judged(t, summed, what)
    if not is_ratio:
        # every metric here is >= 0: an absent or future year adds [0, inf)
        known = [(y, r) for y, r in zip(years, nums) if isinstance(r, Quantity)]
        if known:
            partial = total([r for _, r in known])
            bounded = Quantity(partial.lo, INF, partial.point, partial.qualifiers, partial.sources)
            status = judge_interval(bounded.lo, bounded.hi, t.comparison, t.threshold)
            if status != "undecided":
                others = sorted({y for m in missing for _, y in needed(m)} | set(pending))
                verb = _WORDS[t.comparison][0] if status == "met" else _WORDS[t.comparison][1]
                return _Outcome(
                    status,
                    bounded,
                    f"{t.metric} summed over {_span([y for y, _ in known])} alone is "
                    f"{partial.describe()}, already {verb} {fmt(t.threshold)} whatever the "
                    f"other years ({', '.join(map(str, others))}) add",
                )
    if not due_passed:
        return _Outcome("not_yet_due", None, f"due {t.due_year}, after the as-of year {as_of}")
    text = "; ".join(dict.fromkeys(missing_text(m) for m in missing))
    return _Outcome("no_data", None, f"{text} (needed for {what})")


def _span(years: Sequence[int]) -> str:
    ys = list(years)
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _best(t: Target, outcomes: Sequence[tuple[int, _Outcome]]) -> tuple[int, _Outcome]:
    """The year closest to meeting the target (highest point for >=, lowest for <=)."""

    def score(item: tuple[int, _Outcome]) -> float:
        v = item[1].value
        if v is None or math.isnan(v.point):
            return -INF
        if t.comparison == ">=":
            return v.point
        if t.comparison == "<=":
            return -v.point
        return -abs(v.point - t.threshold)

    return max(outcomes, key=score)


def _any_year(t: Target, h: History, first: int, last: int, as_of: int) -> _Outcome:
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
        lacking = tuple(x for _, o in outcomes if o.missing is not None for x in o.missing.needed)
        text = missing_text(Missing(lacking)) if lacking else "no data"
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


def _evaluate(t: Target, h: History, as_of: int) -> _Outcome:
    spec = METRIC_SPECS[t.metric]
    if not spec.measurable:
        extra = " (modelled only)" if spec.modelled else ""
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
    from kzforecast.data import load_observations

    return load_observations()


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
    chosen = _checked(load_targets() if targets is None else targets)
    history, year = _history_up_to(
        _load_default_observations() if observations is None else observations, as_of
    )
    rows = [_row(t, _evaluate(t, history, year), year) for t in chosen]
    return _frame(rows)


def _checked(targets: Sequence[Target]) -> list[Target]:
    chosen = list(targets)
    if not chosen:
        raise TargetError("no targets given", location="targets", allowed="at least one Target")
    for t in chosen:
        if not isinstance(t, Target):
            raise TargetError(
                f"expected Target objects, got {type(t).__name__}", location="targets"
            )
    return chosen


def _history_up_to(observations: pd.DataFrame, as_of: int | None) -> tuple[History, int]:
    """The history up to ``as_of`` (default: its last year), and that year."""
    history = read_history(observations)
    if as_of is None:
        last = history.last_year
        if last is None:
            raise DataError(
                "no usable observation (all missing or not preferred)", source="observations"
            )
        as_of = last
    return history.up_to(as_of), as_of


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
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


def _row(t: Target, o: _Outcome, as_of: int) -> dict[str, object]:
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
