"""The Saltelli design and the Saltelli/Jansen estimators, with bootstrap intervals.

Shared by :func:`~kzforecast.analysis.sensitivity.sobol_indices` (a user's
function) and :func:`~kzforecast.analysis.sensitivity.model_sobol_indices`
(the model): the argument checks, the matrices ``A`` and ``B`` of uniforms
from one scrambled Sobol sequence, the estimates of ``S1`` (Saltelli 2010,
table 2 (b)) and ``ST`` (Jansen 1999, (f)) and the table with percentile
bootstrap intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import qmc

from kzforecast.errors import ArgumentError, ArgumentTypeError

__all__ = [
    "STREAM_KEY",
    "Arr",
    "InputDistribution",
    "check_bootstrap",
    "check_n",
    "check_variance",
    "indices_table",
    "inverse_cdf",
    "is_power_of_two",
    "power_of_two_warning",
    "unit_samples",
]

Arr = NDArray[np.float64]

STREAM_KEY = 0x53454E53
"""First spawn-key word ("SENS") of the sensitivity streams (no grid block index is this large):
``(STREAM_KEY, 0)`` scrambles the Sobol sequence, ``(STREAM_KEY, 1)`` drives the bootstrap."""

_U_EPS = 1e-12
_BOOT_CELLS = 2_000_000  # bootstrap resamples x rows counted at once (memory bound)


class InputDistribution(Protocol):
    """An input's distribution: anything with an element-wise inverse CDF ``ppf(u)``."""

    def ppf(self, u: Arr, /) -> ArrayLike:  # pragma: no cover - protocol
        """The quantiles at the probabilities ``u``."""
        ...


def check_n(n: object) -> int:
    """The base sample size as an int; ``TypeError``/``ValueError`` unless an integer >= 2."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ArgumentTypeError(f"n must be an integer >= 2, got {n!r}")
    if n < 2:
        raise ArgumentError(f"n must be >= 2 (base samples), got {n}")
    return int(n)


def is_power_of_two(n: int) -> bool:
    """Whether ``n`` (>= 1) is a power of 2."""
    return n & (n - 1) == 0


def power_of_two_warning(n: int) -> str:
    """The message of the ``UserWarning`` for a base sample size that is not a power of 2."""
    lo = 1 << (n.bit_length() - 1)
    return (
        f"n = {n} is not a power of 2: the Sobol sequence loses its balance properties and "
        f"the indices converge more slowly; use n = {lo} or {2 * lo}"
    )


def check_bootstrap(bootstrap: object, confidence: float) -> tuple[int, float]:
    """``(bootstrap, confidence)`` checked: an integer >= 0 and a level in (0, 1)."""
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ArgumentError(
            f"bootstrap must be an integer >= 0 (0: no intervals), got {bootstrap!r}"
        )
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ArgumentError(f"confidence must lie in (0, 1), got {confidence!r}")
    return int(bootstrap), c


def unit_samples(n: int, dim: int, gen: np.random.Generator) -> tuple[Arr, Arr]:
    """Matrices A and B of uniforms (n, dim) from one scrambled Sobol sequence of 2*dim."""
    eng = qmc.Sobol(2 * dim, scramble=True, seed=gen)
    if is_power_of_two(n):
        u = eng.random_base2(n.bit_length() - 1)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the caller's own warning was issued
            u = eng.random(n)
    u = np.clip(u, _U_EPS, 1.0 - _U_EPS)
    return np.ascontiguousarray(u[:, :dim]), np.ascontiguousarray(u[:, dim:])


def inverse_cdf(name: str, dist: InputDistribution, u: Arr) -> Arr:
    """``dist.ppf(u)`` as float64, checked: same shape as ``u`` and finite."""
    x = np.asarray(dist.ppf(u), dtype=np.float64)
    if x.shape != u.shape:
        raise ArgumentError(f"input {name!r}: ppf returned shape {x.shape} for {u.shape} uniforms")
    if not np.all(np.isfinite(x)):
        raise ArgumentError(
            f"input {name!r}: ppf returned non-finite values; an unbounded distribution must "
            "map (0, 1) to finite numbers"
        )
    return x


def check_variance(fa: Arr, fb: Arr, what: str, over: str = "all sampled inputs") -> None:
    """Raise ``ValueError`` if the outputs of A and B together are constant."""
    both = np.concatenate([fa, fb])
    if not np.ptp(both) > 0:
        raise ArgumentError(
            f"{what} is constant ({both[0]:g}) over {over}: its variance is 0 and "
            "variance-based indices are undefined"
        )


def _estimates(fa: Arr, fb: Arr, fab: Arr) -> tuple[Arr, Arr, Arr]:
    """S1 (Saltelli 2010) and ST (Jansen) on the last axis; leading axes are resamples.

    ``fa``, ``fb``: (..., n); ``fab``: (k, ..., n). Returns S1, ST of shape
    (..., k) and the variance (...,).
    """
    both = np.concatenate([fa, fb], axis=-1)
    mu = both.mean(axis=-1, keepdims=True)
    var = both.var(axis=-1)
    fbc = fb - mu
    k = fab.shape[0]
    s1 = np.empty((*fa.shape[:-1], k))
    st = np.empty((*fa.shape[:-1], k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(k):
            diff = fab[i] - fa
            s1[..., i] = np.mean(fbc * diff, axis=-1) / var
            st[..., i] = 0.5 * np.mean(diff * diff, axis=-1) / var
    return s1, st, var


def _bootstrap_estimates(cols: Arr, idx: NDArray[np.int64], k: int) -> tuple[Arr, Arr]:
    """S1 and ST of the resamples ``idx`` (m, n) from the row sums ``cols`` (n, 2 + 3k)."""
    m, n = idx.shape
    flat = (idx + (np.arange(m, dtype=np.int64) * n)[:, None]).ravel()
    counts = np.bincount(flat, minlength=m * n).reshape(m, n).astype(np.float64)
    sums = counts @ cols  # (m, 2 + 3k)
    mu = sums[:, 0] / (2 * n)
    var = sums[:, 1] / (2 * n) - mu * mu
    fb_diff, diff, diff2 = sums[:, 2 : 2 + k], sums[:, 2 + k : 2 + 2 * k], sums[:, 2 + 2 * k :]
    with np.errstate(divide="ignore", invalid="ignore"):
        # sum (fb - mu) (fab - fa) = sum fb (fab - fa) - mu sum (fab - fa)
        s1 = (fb_diff - mu[:, None] * diff) / n / var[:, None]
        st = 0.5 * diff2 / n / var[:, None]
    return s1, st


def _bootstrap_intervals(
    fa: Arr, fb: Arr, fab: Arr, bootstrap: int, confidence: float, gen: np.random.Generator
) -> tuple[Arr, Arr, Arr, Arr]:
    """Percentile bootstrap bounds ``(S1_low, S1_high, ST_low, ST_high)`` over the n rows."""
    n, k = fa.shape[0], fab.shape[0]
    # per-row sums the estimators need; a resample is a count per row, so every
    # resampled sum is one matrix product (counts @ cols)
    c = np.concatenate([fa, fb]).mean()  # shift: the indices do not depend on it
    a, b, ab = fa - c, fb - c, fab - c
    diff = ab - a
    cols = np.column_stack([a + b, a * a + b * b, *(b * diff), *diff, *(diff * diff)])
    boot_s1 = np.empty((bootstrap, k))
    boot_st = np.empty((bootstrap, k))
    step = max(1, _BOOT_CELLS // n)
    for start in range(0, bootstrap, step):
        m = min(step, bootstrap - start)
        idx = gen.integers(0, n, size=(m, n))
        b1, bt = _bootstrap_estimates(cols, idx, k)
        boot_s1[start : start + m] = b1
        boot_st[start : start + m] = bt
    qs = [(1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: NaN bounds
        lo_s1, hi_s1 = np.nanquantile(boot_s1, qs, axis=0)
        lo_st, hi_st = np.nanquantile(boot_st, qs, axis=0)
    return lo_s1, hi_s1, lo_st, hi_st


def indices_table(
    names: Sequence[str],
    fa: Arr,
    fb: Arr,
    fab: Arr,
    *,
    bootstrap: int,
    confidence: float,
    gen: np.random.Generator,
) -> pd.DataFrame:
    """The table of S1 and ST with their bootstrap intervals, one row per name.

    Parameters
    ----------
    names : sequence of str
        The inputs, in the order of the rows of ``fab``.
    fa, fb : ndarray, shape (n,)
        Outputs of the matrices A and B.
    fab : ndarray, shape (len(names), n)
        Outputs of ``A_B^{(i)}``, one row per input.
    bootstrap : int
        Bootstrap resamples of the n rows (0: NaN intervals).
    confidence : float
        Level of the percentile intervals.
    gen : numpy.random.Generator
        Draws the resamples.

    Returns
    -------
    DataFrame
        Indexed by ``input``: ``S1, S1_low, S1_high, ST, ST_low, ST_high``;
        ``attrs``: ``n``, ``bootstrap``, ``confidence``, ``variance``, ``mean``.
    """
    n = fa.shape[0]
    s1, st, var = _estimates(fa, fb, fab)
    k = len(names)
    lo_s1 = hi_s1 = lo_st = hi_st = np.full(k, np.nan)
    if bootstrap:
        lo_s1, hi_s1, lo_st, hi_st = _bootstrap_intervals(fa, fb, fab, bootstrap, confidence, gen)
    table = pd.DataFrame(
        {
            "S1": s1,
            "S1_low": lo_s1,
            "S1_high": hi_s1,
            "ST": st,
            "ST_low": lo_st,
            "ST_high": hi_st,
        },
        index=pd.Index(list(names), name="input"),
    )
    table.attrs.update(
        n=n,
        bootstrap=bootstrap,
        confidence=confidence,
        variance=float(var),
        mean=float(np.concatenate([fa, fb]).mean()),
    )
    return table
