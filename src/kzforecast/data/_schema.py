"""The schema of an observation table: its columns and the rules of each cell.

A table of observations has the columns :data:`COLUMNS`; :data:`REQUIRED_COLUMNS`
must be present. Each ``parse_*`` function turns one cell into its value or
raises :class:`CellError` with the problem and what is allowed;
:mod:`kzforecast.data._validation` adds the file, line and column.
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real

import numpy as np
import pandas as pd

from kzforecast.data._series import QUALIFIERS, SERIES
from kzforecast.errors import DataError

__all__ = [
    "COLUMNS",
    "CONFIDENCES",
    "REQUIRED_COLUMNS",
    "CellError",
    "cell_text",
    "check_header",
    "check_range",
    "columns_allowed",
    "is_blank",
    "parse_confidence",
    "parse_preferred",
    "parse_qualifier",
    "parse_series",
    "parse_value",
    "parse_year",
]

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

_YEAR_RANGE = (1900, 2100)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def columns_allowed() -> str:
    """The required and optional columns, for the ``allowed`` part of a message."""
    optional = [c for c in COLUMNS if c not in REQUIRED_COLUMNS]
    return f"required {', '.join(REQUIRED_COLUMNS)}; optional {', '.join(optional)}"


def check_header(header: list[str], source: str, line: str | None) -> None:
    """Check a header: no column twice, every required column, no unknown column.

    Parameters
    ----------
    header : list of str
        The column names, stripped.
    source : str
        The file name (or ``<DataFrame>``) for the message.
    line : str or None
        Where the header is (``"line 1"``); None for a DataFrame.

    Raises
    ------
    DataError
        Naming the first offending column.
    """

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
            allowed=columns_allowed(),
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column(s) {', '.join(repr(c) for c in unknown)}",
            source=source,
            location=at(unknown[0]),
            allowed=columns_allowed(),
        )


# --------------------------------------------------------------------------- cells
def is_blank(cell: object) -> bool:
    """True for an empty cell: None, NA, NaT, NaN or a string of blanks."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float | np.floating) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def cell_text(cell: object) -> str:
    """The cell as stripped text; ``""`` for a blank cell (:func:`is_blank`)."""
    return "" if is_blank(cell) else str(cell).strip()


class CellError(Exception):
    """A bad cell; turned into a DataError with file, line and column."""

    def __init__(self, problem: str, allowed: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


def parse_series(cell: object) -> str:
    """The canonical series name of a cell (one of :data:`~kzforecast.data.SERIES`).

    Raises
    ------
    CellError
        If the cell is empty or names no canonical series.
    """
    name = cell_text(cell)
    if not name:
        raise CellError("series name is empty", ", ".join(SERIES))
    if name not in SERIES:
        raise CellError(f"unknown series {name!r}", ", ".join(SERIES))
    return name


def parse_year(cell: object) -> int:
    """A whole year between 1900 and 2100 (``2019``, ``2019.0`` and ``"2019"`` alike).

    Raises
    ------
    CellError
        If the cell is empty, not a whole number or out of range.
    """
    allowed = f"a whole year between {_YEAR_RANGE[0]} and {_YEAR_RANGE[1]}, e.g. 2019"
    year: int
    if isinstance(cell, bool | np.bool_):
        raise CellError(f"year {cell!r} is not a whole number", allowed)
    if isinstance(cell, Integral):
        year = int(cell)
    elif isinstance(cell, Real):
        number = float(cell)
        if math.isnan(number):
            raise CellError("year is empty", allowed)
        if not (math.isfinite(number) and number.is_integer()):
            raise CellError(f"year {cell!r} is not a whole number", allowed)
        year = int(number)
    else:
        text = cell_text(cell)
        if not text:
            raise CellError("year is empty", allowed)
        if not re.fullmatch(r"[+-]?[0-9]+(?:\.0*)?", text):
            raise CellError(f"year {text!r} is not a whole number", allowed)
        year = int(float(text))
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise CellError(f"year {year} is out of range", allowed)
    return year


def parse_value(cell: object) -> float | None:
    """The value as a finite float, or None for an empty cell.

    Raises
    ------
    CellError
        If the cell is not a plain finite number (``"1,000"``, ``"inf"``, ``True``).
    """
    allowed = "a plain number such as 171442 or 0.56 (empty only with qualifier missing)"
    if is_blank(cell):
        return None
    number: float
    if isinstance(cell, bool | np.bool_):
        raise CellError(f"value {cell!r} is not a number", allowed)
    if isinstance(cell, Real):
        number = float(cell)
    else:
        text = str(cell).strip()
        if _NONFINITE.fullmatch(text):
            raise CellError(f"value {text!r} is not a finite number", allowed)
        if not _NUMBER.fullmatch(text):
            raise CellError(f"value {text!r} is not a number", allowed)
        number = float(text)
    if not math.isfinite(number):
        raise CellError(f"value {cell!r} is not a finite number", allowed)
    return number


def parse_qualifier(cell: object) -> str:
    """The qualifier (one of :data:`~kzforecast.data.QUALIFIERS`); empty means ``exact``.

    Raises
    ------
    CellError
        If the qualifier is unknown.
    """
    text = cell_text(cell)
    if not text:
        return "exact"
    if text not in QUALIFIERS:
        raise CellError(f"unknown qualifier {text!r}", ", ".join(QUALIFIERS))
    return text


def parse_preferred(cell: object) -> bool:
    """The ``preferred`` flag: a bool, 0/1, or true/false/yes/no text; empty means True.

    Raises
    ------
    CellError
        If the cell is none of these.
    """
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    if isinstance(cell, Integral) and int(cell) in (0, 1):
        return bool(int(cell))
    if isinstance(cell, Real) and not isinstance(cell, Integral) and cell in (0.0, 1.0):
        return bool(cell)  # a float 0/1 column, as pandas makes of a bool column with gaps
    text = cell_text(cell)
    if not text or text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise CellError(f"preferred {text!r} is not true or false", "true, false (empty = true)")


def parse_confidence(cell: object) -> str:
    """The confidence: one of :data:`CONFIDENCES`, or ``""`` for an empty cell.

    Raises
    ------
    CellError
        If the confidence is unknown.
    """
    text = cell_text(cell)
    if text and text not in CONFIDENCES:
        raise CellError(f"unknown confidence {text!r}", ", ".join(CONFIDENCES) + " or empty")
    return text


def check_range(series: str, value: float) -> None:
    """Check that ``value`` is valid for the kind of ``series`` (share, rate, count...).

    Shares lie in [0, 1], growth rates in (-1, 1), counts, levels, prices and
    indices are >= 0.

    Raises
    ------
    CellError
        If it is not.
    """
    info = SERIES[series]
    if info.kind == "share" and not 0.0 <= value <= 1.0:
        raise CellError(
            f"share {value:g} of {series} is outside [0, 1]",
            "a fraction between 0 and 1 (0.5, not 50)",
        )
    if info.kind == "rate" and value <= -1.0:
        raise CellError(f"growth rate {value:g} of {series} is <= -1", "a fraction > -1")
    if info.kind == "rate" and value >= 1.0:
        # a real annual growth of +100% or more is implausible for these series and is
        # almost always a percentage typed where a fraction is expected
        raise CellError(
            f"growth rate {value:g} of {series} is >= 1 (+100% or more)",
            "a fraction (0.044 = +4.4%, not 4.4)",
        )
    if info.kind in ("count", "level", "price", "index") and value < 0:
        raise CellError(f"negative value {value:g} for {series} (a {info.kind})", "values >= 0")
