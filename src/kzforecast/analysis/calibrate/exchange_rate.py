"""Exchange-rate block: the USD/KZT drift and volatility, devaluations, the rouble rate.

* ``mu_z``, ``s_z``: OLS on a constant of the annual log changes of USD/KZT without
  the devaluation years (and without the year after a devaluation dated in the
  second half of a year, whose annual average still carries it).
* ``p_dev``: devaluation years / years of exchange-rate history, as Beta(k, n - k).
* ``jump_mean``, ``jump_sd``: mean and sd of the excess of the devaluation years'
  log change over ``mu_z`` (summed with the echo year).
* ``b_r``, ``mu_r``, ``s_r``: OLS of the RUB/KZT log change on the USD/KZT log
  change, all years.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.analysis.calibrate.estimates import (
    ScenarioBuilder,
    log_changes,
    normal_dist,
    quiet_fit,
    t_inflation,
    truncnormal_dist,
    years_text,
)

__all__ = ["calibrate_exchange_rate"]

PREFIX = "blocks.exchange_rate."
_NAMES = ("mu_z", "s_z", "p_dev", "jump_mean", "jump_sd", "b_r", "mu_r", "s_r")


def calibrate_exchange_rate(
    b: ScenarioBuilder, hist: pd.DataFrame, as_of: int, events: list[tuple[int, int]]
) -> None:
    """Estimate the exchange-rate block from ``usd_kzt`` and ``rub_kzt`` up to ``as_of``.

    Parameters
    ----------
    b : ScenarioBuilder
        Receives the estimates (or the baseline's priors when the data are too few).
    hist : DataFrame
        The wide history up to ``as_of``.
    as_of : int
        Last year of data.
    events : list of (year, month)
        Devaluations up to ``as_of``.
    """
    fx = hist["usd_kzt"].dropna() if "usd_kzt" in hist else pd.Series(dtype=float)
    years, dz = log_changes(fx)
    if len(dz) < 4:
        for nm in _NAMES:
            b.assume(PREFIX + nm, "fewer than 4 annual USD/KZT changes up to as_of: baseline prior")
        return
    first = int(fx.index.min())
    dev_years = {y for y, _ in events if first <= y <= as_of}
    echo = {y + 1 for y, m in events if m >= 7 and first <= y and y + 1 <= as_of}
    dz_s = pd.Series(dz, index=years)
    calm = dz_s[~dz_s.index.isin(sorted(dev_years | echo))]
    if len(calm) < 3:
        for nm in _NAMES:
            b.assume(PREFIX + nm, "fewer than 3 calm (non-devaluation) years: baseline prior")
        return
    excluded = sorted((dev_years | echo) & set(years.tolist()))
    mu_z = _calm_drift(b, calm, excluded)
    _devaluations(b, dz_s, mu_z, first, as_of, dev_years, echo)
    _rouble(b, hist, years, dz_s)


def _calm_drift(b: ScenarioBuilder, calm: pd.Series, excluded: list[int]) -> float:
    """``mu_z`` and ``s_z`` from the calm years' log changes; returns ``mu_z``."""
    import statsmodels.api as sm

    res, warns = quiet_fit(lambda: sm.OLS(calm.to_numpy(), np.ones(len(calm))).fit())
    n = len(calm)
    nu = n - 1
    mu_z = float(res.params[0])
    se = float(res.bse[0])
    s_z = float(np.sqrt(res.scale))
    infl = t_inflation(nu)
    method = f"OLS of dz on a constant, devaluation years {years_text(excluded)} excluded"
    b.estimate(
        PREFIX + "mu_z",
        mu_z,
        normal_dist(mu_z, se * infl),
        se=se,
        sd=se * infl,
        n=n,
        years=calm.index,
        method=method,
        nu=nu,
    )
    b.estimate_volatility(
        PREFIX + "s_z",
        s_z,
        n=n,
        years=calm.index,
        nu=nu,
        source="residual sd of that OLS",
    )
    b.record_fit(
        "exchange_rate",
        res,
        method="OLS dz ~ 1 (calm years)",
        n=n,
        years=calm.index,
        resid_sd=s_z,
        warns=warns,
    )
    return mu_z


def _devaluations(
    b: ScenarioBuilder,
    dz_s: pd.Series,
    mu_z: float,
    first: int,
    as_of: int,
    dev_years: set[int],
    echo: set[int],
) -> None:
    """``p_dev`` from the count of devaluation years, then the jump size."""
    n_years = as_of - first + 1
    k = len(dev_years)
    span = f"{first}-{as_of}"
    if k == 0:
        b.estimate(
            PREFIX + "p_dev",
            0.0,
            0.0,
            se=0.0,
            sd=0.0,
            n=n_years,
            years=range(first, as_of + 1),
            method=f"no devaluation in {span}: jumps switched off",
        )
        b.assume(PREFIX + "jump_mean", "no devaluation in the sample: no jump size", 0.0)
        b.assume(PREFIX + "jump_sd", "no devaluation in the sample: no jump size", 0.0)
        return
    p = k / n_years
    b.estimate(
        PREFIX + "p_dev",
        p,
        {"dist": "beta", "a": float(k), "b": float(n_years - k)},
        se=math.sqrt(p * (1 - p) / n_years),
        sd=math.sqrt(p * (1 - p) / (n_years + 1)),
        n=n_years,
        years=range(first, as_of + 1),
        method=f"{k} devaluation years ({years_text(dev_years)}) in {n_years} "
        f"years {span}: Beta({k}, {n_years - k})",
    )
    jumps = []
    for y in sorted(dev_years):
        excess = float(dz_s.get(y, np.nan)) - mu_z
        if y + 1 in echo and (y + 1) in dz_s.index:
            excess += float(dz_s[y + 1]) - mu_z
        if math.isfinite(excess):
            jumps.append(excess)
    if not jumps:
        b.assume(PREFIX + "jump_mean", "no USD/KZT change observed in a devaluation year")
        b.assume(PREFIX + "jump_sd", "no USD/KZT change observed in a devaluation year")
    else:
        _jump_size(b, jumps, sorted(dev_years))


def _jump_size(b: ScenarioBuilder, jumps: list[float], dev_years: list[int]) -> None:
    """``jump_mean`` and ``jump_sd`` from the devaluation years' excess log changes."""
    jm = float(np.mean(jumps))
    jm_text = (
        "mean excess of dz over mu_z in devaluation years (a devaluation after June "
        "also counts the next year's excess)"
    )
    if len(jumps) >= 2:
        js = float(np.std(jumps, ddof=1))
        jse = js / math.sqrt(len(jumps))
        jinf = t_inflation(len(jumps) - 1)
        b.estimate(
            PREFIX + "jump_mean",
            jm,
            truncnormal_dist(jm, jse * jinf, 0.0),
            se=jse,
            sd=jse * jinf,
            n=len(jumps),
            years=dev_years,
            method=jm_text,
            nu=len(jumps) - 1,
        )
        b.estimate(
            PREFIX + "jump_sd",
            js,
            js,
            se=math.nan,
            sd=0.0,
            n=len(jumps),
            years=dev_years,
            method="sd of those excesses (fixed)",
        )
    else:
        base_sd = float(b.base.blocks.exchange_rate.jump_sd.mean())
        b.estimate(
            PREFIX + "jump_mean",
            jm,
            truncnormal_dist(jm, base_sd, 0.0),
            se=base_sd,
            sd=base_sd,
            n=1,
            years=dev_years,
            method=jm_text + "; one jump: se = baseline's jump_sd",
        )
        b.assume(PREFIX + "jump_sd", "one devaluation only: baseline's jump sd")


def _rouble(
    b: ScenarioBuilder, hist: pd.DataFrame, years: NDArray[np.int64], dz_s: pd.Series
) -> None:
    """``b_r``, ``mu_r``, ``s_r``: OLS of the RUB/KZT log change on the USD/KZT one."""
    import statsmodels.api as sm

    rub = hist["rub_kzt"].dropna() if "rub_kzt" in hist else pd.Series(dtype=float)
    ry, dr = log_changes(rub)
    both = sorted(set(ry.tolist()) & set(years.tolist()))
    if len(both) < 5:
        for nm in ("b_r", "mu_r", "s_r"):
            b.assume(PREFIX + nm, "fewer than 5 years with both rates: baseline prior")
        return
    drs = pd.Series(dr, index=ry).loc[both].to_numpy()
    dzs = dz_s.loc[both].to_numpy()
    X = np.column_stack([np.ones(len(both)), dzs])
    r2, warns = quiet_fit(lambda: sm.OLS(drs, X).fit())
    n2 = len(both)
    nu2 = n2 - 2
    inf2 = t_inflation(nu2)
    m = "OLS of dr on a constant and dz, all years (b_r also carries the jumps)"
    b.estimate(
        PREFIX + "b_r",
        float(r2.params[1]),
        normal_dist(r2.params[1], r2.bse[1] * inf2),
        se=float(r2.bse[1]),
        sd=float(r2.bse[1]) * inf2,
        n=n2,
        years=both,
        method=m,
        nu=nu2,
    )
    b.estimate(
        PREFIX + "mu_r",
        float(r2.params[0]),
        normal_dist(r2.params[0], r2.bse[0] * inf2),
        se=float(r2.bse[0]),
        sd=float(r2.bse[0]) * inf2,
        n=n2,
        years=both,
        method=m,
        nu=nu2,
    )
    s_r = float(np.sqrt(r2.scale))
    b.estimate_volatility(
        PREFIX + "s_r",
        s_r,
        n=n2,
        years=both,
        nu=nu2,
        source="residual sd of that OLS",
    )
    b.correlate_estimates(PREFIX + "mu_r", PREFIX + "b_r", r2)
    b.record_fit(
        "rouble",
        r2,
        method="OLS dr ~ 1 + dz",
        n=n2,
        years=both,
        resid_sd=s_r,
        warns=warns,
        r2=float(r2.rsquared),
    )
