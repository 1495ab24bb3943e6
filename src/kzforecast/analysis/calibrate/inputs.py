"""The calibration's inputs: the history checked, its bounds, the devaluation events.

:func:`check_history` validates a wide history (whole ascending years, values the
calibration can take logs or logits of); :func:`bound_years` finds which of its
values are bounds rather than observations; :func:`devaluation_events` reads the
devaluation dates as ``(year, month)``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import TypeAlias

import numpy as np
import pandas as pd

from kzforecast.analysis.calibrate.estimates import SOURCE
from kzforecast.errors import ArgumentTypeError, DataError

__all__ = ["Devaluations", "bound_years", "check_history", "devaluation_events"]

Devaluations: TypeAlias = pd.DataFrame | Iterable[int | np.int64 | str | dt.date]
"""Devaluation events: a table with a ``date`` column, or years (month 1) and dates."""


def bound_years(
    history: pd.DataFrame, observations: pd.DataFrame | None = None
) -> dict[str, dict[int, str]]:
    """Which (series, year) values of a wide history are bounds, with the qualifier.

    ``observations`` is a long table (``series, year, value, qualifier`` and
    optionally ``preferred``) as :func:`kzforecast.data.load_observations` returns;
    by default the shipped one. A history value counts as a bound when the table
    holds a preferred bound row for that series and year with the same value
    (so a user's own history, with other numbers, has no bounds unless a table
    says so).

    Parameters
    ----------
    history : DataFrame
        Wide history (index year, one column per series).
    observations : DataFrame, optional
        The long table with qualifiers; default the shipped one.

    Returns
    -------
    dict
        ``{series: {year: "lower_bound" | "upper_bound"}}``.

    Raises
    ------
    KzForecastError
        ``observations`` lacks one of the columns above.
    """
    if observations is None:
        from kzforecast.data import load_observations

        observations = load_observations()
    needed = {"series", "year", "value", "qualifier"}
    if not needed <= set(observations.columns):
        raise DataError(
            f"observations lack column(s) {', '.join(sorted(needed - set(observations.columns)))}",
            source=SOURCE,
            location="observations",
            allowed="a long table as kzforecast.data.load_observations() returns",
        )
    obs = observations
    if "preferred" in obs.columns:
        obs = obs[obs["preferred"].astype(bool)]
    obs = obs[obs["qualifier"].isin(["lower_bound", "upper_bound"])]
    out: dict[str, dict[int, str]] = {}
    for series, year, value, qual in zip(
        obs["series"], obs["year"], obs["value"], obs["qualifier"]
    ):
        if series not in history.columns or int(year) not in history.index:
            continue
        v = float(history[series].loc[int(year)])
        if math.isfinite(v) and math.isclose(v, float(value), rel_tol=1e-9, abs_tol=1e-12):
            out.setdefault(str(series), {})[int(year)] = str(qual)
    return out


def devaluation_events(devaluations: Devaluations | None) -> list[tuple[int, int]]:
    """(year, month) of each devaluation, sorted; month 1 when only a year is given.

    ``None`` reads the shipped :func:`kzforecast.data.load_devaluations`.
    """
    if devaluations is None:
        from kzforecast.data import load_devaluations

        devaluations = load_devaluations()
    if isinstance(devaluations, pd.DataFrame):
        if "date" not in devaluations.columns:
            raise DataError(
                "devaluations table has no 'date' column",
                source=SOURCE,
                location="devaluations",
                allowed="kzforecast.data.load_devaluations() or a list of years",
            )
        dates = pd.to_datetime(devaluations["date"])
        return sorted((int(d.year), int(d.month)) for d in dates)
    events: list[tuple[int, int]] = []
    for d in devaluations:
        if isinstance(d, int | np.integer) and not isinstance(d, bool):
            events.append((int(d), 1))
        else:
            ts = pd.Timestamp(d)
            events.append((int(ts.year), int(ts.month)))
    return sorted(events)


# series the calibration takes logs or logits of: strictly positive (shares below 1);
# growth rates: above -1 and given as fractions
_RULES: dict[str, tuple[str, Callable[[pd.Series], pd.Series]]] = {
    "vehicle_output": ("> 0", lambda v: v > 0),
    "new_vehicle_sales": ("> 0", lambda v: v > 0),
    "usd_kzt": ("> 0", lambda v: v > 0),
    "rub_kzt": ("> 0", lambda v: v > 0),
    "domestic_share_of_sales": ("strictly between 0 and 1", lambda v: (v > 0) & (v < 1)),
    "processing_real_growth": (
        "a fraction above -1 (0.044 = +4.4%, not 4.4)",
        lambda v: (v > -1) & (v.abs() < 1),
    ),
}


def check_history(history: object) -> pd.DataFrame:
    """A copy of ``history`` with integer years as index and numeric checked columns.

    Parameters
    ----------
    history : DataFrame
        Wide history (index year, one column per series; NaN = gap).

    Returns
    -------
    DataFrame
        The copy; the columns the calibration takes logs, logits or growth rates of
        are numeric.

    Raises
    ------
    KzForecastError
        Not a DataFrame, empty, years not whole, unique and ascending, a value that
        is not a number, or one outside its series' range (e.g. a share of 1).
    """
    if not isinstance(history, pd.DataFrame):
        raise ArgumentTypeError(
            f"history must be a pandas DataFrame, got {type(history).__name__}",
            source=SOURCE,
            location="history",
            allowed="the wide table of kzforecast.load_history() "
            "(index year, one column per series)",
        )
    if len(history.index) == 0:
        raise DataError("history is empty", source=SOURCE, location="history")
    raw_idx = pd.to_numeric(pd.Series(history.index), errors="coerce").to_numpy(dtype=float)
    if np.isnan(raw_idx).any() or np.any(raw_idx != np.round(raw_idx)):
        raise DataError(
            "history index must be whole years", source=SOURCE, location="history.index"
        )
    idx = raw_idx.astype(np.int64)
    if not np.all(np.diff(idx) > 0):
        raise DataError(
            "history years must be unique and ascending", source=SOURCE, location="history.index"
        )
    h = history.copy()
    h.index = pd.Index(idx, name="year")
    for col, (allowed, ok) in _RULES.items():
        if col not in h:
            continue
        vals = pd.to_numeric(h[col], errors="coerce")
        text = h[col].notna() & vals.isna()
        if text.any():
            year = int(vals.index[text.to_numpy()][0])
            raise DataError(
                f"not a number: {h[col].loc[year]!r}",
                source=SOURCE,
                location=f"history.{col}[{year}]",
                allowed="a number, or NaN for a gap",
            )
        present = vals.dropna()
        bad = present[~ok(present) | np.isinf(present)]
        if len(bad):
            raise DataError(
                f"value {bad.iloc[0]:g} is not allowed",
                source=SOURCE,
                location=f"history.{col}[{int(bad.index[0])}]",
                allowed=f"{allowed} (NaN for a gap)",
            )
        h[col] = vals
    return h
