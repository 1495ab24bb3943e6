"""Hypothesis strategies for valid scenarios, parameter distributions and seeds.

:func:`scenarios` builds scenarios that :class:`~kzforecast.scenario.Scenario` validates:
new ones over economically sensible ranges, or perturbations of a given one (each uncertain
parameter moved within its distribution's 1%-99% quantiles). :func:`parameters` builds one
parameter distribution of any family (:data:`FAMILIES`) whose mass lies in a range, and
:func:`seeds` the seeds :func:`kzforecast.simulate` accepts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

from hypothesis import strategies as st

from kzforecast.scenario import DESTINATIONS, Scenario
from kzforecast.scenario.distributions import (
    Beta,
    Fixed,
    LogNormal,
    Normal,
    ScalarDistribution,
    Triangular,
    TruncatedNormal,
    Uniform,
)

__all__ = [
    "FAMILIES",
    "PARAMETER_RANGES",
    "Family",
    "Support",
    "parameters",
    "perturbed",
    "scenario_dicts",
    "scenarios",
    "seeds",
]

Family = Literal[
    "fixed", "normal", "truncnormal", "lognormal", "uniform", "triangular", "beta", "dirichlet"
]
"""A distribution family of scenario parameters (``dirichlet``: the export destinations)."""

FAMILIES: tuple[Family, ...] = get_args(Family)
"""Every family :func:`scenarios` generates."""

Support = Literal["real", "nonnegative", "unit", "ar"]
"""What a parameter field allows: any number, ``>= 0``, ``[0, 1]`` or ``(-1, 1)``."""

_SUPPORTS: dict[Support, tuple[float, float]] = {
    "real": (-math.inf, math.inf),
    "nonnegative": (0.0, math.inf),
    "unit": (0.0, 1.0),
    "ar": (-1.0, 1.0),
}

PARAMETER_RANGES: Mapping[str, tuple[float, float, Support]] = {
    # dotted path -> (low, high, support): where new scenarios put each parameter's mass
    "blocks.exchange_rate.mu_z": (-0.1, 0.15, "real"),
    "blocks.exchange_rate.s_z": (0.0, 0.2, "nonnegative"),
    "blocks.exchange_rate.p_dev": (0.0, 0.5, "unit"),
    "blocks.exchange_rate.jump_mean": (0.0, 0.5, "nonnegative"),
    "blocks.exchange_rate.jump_sd": (0.0, 0.2, "nonnegative"),
    "blocks.exchange_rate.b_r": (0.0, 1.5, "real"),
    "blocks.exchange_rate.mu_r": (-0.1, 0.1, "real"),
    "blocks.exchange_rate.s_r": (0.0, 0.2, "nonnegative"),
    "blocks.market.mu_M": (-0.2, 0.2, "real"),
    "blocks.market.b_M": (0.0, 2.0, "real"),
    "blocks.market.s_M": (0.0, 0.3, "nonnegative"),
    "blocks.domestic_share.k_S": (-0.5, 0.5, "real"),
    "blocks.domestic_share.s_S": (0.0, 0.5, "nonnegative"),
    "blocks.exports.x_start": (0.0, 20_000.0, "nonnegative"),
    "blocks.exports.mu_X": (-0.3, 0.4, "real"),
    "blocks.exports.b_X": (0.0, 2.0, "real"),
    "blocks.exports.s_X": (0.0, 0.5, "nonnegative"),
    "blocks.capacity.existing": (0.0, 400_000.0, "nonnegative"),
    "blocks.output.u_max": (0.5, 1.0, "unit"),
    "blocks.local_content.k_L": (0.0, 1.0, "unit"),
    "blocks.local_content.L_max": (0.6, 1.0, "unit"),
    "blocks.local_content.s_L": (0.0, 1.0, "nonnegative"),
    "blocks.ckd_share.k_C": (0.0, 1.0, "unit"),
    "blocks.ckd_share.C_max": (0.6, 1.0, "unit"),
    "blocks.ckd_share.s_C": (0.0, 1.0, "nonnegative"),
    "blocks.processing.g_P": (-0.1, 0.1, "real"),
    "blocks.processing.s_P": (0.0, 0.1, "nonnegative"),
    "blocks.processing.g_E": (-0.2, 0.2, "real"),
    "blocks.processing.s_E": (0.0, 0.2, "nonnegative"),
    "blocks.processing.g_I": (-0.2, 0.2, "real"),
    "blocks.processing.s_I": (0.0, 0.2, "nonnegative"),
    "blocks.processing.theta": (0.05, 0.95, "unit"),
    "blocks.trend.mu_q": (-0.1, 0.2, "real"),
    "blocks.trend.phi": (0.0, 0.9, "ar"),
    "blocks.trend.s_q": (0.0, 0.3, "nonnegative"),
    "blocks.trend.b_q": (0.0, 1.0, "real"),
}
"""Where :func:`scenarios` puts each parameter's mass when it builds a new scenario, and
what the parameter's field allows (a plant's ``capacity`` and ``delay`` use
``(0, 100000)`` and ``(0, 4)``, non-negative)."""

_PLANT_RANGES: dict[str, tuple[float, float, Support]] = {
    "capacity": (0.0, 100_000.0, "nonnegative"),
    "delay": (0.0, 4.0, "nonnegative"),
}


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _families_for(
    low: float, high: float, support: Support, families: Iterable[Family] | None
) -> list[Family]:
    lo, hi = _SUPPORTS[support]
    if not (lo <= low <= high <= hi) or (support == "ar" and (low <= -1.0 or high >= 1.0)):
        raise ValueError(f"[{low}, {high}] does not lie in the {support} support [{lo}, {hi}]")
    chosen = list(FAMILIES if families is None else families)
    unknown = set(chosen) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown families {sorted(unknown)}; known: {', '.join(FAMILIES)}")
    allowed: set[Family] = {"fixed"}
    if low < high:
        allowed |= {"truncnormal", "uniform", "triangular", "beta"}
        if support == "real":
            allowed.add("normal")
        if support in ("real", "nonnegative") and high > 0.0:
            allowed.add("lognormal")
    out = [f for f in chosen if f in allowed]
    if not out:
        raise ValueError(f"none of {chosen} fits [{low}, {high}] in the {support} support")
    return out


def parameters(
    low: float = 0.0,
    high: float = 1.0,
    *,
    support: Support = "real",
    families: Iterable[Family] | None = None,
) -> st.SearchStrategy[ScalarDistribution]:
    """Parameter distributions whose mass lies in ``[low, high]``, one family per example.

    Parameters
    ----------
    low, high : float
        Where the distribution's mass lies: bounded families stay inside, a normal's mean
        and a log-normal's bulk lie inside (a normal's sd is at most a quarter of the
        range; a log-normal's log-sd at most 0.5, and its 99.9% quantile below ``high``).
    support : {"real", "nonnegative", "unit", "ar"}
        What the parameter's field allows; families whose support would leave it are not
        drawn (a normal only on the real line, a log-normal only where ``inf`` is allowed).
    families : iterable of Family, optional
        Restrict to these families (``dirichlet`` is not scalar and is ignored here).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of ScalarDistribution

    Raises
    ------
    ValueError
        If ``[low, high]`` leaves the support or no requested family fits.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kzforecast.testing import parameters
    >>> @settings(max_examples=20)
    ... @given(parameters(0.0, 0.3, support="nonnegative"))
    ... def test_nonnegative(d):
    ...     assert d.dist != "normal" and d.bounds()[0] >= 0.0
    >>> test_nonnegative()
    """
    chosen = tuple(f for f in _families_for(low, high, support, families) if f != "dirichlet")
    return _parameter_strategy(float(low), float(high), chosen)


@functools.lru_cache(maxsize=512)
def _parameter_strategy(
    low: float, high: float, chosen: tuple[Family, ...]
) -> st.SearchStrategy[ScalarDistribution]:
    """The strategy of :func:`parameters`, built once per range (building one is slow)."""
    strategies: dict[Family, st.SearchStrategy[ScalarDistribution]] = {
        "fixed": st.builds(lambda v: Fixed(value=v), _floats(low, high)),
        "normal": st.builds(
            lambda m, s: Normal(dist="normal", mean_=m, sd=s),
            _floats(low, high),
            _floats(0.0, (high - low) / 4),
        ),
        "truncnormal": st.builds(
            lambda m, s: TruncatedNormal(dist="truncnormal", mean_=m, sd=s, low=low, high=high),
            _floats(low, high),
            _floats((high - low) / 100, (high - low) / 2),
        ),
        "lognormal": st.builds(
            # the median in the range, log-sd at most 0.5 and small enough that the
            # 99.9% quantile stays below ``high``
            lambda m, f: LogNormal(
                dist="lognormal", mu=m, sigma=f * min(0.5, (math.log(high) - m) / 3.1)
            ),
            _floats(math.log(max(low, high * 1e-3)), math.log(max(high, 1e-300))),
            _floats(0.0, 1.0),
        ),
        "uniform": st.tuples(_floats(low, high), _floats(low, high)).map(
            lambda t: Uniform(dist="uniform", low=min(t), high=max(t))
        ),
        "triangular": st.lists(_floats(low, high), min_size=3, max_size=3)
        .map(sorted)
        .filter(lambda t: t[0] < t[2])
        .map(lambda t: Triangular(dist="triangular", low=t[0], mode=t[1], high=t[2])),
        "beta": st.builds(
            lambda a, b: Beta(dist="beta", a=a, b=b, low=low, high=high),
            _floats(0.5, 10.0),
            _floats(0.5, 10.0),
        ),
    }
    return st.one_of(*(strategies[f] for f in chosen))


def _plain(d: ScalarDistribution) -> Any:
    """A distribution as scenario data (a number for a point mass)."""
    if isinstance(d, Fixed):
        return d.value
    return d.model_dump(mode="python", by_alias=True)


def _param(draw: st.DrawFn, path: str) -> Any:
    low, high, support = PARAMETER_RANGES[path]
    return _plain(draw(parameters(low, high, support=support)))


def _plants(draw: st.DrawFn, as_of: int, horizon: int, max_plants: int) -> list[dict[str, Any]]:
    plants = []
    for i in range(draw(st.integers(0, max_plants))):
        plant: dict[str, Any] = {"name": f"plant {i}"}
        plant["planned_start"] = draw(st.integers(as_of - 2, horizon + 2))
        for key, (low, high, support) in _PLANT_RANGES.items():
            plant[key] = _plain(draw(parameters(low, high, support=support)))
        plants.append(plant)
    return plants


def _initial(draw: st.DrawFn) -> dict[str, float]:
    return {
        "vehicle_output": draw(_floats(1_000.0, 300_000.0)),
        "output_growth": draw(_floats(-0.5, 0.5)),
        "new_vehicle_sales": draw(_floats(10_000.0, 400_000.0)),
        "domestic_share_of_sales": draw(_floats(0.01, 0.99)),
        "export_demand": draw(st.one_of(st.just(0.0), _floats(1.0, 50_000.0))),
        "usd_kzt": draw(_floats(100.0, 600.0)),
        "rub_kzt": draw(_floats(2.0, 10.0)),
        "local_content_share": draw(_floats(0.0, 0.6)),
        "ckd_share": draw(_floats(0.0, 0.6)),
        "processing_output_index": draw(_floats(0.5, 2.0)),
        "processing_exports_usd_bn": draw(_floats(5.0, 40.0)),
        "processing_investment_kzt_trn": draw(_floats(0.3, 3.0)),
    }


def _correlation(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any] | None:
    """A rank correlation between two uncertain parameters of ``data`` (or None)."""
    uncertain = sorted(
        p for p, d in Scenario.from_dict(data).parameters().items() if not d.is_fixed
    )
    if len(uncertain) < 2 or not draw(st.booleans()):
        return None
    pair = draw(st.lists(st.sampled_from(uncertain), min_size=2, max_size=2, unique=True))
    rho = draw(_floats(-0.9, 0.9))
    return {"parameters": pair, "matrix": [[1.0, rho], [rho, 1.0]]}


@st.composite
def scenario_dicts(
    draw: st.DrawFn,
    model: Literal["structural", "trend"] | None = None,
    *,
    max_years: int = 12,
    max_plants: int = 3,
    correlation: bool = True,
) -> dict[str, Any]:
    """New valid scenarios as plain data (see :func:`scenarios`)."""
    as_of = draw(st.integers(2005, 2030))
    horizon = as_of + draw(st.integers(1, max_years))

    def block(name: str) -> dict[str, Any]:
        prefix = f"blocks.{name}."
        return {
            p.removeprefix(prefix): _param(draw, p)
            for p in PARAMETER_RANGES
            if p.startswith(prefix)
        }

    exports = block("exports")
    exports["start_year"] = draw(st.integers(as_of - 3, horizon + 1))
    exports["destinations"] = {
        "alpha": {d: draw(_floats(0.2, 20.0)) for d in DESTINATIONS},
        "fixed": draw(st.booleans()),
    }
    data: dict[str, Any] = {
        "name": "generated",
        "as_of": as_of,
        "horizon": horizon,
        "model": model or draw(st.sampled_from(["structural", "trend"])),
        "initial": _initial(draw),
        "blocks": {
            "exchange_rate": block("exchange_rate"),
            "market": block("market"),
            "domestic_share": block("domestic_share"),
            "exports": exports,
            "capacity": {
                "existing": _param(draw, "blocks.capacity.existing"),
                "plants": _plants(draw, as_of, horizon, max_plants),
            },
            "output": block("output"),
            "local_content": block("local_content"),
            "ckd_share": block("ckd_share"),
            "processing": block("processing"),
            "trend": block("trend"),
        },
    }
    if correlation:
        data["correlation"] = _correlation(draw, data)
    return data


_Z_BULK = 3.1
"""A little beyond the 99.9% normal score: a moved distribution's 0.1%-99.9% bulk stays
inside the original's, so a perturbation stays as plausible as its base."""


def _spread(centre: float, mean: float, sd: float, scale: float) -> float:
    """``sd * scale``, narrowed so that ``centre +- 3.1 sd`` stays inside ``mean +- 3.09 sd``."""
    room = min(centre - (mean - 3.09 * sd), (mean + 3.09 * sd) - centre)
    return max(min(sd * scale, room / _Z_BULK), sd * 1e-3)


def _moved(draw: st.DrawFn, d: ScalarDistribution) -> ScalarDistribution:
    """``d`` moved within its 1%-99% quantiles, on the same support and inside its bulk."""
    q01, q99 = d.quantile(0.01), d.quantile(0.99)
    if not (math.isfinite(q01) and math.isfinite(q99)) or not q01 <= q99:
        return d
    if draw(st.integers(0, 3)) == 0:  # sometimes a point mass inside the range
        return Fixed(value=draw(_floats(q01, q99)))
    centre = draw(_floats(q01, q99))
    scale = draw(_floats(0.5, 1.0))
    if isinstance(d, Normal):
        return Normal(dist="normal", mean_=centre, sd=_spread(centre, d.mean_, d.sd, scale))
    if isinstance(d, TruncatedNormal):
        sd = _spread(centre, d.mean_, d.sd, scale)
        return TruncatedNormal(dist="truncnormal", mean_=centre, sd=sd, low=d.low, high=d.high)
    if isinstance(d, LogNormal):
        mu = math.log(max(centre, 1e-300))
        return LogNormal(dist="lognormal", mu=mu, sigma=_spread(mu, d.mu, d.sigma, scale))
    if isinstance(d, Uniform):
        other = draw(_floats(q01, q99))
        return Uniform(dist="uniform", low=min(centre, other), high=max(centre, other))
    if isinstance(d, Triangular):
        return Triangular(dist="triangular", low=d.low, mode=centre, high=d.high)
    if isinstance(d, Beta):
        mean = min(max((centre - d.low) / (d.high - d.low), 1e-3), 1 - 1e-3)
        k = d.a + d.b
        return Beta(dist="beta", a=k * mean, b=k * (1 - mean), low=d.low, high=d.high)
    return d


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node: Any = data
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    node[keys[-1]] = value


@st.composite
def perturbed(
    draw: st.DrawFn, base: Scenario, model: Literal["structural", "trend"] | None = None
) -> Scenario:
    """``base`` with each uncertain parameter moved within its 1%-99% quantiles.

    Each uncertain parameter is kept, made a point mass inside the range, or keeps its
    family and support with its centre (mean, median, mode or mean of the beta) moved
    inside the range and its spread scaled by 0.5-1 (narrowed further where needed so that
    its 0.1%-99.9% bulk stays inside the original's). Supports are unchanged and bulks do
    not grow, so the perturbation is as valid and as plausible as ``base``. A correlated
    parameter that becomes a point mass leaves the correlation (as
    :meth:`Scenario.with_parameter` does).
    """
    data = base.to_dict()
    if model is not None:
        data["model"] = model
    fixed: set[str] = set()
    for path, dist in base.uncertain_parameters().items():
        if draw(st.booleans()):
            continue
        moved = _moved(draw, dist)
        if moved.is_fixed:
            fixed.add(path)
        _set(data, path, _plain(moved))
    exports = data["blocks"]["exports"]
    if "destinations" in exports and draw(st.booleans()):
        exports["destinations"]["fixed"] = not exports["destinations"].get("fixed", False)
    corr = data.get("correlation")
    if corr and fixed & set(corr["parameters"]):
        keep = [i for i, p in enumerate(corr["parameters"]) if p not in fixed]
        data["correlation"] = (
            None
            if len(keep) < 2
            else {
                "parameters": [corr["parameters"][i] for i in keep],
                "matrix": [[corr["matrix"][i][j] for j in keep] for i in keep],
            }
        )
    return Scenario.from_dict(data, source="<hypothesis: perturbed>")


def scenarios(
    base: Scenario | None = None,
    model: Literal["structural", "trend"] | None = None,
    *,
    max_years: int = 12,
    max_plants: int = 3,
    correlation: bool = True,
) -> st.SearchStrategy[Scenario]:
    """Valid scenarios: new ones, or perturbations of ``base``.

    Parameters
    ----------
    base : Scenario, optional
        Perturb this scenario (see :func:`perturbed`: each uncertain parameter moved
        within its distribution's 1%-99% quantiles). Default: build new scenarios, every
        parameter drawn by :func:`parameters` over :data:`PARAMETER_RANGES` (all
        families of :data:`FAMILIES`), initial states in plausible ranges, 0 to
        ``max_plants`` plants, random or fixed Dirichlet destination shares.
    model : {"structural", "trend"}, optional
        The model of every scenario; default both (new scenarios) or the base's.
    max_years : int, default 12
        New scenarios simulate 1 to ``max_years`` years.
    max_plants : int, default 3
        Most plants in a new scenario's capacity pipeline.
    correlation : bool, default True
        New scenarios may correlate two uncertain parameters (a Gaussian copula).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of Scenario
        Every example is validated by :meth:`Scenario.from_dict`.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kzforecast import Scenario
    >>> from kzforecast.testing import scenarios
    >>> @settings(max_examples=5)
    ... @given(scenarios(base=Scenario.builtin("baseline")))
    ... def test_horizon_kept(s):
    ...     assert s.horizon == Scenario.builtin("baseline").horizon
    >>> test_horizon_kept()
    """
    if base is not None:
        return perturbed(base, model)
    return scenario_dicts(
        model, max_years=max_years, max_plants=max_plants, correlation=correlation
    ).map(lambda d: Scenario.from_dict(d, source="<hypothesis>"))


def seeds() -> st.SearchStrategy[int]:
    """Seeds for :func:`kzforecast.simulate`: integers in ``[0, 2**32)``.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from kzforecast.testing import seeds
    >>> @settings(max_examples=5)
    ... @given(seeds())
    ... def test_seed(seed):
    ...     assert 0 <= seed < 2**32
    >>> test_seed()
    """
    return st.integers(0, 2**32 - 1)
