"""A user's own targets: the helpers of the one-line constructors of :class:`Target`.

:meth:`Target.level`, :meth:`Target.growth`, :meth:`Target.cumulative` and
:meth:`Target.share` fill the unit and a one-sentence interpretation, leave
provenance optional (validation context :data:`USER_CONTEXT`) and turn a
:class:`pydantic.ValidationError` into a :class:`~kzforecast.errors.TargetError`
naming the field (:func:`target_error`).
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Literal, TypedDict

from pydantic import ValidationError

from kzforecast.errors import TargetError
from kzforecast.targets.metrics import METRIC_SPECS

Confidence = Literal["high", "medium", "low"]
"""How sure a target's record is of the wording, year and base."""

__all__ = [
    "USER_CONTEXT",
    "Confidence",
    "Provenance",
    "Reading",
    "described",
    "target_error",
    "timing",
]

USER_CONTEXT: dict[str, bool] = {"provenance_optional": True}
"""Validation context of a user's target: ``Target.model_validate(data, context=USER_CONTEXT)``
accepts empty provenance fields; without it (the registry) they are required."""


class Provenance(TypedDict, total=False):
    """Optional provenance of a user's target (keywords of the one-line constructors)."""

    stated_on: datetime.date | str | None
    stated_year: int | None
    speaker: str
    office: str
    source_url: str
    confidence: Confidence | None
    quote: str
    official: bool | None
    superseded_by: str | None


Reading = Literal["in", "by"]
"""``"in"``: the value in the due year; ``"by"``: in any year from ``start`` to ``due``."""

_FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_]+): (.*)$", re.DOTALL)


def target_error(exc: ValidationError, source: str) -> TargetError:
    """A :class:`~kzforecast.errors.TargetError` naming the field a ValidationError is about.

    Parameters
    ----------
    exc : pydantic.ValidationError
        What :class:`Target` raised.
    source : str
        Where the target came from (``"Target.level"``, ``"targets.csv: line 3"``).

    Returns
    -------
    TargetError
        ``location`` is ``field <name>``; the message says what is wrong and, for a
        bad value, what was given.
    """
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"])
    match = _FIELD_PREFIX.match(msg)
    if not loc and match:
        loc, msg = match.group(1), match.group(2)
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "missing":
        msg = "required field is missing or empty"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif loc and "input" in err and not match:
        msg += f" (got {err['input']!r})"
    return TargetError(msg, source=source, location=f"field {loc}" if loc else None)


def timing(
    reading: object, due: int | None, start: int | None, provenance: Provenance
) -> dict[str, Any]:
    """Timing fields of a one-line target; a 'by' reading starts at ``start``, else at the
    year stated, else at the current calendar year (the day the user writes it down)."""
    if reading == "in":
        return {"timing": "in_year", "due_year": due}
    if reading == "by":
        if start is None:
            stated = provenance.get("stated_year")
            on = provenance.get("stated_on")
            if stated is None and on is not None:
                stated = datetime.date.fromisoformat(str(on)).year
            start = stated if stated is not None else datetime.date.today().year
        return {"timing": "by_year", "due_year": due, "window_start": start}
    raise TargetError(
        f"unknown reading {reading!r}",
        source="Target",
        location="field reading",
        allowed="'in' (the due year) or 'by' (any year from start to due)",
    )


def _words(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return f"{number:,.0f}" if number >= 100 and number.is_integer() else f"{number:g}"
    return repr(value)


def described(data: dict[str, Any], provenance: Provenance) -> dict[str, Any]:
    """``data`` with the unit, the one-sentence interpretation and the provenance filled."""
    metric = data["metric"]
    spec = METRIC_SPECS.get(metric)
    unit = spec.unit if spec is not None else "as stated"
    if data["transform"] == "ratio_to_base":
        unit, what = f"ratio to {data['base_year']}", f"{metric} relative to {data['base_year']}"
    elif data["transform"] == "cumulative":
        what = f"{metric} summed over {data['window_start']}-{data['due_year']}"
    else:
        what = str(metric)
    if data.get("destinations"):
        what += " to " + ", ".join(str(d) for d in data["destinations"])
    when = (
        f"in some year from {data['window_start']} to {data['due_year']}"
        if data["timing"] == "by_year"
        else f"in {data['due_year']}"
    )
    sentence = f"{what} is {data['comparison']} {_words(data['threshold'])} {when}."
    return {
        **data,
        "default_reading": True,
        "unit": unit,
        "interpretation": "The " + sentence,
        **provenance,
    }
