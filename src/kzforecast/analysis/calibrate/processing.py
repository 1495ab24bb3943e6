"""Processing block: ``g_P``, ``s_P`` by OLS on a constant of ``log(1 + real growth)``.

Processing exports and investment (``g_E, s_E, g_I, s_I``) and the state share of
investment (``theta``) stay the baseline's: the data hold a few scattered years of
the first two and nothing of the third.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzforecast.analysis.calibrate.estimates import (
    ScenarioBuilder,
    normal_dist,
    quiet_fit,
    t_inflation,
)

__all__ = ["calibrate_processing"]

PREFIX = "blocks.processing."


def calibrate_processing(b: ScenarioBuilder, hist: pd.DataFrame) -> None:
    """Estimate the processing block's growth from ``processing_real_growth``.

    Parameters
    ----------
    b : ScenarioBuilder
        Receives the estimates and the assumptions (with their reasons).
    hist : DataFrame
        The wide history up to ``as_of``.
    """
    g = hist["processing_real_growth"].dropna() if "processing_real_growth" in hist else None
    if g is None or len(g) < 4:
        b.assume(PREFIX + "g_P", "fewer than 4 years of real growth: baseline prior")
        b.assume(PREFIX + "s_P", "fewer than 4 years of real growth: baseline prior")
    else:
        _fit_growth(b, g)
    why = (
        "no annual series long enough (processing exports and investment have a few scattered "
        "years): baseline's estimate, which uses data up to 2023 (not ex ante for earlier as_of)"
    )
    for nm in ("g_E", "s_E", "g_I", "s_I"):
        b.assume(PREFIX + nm, why)
    b.assume(PREFIX + "theta", "the state share of manufacturing investment is not in the data")


def _fit_growth(b: ScenarioBuilder, g: pd.Series) -> None:
    import statsmodels.api as sm

    y = np.log1p(g.to_numpy(dtype=np.float64))
    res, warns = quiet_fit(lambda: sm.OLS(y, np.ones(len(y))).fit())
    n = len(y)
    nu = n - 1
    infl = t_inflation(nu)
    gp, se = float(res.params[0]), float(res.bse[0])
    b.estimate(
        PREFIX + "g_P",
        gp,
        normal_dist(gp, se * infl),
        se=se,
        sd=se * infl,
        n=n,
        years=g.index,
        method="OLS of log(1 + real growth) on a constant",
        nu=nu,
    )
    s = float(np.sqrt(res.scale))
    b.estimate_volatility(
        PREFIX + "s_P",
        s,
        n=n,
        years=g.index,
        nu=nu,
        source="residual sd",
    )
    b.record_fit(
        "processing",
        res,
        method="OLS log(1+g) ~ 1",
        n=n,
        years=g.index,
        resid_sd=s,
        warns=warns,
    )
