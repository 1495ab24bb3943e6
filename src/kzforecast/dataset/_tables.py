"""The side tables of a dataset (sources, plants, devaluations) and the cross-file checks."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

import pandas as pd

from kzforecast.errors import DataError
from kzforecast.targets import Target

__all__ = [
    "PLANT_NUMBERS",
    "SOURCE_COLUMNS",
    "check_citations",
    "check_target_destinations",
    "devaluations_table",
    "is_blank",
    "plants_table",
    "sources_table",
]

SOURCE_COLUMNS: tuple[str, ...] = ("source_id", "outlet", "title", "url", "date", "notes")
"""Columns of a sources table; ``source_id`` is required, the others default to ``""``."""

PLANT_NUMBERS: tuple[str, ...] = (
    "capacity_units_per_year",
    "capacity_year",
    "opened_year",
    "closed_year",
)
"""Whole-number columns of a plants table (nullable)."""


def is_blank(cell: object) -> bool:
    """True for an empty cell: None, NA, NaN or blanks."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float) and cell != cell:
        return True
    return isinstance(cell, str) and not cell.strip()


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text, blanks as ``""``."""
    return pd.DataFrame(
        {c: [("" if is_blank(v) else str(v).strip()) for v in frame[c]] for c in frame.columns},
        index=frame.index,
        dtype=object,
    )


def _where(source: str, line_offset: int | None, position: int, label: object) -> str:
    return f"line {position + line_offset}" if line_offset is not None else f"row {label}"


def sources_table(frame: pd.DataFrame, source: str, line_offset: int | None) -> pd.DataFrame:
    """Validate a sources table: ``source_id`` required, unique and not empty.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns among :data:`SOURCE_COLUMNS`.
    source : str
        File or argument named in errors.
    line_offset : int, optional
        Line of the first row in the file (2), or None to name row labels.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOURCE_COLUMNS`, all text.

    Raises
    ------
    DataError
        For a missing or unknown column, an empty or repeated id.
    """
    unknown = [c for c in frame.columns if c not in SOURCE_COLUMNS]
    if "source_id" not in frame.columns or unknown:
        bad = "source_id" if "source_id" not in frame.columns else str(unknown[0])
        raise DataError(
            "missing required column source_id"
            if bad == "source_id"
            else f"unknown column {bad!r}",
            source=source,
            location=f"column {bad}",
            allowed="required source_id; optional " + ", ".join(SOURCE_COLUMNS[1:]),
        )
    text = _text(frame).reindex(columns=list(SOURCE_COLUMNS), fill_value="")
    seen: dict[str, str] = {}
    for i, (label, sid) in enumerate(zip(frame.index, text["source_id"], strict=True)):
        where = _where(source, line_offset, i, label)
        if not sid:
            raise DataError(
                "source_id is empty", source=source, location=f"{where}, column source_id"
            )
        if sid in seen:
            raise DataError(
                f"source id {sid!r} appears twice (first on {seen[sid]})",
                source=source,
                location=f"{where}, column source_id",
                allowed="each source id once",
            )
        seen[sid] = where
    return text.reset_index(drop=True)


def plants_table(frame: pd.DataFrame | None, source: str, line_offset: int | None) -> pd.DataFrame:
    """A plants table: text columns, :data:`PLANT_NUMBERS` as nullable whole numbers.

    Raises
    ------
    DataError
        If ``plant`` is missing or a number column holds something else.
    """
    if frame is None:
        return pd.DataFrame(
            {"plant": pd.Series([], dtype=str), "source_ids": pd.Series([], dtype=str)}
        )
    if "plant" not in frame.columns:
        raise DataError(
            "missing required column plant",
            source=source,
            location="column plant",
            allowed="required plant; optional operator, city, capacity_units_per_year, "
            "opened_year, closed_year, source_ids, notes, ...",
        )
    text = _text(frame).reset_index(drop=True)
    for column in PLANT_NUMBERS:
        if column not in text.columns:
            continue
        for i, cell in enumerate(text[column]):
            if cell and not cell.lstrip("-").isdigit():
                raise DataError(
                    f"{cell!r} is not a whole number",
                    source=source,
                    location=f"{_where(source, line_offset, i, frame.index[i])}, column {column}",
                    allowed="a whole number or empty",
                )
        text[column] = pd.to_numeric(text[column].replace("", None)).astype("Int64")
    return text


def devaluations_table(
    frame: pd.DataFrame | None, source: str, line_offset: int | None
) -> pd.DataFrame:
    """A devaluations table: ``date`` (ISO) required; ``*_before``/``*_after`` numbers.

    Raises
    ------
    DataError
        If ``date`` is missing or not ISO, or a rate is not a number.
    """
    if frame is None:
        return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]")})
    if "date" not in frame.columns:
        raise DataError(
            "missing required column date",
            source=source,
            location="column date",
            allowed="required date (YYYY-MM-DD); optional event, <rate>_before, <rate>_after, "
            "source, source_ids, notes",
        )
    text = _text(frame).reset_index(drop=True)
    for column in text.columns:
        numeric = column.endswith(("_before", "_after"))
        if column != "date" and not numeric:
            continue
        for i, cell in enumerate(text[column]):
            try:
                if column == "date":
                    datetime.datetime.strptime(cell[:10], "%Y-%m-%d")
                elif cell:
                    float(cell)
            except ValueError:
                raise DataError(
                    f"{cell!r} is not {'an ISO date' if column == 'date' else 'a number'}",
                    source=source,
                    location=f"{_where(source, line_offset, i, frame.index[i])}, column {column}",
                    allowed="YYYY-MM-DD" if column == "date" else "a plain number",
                ) from None
    out = text.copy()
    out["date"] = pd.to_datetime(text["date"].str[:10], format="%Y-%m-%d")
    for column in text.columns:
        if column.endswith(("_before", "_after")):
            out[column] = pd.to_numeric(text[column].replace("", None)).astype("float64")
    return out


def check_citations(
    known: set[str], tables: Mapping[str, tuple[pd.DataFrame, str, int | None]]
) -> None:
    """Every ``source_ids`` cell of every table names a source of the dataset.

    Parameters
    ----------
    known : set of str
        The dataset's source ids.
    tables : mapping
        Label -> (table, file named in errors, line of its first row or None).

    Raises
    ------
    DataError
        Naming the file, line (or row), column ``source_ids`` and the unknown id.
    """
    for _label, (table, source, line_offset) in tables.items():
        if "source_ids" not in table.columns:
            continue
        for i, cell in enumerate(table["source_ids"]):
            ids = [p.strip() for p in ("" if is_blank(cell) else str(cell)).split(";")]
            for sid in ids:
                if sid and sid not in known:
                    raise DataError(
                        f"source id {sid!r} is not in the dataset's sources",
                        source=source,
                        location=f"{_where(source, line_offset, i, i)}, column source_ids",
                        allowed="ids of sources.csv (column source_id)",
                    )


def check_target_destinations(
    targets: Sequence[Target], destinations: Sequence[str], source: str, lines: Sequence[int] | None
) -> None:
    """Every destination a target names is one of the dataset's destinations.

    Raises
    ------
    DataError
        Naming the file, the target's line (or position), column ``destinations``.
    """
    allowed = set(destinations)
    for i, t in enumerate(targets):
        unknown = [d for d in t.destinations if d not in allowed]
        if unknown:
            where = f"line {lines[i]}" if lines is not None else f"target {i} ({t.id})"
            raise DataError(
                f"target {t.id} names destination(s) {unknown} the dataset does not have",
                source=source,
                location=f"{where}, column destinations",
                allowed=", ".join(destinations) or "none (the dataset lists no destinations)",
            )
