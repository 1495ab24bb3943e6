"""The :class:`Scenario`: everything a simulation needs, written by hand or calibrated.

A scenario is plain data: the as-of year and horizon, the model kind, one
sub-model per block of the model (DESIGN.md section 3), the initial state and an
optional rank-correlation matrix between uncertain parameters. Every parameter
is a distribution (:mod:`kzforecast.scenario.distributions`); a plain number is
a point mass. Scenarios are frozen and reject unknown keys; they are read from
and written to TOML or JSON with an exact round trip.
"""

from __future__ import annotations

import json
import os
import tomllib
import zlib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzforecast._io import atomic_write_text
from kzforecast.errors import ScenarioError
from kzforecast.scenario.distributions import (
    Beta,
    Dirichlet,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Triangular,
    TruncatedNormal,
    Uniform,
)

__all__ = [
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
    "Output",
    "Plant",
    "Processing",
    "Scenario",
    "Trend",
    "builtin_scenarios",
]

DESTINATIONS: tuple[str, ...] = ("russia", "uzbekistan", "kyrgyzstan", "tajikistan", "other")
"""Export destinations, in the order used by the model."""

_DIST_TAGS = {"fixed", "normal", "truncnormal", "lognormal", "uniform", "triangular", "beta"}


def _support(d: Any) -> tuple[float, float]:
    lo, hi = d.bounds()
    return float(lo), float(hi)


def _nonnegative(d: Any) -> Any:
    lo, _ = _support(d)
    if lo < 0:
        raise ValueError(
            f"must be >= 0 (a volatility, size or level), but this {d.dist} distribution "
            f"reaches {lo:g}; use a number >= 0, lognormal, or truncnormal/uniform/"
            "triangular/beta with low >= 0"
        )
    return d


def _unit_interval(d: Any) -> Any:
    lo, hi = _support(d)
    if lo < 0 or hi > 1:
        raise ValueError(
            f"must lie in [0, 1] (a share or probability), but this {d.dist} distribution "
            f"spans [{lo:g}, {hi:g}]; use a number, beta, uniform or truncnormal within [0, 1]"
        )
    return d


def _ar_coefficient(d: Any) -> Any:
    lo, hi = _support(d)
    if lo <= -1 or hi >= 1:
        raise ValueError(
            f"must lie strictly inside (-1, 1) (a stationary AR coefficient), but this "
            f"{d.dist} distribution spans [{lo:g}, {hi:g}]"
        )
    return d


NonNegative = Annotated[Distribution, AfterValidator(_nonnegative)]
UnitInterval = Annotated[Distribution, AfterValidator(_unit_interval)]
ARCoefficient = Annotated[Distribution, AfterValidator(_ar_coefficient)]


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

    start_year: int = Field(default=2017, description="first year with exports")
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
    planned_start: int
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
    domestic_share_of_sales: float | None = Field(default=None, gt=0, lt=1)
    export_demand: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    usd_kzt: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    rub_kzt: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    local_content_share: float | None = Field(default=None, ge=0, le=1)
    ckd_share: float | None = Field(default=None, ge=0, le=1)
    processing_output_index: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    processing_exports_usd_bn: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    processing_investment_kzt_trn: float | None = Field(default=None, gt=0, allow_inf_nan=False)

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


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        s = str(item)
        if s in _DIST_TAGS or "[" in s or s.startswith("function-"):
            continue
        parts.append(s)
    return ".".join(parts)


def _validation_to_scenario_error(exc: ValidationError, source: str) -> ScenarioError:
    errors = exc.errors(include_url=False)
    # Prefer errors of the distribution variant the user wrote (discriminated unions
    # report only that variant) and drop duplicates.
    first = errors[0]
    path = _loc_to_path(tuple(first["loc"])) or "<scenario>"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if msg.startswith("@"):
        # a model-level check naming its own field: "@horizon: ..."
        field, _, msg = msg[1:].partition(": ")
        path = ".".join(p for p in (path if path != "<scenario>" else "", field) if p)
    if first["type"] == "extra_forbidden":
        msg = "unknown key (not a field of this block)"
    if first["type"] == "missing":
        msg = "required, but missing"
    allowed = None
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        tag = (first.get("ctx") or {}).get("tag")
        msg = f"unknown distribution {tag!r}" if tag else "a distribution needs a 'dist' key"
        allowed = "a number, or a table with dist = " + ", ".join(
            f'"{t}"' for t in sorted(_DIST_TAGS)
        )
    given = first.get("input")
    problem = msg
    if (
        given is not None
        and first["type"] not in ("extra_forbidden", "missing", "value_error", "union_tag_invalid")
        and not isinstance(given, dict | list)
    ):
        shown = repr(given)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        problem += f", got {shown}"
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ScenarioError(problem, source=source, location=path, allowed=allowed)


def _to_plain(obj: Any) -> Any:
    """Scenario dump -> plain TOML/JSON-able data; point masses become numbers."""
    if isinstance(obj, dict):
        if obj.get("dist") == "fixed" and set(obj) == {"dist", "value"}:
            return obj["value"]
        return {k: _to_plain(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list | tuple):
        return [_to_plain(v) for v in obj]
    return obj


class Scenario(BaseModel):
    """A complete, checkable description of one simulation scenario.

    Parameters
    ----------
    name : str
        Short name, used in tables and reports.
    as_of : int
        Last year of known data; the simulation covers ``as_of + 1 .. horizon``.
    horizon : int
        Last simulated year (``> as_of``, at most 100 years ahead).
    model : {"structural", "trend"}
        ``structural`` runs every block of DESIGN.md section 3 except ``trend``;
        ``trend`` is for output alone: the ARIMA(1,1,0)-with-drift trend of log
        output with the exchange-rate block's devaluation jump, and nothing else
        (its simulation has ``vehicle_output``, ``usd_kzt``, ``rub_kzt`` and
        ``devaluation``; the other blocks are kept but not used).
    blocks : Blocks
        One sub-model per block; see each block's docstring for its equation.
    initial : InitialState
        State at ``as_of``; missing fields come from history at run time.
    correlation : Correlation, optional
        Rank correlation between uncertain parameters (Gaussian copula).

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> s = Scenario.builtin("baseline")
    >>> s.as_of < s.horizon
    True
    >>> Scenario.model_validate({"name": "x", "as_of": 2025, "horizon": 2030,
    ...     "blocks": {"capacity": {"existing": 300000}, "market": {"mu_M": 0.05,
    ...     "s_M": {"dist": "lognormal", "mu": -2.5, "sigma": 0.2}}}}).blocks.market.mu_M.value
    0.05
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    description: str = ""
    as_of: int = Field(ge=1900, le=2200)
    horizon: int = Field(ge=1900, le=2300)
    model: Literal["structural", "trend"] = "structural"
    blocks: Blocks
    initial: InitialState = InitialState()
    correlation: Correlation | None = None
    notes: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.horizon <= self.as_of:
            raise ValueError(
                f"@horizon: must be after as_of ({self.as_of}), got {self.horizon}: "
                "a simulation needs at least one future year"
            )
        if self.horizon - self.as_of > 100:
            raise ValueError(f"@horizon: may be at most 100 years after as_of, got {self.horizon}")
        if self.correlation is not None:
            params = self.parameters()
            for p in self.correlation.parameters:
                if p not in params:
                    raise ValueError(
                        f"@correlation.parameters: unknown parameter {p!r}; known: "
                        f"{', '.join(sorted(params))}"
                    )
                if params[p].is_fixed:
                    raise ValueError(
                        f"@correlation.parameters: {p!r} is fixed; only uncertain "
                        "parameters can be correlated"
                    )
        return self

    # ------------------------------------------------------------------ years
    @property
    def years(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Simulated calendar years ``as_of + 1 .. horizon``."""
        return np.arange(self.as_of + 1, self.horizon + 1, dtype=np.int64)

    # ------------------------------------------------------------- parameters
    def parameters(self) -> dict[str, Any]:
        """All scalar parameter distributions by dotted path, in a fixed order.

        Examples
        --------
        >>> from kzforecast import Scenario
        >>> "blocks.market.mu_M" in Scenario.builtin("baseline").parameters()
        True
        """
        out: dict[str, Any] = {}
        for path, value in _walk(self.blocks, "blocks"):
            out[path] = value
        return out

    def uncertain_parameters(self) -> dict[str, Any]:
        """The parameters that are not point masses."""
        return {k: v for k, v in self.parameters().items() if not v.is_fixed}

    def with_parameter(self, path: str, value: Any) -> Scenario:
        """A copy with the parameter at dotted ``path`` replaced.

        ``value`` is a number (point mass), a distribution object or a dict. A
        parameter set to a known value is dropped from ``correlation``.
        """
        data = self.model_dump(mode="python", by_alias=True)
        keys = path.split(".")
        node: Any = data
        try:
            for k in keys[:-1]:
                node = node[int(k)] if isinstance(node, list | tuple) else node[k]
            last = keys[-1]
            if isinstance(node, list | tuple) or last not in node:
                raise KeyError(last)
        except (KeyError, IndexError, ValueError, TypeError):
            raise ScenarioError(
                "no such parameter",
                source="with_parameter",
                location=path,
                allowed=", ".join(self.parameters()),
            ) from None
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="python", by_alias=True)
        node[last] = value
        corr = data.get("correlation")
        if corr and path in corr["parameters"]:
            try:
                fixed = Scenario.from_dict(data | {"correlation": None}).parameters()[path].is_fixed
            except ScenarioError:
                fixed = False
            if fixed:
                # a known value has no uncertainty to correlate: drop its row and column
                keep = [i for i, p in enumerate(corr["parameters"]) if p != path]
                if len(keep) < 2:
                    data["correlation"] = None
                else:
                    data["correlation"] = {
                        "parameters": [corr["parameters"][i] for i in keep],
                        "matrix": [[corr["matrix"][i][j] for j in keep] for i in keep],
                    }
        return Scenario.from_dict(data, source="with_parameter")

    def stream_key(self, path: str) -> int:
        """Stable integer key of a parameter's random stream.

        The CRC-32 of its dotted path, with a plant's list position replaced by
        its name, so that adding or reordering plants leaves the other plants'
        draws unchanged.
        """
        parts = path.split(".")
        if len(parts) > 3 and parts[:3] == ["blocks", "capacity", "plants"]:
            parts[3] = "name=" + self.blocks.capacity.plants[int(parts[3])].name
        return zlib.crc32(".".join(parts).encode("utf-8"))

    # ----------------------------------------------------------------- I/O
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> Scenario:
        """Validate a mapping, turning errors into :class:`ScenarioError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _validation_to_scenario_error(exc, source) from None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a TOML file (data only: nothing in it is executed)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError("file not found", source=str(p)) from None
        except OSError as exc:
            raise ScenarioError(f"cannot read file ({exc.strerror})", source=str(p)) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"not valid TOML ({exc})", source=p.name) from None
        return cls.from_dict(data, source=p.name)

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a JSON file."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ScenarioError("file not found", source=str(p)) from None
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"not valid JSON ({exc})", source=p.name) from None
        if not isinstance(data, dict):
            raise ScenarioError("top level must be an object", source=p.name)
        return cls.from_dict(data, source=p.name)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a ``.toml`` or ``.json`` scenario file (by extension)."""
        suffix = Path(path).suffix.lower()
        if suffix == ".json":
            return cls.from_json(path)
        if suffix == ".toml":
            return cls.from_toml(path)
        raise ScenarioError(
            f"unknown scenario file type {suffix!r}", source=str(path), allowed=".toml, .json"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (numbers for point masses); ``from_dict`` inverts it exactly."""
        return dict(_to_plain(self.model_dump(mode="python", by_alias=True)))

    def to_toml_string(self) -> str:
        """The scenario as TOML text."""
        import tomli_w

        header = (
            f"# kzforecast scenario {self.name!r}, written by kzforecast.\n"
            "# Plain numbers are fixed parameters; tables with `dist` are distributions.\n"
        )
        return header + tomli_w.dumps(self.to_dict())

    def to_toml(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario to a TOML file (atomically: temp file + rename)."""
        atomic_write_text(path, self.to_toml_string())

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario to a JSON file (atomically)."""
        atomic_write_text(path, json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def builtin(cls, name: str) -> Scenario:
        """Load a scenario shipped with kzforecast by name.

        See :func:`builtin_scenarios` for the names.
        """
        names = builtin_scenarios()
        if name not in names:
            raise ScenarioError(
                f"no built-in scenario named {name!r}",
                source="Scenario.builtin",
                allowed=", ".join(names),
            )
        text = (
            resources.files("kzforecast.scenario")
            .joinpath(f"builtin/{name}.toml")
            .read_text(encoding="utf-8")
        )
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:  # pragma: no cover - shipped files are tested
            raise ScenarioError(f"not valid TOML ({exc})", source=f"{name}.toml") from None
        return cls.from_dict(data, source=f"{name}.toml")


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with kzforecast.

    Examples
    --------
    >>> from kzforecast.scenario import builtin_scenarios
    >>> "baseline" in builtin_scenarios()
    True
    """
    folder = resources.files("kzforecast.scenario").joinpath("builtin")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


_SCALAR_TYPES = (Fixed, Normal, TruncatedNormal, LogNormal, Uniform, Triangular, Beta)


def _walk(obj: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, _SCALAR_TYPES):
        yield prefix, obj
    elif isinstance(obj, Dirichlet):
        return
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{prefix}.{name}")
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{prefix}.{i}")
