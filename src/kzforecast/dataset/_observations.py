"""A dataset's observation table: validation (with the panel's extras) and the wide view.

A dataset's observations are the long table of :func:`kzforecast.data.load_observations`,
validated by the same rules, plus two things the OICA panel brings:

* the qualifier ``suspect`` (a value the panel's rule flags, kept as published): such a row
  is never preferred and never enters :func:`history`;
* the series of :data:`EXTRA_SERIES` (``commercial_vehicle_output``), which the canonical
  catalogue does not have yet; each is validated as a series of the same kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from kzforecast.data import SERIES, load_observations
from kzforecast.errors import DataError

__all__ = ["EXTRA_SERIES", "OBSERVATION_COLUMNS", "SUSPECT", "history", "validate_observations"]

SUSPECT = "suspect"
"""Qualifier of a value kept as published but flagged (never preferred, not in history)."""

EXTRA_SERIES: Mapping[str, str] = MappingProxyType({"commercial_vehicle_output": "truck_output"})
"""Series a dataset may hold beyond :data:`kzforecast.data.SERIES`, and the canonical series
whose rules (a count of vehicles per year) validate it."""

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "series",
    "year",
    "value",
    "qualifier",
    "preferred",
    "confidence",
    "source_ids",
    "note",
)
"""Columns of the observation table, in order."""


def _relabel(err: DataError, source: str, line_offset: int | None) -> DataError:
    """The error of a validated part, naming the dataset's file and line (or row)."""
    location = err.location or ""
    if line_offset is not None and location.startswith("row "):
        head, _, rest = location[4:].partition(",")
        if head.strip().isdigit():
            location = f"line {int(head) + line_offset}" + (f",{rest}" if rest else "")
    return DataError(err.problem, source=source, location=location or None, allowed=err.allowed)


def validate_observations(
    frame: pd.DataFrame, source: str, *, line_offset: int | None = None
) -> pd.DataFrame:
    """Validate a dataset's observation table (the data layer's rules, plus the panel's).

    Parameters
    ----------
    frame : pandas.DataFrame
        At least ``series, year, value``; optional columns as in
        :func:`kzforecast.data.load_observations`. Rows with qualifier ``suspect``
        are checked cell by cell (at most one per series and year) and kept with
        ``preferred=False``.
    source : str
        The file (``"history.csv"``) or argument named in errors.
    line_offset : int, optional
        When the frame was read from a CSV file and indexed 0, 1, ..., the line of
        row 0 minus 0 (2 for a file with one header line): errors then say
        ``line N``; otherwise they name the row label.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OBSERVATION_COLUMNS`, in the input's row order.

    Raises
    ------
    DataError
        Naming ``source``, the line or row, the column and what is allowed.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"observations must be a pandas DataFrame, got {type(frame).__name__}",
            source=source,
        )
    if len(frame) == 0:
        raise DataError("has no rows", source=source)
    work = frame.copy()
    series = work["series"].astype(str).str.strip() if "series" in work else None
    qualifier = (
        work["qualifier"].fillna("").astype(str).str.strip()
        if "qualifier" in work
        else pd.Series("", index=work.index)
    )
    suspect = (qualifier == SUSPECT).to_numpy()
    if series is None:
        extra = np.zeros(len(work), dtype=bool)
    else:
        extra = series.isin(list(EXTRA_SERIES)).to_numpy()
    parts: list[pd.DataFrame] = []
    order: list[np.ndarray] = []
    positions = np.arange(len(work))
    # validated in parts: the suspect rows have no preferred row to agree with, and an extra
    # series is checked under the name of a canonical series of the same kind
    for is_suspect, is_extra in ((False, False), (False, True), (True, False), (True, True)):
        mask = (suspect == is_suspect) & (extra == is_extra)
        if not mask.any():
            continue
        part = work[mask].copy()
        if is_suspect:
            part["qualifier"] = "exact"
            part["preferred"] = True
        if is_extra and series is not None:
            part["series"] = series[mask].map(EXTRA_SERIES)
        try:
            checked = load_observations(part)
        except DataError as err:
            raise _relabel(err, source, line_offset) from None
        if is_suspect:
            checked["qualifier"] = SUSPECT
            checked["preferred"] = False
        if is_extra and series is not None:
            checked["series"] = series[mask].to_numpy()
        parts.append(checked)
        order.append(positions[mask])
    out = pd.concat(parts, ignore_index=True)
    out = out.iloc[np.argsort(np.concatenate(order), kind="stable")]
    return out.reset_index(drop=True)[list(OBSERVATION_COLUMNS)]


def history(observations: pd.DataFrame) -> pd.DataFrame:
    """The preferred values as a wide year x series table (suspect values excluded).

    The same table as :func:`kzforecast.data.load_history` gives for the same
    observations: index ``year`` (every year from the first to the last preferred
    row), one float64 column per series with a preferred value, in
    :data:`kzforecast.data.SERIES` order, then :data:`EXTRA_SERIES`.

    Parameters
    ----------
    observations : pandas.DataFrame
        A validated observation table.

    Returns
    -------
    pandas.DataFrame
        NaN marks a gap.
    """
    pref = observations[observations["preferred"] & (observations["qualifier"] != SUSPECT)]
    if len(pref) == 0:
        return pd.DataFrame(index=pd.Index([], dtype=np.int64, name="year"), dtype="float64")
    with_data = set(pref.loc[pref["value"].notna(), "series"])
    first, last = int(pref["year"].min()), int(pref["year"].max())
    index = pd.Index(np.arange(first, last + 1, dtype=np.int64), name="year")
    columns: dict[str, pd.Series] = {}
    for name in [*SERIES, *EXTRA_SERIES]:
        if name not in with_data:
            continue
        own = pref[pref["series"] == name]
        columns[name] = pd.Series(
            own["value"].to_numpy(dtype=np.float64), index=own["year"].to_numpy(), dtype="float64"
        ).reindex(index)
    return pd.DataFrame(columns, index=index, dtype="float64")
