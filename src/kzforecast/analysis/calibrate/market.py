"""Market block: ``mu_M``, ``b_M``, ``s_M`` by OLS of the log change of new-vehicle sales
on a constant and ``-dz`` (consecutive years only; bounds are gaps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

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
)

__all__ = ["calibrate_market"]

FloatArray: TypeAlias = NDArray[np.float64]
PREFIX = "blocks.market."


def calibrate_market(
    b: ScenarioBuilder, hist: pd.DataFrame, bounds: Mapping[int, str]
) -> float | None:
    """Estimate the market block from ``new_vehicle_sales`` and ``usd_kzt``.

    Parameters
    ----------
    b : ScenarioBuilder
        Receives the estimates (or the baseline's priors when the data are too few).
    hist : DataFrame
        The wide history up to ``as_of``.
    bounds : mapping
        The years whose sales value is a bound (a gap here).

    Returns
    -------
    float or None
        The ``b_M`` estimate, or None when it stays the baseline's.
    """
    sample = _sample(b, hist, bounds)
    if sample is None:
        return None
    both, y, X = sample
    return _fit(b, both, y, X)


def _sample(
    b: ScenarioBuilder, hist: pd.DataFrame, bounds: Mapping[int, str]
) -> tuple[list[int], FloatArray, FloatArray] | None:
    """The years with both growth rates, ``dlog(sales)`` and ``[1, -dz]``; None (priors
    kept) when there are fewer than 5."""
    sales = hist["new_vehicle_sales"].copy() if "new_vehicle_sales" in hist else None
    fx = hist.get("usd_kzt")
    if sales is None or fx is None:
        for nm in ("mu_M", "b_M", "s_M"):
            b.assume(PREFIX + nm, "no sales or exchange-rate history: baseline prior")
        return None
    sales.loc[sorted(bounds)] = np.nan
    sy, dm = log_changes(sales)
    zy, dz = log_changes(fx)
    both = sorted(set(sy.tolist()) & set(zy.tolist()))
    if len(both) < 5:
        for nm in ("mu_M", "b_M", "s_M"):
            b.assume(
                PREFIX + nm, f"fewer than 5 years of sales growth ({len(both)}): baseline prior"
            )
        return None
    y = np.asarray(pd.Series(dm, index=sy).loc[both].to_numpy(), dtype=np.float64)
    x = -pd.Series(dz, index=zy).loc[both].to_numpy()
    X = np.asarray(np.column_stack([np.ones(len(both)), x]), dtype=np.float64)
    return both, y, X


def _fit(b: ScenarioBuilder, both: list[int], y: FloatArray, X: FloatArray) -> float:
    """``mu_M``, ``b_M``, ``s_M`` by OLS; returns ``b_M``."""
    import statsmodels.api as sm

    res, warns = quiet_fit(lambda: sm.OLS(y, X).fit())
    n = len(both)
    nu = n - 2
    infl = t_inflation(nu)
    m = "OLS of dlog(sales) on a constant and -dz"
    mu, bm = float(res.params[0]), float(res.params[1])
    se_mu, se_b = float(res.bse[0]), float(res.bse[1])
    b.estimate(
        PREFIX + "mu_M",
        mu,
        normal_dist(mu, se_mu * infl),
        se=se_mu,
        sd=se_mu * infl,
        n=n,
        years=both,
        method=m,
        nu=nu,
    )
    b.estimate(
        PREFIX + "b_M",
        bm,
        truncnormal_dist(bm, se_b * infl, 0.0),
        se=se_b,
        sd=se_b * infl,
        n=n,
        years=both,
        method=m,
        nu=nu,
        reason="distribution truncated at 0 (a devaluation does not raise sales): "
        "a sign restriction, as in baseline",
    )
    s = float(np.sqrt(res.scale))
    b.estimate_volatility(
        PREFIX + "s_M",
        s,
        n=n,
        years=both,
        nu=nu,
        source="residual sd of that OLS",
    )
    b.correlate_estimates(PREFIX + "mu_M", PREFIX + "b_M", res)
    b.record_fit(
        "market",
        res,
        method="OLS dlogM ~ 1 + (-dz)",
        n=n,
        years=both,
        resid_sd=s,
        warns=warns,
        r2=float(res.rsquared),
    )
    return bm
