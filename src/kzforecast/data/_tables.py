"""The shipped provenance, plant and devaluation tables."""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

__all__ = ["load_devaluations", "load_plants", "sources"]


@functools.cache
def _read_text_table(name: str) -> pd.DataFrame:
    """Read a shipped CSV with every column as text (empty cells as "")."""
    with resources.files("kzforecast.data").joinpath(name).open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
    return frame.astype(str)


def sources() -> pd.DataFrame:
    """Return the provenance table: where every source id was published.

    Returns
    -------
    pandas.DataFrame
        One row per source id used in the shipped history, plants and
        devaluations, columns ``source_id, outlet, title, url, date, notes``
        (all str; empty string where unknown). ``date`` is ISO (``YYYY-MM-DD``,
        ``YYYY-MM`` or ``YYYY``); an inferred or fuzzy date is explained in
        ``notes`` ("Date as recorded: ..."). Id prefixes: ``A`` vehicle
        industry, ``B`` gap-filling supplement (OICA, JETRO), ``S``
        manufacturing, ``P`` plants.

    Examples
    --------
    >>> from kzforecast.data import sources
    >>> src = sources().set_index("source_id")
    >>> src.loc["A64", "url"]
    'https://oz.inform.kz/news/bu-yil-kozogistonda-209-mingta-avtomobil-ishlab-chikariladi-44554b/'
    >>> src.loc["A14", "date"]
    '2022-07-07'
    """
    return _read_text_table("sources.csv").copy()


def load_plants() -> pd.DataFrame:
    """Return the assembly plants, lines and capacity steps.

    One row per plant, line or capacity step ("as announced" and "as
    launched" versions of one plant are separate rows, so announcement drift
    stays visible).

    Returns
    -------
    pandas.DataFrame
        Columns ``plant, operator, city, brands, vehicle_types,
        assembly_method`` (str), ``capacity_units_per_year, capacity_year,
        opened_year, closed_year`` (nullable Int64), ``planned_or_actual``
        (``actual``, ``planned`` or ``announced``), ``source_url``,
        ``source_ids`` (``;``-separated ids of :func:`sources`, the one for
        ``source_url`` first), ``source_date``, ``confidence``, ``notes``
        (str).

    Examples
    --------
    >>> from kzforecast.data import load_plants
    >>> plants = load_plants()
    >>> kia = plants[plants.plant == "Kia Qazaqstan plant"].iloc[0]
    >>> int(kia.capacity_units_per_year), int(kia.opened_year), kia.source_ids.split(";")[0]
    (70000, 2025, 'P37')
    """
    frame = _read_text_table("plants.csv").copy()
    for column in ("capacity_units_per_year", "capacity_year", "opened_year", "closed_year"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
    return frame


def load_devaluations() -> pd.DataFrame:
    """Return the tenge devaluation events (2009, 2014, 2015).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``event`` (str), ``usd_kzt_before``,
        ``usd_kzt_after`` (float64, official KZT per USD around the event),
        ``source``, ``source_ids``, ``notes`` (str).

    Examples
    --------
    >>> from kzforecast.data import load_devaluations
    >>> dev = load_devaluations()
    >>> [d.year for d in dev["date"]]
    [2009, 2014, 2015]
    >>> round(float((dev.usd_kzt_after / dev.usd_kzt_before).iloc[2]), 3)
    1.355
    """
    frame = _read_text_table("devaluations.csv").copy()
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    for column in ("usd_kzt_before", "usd_kzt_after"):
        frame[column] = frame[column].astype("float64")
    return frame
