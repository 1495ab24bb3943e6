"""The target registry: ``registry.csv``, read and validated through :class:`Target`.

The shipped registry holds every official (and a few unofficial) targets for
Kazakhstan's motor-vehicle and processing industries stated 2010-2026, one row
per (statement, reading). Each row is validated by the pydantic model at load
time; a bad row raises :class:`~kzforecast.errors.TargetError` naming the file,
the line and the field.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from kzforecast.errors import TargetError
from kzforecast.targets._model import Target
from kzforecast.targets.metrics import METRICS

__all__ = ["get_target", "load_targets", "targets_frame"]

REGISTRY_NAME = "registry.csv"

_TUPLE_FIELDS = frozenset({"aliases", "destinations"})
_TEXT_DEFAULT_FIELDS = frozenset({"stated_on_note", "vintage"})
_FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_]+): (.*)$", re.DOTALL)


def _registry_path() -> Path:
    return Path(str(resources.files("kzforecast.targets").joinpath(REGISTRY_NAME)))


def _row_to_data(row: dict[str, str | None]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in row.items():
        if key is None:  # more cells than header columns
            raise ValueError("row has more cells than the header has columns")
        text = (raw or "").strip()
        if key in _TUPLE_FIELDS:
            data[key] = tuple(p.strip() for p in text.split(";") if p.strip())
        elif text == "":
            if key not in _TEXT_DEFAULT_FIELDS:
                data[key] = None
        else:
            data[key] = text
    return data


def _error_from_validation(exc: ValidationError, source: str, line: int) -> TargetError:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"])
    match = _FIELD_PREFIX.match(msg)
    field_level = bool(loc)
    if not loc and match:
        loc, msg = match.group(1), match.group(2)
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "missing":
        msg = "required field is missing or empty"
    elif err["type"] == "extra_forbidden":
        msg = "unknown column"
    elif field_level and "input" in err:
        msg += f" (got {err['input']!r})"
    location = f"line {line}, field {loc}" if loc else f"line {line}"
    return TargetError(msg, source=source, location=location)


def read_registry(path: str | os.PathLike[str]) -> tuple[Target, ...]:
    """Read and validate a registry CSV (one row per reading).

    Parameters
    ----------
    path : str or path-like
        A CSV with the columns of :class:`Target`; tuple fields are
        ``;``-separated, empty cells are missing values.

    Returns
    -------
    tuple of Target
        In file order.

    Raises
    ------
    TargetError
        Naming the file, the line and the field of the first bad row, or a
        registry-wide problem (duplicate ``(id, reading)``, not exactly one
        default reading per id, ``superseded_by`` naming an unknown id).
    """
    path = Path(path)
    source = path.name
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise TargetError("not a regular file", source=str(path), allowed="a CSV file")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise TargetError(f"cannot read the registry: {exc.strerror}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise TargetError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be "
            f"decoded ({exc.reason})",
            source=source,
            allowed="a UTF-8 CSV file",
        ) from None
    targets: list[Target] = []
    lines: dict[tuple[str, str], int] = {}
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise TargetError("the file is empty", source=source)
        for row in reader:
            line = reader.line_num
            try:
                data = _row_to_data(row)
                target = Target.model_validate(data)
            except ValidationError as exc:
                raise _error_from_validation(exc, source, line) from None
            except ValueError as exc:
                raise TargetError(str(exc), source=source, location=f"line {line}") from None
            if target.key in lines:
                raise TargetError(
                    f"duplicate (id, reading) {target.key}, first on line {lines[target.key]}",
                    source=source,
                    location=f"line {line}, field reading",
                )
            lines[target.key] = line
            targets.append(target)
    if not targets:
        raise TargetError("the registry has no rows", source=source)
    _check_registry(targets, lines, source)
    return tuple(targets)


def _check_registry(
    targets: Sequence[Target], lines: dict[tuple[str, str], int], source: str
) -> None:
    ids = {t.id for t in targets}
    defaults: dict[str, list[Target]] = {i: [] for i in ids}
    for t in targets:
        if t.default_reading:
            defaults[t.id].append(t)
    for t in targets:
        n = len(defaults[t.id])
        if n != 1:
            raise TargetError(
                f"id {t.id} has {n} default readings; exactly one is required",
                source=source,
                location=f"line {lines[t.key]}, field default_reading",
            )
        if t.superseded_by is not None and t.superseded_by not in ids:
            raise TargetError(
                f"superseded_by names unknown id {t.superseded_by!r}",
                source=source,
                location=f"line {lines[t.key]}, field superseded_by",
            )
        for alias in t.aliases:
            if alias in ids:
                raise TargetError(
                    f"alias {alias!r} is also an id of its own",
                    source=source,
                    location=f"line {lines[t.key]}, field aliases",
                )


@functools.cache
def _shipped() -> tuple[Target, ...]:
    return read_registry(_registry_path())


def _of_vintage(targets: Sequence[Target], vintage: str, source: str) -> list[Target]:
    """The statements of a year (``"2016"``) or of a day (``"2016-07-01"``)."""
    vintages = sorted({t.vintage for t in targets if not re.fullmatch(r"\d{4}", t.vintage)})
    years = sorted({str(t.stated_year) for t in targets if t.stated_year is not None})
    is_year = re.fullmatch(r"\d{4}", vintage) is not None
    if is_year and vintage in years:
        return [t for t in targets if str(t.stated_year) == vintage]
    if not is_year and vintage in vintages:
        return [t for t in targets if t.vintage == vintage]
    raise TargetError(
        f"unknown vintage {vintage!r}",
        source=source,
        location="vintage",
        allowed=f"a year ({', '.join(years)}) or a date ({', '.join(vintages)})",
    )


def load_targets(
    *,
    vintage: str | None = None,
    metric: str | None = None,
    due_year: int | None = None,
    in_force: int | None = None,
    default_only: bool = False,
    path: str | os.PathLike[str] | None = None,
) -> list[Target]:
    """Load the target registry, optionally filtered.

    Parameters
    ----------
    vintage : str, optional
        A statement date, ``"2016-07-01"`` (exact match), or a year,
        ``"2016"`` (every statement made that year, dated or not).
    metric : str, optional
        One of :data:`~kzforecast.targets.Metric`.
    due_year : int, optional
        Keep readings whose ``due_year`` equals this year.
    in_force : int, optional
        Keep readings still in force after this year (see :meth:`Target.in_force`).
    default_only : bool, default False
        Keep only the default reading of each statement.
    path : str or path-like, optional
        Read this registry CSV instead of the shipped one.

    Returns
    -------
    list of Target
        In registry order.

    Raises
    ------
    TargetError
        For an unknown vintage or metric (the message lists the available
        ones), a bad registry row, or filters that leave nothing.

    Examples
    --------
    >>> from kzforecast.targets import load_targets
    >>> july = load_targets(vintage="2016-07-01", default_only=True)
    >>> [t.id for t in july][:3]
    ['KZ2016-KAS-200K', 'KZ2016-KAS-LOC50', 'KZ2016-KAS-EXPSTART']
    >>> t1 = load_targets(vintage="2016-07-01", metric="vehicle_output")
    >>> [(t.reading, t.default_reading) for t in t1]
    [('annual-2025', True), ('cumulative-2016-2025', False), ('by-2025', False)]
    >>> len({t.id for t in load_targets(vintage="2016")}) >= 7
    True
    """
    targets: Sequence[Target] = _shipped() if path is None else read_registry(path)
    source = REGISTRY_NAME if path is None else Path(path).name
    applied: list[str] = []
    selected = list(targets)
    if vintage is not None:
        vintage = str(vintage).strip()
        selected = _of_vintage(selected, vintage, source)
        applied.append(f"vintage={vintage}")
    if metric is not None:
        if metric not in METRICS:
            raise TargetError(
                f"unknown metric {metric!r}",
                source=source,
                location="metric",
                allowed=", ".join(METRICS),
            )
        selected = [t for t in selected if t.metric == metric]
        applied.append(f"metric={metric}")
    if due_year is not None:
        selected = [t for t in selected if t.due_year == due_year]
        applied.append(f"due_year={due_year}")
    if in_force is not None:
        selected = [t for t in selected if t.in_force(in_force)]
        applied.append(f"in_force={in_force}")
    if default_only:
        selected = [t for t in selected if t.default_reading]
        applied.append("default_only=True")
    if not selected:
        raise TargetError(
            f"no target matches {', '.join(applied)}",
            source=source,
            location="filters",
            allowed="loosen one of the filters",
        )
    return selected


def get_target(
    id: str,
    reading: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
) -> Target:
    """Return one target reading by id (or alias) and reading slug.

    Parameters
    ----------
    id : str
        Registry id, e.g. ``"KZ2016-KAS-200K"``, or an alias such as
        ``"KZ2016-MFG-22"``.
    reading : str, optional
        Reading slug; the default reading when omitted.
    path : str or path-like, optional
        Read this registry CSV instead of the shipped one.

    Raises
    ------
    TargetError
        For an unknown id or reading (the message lists the ones available).

    Examples
    --------
    >>> from kzforecast.targets import get_target
    >>> get_target("KZ2016-KAS-LOC50").reading
    'window-last'
    >>> get_target("KZ2016-MFG-22", "productivity-2020").metric
    'labour_productivity'
    """
    targets: Sequence[Target] = _shipped() if path is None else read_registry(path)
    source = REGISTRY_NAME if path is None else Path(path).name
    matches = [t for t in targets if t.id == id or id in t.aliases]
    if not matches:
        raise TargetError(
            f"unknown target id {id!r}",
            source=source,
            location="id",
            allowed=", ".join(sorted({t.id for t in targets})),
        )
    for t in matches:
        if (reading is None and t.default_reading) or t.reading == reading:
            return t
    raise TargetError(
        f"target {matches[0].id} has no reading {reading!r}",
        source=source,
        location="reading",
        allowed=", ".join(t.reading for t in matches),
    )


_FRAME_COLUMNS = (
    "id",
    "reading",
    "default_reading",
    "vintage",
    "speaker",
    "source_url",
    "official",
    "metric",
    "comparison",
    "threshold",
    "unit",
    "transform",
    "timing",
    "window_start",
    "due_year",
    "window_rule",
    "base_year",
    "destinations",
    "confidence",
    "superseded_by",
    "interpretation",
)


def targets_frame(targets: Sequence[Target] | None = None) -> pd.DataFrame:
    """One row per target reading, for printing and filtering.

    Parameters
    ----------
    targets : sequence of Target, optional
        Default: the whole shipped registry.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, reading, default_reading, vintage, speaker, official,
        metric, comparison, threshold, unit, transform, timing, window_start,
        due_year, window_rule, base_year, destinations, confidence,
        superseded_by, interpretation``; years are nullable integers,
        destinations are ``;``-joined text.

    Examples
    --------
    >>> from kzforecast.targets import load_targets, targets_frame
    >>> df = targets_frame(load_targets(vintage="2016-07-01", default_only=True))
    >>> row = df.set_index("id").loc["KZ2016-KAS-LOC50"]
    >>> row["reading"], float(row["threshold"]), int(row["due_year"])
    ('window-last', 0.5, 2020)
    """
    if targets is None:
        targets = _shipped()
    records = []
    for t in targets:
        rec = {name: getattr(t, name) for name in _FRAME_COLUMNS}
        rec["destinations"] = ";".join(t.destinations)
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=list(_FRAME_COLUMNS))
    for col in ("window_start", "due_year", "base_year"):
        frame[col] = frame[col].astype("Int64")
    frame["threshold"] = frame["threshold"].astype(float)
    frame["default_reading"] = frame["default_reading"].astype(bool)
    frame["official"] = frame["official"].astype(bool)
    return frame
