"""The naive benchmark: a random walk with drift in logs, fitted to the data of a vintage."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["NaiveForecast", "fit_naive"]


@dataclass(frozen=True)
class NaiveForecast:
    """A fitted random walk with drift in logs.

    Attributes
    ----------
    last_year, last_log : int, float
        The last observed year and its log level (the forecast's origin).
    drift, sigma : float
        Drift and innovation sd of the log level per year.
    span : int
        Years between the first and the last observation (the drift's
        estimation span, which sets its standard error).
    """

    last_year: int
    last_log: float
    drift: float
    sigma: float
    span: int

    def predictive(self, year: int) -> tuple[float, float]:
        """Mean and sd of log output in ``year`` (drift uncertainty included).

        Parameters
        ----------
        year : int
            A year after :attr:`last_year`.

        Returns
        -------
        tuple of float
            ``(mu, sd)`` of the normal predictive distribution of the log level.
        """
        h = year - self.last_year
        var = h * self.sigma**2 + (h**2) * self.sigma**2 / self.span
        return self.last_log + h * self.drift, math.sqrt(var)


def fit_naive(series: pd.Series) -> NaiveForecast | None:
    """Random walk with drift in logs from observations with gaps (GLS = endpoints).

    Parameters
    ----------
    series : pandas.Series
        Levels indexed by year; NaN and non-positive values are dropped.

    Returns
    -------
    NaiveForecast or None
        None with fewer than 3 positive observations.

    Examples
    --------
    >>> s = pd.Series([100.0, 110.0, 121.0, 133.1], index=[2000, 2001, 2002, 2003])
    >>> f = fit_naive(s)
    >>> round(f.drift, 4), round(f.sigma, 4)
    (0.0953, 0.0)
    """
    s = series.dropna()
    s = s[s > 0]
    if len(s) < 3:
        return None
    years = s.index.to_numpy(dtype=np.int64)
    y = np.log(s.to_numpy(dtype=np.float64))
    g = np.diff(years).astype(float)
    d = np.diff(y)
    span = float(years[-1] - years[0])
    drift = float(d.sum() / span)
    sigma2 = float(np.sum((d - g * drift) ** 2 / g) / (len(d) - 1))
    return NaiveForecast(int(years[-1]), float(y[-1]), drift, math.sqrt(sigma2), int(span))
