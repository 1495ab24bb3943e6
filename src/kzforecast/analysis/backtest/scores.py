r"""Proper scores of a predictive distribution against one outcome: CRPS and PIT.

The sample versions score an ensemble (the model's Monte Carlo paths); the
closed forms score a normal or log-normal forecast (the naive benchmark).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kzforecast.errors import ArgumentError

__all__ = [
    "LEVELS",
    "central_interval",
    "crps_lognormal",
    "crps_normal",
    "crps_sample",
    "pit_sample",
]

LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9)
"""Nominal coverage of the central intervals scored."""


def crps_sample(samples: ArrayLike, y: float) -> float:
    r"""Fair (unbiased) sample CRPS of an ensemble ``samples`` for the outcome ``y``.

    .. math::

        \mathrm{CRPS} = \frac1m \sum_i |X_i - y|
            - \frac{1}{2 m (m - 1)} \sum_{i, j} |X_i - X_j|

    computed in O(m log m): with the sample sorted, ``sum_{i,j} |X_i - X_j| =
    2 sum_k (2k - m - 1) X_(k)``.

    Parameters
    ----------
    samples : array_like
        The ensemble (at least 2 values; flattened).
    y : float
        The outcome.

    Returns
    -------
    float
        The CRPS, in the units of ``y`` (lower is better).

    Raises
    ------
    ValueError
        With fewer than 2 samples.

    Examples
    --------
    >>> crps_sample([0.0, 1.0], 0.0)
    0.0
    """
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    m = x.size
    if m < 2:
        raise ArgumentError("crps_sample needs at least 2 samples")
    first = float(np.mean(np.abs(x - y)))
    k = np.arange(1, m + 1, dtype=np.float64)
    pair_sum = 2.0 * float(np.sum((2.0 * k - m - 1.0) * x))
    return first - pair_sum / (2.0 * m * (m - 1.0))


def crps_normal(mu: float, sigma: float, y: float) -> float:
    r"""CRPS of N(mu, sigma^2) for ``y``: sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)].

    Parameters
    ----------
    mu, sigma : float
        Mean and standard deviation; ``sigma <= 0`` is a point forecast at ``mu``
        (the CRPS is then the absolute error).
    y : float
        The outcome.

    Returns
    -------
    float
        The CRPS, in the units of ``y``.

    Examples
    --------
    >>> round(crps_normal(0.0, 1.0, 0.0), 4)
    0.2337
    """
    if sigma <= 0:
        return abs(y - mu)
    from scipy import stats  # lazily: importing scipy.stats is slow

    z = (y - mu) / sigma
    return float(
        sigma
        * (z * (2.0 * special.ndtr(z) - 1.0) + 2.0 * stats.norm.pdf(z) - 1.0 / math.sqrt(math.pi))
    )


def crps_lognormal(mu: float, sigma: float, y: float) -> float:
    r"""CRPS of a log-normal (``log X ~ N(mu, sigma^2)``) for ``y > 0``.

    .. math::

        y (2\Phi(w) - 1) - 2 e^{\mu + \sigma^2/2}
        \left[\Phi(w - \sigma) + \Phi(\sigma/\sqrt2) - 1\right],
        \quad w = (\log y - \mu)/\sigma

    (Baran and Lerch 2015).

    Parameters
    ----------
    mu, sigma : float
        Mean and standard deviation of ``log X``; ``sigma <= 0`` is a point
        forecast at ``exp(mu)``.
    y : float
        The outcome (> 0).

    Returns
    -------
    float
        The CRPS, in the units of ``y``.

    Examples
    --------
    >>> crps_lognormal(0.0, 0.0, 3.0)
    2.0
    """
    if sigma <= 0:
        return abs(y - math.exp(mu))
    w = (math.log(y) - mu) / sigma
    return float(
        y * (2.0 * special.ndtr(w) - 1.0)
        - 2.0
        * math.exp(mu + 0.5 * sigma**2)
        * (special.ndtr(w - sigma) + special.ndtr(sigma / math.sqrt(2.0)) - 1.0)
    )


def pit_sample(samples: ArrayLike, y: float) -> float:
    """PIT of ``y`` under an ensemble: share of samples below ``y`` (ties count half).

    Parameters
    ----------
    samples : array_like
        The ensemble (flattened).
    y : float
        The outcome.

    Returns
    -------
    float
        The probability integral transform, in [0, 1].

    Examples
    --------
    >>> pit_sample([1.0, 2.0, 3.0, 4.0], 2.0)
    0.375
    """
    x = np.asarray(samples, dtype=np.float64).ravel()
    return float((np.sum(x < y) + 0.5 * np.sum(x == y)) / x.size)


def central_interval(level: float) -> tuple[float, float]:
    """The probabilities bounding the central interval of coverage ``level``.

    Examples
    --------
    >>> central_interval(0.5)
    (0.25, 0.75)
    """
    return (1.0 - level) / 2.0, (1.0 + level) / 2.0
