"""The blocks of a :class:`~kzforecast.scenario.Scenario`: one frozen pydantic model each.

One sub-model per block of the model (DESIGN.md section 3): exchange rate,
market, domestic share, exports, capacity (with its :class:`Plant` pipeline),
output, local content, CKD share, processing and the trend alternative; plus
the :class:`InitialState` at the as-of year and the rank :class:`Correlation`
between uncertain parameters. Every parameter is a distribution
(:mod:`kzforecast.scenario.distributions`); a plain number is a point mass.
Every model rejects unknown keys.
"""

from __future__ import annotations

import numbers
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kzforecast.scenario.distributions import (
    Dirichlet,
    Distribution,
    Fixed,
    ScalarDistribution,
    describe,
)

__all__ = [
    "DESTINATIONS",
    "ARCoefficient",
    "Blocks",
    "CKDShare",
    "Capacity",
    "Correlation",
    "DomesticShare",
    "ExchangeRate",
    "Exports",
    "InitialState",
    "LocalContent",
    "Market",
    "NonNegative",
    "Output",
    "Plant",
    "Processing",
    "Trend",
    "UnitInterval",
    "Year",
]

DESTINATIONS: tuple[str, ...] = ("russia", "uzbekistan", "kyrgyzstan", "tajikistan", "other")
"""Export destinations, in the order used by the model."""


def _support(d: ScalarDistribution) -> tuple[float, float]:
    lo, hi = d.bounds()
    return float(lo), float(hi)


def _nonnegative(d: ScalarDistribution) -> ScalarDistribution:
    lo, _ = _support(d)
    if lo < 0:
        raise ValueError(
            f"must be >= 0 (a volatility, size or level), but this {d.dist} distribution "
            f"reaches {lo:g}; use a number >= 0, lognormal, or truncnormal/uniform/"
            "triangular/beta with low >= 0"
        )
    return d


def _unit_interval(d: ScalarDistribution) -> ScalarDistribution:
    lo, hi = _support(d)
    if lo < 0 or hi > 1:
        raise ValueError(
            f"must lie in [0, 1] (a share or probability), but this {d.dist} distribution "
            f"spans [{lo:g}, {hi:g}]; use a number, beta, uniform or truncnormal within [0, 1]"
        )
    return d


def _ar_coefficient(d: ScalarDistribution) -> ScalarDistribution:
    lo, hi = _support(d)
    if lo <= -1 or hi >= 1:
        raise ValueError(
            f"must lie strictly inside (-1, 1) (a stationary AR coefficient), but this "
            f"{d.dist} distribution spans [{lo:g}, {hi:g}]"
        )
    return d


def _whole_year(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"must be a whole number (a year, e.g. 2025), got {describe(value)}")
    return int(value)


Year = Annotated[int, BeforeValidator(_whole_year)]
"""A calendar year, strictly a whole number (``"2025"`` or ``2025.0`` are refused)."""

NonNegative = Annotated[Distribution, AfterValidator(_nonnegative)]
"""A distribution whose support lies in ``[0, inf)`` (a volatility, size or level)."""
UnitInterval = Annotated[Distribution, AfterValidator(_unit_interval)]
"""A distribution whose support lies in ``[0, 1]`` (a share or probability)."""
ARCoefficient = Annotated[Distribution, AfterValidator(_ar_coefficient)]
"""A distribution whose support lies strictly inside ``(-1, 1)`` (a stationary AR term)."""


class _Block(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExchangeRate(_Block):
    r"""Exchange rates: z = log(KZT per USD), r = log(KZT per RUB).

    .. math::

        dz_t = \mu_z + s_z e_t + J_t D_t, \quad D_t \sim \text{Bernoulli}(p_{dev}),
        \quad J_t = \max(0, \bar J + s_J \eta_t)

        dr_t = b_r\, dz_t + \mu_r + s_r e^r_t

    Units: log points per year (0.05 = the tenge loses about 5% a year).
    A devaluation year adds a jump ``J_t`` (history: 2009 about +0.16, 2014
    about +0.17, 2015 about +0.30 in annual averages).
    """

    mu_z: Distribution = Field(default=Fixed(value=0.0), description="drift of log USD/KZT")
    s_z: NonNegative = Field(default=Fixed(value=0.0), description="volatility of log USD/KZT")
    p_dev: UnitInterval = Field(default=Fixed(value=0.0), description="devaluation probability")
    jump_mean: NonNegative = Field(default=Fixed(value=0.0), description="mean jump (log pts)")
    jump_sd: NonNegative = Field(default=Fixed(value=0.0), description="sd of the jump size")
    b_r: Distribution = Field(default=Fixed(value=1.0), description="loading of dr on dz")
    mu_r: Distribution = Field(default=Fixed(value=0.0), description="drift of log RUB/KZT")
    s_r: NonNegative = Field(default=Fixed(value=0.0), description="own volatility of r")


class Market(_Block):
    r"""Domestic new-vehicle market (units sold).

    .. math:: \log M_t = \log M_{t-1} + \mu_M - b_M\, dz_t + s_M e_t
    """

    mu_M: Distribution = Field(default=Fixed(value=0.0), description="trend growth (log)")
    b_M: Distribution = Field(default=Fixed(value=0.0), description="elasticity to dz")
    s_M: NonNegative = Field(default=Fixed(value=0.0), description="volatility (log)")


class DomesticShare(_Block):
    r"""Share of the domestic market supplied by local plants.

    .. math:: \operatorname{logit} S_t = \operatorname{logit} S_{t-1} + k_S + s_S e_t
    """

    k_S: Distribution = Field(default=Fixed(value=0.0), description="drift on the logit scale")
    s_S: NonNegative = Field(default=Fixed(value=0.0), description="volatility (logit)")


class Exports(_Block):
    r"""Export demand for Kazakh-assembled vehicles (units).

    Zero before ``start_year``; ``x_start`` in the start year when it lies after
    the as-of year, and in the first simulated year when exports had started
    by the as-of year but the initial state's ``export_demand`` is 0 (no
    figure); otherwise it continues from ``export_demand``; then

    .. math:: \log X^*_t = \log X^*_{t-1} + \mu_X + b_X\, dr_t + s_X e_t

    split over destinations by Dirichlet shares drawn once per path.
    """

    start_year: Year = Field(default=2017, description="first year with exports")
    x_start: NonNegative = Field(default=Fixed(value=0.0), description="demand in start year")
    mu_X: Distribution = Field(default=Fixed(value=0.0), description="trend growth (log)")
    b_X: Distribution = Field(default=Fixed(value=0.0), description="elasticity to dr")
    s_X: NonNegative = Field(default=Fixed(value=0.0), description="volatility (log)")
    destinations: Dirichlet = Field(
        default=Dirichlet(alpha=dict.fromkeys(DESTINATIONS, 1.0), fixed=True),
        description="destination shares",
    )

    def ordered_destinations(self) -> Dirichlet:
        """The destination Dirichlet with its categories in :data:`DESTINATIONS` order.

        The kernel reads row *k* of the shares as ``DESTINATIONS[k]``, whatever
        order the scenario file lists the keys in.
        """
        d = self.destinations
        return Dirichlet(alpha={k: d.alpha[k] for k in DESTINATIONS}, fixed=d.fixed)

    @model_validator(mode="after")
    def _check_destinations(self) -> Exports:
        unknown = set(self.destinations.alpha) - set(DESTINATIONS)
        missing = set(DESTINATIONS) - set(self.destinations.alpha)
        if unknown or missing:
            raise ValueError(
                f"@destinations.alpha: must name exactly {', '.join(DESTINATIONS)}; "
                f"unknown: {', '.join(sorted(unknown)) or 'none'}; "
                f"missing: {', '.join(sorted(missing)) or 'none'}"
            )
        return self


class Plant(_Block):
    """A plant in the capacity pipeline.

    It adds ``capacity`` (vehicles per year) from year
    ``planned_start + ceil(delay)``; ``delay`` is in years (>= 0).
    """

    name: str = Field(min_length=1)
    capacity: NonNegative
    planned_start: Year
    delay: NonNegative = Field(default=Fixed(value=0.0))
    source: str = ""


class Capacity(_Block):
    r"""Assembly capacity (vehicles per year).

    .. math:: K_t = K_0 + \sum_p c_p \, 1[t \ge y_p + \lceil \delta_p \rceil]
    """

    existing: NonNegative = Field(description="capacity at as_of (vehicles per year)")
    plants: tuple[Plant, ...] = ()

    @model_validator(mode="after")
    def _unique_names(self) -> Capacity:
        names = [p.name for p in self.plants]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"@plants: plant names must be unique, repeated: {', '.join(dupes)}")
        return self


class Output(_Block):
    r"""Vehicle output with capacity rationing.

    .. math:: Q_t = \min(u_{max} K_t,\; S_t M_t + X^*_t)

    When capacity binds, domestic supply and exports are scaled down in
    proportion, so exports never exceed output.
    """

    u_max: NonNegative = Field(default=Fixed(value=1.0), description="max utilisation")


class LocalContent(_Block):
    r"""Local-content share (value made in Kazakhstan), partial adjustment.

    .. math::

        m_t = L_{t-1} + k_L (L_{max} - L_{t-1}), \quad
        L_t = L_{max}\,\operatorname{expit}(\operatorname{logit}(m_t / L_{max}) + s_L e_t)

    so that ``0 <= L_t <= L_max <= 1``; with ``s_L = 0``,
    ``L_t = L_max - (L_max - L_0)(1 - k_L)^t``.
    """

    k_L: UnitInterval = Field(default=Fixed(value=0.0), description="adjustment speed")
    L_max: UnitInterval = Field(default=Fixed(value=1.0), description="ceiling")
    s_L: NonNegative = Field(default=Fixed(value=0.0), description="noise (logit)")


class CKDShare(_Block):
    r"""Share of output assembled by CKD (body welded and painted locally).

    Same law as :class:`LocalContent` with ``k_C``, ``C_max``, ``s_C``.
    """

    k_C: UnitInterval = Field(default=Fixed(value=0.0), description="adjustment speed")
    C_max: UnitInterval = Field(default=Fixed(value=1.0), description="ceiling")
    s_C: NonNegative = Field(default=Fixed(value=0.0), description="noise (logit)")


class Processing(_Block):
    r"""Processing (manufacturing) industry: real output index, exports, investment.

    .. math::

        \log I_t = \log I_{t-1} + g_P + s_P e^P_t, \quad
        \log E_t = \log E_{t-1} + g_E + s_E e^E_t, \quad
        \log V_t = \log V_{t-1} + g_I + s_I e^I_t

    with state investment ``theta V_t`` and private investment ``(1 - theta) V_t``.
    Units: index (base year = 1), USD bn, trillion KZT.
    """

    g_P: Distribution = Field(default=Fixed(value=0.0), description="real output growth")
    s_P: NonNegative = Field(default=Fixed(value=0.0))
    g_E: Distribution = Field(default=Fixed(value=0.0), description="export growth (USD)")
    s_E: NonNegative = Field(default=Fixed(value=0.0))
    g_I: Distribution = Field(default=Fixed(value=0.0), description="investment growth")
    s_I: NonNegative = Field(default=Fixed(value=0.0))
    theta: UnitInterval = Field(default=Fixed(value=0.2), description="state share of investment")


class Trend(_Block):
    r"""Trend model of vehicle output (the simple alternative to the structural blocks).

    .. math::

        \Delta \log Q_t = \mu_q + \phi(\Delta \log Q_{t-1} - \mu_q) + s_q e_t - b_q J_t D_t

    an ARIMA(1,1,0) with drift plus the devaluation-year jump of the exchange-rate
    block. Output follows this equation alone: the capacity limit of the
    structural model does not apply (exports are capped at output). With
    ``phi = 0``, fixed parameters and no jumps, log output in year ``t`` is
    normal with mean ``log Q_0 + t mu_q`` and variance ``t s_q^2``.
    """

    mu_q: Distribution = Field(default=Fixed(value=0.0), description="drift of log output")
    phi: ARCoefficient = Field(default=Fixed(value=0.0), description="AR(1) of growth")
    s_q: NonNegative = Field(default=Fixed(value=0.0), description="innovation sd")
    b_q: Distribution = Field(default=Fixed(value=0.0), description="output loss per jump")


class Blocks(_Block):
    """All model blocks; each defaults to a quiet (zero-volatility) block.

    Only ``capacity`` must be given (its ``existing`` capacity has no sensible
    default).
    """

    exchange_rate: ExchangeRate = ExchangeRate()
    market: Market = Market()
    domestic_share: DomesticShare = DomesticShare()
    exports: Exports = Exports()
    capacity: Capacity
    output: Output = Output()
    local_content: LocalContent = LocalContent()
    ckd_share: CKDShare = CKDShare()
    processing: Processing = Processing()
    trend: Trend = Trend()


class InitialState(_Block):
    """State at the as-of year. ``None`` fields are taken from history.

    Units: vehicles, fractions, KZT per USD/RUB, index, USD bn, trillion KZT.
    ``output_growth`` is the last log growth of output (trend model's AR term).
    """

    vehicle_output: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    output_growth: float | None = Field(default=None, allow_inf_nan=False)
    new_vehicle_sales: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    domestic_share_of_sales: float | None = Field(default=None, gt=0, lt=1, allow_inf_nan=False)
    export_demand: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    usd_kzt: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    rub_kzt: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    local_content_share: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    ckd_share: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    processing_output_index: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    processing_exports_usd_bn: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    processing_investment_kzt_trn: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _strict_numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str | bool):
                    raise ValueError(f"@{key}: must be a number, got {describe(value)}")
        return data

    def missing(self) -> list[str]:
        """Names of the fields still to be filled from history."""
        return [k for k, v in self if v is None]


class Correlation(_Block):
    """Rank (Spearman) correlation between named uncertain parameters.

    Applied through a Gaussian copula, so each parameter keeps its own marginal
    distribution. ``parameters`` are dotted paths as listed by
    :meth:`Scenario.parameters` (e.g. ``blocks.market.mu_M``).
    """

    parameters: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]

    @model_validator(mode="after")
    def _check(self) -> Correlation:
        n = len(self.parameters)
        if len(set(self.parameters)) != n:
            raise ValueError("parameters must be distinct")
        m = np.asarray(self.matrix, dtype=float)
        if m.shape != (n, n):
            raise ValueError(f"matrix must be {n}x{n} to match parameters, got shape {m.shape}")
        if not np.all(np.isfinite(m)):
            raise ValueError("matrix entries must be finite")
        if not np.allclose(m, m.T, atol=1e-12):
            raise ValueError("matrix must be symmetric")
        if not np.allclose(np.diag(m), 1.0):
            raise ValueError("matrix diagonal must be 1")
        if np.any(np.abs(m) > 1):
            raise ValueError("entries must lie in [-1, 1]")
        pearson = 2.0 * np.sin(np.pi * m / 6.0)
        if np.linalg.eigvalsh(pearson).min() < -1e-10:
            raise ValueError(
                "matrix is not a valid correlation matrix (not positive semi-definite "
                "after the Spearman-to-Pearson conversion 2 sin(pi rho / 6))"
            )
        return self

    def gaussian_factor(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """A square root ``F`` (``F @ F.T``) of the copula's normal correlation matrix: the
        symmetric one, well defined for semi-definite matrices too."""
        m = np.asarray(self.matrix, dtype=float)
        pearson = 2.0 * np.sin(np.pi * m / 6.0)
        w, v = np.linalg.eigh(pearson)
        w = np.clip(w, 0.0, None)
        # symmetric square root keeps it well defined for semi-definite matrices
        root = (v * np.sqrt(w)) @ v.T
        return np.asarray(root, dtype=np.float64)
