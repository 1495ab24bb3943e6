"""Domestic-share block: ``k_S``, ``s_S`` by GLS of the logit change on the years it spans.

The share is a random walk with drift in logits observed with gaps: a change over
``g`` years has mean ``g k_S`` and variance ``g s_S^2``, fitted as OLS of
``d / sqrt(g)`` on ``sqrt(g)``. Bounds are gaps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.analysis.calibrate.estimates import (
    ScenarioBuilder,
    normal_dist,
    quiet_fit,
    t_inflation,
)

__all__ = ["calibrate_domestic_share"]

PREFIX = "blocks.domestic_share."
_METHOD = (
    "GLS of the logit change on the years it spans (random walk with drift with gaps), "
    "as OLS of d/sqrt(g) on sqrt(g)"
)


def calibrate_domestic_share(
    b: ScenarioBuilder, hist: pd.DataFrame, bounds: Mapping[int, str]
) -> None:
    """Estimate the domestic-share block from ``domestic_share_of_sales``.

    Parameters
    ----------
    b : ScenarioBuilder
        Receives the estimates (or the baseline's priors when the data are too few).
    hist : DataFrame
        The wide history up to ``as_of``.
    bounds : mapping
        The years whose share is a bound (a gap here).
    """
    share = hist["domestic_share_of_sales"].copy() if "domestic_share_of_sales" in hist else None
    if share is None:
        b.assume(PREFIX + "k_S", "no domestic-share history: baseline prior")
        b.assume(PREFIX + "s_S", "no domestic-share history: baseline prior")
        return
    share.loc[sorted(bounds)] = np.nan
    share = share.dropna()
    share = share[(share > 0) & (share < 1)]
    if len(share) < 2:
        b.assume(PREFIX + "k_S", f"fewer than 2 share observations ({len(share)}): baseline prior")
        b.assume(PREFIX + "s_S", "fewer than 2 share observations: baseline prior")
        return
    yrs = share.index.to_numpy(dtype=np.int64)
    lg = np.log(share.to_numpy() / (1.0 - share.to_numpy()))
    gaps = np.diff(yrs).astype(float)
    d = np.diff(lg)
    if len(d) >= 2:
        _fit_random_walk(b, d, gaps, yrs)
    else:
        _one_change(b, float(d.sum() / gaps.sum()), yrs)
    b.samples["domestic_share"] = tuple(int(y) for y in yrs)


def _fit_random_walk(
    b: ScenarioBuilder,
    d: NDArray[np.float64],
    gaps: NDArray[np.float64],
    yrs: NDArray[np.int64],
) -> None:
    """``k_S`` and ``s_S`` from two or more logit changes."""
    import statsmodels.api as sm

    res, warns = quiet_fit(lambda: sm.OLS(d / np.sqrt(gaps), np.sqrt(gaps)).fit())
    k = float(res.params[0])
    s = float(np.sqrt(res.scale))
    se = float(res.bse[0])
    nu = len(d) - 1
    infl = t_inflation(nu)
    b.estimate(
        PREFIX + "k_S",
        k,
        normal_dist(k, se * infl),
        se=se,
        sd=se * infl,
        n=len(yrs),
        years=yrs,
        method=_METHOD,
        nu=nu,
        reason="the drift averages every period in the sample, catch-up years included",
    )
    b.estimate_volatility(
        PREFIX + "s_S",
        s,
        n=len(yrs),
        years=yrs,
        nu=nu,
        source="residual sd of that GLS",
    )
    b.record_fit(
        "domestic_share",
        res,
        method="GLS dlogit ~ gap",
        n=len(yrs),
        years=yrs,
        resid_sd=s,
        warns=warns,
        sample=False,
    )


def _one_change(b: ScenarioBuilder, k: float, yrs: NDArray[np.int64]) -> None:
    """``k_S`` from a single logit change (its se from the baseline's ``s_S``)."""
    total = float(yrs[-1] - yrs[0])
    s = float(b.base.blocks.domestic_share.s_S.quantile(0.5))
    se = s / math.sqrt(total)
    b.estimate(
        PREFIX + "k_S",
        k,
        normal_dist(k, 2.0 * se),
        se=se,
        sd=2.0 * se,
        n=2,
        years=yrs,
        method="logit change over the one interval / its years; se from baseline's "
        "s_S (one change cannot give a volatility), inflated 2x",
    )
    b.assume(PREFIX + "s_S", "one logit change only: baseline prior")
