"""Sourced history: reading and validating the long observation table.

The shipped ``history.csv`` has one row per observation, with columns
``series, year, value, qualifier, preferred, confidence, source_ids, note``;
every ``source_ids`` entry is a row of ``sources.csv``.

Where sources disagree on a (series, year), every figure is kept and exactly
one row is ``preferred``. The rule, applied in order until one row is left:

1. **Scope.** A row that measures what the series defines (full calendar
   year, whole industry, an outcome rather than a forecast, the series'
   inclusions and exclusions) beats one whose scope differs or is not stated.
   If no row has the series' scope, a ``missing`` row is preferred.
2. **Precision.** ``exact`` or ``derived`` beats ``approximate``, which beats
   ``lower_bound`` / ``upper_bound``.
3. **Source rank.** Official statistics (BNS / Statistics Committee, National
   Bank; the latest vintage first) > industry association (AKAB, KAU,
   KazAvtoProm) > government or ministry statement > international
   compilation (OICA) > secondary relay that does not name its source.
4. **Confidence**, higher first.
"""

from __future__ import annotations

import functools
import os
from importlib import resources

import numpy as np
import pandas as pd

from kzforecast.data._series import SERIES
from kzforecast.data._validation import observations_from_csv, observations_from_frame
from kzforecast.errors import DataError

__all__ = ["HistorySource", "load_history", "load_observations"]

HistorySource = str | os.PathLike[str] | pd.DataFrame | None
"""A path to a CSV file, a DataFrame, or None for the shipped history."""

_SHIPPED = "history.csv"


def _read(path: HistorySource) -> pd.DataFrame:
    if isinstance(path, pd.DataFrame):
        return observations_from_frame(path)
    if path is None:
        return _shipped().copy()
    if isinstance(path, str | os.PathLike):
        return observations_from_csv(path)
    raise DataError(
        f"cannot read history from a {type(path).__name__}",
        source="path",
        allowed="a path to a CSV file, a pandas DataFrame, or None for the shipped history",
    )


@functools.cache
def _shipped() -> pd.DataFrame:
    resource = resources.files("kzforecast.data").joinpath(_SHIPPED)
    with resources.as_file(resource) as file:
        return observations_from_csv(file, name=_SHIPPED)


# --------------------------------------------------------------------------- public API
def load_observations(path: HistorySource = None) -> pd.DataFrame:
    """Load the long table of observations, one row per observation.

    Parameters
    ----------
    path : str, os.PathLike, pandas.DataFrame or None, optional
        A CSV file or a DataFrame with at least the columns ``series, year,
        value``; ``None`` (default) loads the shipped, sourced history.
        Optional columns default to ``qualifier="exact"``, ``preferred=True``
        and empty ``confidence``, ``source_ids`` and ``note``. Series names
        must be canonical (:data:`SERIES`), shares are fractions in [0, 1],
        the rows of each series are sorted by year, and each (series, year)
        has exactly one preferred row. An empty value is allowed only with
        qualifier ``missing``.

    Returns
    -------
    pandas.DataFrame
        Columns ``series`` (str), ``year`` (int64), ``value`` (float64, NaN
        for a gap), ``qualifier`` (str, one of :data:`QUALIFIERS`),
        ``preferred`` (bool), ``confidence`` (str: high, medium, low or
        empty), ``source_ids`` (str, ``;``-separated ids of
        :func:`sources`), ``note`` (str), in file order.

    Raises
    ------
    DataError
        If the file does not exist or breaks the schema. The message names
        the file (``<DataFrame>`` for a DataFrame), the line as an editor
        shows it (the header is line 1) or the DataFrame row label, the
        column, and what is allowed.

    See Also
    --------
    load_history : the preferred values as a wide year x series table.
    sources : where each source id was published.

    Examples
    --------
    >>> from kzforecast.data import load_observations
    >>> obs = load_observations()
    >>> row = obs[(obs.series == "vehicle_output") & (obs.year == 2019)].iloc[0]
    >>> float(row.value), row.qualifier, row.source_ids
    (50000.0, 'lower_bound', 'A26')

    A user's data need only three columns:

    >>> import pandas as pd
    >>> mine = pd.DataFrame({"series": ["vehicle_output"] * 2, "year": [2024, 2025],
    ...                      "value": [145300, 171442]})
    >>> load_observations(mine)[["year", "value", "qualifier", "preferred"]]
       year     value qualifier  preferred
    0  2024  145300.0     exact       True
    1  2025  171442.0     exact       True
    """
    return _read(path)


def load_history(path: HistorySource = None, *, include_alternatives: bool = False) -> pd.DataFrame:
    """Load the history as a wide table: one row per year, one column per series.

    Only preferred observations are used; NaN marks a gap (no value, or
    qualifier ``missing``). The table drops each value's qualifier, confidence
    and sources: a lower bound such as vehicle output 2019 (">= 50,000")
    appears as a plain 50000.0. Use :func:`load_observations` whenever the
    qualifier matters (a lower bound can prove a ">=" target met, never
    missed).

    Parameters
    ----------
    path : str, os.PathLike, pandas.DataFrame or None, optional
        As in :func:`load_observations`; ``None`` loads the shipped history.
    include_alternatives : bool, default False
        Also add, after each series' column, columns ``<series>.alt1``,
        ``<series>.alt2``, ... holding the non-preferred values of each year
        (the k-th non-preferred row of that year in file order; NaN where
        there is none). Their sources are in :func:`load_observations`.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` (int64, every year from the first to the last year of
        any preferred row), one float64 column per canonical series with at
        least one preferred value, in :data:`SERIES` order. Units:

        * vehicles per year: ``vehicle_output``, ``passenger_car_output``,
          ``truck_output``, ``bus_output``, ``export_units``,
          ``exports_to_*``, ``new_vehicle_sales``;
        * USD million: ``export_value_usd_m``; USD billion:
          ``processing_exports_usd_bn``; trillion KZT (nominal):
          ``processing_output_kzt_trn``, ``processing_investment_kzt_trn``;
        * fractions 0-1: ``domestic_share_of_sales``, ``local_content_share``,
          ``ckd_share``, ``processing_state_budget_share``;
          ``processing_real_growth`` (0.056 = +5.6% real on the year before);
        * KZT per USD / per RUB (annual mean): ``usd_kzt``, ``rub_kzt``;
        * index, 2015 = 1.0: ``processing_output_index``.

    Raises
    ------
    DataError
        As :func:`load_observations`.

    Examples
    --------
    >>> from kzforecast.data import load_history
    >>> history = load_history()
    >>> history.loc[2023:2025, "vehicle_output"]
    year
    2023    147581.0
    2024    145300.0
    2025    171442.0
    Name: vehicle_output, dtype: float64
    >>> round(float(history.loc[2017, "processing_output_index"]), 4)
    1.0623
    >>> alt = load_history(include_alternatives=True)
    >>> alt.loc[2024, ["vehicle_output", "vehicle_output.alt1"]].tolist()
    [145300.0, 134000.0]
    """
    obs = _read(path)
    pref = obs[obs["preferred"]]
    alternatives = obs[~obs["preferred"] & obs["value"].notna()]
    with_data = set(pref.loc[pref["value"].notna(), "series"])
    if include_alternatives:
        with_data |= set(alternatives["series"])
    first, last = int(pref["year"].min()), int(pref["year"].max())
    index = pd.Index(np.arange(first, last + 1, dtype=np.int64), name="year")
    columns: dict[str, pd.Series] = {}
    for name in SERIES:
        if name not in with_data:
            continue
        own = pref[pref["series"] == name]
        columns[name] = pd.Series(
            own["value"].to_numpy(dtype=np.float64), index=own["year"].to_numpy(), dtype="float64"
        ).reindex(index)
        if not include_alternatives:
            continue
        alts = alternatives[alternatives["series"] == name]
        rank = alts.groupby("year").cumcount().to_numpy() + 1
        for k in range(1, int(rank.max()) + 1 if len(rank) else 1):
            chosen = alts[rank == k]
            columns[f"{name}.alt{k}"] = pd.Series(
                chosen["value"].to_numpy(dtype=np.float64),
                index=chosen["year"].to_numpy(),
                dtype="float64",
            ).reindex(index)
    return pd.DataFrame(columns, index=index, dtype="float64")
