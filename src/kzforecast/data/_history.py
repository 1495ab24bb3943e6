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

import csv
import functools
import io
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from kzforecast.data._series import QUALIFIERS, SERIES
from kzforecast.errors import DataError

__all__ = ["COLUMNS", "CONFIDENCES", "REQUIRED_COLUMNS", "load_history", "load_observations"]

COLUMNS: tuple[str, ...] = (
    "series",
    "year",
    "value",
    "qualifier",
    "preferred",
    "confidence",
    "source_ids",
    "note",
)
"""Columns of the long observation table, in order."""

REQUIRED_COLUMNS: tuple[str, ...] = ("series", "year", "value")
"""Columns a user's file must have; the others are optional."""

CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
"""Allowed values of the ``confidence`` column (empty is allowed too)."""

HistorySource = str | os.PathLike[str] | pd.DataFrame | None
"""A path to a CSV file, a DataFrame, or None for the shipped history."""

_DATAFRAME = "<DataFrame>"
_SHIPPED = "history.csv"
_YEAR_RANGE = (1900, 2100)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


@dataclass(frozen=True)
class _Record:
    """One input row: its cells by column name and where it is ("line 7")."""

    where: str
    cells: dict[str, object]


@dataclass(frozen=True)
class _Obs:
    series: str
    year: int
    value: float
    qualifier: str
    preferred: bool
    confidence: str
    source_ids: str
    note: str


# --------------------------------------------------------------------------- reading


def _records_from_csv(path: str | os.PathLike[str]) -> tuple[str, list[str], list[_Record]]:
    name = os.fspath(path)
    file = Path(name)
    if not file.exists():
        raise DataError("file not found", source=name, allowed="the path of an existing CSV file")
    if file.is_dir():
        raise DataError("is a directory, not a CSV file", source=name)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"is not UTF-8 text (byte {exc.start})", source=name, allowed="a UTF-8 CSV file"
        ) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror})", source=name) from None
    header: list[str] | None = None
    header_line = 1
    records: list[_Record] = []
    for line, row in _csv_rows(text, name):
        if not row or all(not cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            header_line = line
            _check_header(header, name, f"line {line}")
            continue
        if len(row) != len(header):
            raise DataError(
                f"has {len(row)} fields but the header has {len(header)}",
                source=name,
                location=f"line {line}",
                allowed="one field per header column (quote fields that contain commas)",
            )
        records.append(_Record(f"line {line}", dict(zip(header, row))))
    if header is None:
        raise DataError("is empty (no header line)", source=name, allowed=_columns_allowed())
    if not records:
        raise DataError("has no data rows", source=name, location=f"line {header_line + 1}")
    return name, header, records


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) for every CSV record, counting as an editor does."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(
                f"is not valid CSV ({exc})", source=name, location=f"line {reader.line_num}"
            ) from None
        yield last + 1, row
        last = reader.line_num


def _records_from_frame(frame: pd.DataFrame) -> tuple[str, list[str], list[_Record]]:
    header = [str(c) for c in frame.columns]
    _check_header(header, _DATAFRAME, None)
    if len(frame) == 0:
        raise DataError("has no rows", source=_DATAFRAME)
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    records = [
        _Record(f"row {label}", {h: col[i] for h, col in zip(header, columns)})
        for i, label in enumerate(frame.index)
    ]
    return _DATAFRAME, header, records


def _columns_allowed() -> str:
    optional = [c for c in COLUMNS if c not in REQUIRED_COLUMNS]
    return f"required {', '.join(REQUIRED_COLUMNS)}; optional {', '.join(optional)}"


def _check_header(header: list[str], source: str, line: str | None) -> None:
    def at(column: str | None = None) -> str:
        parts = [p for p in (line, f"column {column}" if column else None) if p]
        return ", ".join(parts) if parts else "columns"

    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DataError(f"column {column!r} appears twice", source=source, location=at(column))
        seen.add(column)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise DataError(
            f"missing required column(s) {', '.join(missing)}",
            source=source,
            location=at(missing[0]),
            allowed=_columns_allowed(),
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column(s) {', '.join(repr(c) for c in unknown)}",
            source=source,
            location=at(unknown[0]),
            allowed=_columns_allowed(),
        )


# --------------------------------------------------------------------------- cell parsing


def _is_blank(cell: object) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float | np.floating) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def _text(cell: object) -> str:
    return "" if _is_blank(cell) else str(cell).strip()


class _CellError(Exception):
    """A bad cell; turned into a DataError with file, line and column."""

    def __init__(self, problem: str, allowed: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


def _parse_series(cell: object) -> str:
    name = _text(cell)
    if not name:
        raise _CellError("series name is empty", ", ".join(SERIES))
    if name not in SERIES:
        raise _CellError(f"unknown series {name!r}", ", ".join(SERIES))
    return name


def _parse_year(cell: object) -> int:
    allowed = f"a whole year between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}, e.g. 2019"
    year: int
    if isinstance(cell, bool | np.bool_):
        raise _CellError(f"year {cell!r} is not a whole number", allowed)
    if isinstance(cell, Integral):
        year = int(cell)
    elif isinstance(cell, Real):
        number = float(cell)
        if math.isnan(number):
            raise _CellError("year is empty", allowed)
        if not (math.isfinite(number) and number.is_integer()):
            raise _CellError(f"year {cell!r} is not a whole number", allowed)
        year = int(number)
    else:
        text = _text(cell)
        if not text:
            raise _CellError("year is empty", allowed)
        if not re.fullmatch(r"[+-]?[0-9]+(?:\.0*)?", text):
            raise _CellError(f"year {text!r} is not a whole number", allowed)
        year = int(float(text))
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise _CellError(f"year {year} is out of range", allowed)
    return year


def _parse_value(cell: object) -> float | None:
    """The value as a float, or None for an empty cell."""
    allowed = "a plain number such as 171442 or 0.56 (empty only with qualifier missing)"
    if _is_blank(cell):
        return None
    number: float
    if isinstance(cell, bool | np.bool_):
        raise _CellError(f"value {cell!r} is not a number", allowed)
    if isinstance(cell, Real):
        number = float(cell)
    else:
        text = str(cell).strip()
        if _NONFINITE.fullmatch(text):
            raise _CellError(f"value {text!r} is not a finite number", allowed)
        if not _NUMBER.fullmatch(text):
            raise _CellError(f"value {text!r} is not a number", allowed)
        number = float(text)
    if not math.isfinite(number):
        raise _CellError(f"value {cell!r} is not a finite number", allowed)
    return number


def _parse_qualifier(cell: object) -> str:
    text = _text(cell)
    if not text:
        return "exact"
    if text not in QUALIFIERS:
        raise _CellError(f"unknown qualifier {text!r}", ", ".join(QUALIFIERS))
    return text


def _parse_preferred(cell: object) -> bool:
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    if isinstance(cell, Integral) and int(cell) in (0, 1):
        return bool(int(cell))
    if isinstance(cell, Real) and not isinstance(cell, Integral) and cell in (0.0, 1.0):
        return bool(cell)  # a float 0/1 column, as pandas makes of a bool column with gaps
    text = _text(cell)
    if not text or text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise _CellError(f"preferred {text!r} is not true or false", "true, false (empty = true)")


def _parse_confidence(cell: object) -> str:
    text = _text(cell)
    if text and text not in CONFIDENCES:
        raise _CellError(f"unknown confidence {text!r}", ", ".join(CONFIDENCES) + " or empty")
    return text


def _check_range(series: str, value: float) -> None:
    info = SERIES[series]
    if info.kind == "share" and not 0.0 <= value <= 1.0:
        raise _CellError(
            f"share {value:g} of {series} is outside [0, 1]",
            "a fraction between 0 and 1 (0.5, not 50)",
        )
    if info.kind == "rate" and value <= -1.0:
        raise _CellError(f"growth rate {value:g} of {series} is <= -1", "a fraction > -1")
    if info.kind == "rate" and value >= 1.0:
        # a real annual growth of +100% or more is implausible for these series and is
        # almost always a percentage typed where a fraction is expected
        raise _CellError(
            f"growth rate {value:g} of {series} is >= 1 (+100% or more)",
            "a fraction (0.044 = +4.4%, not 4.4)",
        )
    if info.kind in ("count", "level", "price", "index") and value < 0:
        raise _CellError(f"negative value {value:g} for {series} (a {info.kind})", "values >= 0")


# --------------------------------------------------------------------------- validation


def _validate(source: str, records: list[_Record]) -> list[_Obs]:
    out: list[_Obs] = []
    last_year: dict[str, tuple[int, str]] = {}
    preferred_at: dict[tuple[str, int], str] = {}
    first_at: dict[tuple[str, int], str] = {}
    for rec in records:
        column = "series"
        try:
            series = _parse_series(rec.cells["series"])
            column = "year"
            year = _parse_year(rec.cells["year"])
            column = "qualifier"
            qualifier = _parse_qualifier(rec.cells.get("qualifier"))
            column = "preferred"
            preferred = _parse_preferred(rec.cells.get("preferred"))
            column = "confidence"
            confidence = _parse_confidence(rec.cells.get("confidence"))
            column = "value"
            value = _parse_value(rec.cells["value"])
            if qualifier == "missing" and value is not None:
                raise _CellError(
                    f"qualifier is missing but a value ({value:g}) is given",
                    "an empty value with qualifier missing",
                )
            if qualifier != "missing" and value is None:
                raise _CellError(
                    f"value is empty but the qualifier is {qualifier}",
                    "a number, or qualifier missing for a gap",
                )
            if value is not None:
                _check_range(series, value)
        except _CellError as err:
            raise DataError(
                err.problem,
                source=source,
                location=f"{rec.where}, column {column}",
                allowed=err.allowed,
            ) from None
        previous = last_year.get(series)
        if previous is not None and year < previous[0]:
            raise DataError(
                f"years of {series} are not in ascending order: {year} comes after "
                f"{previous[0]} ({previous[1]})",
                source=source,
                location=f"{rec.where}, column year",
                allowed="the rows of each series sorted by year",
            )
        last_year[series] = (year, rec.where)
        key = (series, year)
        first_at.setdefault(key, rec.where)
        if preferred:
            if key in preferred_at:
                raise DataError(
                    f"duplicate year: a second preferred row for {series} {year} "
                    f"(the first is {preferred_at[key]})",
                    source=source,
                    location=f"{rec.where}, column year",
                    allowed="one preferred row per series and year; mark alternatives "
                    "preferred=false",
                )
            preferred_at[key] = rec.where
        out.append(
            _Obs(
                series=series,
                year=year,
                value=math.nan if value is None else value,
                qualifier=qualifier,
                preferred=preferred,
                confidence=confidence,
                source_ids=_text(rec.cells.get("source_ids")),
                note=_text(rec.cells.get("note")),
            )
        )
    for key, where in first_at.items():
        if key not in preferred_at:
            raise DataError(
                f"no preferred row for {key[0]} {key[1]}",
                source=source,
                location=f"{where}, column preferred",
                allowed="exactly one preferred row per series and year",
            )
    return out


def _frame(observations: list[_Obs]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "series": [o.series for o in observations],
            "year": np.array([o.year for o in observations], dtype=np.int64),
            "value": np.array([o.value for o in observations], dtype=np.float64),
            "qualifier": [o.qualifier for o in observations],
            "preferred": np.array([o.preferred for o in observations], dtype=bool),
            "confidence": [o.confidence for o in observations],
            "source_ids": [o.source_ids for o in observations],
            "note": [o.note for o in observations],
        }
    )
    for column in ("series", "qualifier", "confidence", "source_ids", "note"):
        frame[column] = frame[column].astype(str)
    return frame


def _read(path: HistorySource) -> pd.DataFrame:
    if isinstance(path, pd.DataFrame):
        source, _, records = _records_from_frame(path)
    elif path is None:
        return _shipped().copy()
    elif isinstance(path, str | os.PathLike):
        source, _, records = _records_from_csv(path)
    else:
        raise DataError(
            f"cannot read history from a {type(path).__name__}",
            source="path",
            allowed="a path to a CSV file, a pandas DataFrame, or None for the shipped history",
        )
    return _frame(_validate(source, records))


@functools.cache
def _shipped() -> pd.DataFrame:
    resource = resources.files("kzforecast.data").joinpath(_SHIPPED)
    with resources.as_file(resource) as file:
        _, _, records = _records_from_csv(file)
    return _frame(_validate(_SHIPPED, records))


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
