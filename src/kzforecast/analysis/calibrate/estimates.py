"""What every block's calibration shares: the scenario builder and the small-sample rules.

:class:`ScenarioBuilder` edits a copy of the baseline scenario's data and records,
for each parameter it sets, a :class:`~kzforecast.analysis.calibrate.report.ParameterEstimate`
and the line of the scenario's ``[notes]`` that says how it was obtained; for each
fit, its diagnostics and statsmodels result. The helpers turn an estimate and its
standard error into a scenario distribution (:func:`normal_dist`,
:func:`truncnormal_dist`, :func:`lognormal_dist`), inflate standard errors for small
samples (:func:`t_inflation`) and run statsmodels fits quietly (:func:`quiet_fit`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.analysis.calibrate.report import FitResult, ParameterEstimate
from kzforecast.scenario import Distribution, Normal, Scenario

__all__ = [
    "BASELINE",
    "FEW_POINTS",
    "SOURCE",
    "DistSpec",
    "ScenarioBuilder",
    "distribution_sd",
    "log_changes",
    "lognormal_dist",
    "normal_dist",
    "quiet_fit",
    "spearman_from_pearson",
    "t_inflation",
    "truncnormal_dist",
    "years_text",
]

FloatArray: TypeAlias = NDArray[np.float64]
T = TypeVar("T")

DistSpec: TypeAlias = float | dict[str, str | float]
"""A parameter as a scenario file writes it: a number (point mass) or a distribution table."""

FEW_POINTS = 8
"""Estimates from fewer points than this are flagged in the report."""

SOURCE = "calibrate"
"""The ``source`` of calibration errors and of the scenario it builds."""

BASELINE = "baseline"
"""The built-in scenario whose values stand where the data give no estimate."""


# --------------------------------------------------------------------------- small samples
def t_inflation(nu: int) -> float:
    """sd inflation of a t distribution with ``nu`` degrees of freedom, ``sqrt(nu/(nu-2))``.

    For ``nu <= 2`` (infinite variance) it is capped at 2.0.

    Parameters
    ----------
    nu : int
        Residual degrees of freedom.

    Returns
    -------
    float
        The factor by which a standard error is multiplied.

    Examples
    --------
    >>> round(t_inflation(10), 4)
    1.118
    >>> t_inflation(2)
    2.0
    """
    if nu <= 2:
        return 2.0
    return math.sqrt(nu / (nu - 2.0))


def spearman_from_pearson(r: float) -> float:
    """Spearman rank correlation of a bivariate normal with Pearson ``r``: (6/pi) asin(r/2)."""
    return float(6.0 / math.pi * math.asin(max(-1.0, min(1.0, r)) / 2.0))


def years_text(years: Iterable[int]) -> str:
    """Years as compact ranges: ``[2006, 2007, 2008, 2010]`` -> ``"2006-2008, 2010"``."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    parts: list[str] = []
    start = prev = ys[0]
    for y in ys[1:]:
        if y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = y
    parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def _flag(n: int, nu: int | None = None) -> str:
    flags = []
    if n < FEW_POINTS:
        flags.append(f"n < {FEW_POINTS}")
    if nu is not None and nu <= 2:
        flags.append("df <= 2: sd inflation capped at 2")
    return "; ".join(flags)


# --------------------------------------------------------------------------- distributions
def normal_dist(mean: float, sd: float) -> DistSpec:
    """A normal distribution table, or the number ``mean`` when ``sd`` is not positive."""
    return {"dist": "normal", "mean": float(mean), "sd": float(sd)} if sd > 0 else float(mean)


def truncnormal_dist(mean: float, sd: float, low: float, high: float = math.inf) -> DistSpec:
    """A truncated normal on ``[low, high]`` (``mean`` clipped into it); a number if ``sd <= 0``."""
    mean = float(min(max(mean, low), high))
    if sd <= 0:
        return mean
    d: dict[str, str | float] = {
        "dist": "truncnormal",
        "mean": mean,
        "sd": float(sd),
        "low": float(low),
    }
    if math.isfinite(high):
        d["high"] = float(high)
    return d


def lognormal_dist(value: float, sigma: float) -> DistSpec:
    """A log-normal with median ``value`` and log-sd ``sigma``, or a number when either is <= 0."""
    if value <= 0 or sigma <= 0:
        return max(float(value), 0.0)
    return {"dist": "lognormal", "mu": math.log(value), "sigma": float(sigma)}


def distribution_sd(dist: Distribution) -> float:
    """Standard deviation of a scenario distribution (0 for a point mass; by quadrature)."""
    if dist.is_fixed:
        return 0.0
    if isinstance(dist, Normal):
        return float(dist.sd)
    u = (np.arange(4000, dtype=np.float64) + 0.5) / 4000.0
    return float(np.std(dist.ppf(u)))


# --------------------------------------------------------------------------- data and fits
def log_changes(s: pd.Series) -> tuple[NDArray[np.int64], FloatArray]:
    """Log changes between consecutive observed years (year of the later value)."""
    s = s.dropna()
    years = s.index.to_numpy(dtype=np.int64)
    vals = np.log(s.to_numpy(dtype=np.float64))
    keep = np.diff(years) == 1
    return years[1:][keep], np.diff(vals)[keep]


def quiet_fit(fit: Callable[[], T]) -> tuple[T, list[str]]:
    """Run a statsmodels fit, collecting (not raising) its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit()
    msgs = sorted(
        {f"{w.category.__name__}: {str(w.message).splitlines()[0][:120]}" for w in caught}
    )
    return res, msgs


# --------------------------------------------------------------------------- builder
class ScenarioBuilder:
    """Edits a baseline scenario's data and collects the report rows.

    Parameters
    ----------
    base : Scenario
        The scenario whose values stand where nothing is estimated.
    uncertainty : bool
        Whether estimated parameters become distributions (True) or point masses.

    Attributes
    ----------
    data : dict
        The scenario's data (``Scenario.model_dump``), edited in place.
    rows : dict
        A :class:`ParameterEstimate` per dotted parameter path set so far.
    pairs : list
        ``(a, b, spearman)`` rank correlations between estimates.
    fits, samples, results : dict
        Per block: fit diagnostics, the years of the sample, the statsmodels result.
    notes : list of str
        Data-handling decisions for the report and the scenario's notes.
    file_notes : dict
        Per dotted path, how the parameter was obtained (the scenario's ``[notes]``).
    """

    def __init__(self, base: Scenario, uncertainty: bool) -> None:
        self.base = base
        # nested plain data of a scenario (tables of numbers, strings, lists): no narrower type
        self.data: dict[str, Any] = base.model_dump(mode="python", by_alias=True)
        self.uncertainty = uncertainty
        self.rows: dict[str, ParameterEstimate] = {}
        self.pairs: list[tuple[str, str, float]] = []
        self.fits: dict[str, dict[str, str | float | bool]] = {}
        self.samples: dict[str, tuple[int, ...]] = {}
        self.results: dict[str, FitResult] = {}
        self.notes: list[str] = []
        self.file_notes: dict[str, str] = {}

    def _set(self, path: str, value: DistSpec) -> None:
        keys = path.split(".")
        node = self.data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    def draft(self) -> Scenario:
        """The scenario as edited so far, without its correlation block."""
        return Scenario.from_dict(self.data | {"correlation": None})

    def estimate(
        self,
        path: str,
        value: float,
        dist: DistSpec,
        *,
        se: float,
        sd: float,
        n: int,
        years: Iterable[int],
        method: str,
        nu: int | None = None,
        status: Literal["estimated", "derived"] = "estimated",
        reason: str = "",
    ) -> None:
        """Set parameter ``path`` to ``dist`` (or ``value`` without uncertainty) and record how.

        Parameters
        ----------
        path : str
            Dotted parameter path (``"blocks.market.mu_M"``).
        value : float
            The point estimate.
        dist : float or dict
            The distribution used with parameter uncertainty.
        se, sd : float
            The estimate's standard error and the sd of ``dist``.
        n : int
            Number of observations.
        years : iterable of int
            The sample's years.
        method : str
            How it was estimated.
        nu : int, optional
            Residual degrees of freedom (flagged when <= 2).
        status : {"estimated", "derived"}
        reason : str
            Why a choice was made (a truncation, a derivation).
        """
        self._set(path, dist if self.uncertainty else float(value))
        yt = years_text(years)
        flag = _flag(n, nu)
        self.rows[path] = ParameterEstimate(
            path,
            status,
            float(value),
            float(se),
            float(sd) if self.uncertainty else 0.0,
            int(n),
            yt,
            method,
            reason,
            flag,
        )
        word = "ESTIMATE" if status == "estimated" else "DERIVED"
        extra = f"; {flag}" if flag else ""
        self.file_notes[path] = (
            f"{word}: {method}; {value:.4g} (se {se:.3g}, n {n}, years {yt}{extra})"
            + (f". {reason}" if reason else "")
        )

    def estimate_volatility(
        self, path: str, s: float, *, n: int, years: Iterable[int], nu: int, source: str
    ) -> None:
        """A residual standard deviation ``s`` as a log-normal with log-sd 1/sqrt(2 df)."""
        sig = 1.0 / math.sqrt(2.0 * max(nu, 1))
        self.estimate(
            path,
            s,
            lognormal_dist(s, sig),
            se=s * sig,
            sd=sig,
            n=n,
            years=years,
            method=f"{source}; log-sd 1/sqrt(2 df)",
            nu=nu,
        )

    def assume(self, path: str, reason: str, value: DistSpec | None = None) -> None:
        """Keep the baseline's distribution (or set ``value``) and say why."""
        if value is not None:
            self._set(path, value)
        dist = self.draft().parameters()[path]
        self.rows[path] = ParameterEstimate(
            path, "assumption", float(dist.mean()), math.nan, math.nan, 0, "", "", reason, ""
        )
        self.file_notes[path] = f"ASSUMPTION: {reason}"

    def record_fit(
        self,
        block: str,
        res: FitResult,
        *,
        method: str,
        n: int,
        years: Iterable[int],
        resid_sd: float,
        warns: Iterable[str],
        r2: float = math.nan,
        converged: bool = True,
        sample: bool = True,
    ) -> None:
        """Keep a fitted statsmodels result, its summary row and (``sample``) its years."""
        self.fits[block] = {
            "method": method,
            "n": n,
            "years": years_text(years),
            "resid_sd": resid_sd,
            "r2": r2,
            "aic": float(res.aic),
            "loglik": float(res.llf),
            "converged": converged,
            "warnings": "; ".join(warns),
        }
        if sample:
            self.samples[block] = tuple(int(y) for y in years)
        self.results[block] = res

    def correlate_estimates(self, a: str, b: str, res: FitResult) -> None:
        """Correlate two OLS coefficients (the first two of ``res``) by their estimated
        covariance."""
        cov = np.asarray(res.cov_params())
        self.correlate(a, b, float(cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])))

    def correlate(self, a: str, b: str, pearson: float) -> None:
        """Record a rank correlation between two estimates (with parameter uncertainty only)."""
        if self.uncertainty and math.isfinite(pearson) and abs(pearson) > 1e-12:
            self.pairs.append((a, b, spearman_from_pearson(pearson)))
