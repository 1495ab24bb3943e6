"""Plausible ranges of scenario values: one table, as data.

A value outside its range is not impossible for the model's equations, but no sensible
scenario of a country's vehicle industry has it (an annual market drift of 1,000 log points
gives sales of 1e130 after a few years): :class:`~kzforecast.scenario.Scenario` refuses it,
naming the range, unless the scenario says ``allow_implausible = true`` (which the report
prints). For a distribution the check reads its bulk: the 0.1% and 99.9% quantiles of the
normal and log-normal families (closed forms, clipped to a truncated normal's bounds), the
bounds of the others.

The table :data:`PLAUSIBLE_RANGES` maps a field path relative to the scenario (``as_of``,
``market.mu_M``, ``capacity.plants.capacity``: block fields without the ``blocks.`` prefix,
plant fields without the plant's index, ``initial.*`` for the initial state) to its
:class:`PlausibleRange`. docs/errors.md prints it (a test checks that the two agree).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from kzforecast.errors import ScenarioError
from kzforecast.scenario.distributions import (
    LogNormal,
    Normal,
    ScalarDistribution,
    TruncatedNormal,
)

__all__ = [
    "BULK_Z",
    "PLAUSIBLE_RANGES",
    "PlausibleRange",
    "bulk",
    "check_initial_state_covered",
    "implausible_values",
    "range_key",
    "ranges_markdown",
]

BULK_Z = 3.090232306167813
"""Normal score of the 99.9% quantile: a distribution's bulk is its 0.1%-99.9% range."""


@dataclass(frozen=True)
class PlausibleRange:
    """The plausible range ``[low, high]`` of one scenario value, with its unit and reason."""

    low: float
    high: float
    unit: str
    why: str

    def text(self) -> str:
        """The range as ``[low, high] unit``."""
        return f"[{self.low:g}, {self.high:g}] {self.unit}"


_DRIFT = PlausibleRange(-1.0, 1.0, "log points a year", "a change of more than e (2.7x) a year")
_LOGIT_DRIFT = PlausibleRange(-2.0, 2.0, "logit points a year", "a share moving 0.5 -> 0.88")
_VOL = PlausibleRange(
    0.0, 50.0, "log points", "past the engine's tested range (finite values up to sd 40)"
)
_LOGIT_VOL = PlausibleRange(
    0.0, 1000.0, "logit points", "the share only saturates at 0 or 1; a typo by then"
)
_ELASTICITY = PlausibleRange(-10.0, 10.0, "per log point", "10% moves by more than 100%")
_JUMP = PlausibleRange(0.0, 3.0, "log points", "a devaluation of more than 20x")
_UNITS = PlausibleRange(0.0, 1e12, "vehicles a year", "ten thousand times world output")
_YEAR = PlausibleRange(1900.0, 2200.0, "calendar year", "outside any industry's planning")
_POS_LEVEL = PlausibleRange(0.0, 1e9, "index, USD bn or trn KZT", "a billionfold level")

PLAUSIBLE_RANGES: dict[str, PlausibleRange] = {
    "as_of": PlausibleRange(1990.0, 2100.0, "calendar year", "the data (2005-2025) plus 75 years"),
    "exchange_rate.mu_z": _DRIFT,
    "exchange_rate.s_z": _VOL,
    "exchange_rate.jump_mean": _JUMP,
    "exchange_rate.jump_sd": _JUMP,
    "exchange_rate.b_r": _ELASTICITY,
    "exchange_rate.mu_r": _DRIFT,
    "exchange_rate.s_r": _VOL,
    "market.mu_M": _DRIFT,
    "market.b_M": _ELASTICITY,
    "market.s_M": _VOL,
    "domestic_share.k_S": _LOGIT_DRIFT,
    "domestic_share.s_S": _LOGIT_VOL,
    "exports.start_year": _YEAR,
    "exports.x_start": _UNITS,
    "exports.mu_X": _DRIFT,
    "exports.b_X": _ELASTICITY,
    "exports.s_X": _VOL,
    "capacity.existing": _UNITS,
    "capacity.plants.capacity": _UNITS,
    "capacity.plants.planned_start": _YEAR,
    "capacity.plants.delay": PlausibleRange(
        0.0, 1000.0, "years", "a millennium late; a delay past the horizon means never"
    ),
    "output.u_max": PlausibleRange(0.0, 1.5, "of capacity", "50% above rated capacity"),
    "local_content.s_L": _LOGIT_VOL,
    "ckd_share.s_C": _LOGIT_VOL,
    "processing.g_P": _DRIFT,
    "processing.s_P": _VOL,
    "processing.g_E": _DRIFT,
    "processing.s_E": _VOL,
    "processing.g_I": _DRIFT,
    "processing.s_I": _VOL,
    "trend.mu_q": _DRIFT,
    "trend.s_q": _VOL,
    "trend.b_q": _ELASTICITY,
    "initial.vehicle_output": _UNITS,
    "initial.output_growth": PlausibleRange(-5.0, 5.0, "log points", "a 150-fold change"),
    "initial.new_vehicle_sales": _UNITS,
    "initial.export_demand": _UNITS,
    "initial.usd_kzt": PlausibleRange(0.0, 1e7, "KZT per USD", "20,000 times the 2025 rate"),
    "initial.rub_kzt": PlausibleRange(0.0, 1e6, "KZT per RUB", "150,000 times the 2025 rate"),
    "initial.processing_output_index": _POS_LEVEL,
    "initial.processing_exports_usd_bn": _POS_LEVEL,
    "initial.processing_investment_kzt_trn": _POS_LEVEL,
}
"""Plausible range of each scenario value, by path (see the module docstring).

Shares, probabilities and the AR coefficient have no entry: their types already bound
them to [0, 1] or (-1, 1)."""


def ranges_markdown() -> str:
    """:data:`PLAUSIBLE_RANGES` as a Markdown table (docs/errors.md prints it).

    Returns
    -------
    str
        One header, one row per value: path, low, high, unit, why beyond is implausible.
    """
    rows = ["| value | low | high | unit | beyond it |", "|---|---|---|---|---|"]
    rows += [
        f"| `{key}` | {r.low:g} | {r.high:g} | {r.unit} | {r.why} |"
        for key, r in PLAUSIBLE_RANGES.items()
    ]
    return "\n".join(rows) + "\n"


def range_key(path: str) -> str:
    """The :data:`PLAUSIBLE_RANGES` key of a dotted scenario path.

    Examples
    --------
    >>> range_key("blocks.capacity.plants.2.delay")
    'capacity.plants.delay'
    >>> range_key("blocks.market.mu_M")
    'market.mu_M'
    """
    parts = [p for p in path.split(".") if not p.isdigit()]
    if parts and parts[0] == "blocks":
        parts = parts[1:]
    return ".".join(parts)


def bulk(dist: ScalarDistribution) -> tuple[float, float]:
    """The 0.1%-99.9% range of a distribution (its bounds for bounded families).

    Examples
    --------
    >>> from kzforecast.scenario import Normal
    >>> [round(x, 3) for x in bulk(Normal(dist="normal", mean=0.0, sd=1.0))]
    [-3.09, 3.09]
    """
    if isinstance(dist, Normal):
        return dist.mean_ - BULK_Z * dist.sd, dist.mean_ + BULK_Z * dist.sd
    if isinstance(dist, LogNormal):
        return _exp(dist.mu - BULK_Z * dist.sigma), _exp(dist.mu + BULK_Z * dist.sigma)
    if isinstance(dist, TruncatedNormal):
        lo = max(dist.low, min(dist.high, dist.mean_ - BULK_Z * dist.sd))
        hi = min(dist.high, max(dist.low, dist.mean_ + BULK_Z * dist.sd))
        return lo, hi
    lo, hi = dist.bounds()
    return float(lo), float(hi)


def _exp(x: float) -> float:
    return math.exp(x) if x < 700 else math.inf


def implausible_values(
    values: Iterator[tuple[str, float | ScalarDistribution | None]],
) -> str | None:
    """The first value outside its plausible range, as an ``@path: problem`` message.

    Parameters
    ----------
    values : iterator of (str, float or distribution or None)
        Dotted scenario paths and their values (``None``: not given, skipped).

    Returns
    -------
    str or None
        ``"@blocks.market.mu_M: ..."`` (the form the scenario's validation error reads)
        naming the range and how to accept it anyway, or ``None`` when all are plausible.
    """
    for path, value in values:
        rng = PLAUSIBLE_RANGES.get(range_key(path))
        if rng is None or value is None:
            continue
        if isinstance(value, int | float):
            lo = hi = float(value)
            shown = f"got {value:g}"
        else:
            lo, hi = bulk(value)
            shown = (
                f"got {value.dist} whose bulk (0.1%-99.9%) spans [{lo:.4g}, {hi:.4g}]"
                if lo != hi
                else f"got {lo:g}"
            )
        if lo < rng.low or hi > rng.high:
            return (
                f"@{path}: implausible, {shown}; plausible: {rng.text()} (beyond: {rng.why}); "
                "to run it anyway set allow_implausible = true at the top of the scenario"
            )
    return None


def check_initial_state_covered(
    as_of: int, missing: list[str], last_history_year: int, *, source: str
) -> None:
    """Refuse an as-of year after the history unless the scenario gives its initial state.

    Without this check the missing initial values would silently come from the last year
    of history. For the engine to call where the initial state is resolved (it knows the
    history).

    Parameters
    ----------
    as_of : int
        The scenario's as-of year.
    missing : list of str
        The initial-state fields the scenario leaves to history
        (``scenario.initial.missing()``).
    last_history_year : int
        The last year of the history the state would be read from.
    source : str
        The scenario's file (or name) for the message.

    Raises
    ------
    ScenarioError
        If ``as_of > last_history_year`` and ``missing`` is not empty.
    """
    if as_of > last_history_year and missing:
        raise ScenarioError(
            f"as_of {as_of} is after the last year of history ({last_history_year}), so the "
            f"initial state cannot come from history; missing: {', '.join(missing)}",
            source=source,
            location="initial",
            allowed=f"as_of <= {last_history_year}, or every field of [initial] given",
        )
