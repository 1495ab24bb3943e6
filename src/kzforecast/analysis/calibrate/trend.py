"""Trend block (vehicle output): ARIMA(1,1,0) with drift on log output, and its start.

``statsmodels.tsa.arima.model.ARIMA(log_q, order=(1, 1, 0), trend="t")``: with
``d = 1`` this class puts the trend in *mean form*, ``log Q_t = mu t + u_t`` with
``u`` an ARIMA(1,1,0), so its ``x1`` coefficient *is* ``mu_q`` and ``ar.L1`` is
``phi``. Missing years and bounds are gaps bridged by the Kalman filter. With fewer
than :data:`MIN_AR_GROWTHS` observed growth rates the AR term is not estimated
(``phi = 0``) and an ARIMA(0,1,0) with drift gives ``mu_q`` and ``s_q``. ``b_q``
cannot be estimated (no output year is a devaluation year) and takes the market's
``b_M``. The fit also gives the initial output level and growth (:class:`TrendStart`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.analysis.calibrate.estimates import (
    SOURCE,
    ScenarioBuilder,
    normal_dist,
    quiet_fit,
    t_inflation,
    truncnormal_dist,
    years_text,
)
from kzforecast.analysis.calibrate.report import FitResult
from kzforecast.errors import KzForecastError

__all__ = ["MIN_AR_GROWTHS", "TrendStart", "calibrate_trend"]

MIN_AR_GROWTHS = 6
"""Fewest observed growth rates with which the trend model's AR term is estimated."""

PREFIX = "blocks.trend."
_NAMES = ("mu_q", "phi", "s_q", "b_q")


@dataclass(frozen=True)
class TrendStart:
    """The initial output level and log growth at ``as_of``, with where each came from."""

    level: float
    growth: float
    level_note: str
    growth_note: str


@dataclass(frozen=True)
class _OutputFit:
    """The ARIMA fit of log output and what the rest of the block needs from it."""

    res: FitResult
    warns: list[str]
    order: tuple[int, int, int]
    mu: float
    s_q: float
    obs_years: list[int]

    @property
    def ar(self) -> bool:
        """Whether the AR term was estimated."""
        return self.order[0] == 1


def calibrate_trend(
    b: ScenarioBuilder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: Mapping[int, str],
    b_m: float | None,
    *,
    required: bool,
) -> TrendStart | None:
    """Estimate the trend block from ``vehicle_output`` up to ``as_of``.

    Parameters
    ----------
    b : ScenarioBuilder
        Receives the estimates (or the baseline's priors when not ``required``
        and the data are too few).
    hist : DataFrame
        The wide history up to ``as_of``.
    as_of : int
        Last year of data.
    bounds : mapping
        The years whose output value is a bound (a gap in the fit; a floor or
        ceiling on the initial level when it is ``as_of``).
    b_m : float or None
        The market's ``b_M`` estimate, which ``b_q`` takes (None: baseline's).
    required : bool
        Whether the scenario's model is the trend model (too few data are then an error).

    Returns
    -------
    TrendStart or None
        The initial output level and growth, or None when the block stays the baseline's.

    Raises
    ------
    KzForecastError
        ``required`` and no ``vehicle_output`` column or fewer than 3 observed levels.
    """
    q = _output_levels(b, hist, as_of, bounds, required=required)
    if q is None:
        return None
    first = int(q.dropna().index.min())
    years = np.arange(first, as_of + 1)
    y = np.log(q.reindex(years).to_numpy(dtype=np.float64))
    fit = _fit(b, y, years)
    _derive_b_q(b, b_m)
    res = fit.res
    b.record_fit(
        "trend",
        res,
        method=f"ARIMA{fit.order} trend='t'",
        n=len(fit.obs_years),
        years=fit.obs_years,
        resid_sd=fit.s_q,
        warns=fit.warns,
        converged=bool(res.mle_retvals.get("converged", True)) if res.mle_retvals else True,
    )
    return _start(b, fit, y, years, as_of, bounds, hist["vehicle_output"], q)


def _output_levels(
    b: ScenarioBuilder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: Mapping[int, str],
    *,
    required: bool,
) -> pd.Series | None:
    """Positive output levels with bounds as gaps; None (priors kept) when too few."""
    if "vehicle_output" not in hist:
        if required:
            raise KzForecastError(
                "the history has no vehicle_output column",
                source=SOURCE,
                location="history",
                allowed="a wide history with a vehicle_output column (kzforecast.load_history())",
            )
        for nm in _NAMES:
            b.assume(PREFIX + nm, "no vehicle-output history (not used by model='structural')")
        return None
    q = hist["vehicle_output"].copy()
    q.loc[sorted(y for y in bounds if y in q.index)] = np.nan
    q = q[q > 0]
    observed = q.dropna()
    if len(observed) >= 3:
        return q
    avail = years_text(observed.index) or "none"
    bnd = years_text(y for y in bounds if y <= as_of) or "none"
    msg = (
        f"too few vehicle-output observations up to {as_of} for the trend model: "
        f"{len(observed)} (years {avail}; bounds, not used: {bnd}); it needs at least 3 "
        "observed levels"
    )
    if required:
        raise KzForecastError(
            msg,
            source=SOURCE,
            location="as_of",
            allowed="a later as_of (2018 or later with the shipped data), or model='structural'",
        )
    for nm in _NAMES:
        b.assume(PREFIX + nm, msg + " (not used by model='structural'): baseline prior")
    return None


def _fit(b: ScenarioBuilder, y: NDArray[np.float64], years: NDArray[np.int64]) -> _OutputFit:
    """Fit the ARIMA on log output ``y`` over ``years``; sets ``mu_q``, ``phi``, ``s_q``."""
    from statsmodels.tsa.arima.model import ARIMA

    first = int(years[0])
    obs_years = [int(t) for t in years[np.isfinite(y)]]
    n_growth = len(obs_years) - 1
    ar = n_growth >= MIN_AR_GROWTHS
    order = (1, 1, 0) if ar else (0, 1, 0)
    res, warns = quiet_fit(lambda: ARIMA(y, order=order, trend="t").fit())
    params = np.asarray(res.params, dtype=np.float64)
    cov = np.asarray(res.cov_params(), dtype=np.float64)
    names = list(res.model.param_names)
    i_mu, i_s2 = names.index("x1"), names.index("sigma2")
    mu = float(params[i_mu])
    sigma2 = float(params[i_s2])
    se_mu = float(math.sqrt(max(cov[i_mu, i_mu], 0.0)))
    nu = n_growth - (2 if ar else 1)
    infl = t_inflation(nu)
    gaps = [int(t) for t in years if not np.isfinite(y[t - first])]
    method = f"statsmodels ARIMA{order} with trend='t' (mean form: x1 = mu_q) on log output" + (
        f"; gaps {years_text(gaps)} (missing or bounds) bridged by the Kalman filter"
        if gaps
        else ""
    )
    n = len(obs_years)
    b.estimate(
        PREFIX + "mu_q",
        mu,
        normal_dist(mu, se_mu * infl),
        se=se_mu,
        sd=se_mu * infl,
        n=n,
        years=obs_years,
        method=method,
        nu=nu,
    )
    if ar:
        i_phi = names.index("ar.L1")
        phi = float(params[i_phi])
        se_phi = float(math.sqrt(max(cov[i_phi, i_phi], 0.0)))
        b.estimate(
            PREFIX + "phi",
            phi,
            truncnormal_dist(phi, se_phi * infl, -0.98, 0.98),
            se=se_phi,
            sd=se_phi * infl,
            n=n,
            years=obs_years,
            method=method,
            nu=nu,
            reason="distribution truncated to (-0.98, 0.98): a stationary AR term",
        )
        rho = cov[i_mu, i_phi] / math.sqrt(cov[i_mu, i_mu] * cov[i_phi, i_phi])
        b.correlate(PREFIX + "mu_q", PREFIX + "phi", float(rho))
    else:
        b.assume(
            PREFIX + "phi",
            f"only {n_growth} observed growth rates (< {MIN_AR_GROWTHS}): the AR term is not "
            "estimated; phi = 0 (random walk with drift), a documented prior",
            0.0,
        )
    s_q = math.sqrt(sigma2)
    b.estimate_volatility(
        PREFIX + "s_q",
        s_q,
        n=n,
        years=obs_years,
        nu=nu,
        source="sqrt(sigma2) of that fit (MLE) "
        "(cov_params' se of sigma2 is unstable on a handful of points)",
    )
    return _OutputFit(res, warns, order, mu, s_q, obs_years)


def _derive_b_q(b: ScenarioBuilder, b_m: float | None) -> None:
    """``b_q`` = the market's ``b_M`` (no output year is a devaluation year)."""
    if b_m is None:
        b.assume(PREFIX + "b_q", "no output year is a devaluation year and no market fit: baseline")
        return
    mrow = b.rows["blocks.market.b_M"]
    b.estimate(
        PREFIX + "b_q",
        b_m,
        truncnormal_dist(b_m, mrow.distribution_sd or mrow.se, 0.0),
        se=mrow.se,
        sd=mrow.distribution_sd,
        n=mrow.n,
        years=b.samples.get("market", ()),
        method="= market's b_M",
        status="derived",
        reason="no output observation falls in a devaluation year, so the output "
        "loss per jump cannot be estimated; output is taken to follow the market",
    )


def _start(
    b: ScenarioBuilder,
    fit: _OutputFit,
    y: NDArray[np.float64],
    years: NDArray[np.int64],
    as_of: int,
    bounds: Mapping[int, str],
    raw: pd.Series,
    q: pd.Series,
) -> TrendStart:
    """Initial level and growth: observed where they are, else E[log Q_T], E[dlog Q_T]
    given the data; a bound at ``as_of`` is a floor (ceiling) on the level."""
    first = int(years[0])
    mu, obs_years = fit.mu, fit.obs_years
    state = np.asarray(fit.res.smoothed_state, dtype=np.float64)[:, -1]
    t_last = len(years)
    e_level = float(state[0] + state[1] + mu * t_last) if fit.ar else float("nan")
    e_growth = float(mu + state[1]) if fit.ar else float("nan")
    if not fit.ar:
        # random walk with drift: the gap before the last level is spread evenly
        prev = obs_years[-2] if np.isfinite(y[-1]) else obs_years[-1]
        y_prev = float(y[prev - first])
        gap = as_of - prev
        if np.isfinite(y[-1]):
            e_level = float(y[-1])
            e_growth = (e_level - y_prev) / gap
        else:
            e_level = y_prev + mu * gap
            e_growth = mu
    level_note = growth_note = ""
    if np.isfinite(y[-1]):
        level = float(y[-1])
        level_note = f"history vehicle_output {as_of}"
    else:
        level = e_level
        level_note = f"Kalman estimate of the {as_of} level (no exact value)"
    if np.isfinite(y[-1]) and len(y) >= 2 and np.isfinite(y[-2]):
        growth = float(y[-1] - y[-2])
        growth_note = f"history {as_of - 1}-{as_of}"
    else:
        growth = e_growth + (level - e_level)
        growth_note = f"Kalman estimate of the {as_of} growth (a neighbouring year is a gap)"
    qual = bounds.get(as_of)
    if qual is not None and as_of in raw.index and pd.notna(raw[as_of]):
        bval = math.log(float(raw[as_of]))
        new = max(level, bval) if qual == "lower_bound" else min(level, bval)
        if new != level:
            growth += new - level
            level = new
            level_note += f"; raised to the {as_of} {qual.replace('_', ' ')}"
        b.notes.append(
            f"vehicle_output {as_of} is a {qual.replace('_', ' ')}: initial level "
            f"respects it ({math.exp(level):,.0f})"
        )
    value = float(q[as_of]) if np.isfinite(y[-1]) and level == y[-1] else math.exp(level)
    return TrendStart(value, growth, level_note, growth_note)
