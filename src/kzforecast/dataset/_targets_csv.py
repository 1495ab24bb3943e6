"""A dataset's ``targets.csv``: the short form a user writes, and the full form.

Short form (one row per target; the one-line constructors of
:class:`~kzforecast.targets.Target` per row)::

    id,metric,comparison,threshold,due,kind,reading,base,start,destinations,source_url
    UZ-1M,vehicle_output,>=,1000000,2030,level,by,,2024,,https://example.org/uz
    UZ-X2,vehicle_output,>=,2,2030,growth,in,2021,,,

Required: ``id, metric, threshold, due`` (and ``comparison`` except for growth and
cumulative targets, where it defaults to ``>=``). ``kind`` is ``level`` (default),
``share``, ``growth`` (needs ``base``) or ``cumulative`` (needs ``start``).
Optional provenance: ``stated_on, stated_year, speaker, office, source_url,
confidence, quote, official``.

Full form: the columns of the shipped registry (a file with a ``transform``
column), provenance optional. :func:`targets_csv` writes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from kzforecast.errors import TargetError
from kzforecast.targets import USER_CONTEXT, Target, target_error

__all__ = ["SHORT_COLUMNS", "read_targets", "targets_csv"]

SHORT_COLUMNS: tuple[str, ...] = (
    "id",
    "metric",
    "comparison",
    "threshold",
    "due",
    "kind",
    "reading",
    "base",
    "start",
    "destinations",
)
"""Columns of the short form (the provenance columns may follow)."""

_PROVENANCE = (
    "stated_on",
    "stated_year",
    "speaker",
    "office",
    "source_url",
    "confidence",
    "quote",
    "official",
    "superseded_by",
)
_TUPLE_FIELDS = ("aliases", "destinations")
_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _int(row: dict[str, str], key: str) -> int | None:
    text = row.get(key, "")
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise TargetError(f"{text!r} is not a year", location=f"field {key}") from None


def _provenance(row: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _PROVENANCE:
        text = row.get(key, "")
        if not text:
            continue
        if key == "official":
            if text.lower() not in _BOOL:
                raise TargetError(f"{text!r} is not true or false", location="field official")
            out[key] = _BOOL[text.lower()]
        elif key == "stated_year":
            out[key] = _int(row, key)
        else:
            out[key] = text
    return out


def _short(row: dict[str, str]) -> Target:
    kind = row.get("kind", "") or "level"
    for key in ("id", "metric", "threshold", "due"):
        if not row.get(key, ""):
            raise TargetError("required field is missing or empty", location=f"field {key}")
    try:
        threshold = float(row["threshold"])
    except ValueError:
        raise TargetError(
            f"{row['threshold']!r} is not a number", location="field threshold"
        ) from None
    due = _int(row, "due")
    assert due is not None
    text = row.get("reading", "") or "in"
    if text not in ("in", "by"):
        raise TargetError(
            f"unknown reading {text!r}", location="field reading", allowed="in, by (empty: in)"
        )
    reading: Literal["in", "by"] = "by" if text == "by" else "in"
    destinations = tuple(d.strip() for d in row.get("destinations", "").split(";") if d.strip())
    prov = _provenance(row)
    comparison = row.get("comparison", "") or ">="
    if kind in ("level", "share"):
        if not row.get("comparison", ""):
            raise TargetError("required field is missing or empty", location="field comparison")
        make = Target.level if kind == "level" else Target.share
        return make(
            row["id"],
            row["metric"],
            comparison,
            threshold,
            due=due,
            reading=reading,
            start=_int(row, "start"),
            destinations=destinations,
            **prov,
        )
    if kind == "growth":
        base = _int(row, "base")
        if base is None:
            raise TargetError("a growth target needs its base year", location="field base")
        return Target.growth(
            row["id"],
            row["metric"],
            threshold,
            base=base,
            due=due,
            comparison=comparison,
            reading=reading,
            destinations=destinations,
            **prov,
        )
    if kind == "cumulative":
        start = _int(row, "start")
        if start is None:
            raise TargetError("a cumulative target needs its first year", location="field start")
        return Target.cumulative(
            row["id"],
            row["metric"],
            threshold,
            start=start,
            due=due,
            comparison=comparison,
            destinations=destinations,
            **prov,
        )
    raise TargetError(
        f"unknown kind {kind!r}", location="field kind", allowed="level, share, growth, cumulative"
    )


def _full(row: dict[str, str]) -> Target:
    data: dict[str, Any] = {}
    for key, text in row.items():
        if key in _TUPLE_FIELDS:
            data[key] = tuple(p.strip() for p in text.split(";") if p.strip())
        elif text != "":
            data[key] = text
    try:
        return Target.model_validate(data, context=USER_CONTEXT)
    except ValidationError as exc:
        raise target_error(exc, "targets.csv") from None


def read_targets(path: Path) -> tuple[tuple[Target, ...], list[int]]:
    """Read ``targets.csv`` (short or full form); an absent file is no targets.

    Returns
    -------
    (tuple of Target, list of int)
        The targets and the line of each.

    Raises
    ------
    TargetError
        Naming ``targets.csv``, the line and the field.
    """
    if not path.exists():
        return (), []
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    full = "transform" in (reader.fieldnames or [])
    targets: list[Target] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise TargetError(
                "row has more cells than the header has columns",
                source=path.name,
                location=f"line {line}",
            )
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        try:
            target = _full(cells) if full else _short(cells)
        except TargetError as err:
            where = f"line {line}" + (f", {err.location}" if err.location else "")
            raise TargetError(
                err.problem, source=path.name, location=where, allowed=err.allowed
            ) from None
        if target.key in seen:
            raise TargetError(
                f"duplicate (id, reading) {target.key}, first on line {seen[target.key]}",
                source=path.name,
                location=f"line {line}, field id",
            )
        seen[target.key] = line
        targets.append(target)
        lines.append(line)
    return tuple(targets), lines


def targets_csv(targets: Sequence[Target]) -> str:
    """The targets in the full form (every field of :class:`Target`), as CSV text."""
    fields = list(Target.model_fields)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for t in targets:
        row: dict[str, str] = {}
        for key, value in t.model_dump(mode="json").items():
            if value is None:
                row[key] = ""
            elif isinstance(value, list):
                row[key] = ";".join(str(v) for v in value)
            elif isinstance(value, bool):
                row[key] = "true" if value else "false"
            else:
                row[key] = str(value)
        writer.writerow(row)
    return buf.getvalue()
