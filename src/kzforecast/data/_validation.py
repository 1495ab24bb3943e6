"""Reading and validating a table of observations: a user's CSV file or DataFrame.

:func:`observations_from_csv` and :func:`observations_from_frame` read the rows,
check the header and every cell (:mod:`kzforecast.data._schema`) and the rules
across rows (the years of each series ascending, exactly one preferred row per
series and year), and return the long observation table. Every error is a
:class:`~kzforecast.errors.DataError` naming the file (``<DataFrame>`` for a
DataFrame), the line as an editor shows it (or the row label), the column and
what is allowed.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kzforecast.data._schema import (
    CellError,
    cell_text,
    check_header,
    check_range,
    columns_allowed,
    parse_confidence,
    parse_preferred,
    parse_qualifier,
    parse_series,
    parse_value,
    parse_year,
)
from kzforecast.errors import DataError

__all__ = ["MAX_CSV_BYTES", "observations_from_csv", "observations_from_frame"]

_DATAFRAME = "<DataFrame>"


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
MAX_CSV_BYTES = 100_000_000
"""The largest history CSV file read (bytes); the shipped one is about 100 kB."""


def _records_from_csv(path: str | os.PathLike[str]) -> tuple[str, list[str], list[_Record]]:
    name = os.fspath(path)
    file = Path(name)
    if not file.exists():
        raise DataError("file not found", source=name, allowed="the path of an existing CSV file")
    if file.is_dir():
        raise DataError("is a directory, not a CSV file", source=name)
    if not file.is_file():
        raise DataError(
            "is not a regular file (a device, pipe or socket)",
            source=name,
            allowed="the path of a CSV file",
        )
    if file.stat().st_size > MAX_CSV_BYTES:
        raise DataError(
            f"is too large ({file.stat().st_size:,} bytes)",
            source=name,
            allowed=f"at most {MAX_CSV_BYTES:,} bytes",
        )
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            f"cannot be decoded ({exc.reason})",
            source=name,
            allowed="a UTF-8 CSV file",
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
            check_header(header, name, f"line {line}")
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
        raise DataError("is empty (no header line)", source=name, allowed=columns_allowed())
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
    check_header(header, _DATAFRAME, None)
    if len(frame) == 0:
        raise DataError("has no rows", source=_DATAFRAME)
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    records = [
        _Record(f"row {label}", {h: col[i] for h, col in zip(header, columns)})
        for i, label in enumerate(frame.index)
    ]
    return _DATAFRAME, header, records


# --------------------------------------------------------------------------- validation
def _parse_record(source: str, rec: _Record) -> _Obs:
    """One row's cells as an observation; a bad cell raises DataError with its column."""
    column = "series"
    try:
        series = parse_series(rec.cells["series"])
        column = "year"
        year = parse_year(rec.cells["year"])
        column = "qualifier"
        qualifier = parse_qualifier(rec.cells.get("qualifier"))
        column = "preferred"
        preferred = parse_preferred(rec.cells.get("preferred"))
        column = "confidence"
        confidence = parse_confidence(rec.cells.get("confidence"))
        column = "value"
        value = parse_value(rec.cells["value"])
        if qualifier == "missing" and value is not None:
            raise CellError(
                f"qualifier is missing but a value ({value:g}) is given",
                "an empty value with qualifier missing",
            )
        if qualifier != "missing" and value is None:
            raise CellError(
                f"value is empty but the qualifier is {qualifier}",
                "a number, or qualifier missing for a gap",
            )
        if value is not None:
            check_range(series, value)
    except CellError as err:
        raise DataError(
            err.problem,
            source=source,
            location=f"{rec.where}, column {column}",
            allowed=err.allowed,
        ) from None
    return _Obs(
        series=series,
        year=year,
        value=math.nan if value is None else value,
        qualifier=qualifier,
        preferred=preferred,
        confidence=confidence,
        source_ids=cell_text(rec.cells.get("source_ids")),
        note=cell_text(rec.cells.get("note")),
    )


def _validate(source: str, records: list[_Record]) -> list[_Obs]:
    """Every row parsed, the years of each series ascending, one preferred row per year."""
    out: list[_Obs] = []
    last_year: dict[str, tuple[int, str]] = {}
    preferred_at: dict[tuple[str, int], str] = {}
    first_at: dict[tuple[str, int], str] = {}
    for rec in records:
        obs = _parse_record(source, rec)
        series, year = obs.series, obs.year
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
        if obs.preferred:
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
        out.append(obs)
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


# --------------------------------------------------------------------------- entry points
def observations_from_csv(path: str | os.PathLike[str], *, name: str | None = None) -> pd.DataFrame:
    """Read and validate a CSV file of observations.

    Parameters
    ----------
    path : str or os.PathLike
        The file (UTF-8, optionally with a byte-order mark).
    name : str, optional
        The file's name in the messages of errors found in its rows; default
        the path as given.

    Returns
    -------
    pandas.DataFrame
        The long observation table (see :func:`kzforecast.data.load_observations`).

    Raises
    ------
    DataError
        If the file cannot be read or breaks the schema.
    """
    source, _, records = _records_from_csv(path)
    return _frame(_validate(source if name is None else name, records))


def observations_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a DataFrame of observations (at least ``series, year, value``).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per observation; messages name a row by its index label.

    Returns
    -------
    pandas.DataFrame
        The long observation table (see :func:`kzforecast.data.load_observations`).

    Raises
    ------
    DataError
        If the frame breaks the schema.
    """
    source, _, records = _records_from_frame(frame)
    return _frame(_validate(source, records))
