"""The cap on log-levels that keeps every simulated value finite."""

from __future__ import annotations

import numpy as np

from kzforecast.model.params import Arr

__all__ = ["LOG_CAP", "cap_log"]

LOG_CAP = 300.0
"""Log-levels are capped here (e^300 is about 2e130, so squares and sums of squares
stay finite too): every value stays finite even for extreme volatilities or
horizons; realistic scenarios never come near it."""


def cap_log(log_level: Arr) -> Arr:
    """Cap a log-level at :data:`LOG_CAP` in place.

    Parameters
    ----------
    log_level : ndarray
        Log-levels of all paths; changed in place.

    Returns
    -------
    ndarray
        ``log_level`` itself, capped.

    Notes
    -----
    A reduction first: the cap almost never binds, and NumPy's minimum against a scalar is
    several times slower than a max.
    """
    if log_level.max() > LOG_CAP:
        np.minimum(log_level, LOG_CAP, out=log_level)
    return log_level
