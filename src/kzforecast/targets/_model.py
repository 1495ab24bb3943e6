"""The :class:`Target` model: one official target under one explicit reading.

A statement such as "not less than 200,000 motor vehicles by 2025" can be read
in more than one way (annual output in 2025, or the total built 2016-2025). The
registry therefore holds one :class:`Target` per (statement, reading); every
statement has exactly one default reading. A reading fixes everything needed to
evaluate it: the metric, the comparison, the threshold in canonical units, how
the metric is transformed (a level, a ratio to a base year, a cumulative sum)
and which year or years are tested.

Canonical units
---------------
Shares are fractions (50% -> ``0.5``); growth targets are ratios to the base
year (22% growth -> ``1.22``, "double" -> ``2.0``); counts are vehicles;
investment is trillion KZT; processing exports are USD bn; the private/state
investment ratio is tenge of private money per tenge of budget money.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from typing import Any, Literal, Unpack

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from kzforecast.errors import TargetError
from kzforecast.targets._user import (
    USER_CONTEXT,
    Confidence,
    Provenance,
    Reading,
    described,
    target_error,
    timing,
)
from kzforecast.targets.metrics import DESTINATION_SERIES, METRIC_SPECS, SHARE_METRICS, Metric

__all__ = [
    "PROVENANCE_FIELDS",
    "Comparison",
    "Confidence",
    "Target",
    "Timing",
    "Transform",
    "WindowRule",
]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL_OR_EMPTY = re.compile(r"^(?:https?://\S+)?$")

PROVENANCE_FIELDS: tuple[str, ...] = (
    "speaker",
    "office",
    "source_url",
    "confidence",
    "quote",
    "official",
)
"""Fields the shipped registry requires and a user's own target may leave empty."""


Comparison = Literal[">=", "<=", "=="]
Transform = Literal["level", "ratio_to_base", "cumulative"]
Timing = Literal["in_year", "by_year", "window", "none"]
WindowRule = Literal["first", "last", "any"]


def _vintage(stated_on: datetime.date | None, stated_year: int | None) -> str:
    if stated_on is not None:
        return stated_on.isoformat()
    if stated_year is not None:
        return str(stated_year)
    return "undated"


def _user_target(cls: type[Target], kind: str, data: dict[str, Any]) -> Target:
    """Validate a user's target (provenance optional); errors as TargetError."""
    data = {k: v for k, v in data.items() if v is not None}
    try:
        return cls.model_validate(data, context=USER_CONTEXT)
    except ValidationError as exc:
        raise target_error(exc, f"Target.{kind}") from None


class Target(BaseModel):
    """One official target under one explicit reading.

    Frozen and strict about unknown keys. Consistency between the fields is
    checked when the object is built; a violation raises a
    :class:`pydantic.ValidationError` whose message starts with the field at
    fault (the registry loader turns it into a
    :class:`~kzforecast.errors.TargetError` naming the file and line).
    Provenance (:data:`PROVENANCE_FIELDS`) is required unless the context is
    :data:`USER_CONTEXT`; the one-line constructors :meth:`level`,
    :meth:`growth`, :meth:`cumulative` and :meth:`share` build a user's target
    that way and raise :class:`~kzforecast.errors.TargetError` naming the field.

    Examples
    --------
    >>> from kzforecast.targets import Target
    >>> t = Target(
    ...     id="EXAMPLE-1", reading="annual-2025", default_reading=True,
    ...     stated_on="2016-07-01", speaker="A minister", office="Ministry",
    ...     source_url="https://example.org/news", confidence="high",
    ...     quote="At least 200,000 vehicles by 2025.", official=True,
    ...     metric="vehicle_output", comparison=">=", threshold=200_000,
    ...     unit="vehicles per year", transform="level", timing="in_year",
    ...     due_year=2025,
    ...     interpretation="Annual vehicle output in 2025 is at least 200,000.",
    ... )
    >>> t.vintage, t.stated_year
    ('2016-07-01', 2016)
    >>> t.in_force(2020), t.in_force(2025)
    (True, False)

    A user's own target, in one line:

    >>> uz = Target.level("UZ-1M", "vehicle_output", ">=", 1_000_000, due=2030, reading="by",
    ...                   stated_on="2024-03-01")
    >>> uz.timing, uz.window_start, uz.reading
    ('by_year', 2024, 'by-2030')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # identity
    id: str = Field(
        pattern=_ID.pattern,
        description="Registry id of the statement, e.g. 'KZ2016-KAS-200K'.",
    )
    reading: str = Field(
        pattern=_SLUG.pattern,
        description="Short slug of this reading, e.g. 'annual-2025' or 'window-last'.",
    )
    default_reading: bool = Field(
        description="True for the one reading used when a reading is not chosen explicitly."
    )
    aliases: tuple[str, ...] = Field(
        default=(),
        description="Other ids under which the same statement appears in the source files.",
    )

    # provenance
    stated_on: datetime.date | None = Field(
        default=None, description="Day of the statement, if the source shows it."
    )
    stated_year: int | None = Field(
        default=None,
        ge=1990,
        le=2100,
        description="Year of the statement (filled from stated_on when that is known).",
    )
    stated_on_note: str = Field(
        default="",
        description="What is known about the date when the day is not ('2014, after February').",
    )
    vintage: str = Field(
        default="",
        description="ISO date if known, else the year as text, else 'undated' (derived).",
    )
    speaker: str = Field(
        default="", description="Who made the statement (required in the shipped registry)."
    )
    office: str = Field(
        default="",
        description="The speaker's office or the document (required in the shipped registry).",
    )
    source_url: str = Field(
        default="",
        pattern=_URL_OR_EMPTY.pattern,
        description="Address of the report the target is taken from (required in the registry).",
    )
    confidence: Confidence | None = Field(
        default=None,
        description="How sure the registry is of the wording, year and base (high/medium/low).",
    )
    quote: str = Field(
        default="", description="Paraphrase of the statement (not a verbatim quote)."
    )
    official: bool | None = Field(
        default=None,
        description=(
            "False for industry bodies, company commitments and forecasts/expectations "
            "rather than policy targets; None when a user's target does not say."
        ),
    )

    # what is measured
    metric: Metric = Field(description="What the target measures.")
    comparison: Comparison = Field(description="'>=', '<=' or '=='.")
    threshold: float = Field(description="Threshold in canonical units (see module docs).")
    unit: str = Field(min_length=1, description="Human-readable unit of the threshold.")
    transform: Transform = Field(
        description="'level' (value in a year), 'ratio_to_base' (value / base-year value) or "
        "'cumulative' (sum from window_start to the year)."
    )
    timing: Timing = Field(
        description="'in_year' (due_year), 'by_year' (any year window_start..due_year), "
        "'window' (years window_start..due_year under window_rule) or 'none' (no deadline)."
    )
    due_year: int | None = Field(default=None, description="The last year the target concerns.")
    window_start: int | None = Field(
        default=None,
        description="First year of a window; for 'cumulative' the first year summed; for "
        "'by_year' the first year counted (default: the stated year).",
    )
    window_rule: WindowRule | None = Field(
        default=None,
        description="For timing='window': test the 'first' year, the 'last' year, or 'any' year.",
    )
    base_year: int | None = Field(
        default=None,
        description="Base year of a 'ratio_to_base' target; for other transforms the year the "
        "statement compared against, kept as context only.",
    )
    destinations: tuple[str, ...] = Field(
        default=(),
        description="Export destinations the target names, e.g. ('russia', 'central_asia').",
    )
    interpretation: str = Field(
        min_length=1, description="One sentence saying exactly how this reading is evaluated."
    )
    superseded_by: str | None = Field(
        default=None, description="Id of a later statement of the same goal, where clearly so."
    )

    @model_validator(mode="before")
    @classmethod
    def _fill_derived(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("speaker", "office", "source_url", "quote"):
            if name in data and data[name] is None:
                data[name] = ""  # an empty registry cell: _check_provenance names it
        stated_on = data.get("stated_on")
        if isinstance(stated_on, str) and stated_on:
            try:
                stated_on = datetime.date.fromisoformat(stated_on)
            except ValueError:
                return data  # the field validator reports it
        if isinstance(stated_on, datetime.date) and data.get("stated_year") is None:
            data["stated_year"] = stated_on.year
        if data.get("timing") == "by_year" and data.get("window_start") is None:
            data["window_start"] = data.get("stated_year")
        if not data.get("vintage"):
            year = data.get("stated_year")
            data["vintage"] = _vintage(
                stated_on if isinstance(stated_on, datetime.date) else None,
                int(year) if isinstance(year, int | str) and str(year).isdigit() else None,
            )
        return data

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Target:
        context = info.context if isinstance(info.context, dict) else {}
        if not context.get("provenance_optional", False):
            for name in PROVENANCE_FIELDS:
                if getattr(self, name) in ("", None):
                    raise ValueError(f"{name}: required field is missing or empty")
        self._check_provenance()
        self._check_threshold()
        self._check_timing()
        if self.transform == "ratio_to_base":
            self._check_base()
        elif (
            self.base_year is not None
            and self.due_year is not None
            and self.base_year > self.due_year
        ):
            raise ValueError(f"base_year: {self.base_year} is after due_year {self.due_year}")
        self._check_destinations()
        if self.superseded_by is not None and self.superseded_by == self.id:
            raise ValueError("superseded_by: a target cannot supersede itself")
        if "\n" in self.interpretation or not self.interpretation.rstrip().endswith("."):
            raise ValueError("interpretation: must be one sentence on one line, ending with '.'")
        return self

    def _check_provenance(self) -> None:
        if self.stated_on is not None and self.stated_year != self.stated_on.year:
            raise ValueError(
                f"stated_year: {self.stated_year} does not match stated_on {self.stated_on}"
            )
        expected = _vintage(self.stated_on, self.stated_year)
        if self.vintage != expected:
            raise ValueError(
                f"vintage: must be {expected!r} (from stated_on/stated_year), got {self.vintage!r}"
            )

    def _check_threshold(self) -> None:
        t = self.threshold
        if not math.isfinite(t):
            raise ValueError(f"threshold: must be finite, got {t}")
        if t < 0:
            raise ValueError(f"threshold: must be >= 0 (every metric is non-negative), got {t}")
        if self.transform == "ratio_to_base" and t <= 0:
            raise ValueError(f"threshold: a ratio to a base year must be > 0, got {t}")
        if self.metric in SHARE_METRICS and self.transform != "ratio_to_base" and t > 1:
            raise ValueError(
                f"threshold: {self.metric} is a fraction, so the threshold must lie in [0, 1] "
                f"(write 50% as 0.5), got {t}"
            )

    def _check_timing(self) -> None:
        if self.timing == "none":
            for name in ("due_year", "window_start", "window_rule"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}: must be empty when timing is 'none'")
            if self.transform == "cumulative":
                raise ValueError("transform: 'cumulative' needs a window (timing 'in_year')")
            return
        if self.due_year is None:
            raise ValueError(f"due_year: required when timing is {self.timing!r}")
        if self.timing == "window":
            if self.window_start is None or self.window_rule is None:
                raise ValueError("window_rule: timing 'window' needs window_start and window_rule")
        elif self.window_rule is not None:
            raise ValueError("window_rule: only for timing 'window'")
        elif self.timing == "by_year" and self.window_start is None:
            raise ValueError("window_start: timing 'by_year' needs a first year")
        if self.timing in ("window", "by_year"):
            if self.window_start is not None and self.window_start > self.due_year:
                raise ValueError(
                    f"window_start: {self.window_start} is after due_year {self.due_year}"
                )
            if self.transform == "cumulative":
                raise ValueError("transform: 'cumulative' is tested at due_year (timing 'in_year')")
            return
        # in_year
        if self.transform == "cumulative":
            if self.window_start is None:
                raise ValueError("window_start: 'cumulative' needs the first year summed")
            if self.window_start > self.due_year:
                raise ValueError(
                    f"window_start: {self.window_start} is after due_year {self.due_year}"
                )
        elif self.window_start is not None:
            raise ValueError("window_start: only for 'cumulative', 'by_year' or 'window'")

    def _check_base(self) -> None:
        if self.base_year is None:
            spec = METRIC_SPECS[self.metric]
            if spec.measurable or spec.modelled:
                raise ValueError(
                    "base_year: required when transform is 'ratio_to_base' (allowed empty only "
                    "for metrics nothing measures or models, where the source gives no base)"
                )
            return
        first = self.window_start if self.window_start is not None else self.due_year
        if first is not None and self.base_year >= first:
            raise ValueError(
                f"base_year: {self.base_year} must be before the first year tested ({first})"
            )

    def _check_destinations(self) -> None:
        if not self.destinations:
            return
        allowed = METRIC_SPECS[self.metric].destinations
        if not allowed:
            raise ValueError(
                f"destinations: only export metrics name destinations, not {self.metric}"
            )
        unknown = [d for d in self.destinations if d not in allowed]
        if unknown:
            raise ValueError(
                f"destinations: unknown {unknown}; allowed {sorted(DESTINATION_SERIES)}"
            )
        if len(set(self.destinations)) != len(self.destinations):
            raise ValueError("destinations: listed twice")

    # ----------------------------------------------------------------- one-line targets
    @classmethod
    def level(
        cls,
        id: str,
        metric: str,
        comparison: str,
        threshold: float,
        *,
        due: int,
        reading: Reading = "in",
        start: int | None = None,
        destinations: Sequence[str] = (),
        **provenance: Unpack[Provenance],
    ) -> Target:
        """A user's target on the level of a metric, in or by a year.

        Parameters
        ----------
        id : str
            Your id for the target (``"UZ-1M"``).
        metric : str
            A metric of :data:`~kzforecast.targets.METRIC_TABLE`.
        comparison : {">=", "<=", "=="}
        threshold : float
            In the metric's canonical unit (shares as fractions).
        due : int
            The year tested (``reading="in"``) or the last year counted (``"by"``).
        reading : {"in", "by"}
            ``"in"``: the value in ``due``; ``"by"``: in any year from ``start``
            to ``due``.
        start : int, optional
            First year counted by a ``"by"`` reading; default the year stated
            (``stated_on``/``stated_year``), else the current calendar year.
        destinations : sequence of str
            Export destinations, for export metrics.
        **provenance
            Optional ``stated_on``, ``speaker``, ``office``, ``source_url``,
            ``confidence``, ``quote``, ``official``, ``superseded_by``.

        Returns
        -------
        Target
            Its ``reading`` slug is ``"in-<due>"`` or ``"by-<due>"``.

        Raises
        ------
        TargetError
            Naming the field at fault (``location`` ``field threshold``...).
        """
        when = "in" if reading == "in" else "by"
        data = {
            "id": id,
            "reading": f"{when}-{due}",
            "metric": metric,
            "comparison": comparison,
            "threshold": threshold,
            "transform": "level",
            "destinations": tuple(destinations),
            **timing(reading, due, start, provenance),
        }
        return _user_target(cls, "level", described(data, provenance))

    @classmethod
    def share(
        cls,
        id: str,
        metric: str,
        comparison: str,
        threshold: float,
        *,
        due: int,
        reading: Reading = "in",
        start: int | None = None,
        destinations: Sequence[str] = (),
        **provenance: Unpack[Provenance],
    ) -> Target:
        """A user's target on a share (a fraction in [0, 1]), as :meth:`level`.

        Raises
        ------
        TargetError
            If ``metric`` is not a share (``field metric``) or the threshold is
            not a fraction (write 50% as 0.5), or as :meth:`level`.
        """
        if metric not in SHARE_METRICS:
            raise TargetError(
                f"{metric!r} is not a share",
                source="Target.share",
                location="field metric",
                allowed=", ".join(sorted(SHARE_METRICS)),
            )
        return cls.level(
            id,
            metric,
            comparison,
            threshold,
            due=due,
            reading=reading,
            start=start,
            destinations=destinations,
            **provenance,
        )

    @classmethod
    def growth(
        cls,
        id: str,
        metric: str,
        ratio: float,
        *,
        base: int,
        due: int,
        comparison: str = ">=",
        reading: Reading = "in",
        destinations: Sequence[str] = (),
        **provenance: Unpack[Provenance],
    ) -> Target:
        """A user's growth target: the metric in ``due`` over its value in ``base``.

        Parameters
        ----------
        ratio : float
            The ratio to the base year (22% growth is ``1.22``, "double" ``2.0``).
        base, due : int
            The base year and the year tested (``reading="by"``: every year
            after ``base`` up to ``due``).
        comparison, reading, destinations, **provenance
            As in :meth:`level`.

        Raises
        ------
        TargetError
            Naming the field at fault.
        """
        data = {
            "id": id,
            "reading": f"{'in' if reading == 'in' else 'by'}-{due}-from-{base}",
            "metric": metric,
            "comparison": comparison,
            "threshold": ratio,
            "transform": "ratio_to_base",
            "base_year": base,
            "destinations": tuple(destinations),
            **timing(reading, due, base + 1, provenance),
        }
        return _user_target(cls, "growth", described(data, provenance))

    @classmethod
    def cumulative(
        cls,
        id: str,
        metric: str,
        threshold: float,
        *,
        start: int,
        due: int,
        comparison: str = ">=",
        destinations: Sequence[str] = (),
        **provenance: Unpack[Provenance],
    ) -> Target:
        """A user's target on the metric summed over the years ``start`` to ``due``.

        Raises
        ------
        TargetError
            Naming the field at fault.
        """
        data = {
            "id": id,
            "reading": f"total-{start}-{due}",
            "metric": metric,
            "comparison": comparison,
            "threshold": threshold,
            "transform": "cumulative",
            "timing": "in_year",
            "due_year": due,
            "window_start": start,
            "destinations": tuple(destinations),
        }
        return _user_target(cls, "cumulative", described(data, provenance))

    @property
    def key(self) -> tuple[str, str]:
        """``(id, reading)``, unique in the registry."""
        return (self.id, self.reading)

    @property
    def decisive_year(self) -> int | None:
        """The year whose data settle the target (``window_start`` for the 'first' rule)."""
        if self.timing == "window" and self.window_rule == "first":
            return self.window_start
        return self.due_year

    @property
    def years(self) -> tuple[int, ...]:
        """Every year whose value the reading looks at (base year excluded)."""
        if self.due_year is None:
            return ()
        if self.window_start is None:
            return (self.due_year,)
        return tuple(range(self.window_start, self.due_year + 1))

    def in_force(self, as_of_year: int) -> bool:
        """Whether the target still binds after ``as_of_year``.

        True when no later statement supersedes it and it has no deadline or
        its ``due_year`` is after ``as_of_year``.
        """
        if self.superseded_by is not None:
            return False
        return self.due_year is None or self.due_year > as_of_year
