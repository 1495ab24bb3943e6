r"""Sobol indices of any vectorised function of independent inputs (:func:`sobol_indices`).

The SALib pattern in one call: sample the Saltelli design, evaluate the
function once on all its rows, estimate ``S1`` and ``ST`` with bootstrap
intervals (:mod:`~kzforecast.analysis.sensitivity.saltelli`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kzforecast.analysis.sensitivity.saltelli import (
    STREAM_KEY,
    Arr,
    InputDistribution,
    check_bootstrap,
    check_n,
    check_variance,
    indices_table,
    inverse_cdf,
    is_power_of_two,
    power_of_two_warning,
    unit_samples,
)
from kzforecast.engine.seeding import SeedLike, block_generator, root_seed_sequence, seed_record
from kzforecast.errors import ArgumentError, ArgumentTypeError

__all__ = ["sobol_indices"]


def _check_outputs(y: ArrayLike, rows: int, what: str, inputs: Callable[[int], str]) -> Arr:
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError(f"{what} must return numbers, got {type(y).__name__}") from None
    if arr.shape != (rows,):
        raise ArgumentError(
            f"{what} must return an array of shape ({rows},), one value per input row, "
            f"got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ArgumentError(
            f"{what} returned {int(bad.sum())} non-finite value(s) (NaN or inf) out of {rows}; "
            f"the first at row {j} ({inputs(j)}) is {arr[j]}"
        )
    return arr


def _parse_distributions(distributions: object) -> tuple[list[str], list[InputDistribution]]:
    """(names, distributions) from a mapping or a list of pairs, checked (typed or not)."""
    items: list[tuple[object, object]]
    if isinstance(distributions, Mapping):
        items = list(distributions.items())
    elif isinstance(distributions, Sequence) and not isinstance(distributions, str | bytes):
        items = []
        for k, item in enumerate(distributions):
            if not (isinstance(item, tuple | list) and len(item) == 2):
                raise ArgumentError(
                    f"distributions[{k}] must be a (name, distribution) pair, got {item!r}"
                )
            items.append((item[0], item[1]))
    else:
        raise ArgumentTypeError(
            "distributions must be a mapping name -> distribution or a list of "
            f"(name, distribution) pairs, got {type(distributions).__name__}"
        )
    if not items:
        raise ArgumentError("distributions is empty: at least one input is needed")
    names = [str(k) for k, _ in items]
    dupes = sorted({x for x in names if names.count(x) > 1})
    if dupes:
        raise ArgumentError(f"input names must be distinct; repeated: {', '.join(dupes)}")
    dists: list[InputDistribution] = []
    for name, d in zip(names, (d for _, d in items)):
        if not callable(getattr(d, "ppf", None)):
            raise ArgumentTypeError(
                f"input {name!r}: a distribution needs a .ppf(u) method (inverse CDF), got "
                f"{type(d).__name__}"
            )
        dists.append(d)  # type: ignore[arg-type]  # checked above: it has a callable .ppf
    return names, dists


def _design(xa: Arr, xb: Arr) -> Arr:
    """The stacked rows of A, B and every ``A_B^{(i)}`` (A with column i from B)."""
    n, d = xa.shape
    x = np.empty(((d + 2) * n, d), dtype=np.float64)
    x[:n] = xa
    x[n : 2 * n] = xb
    for i in range(d):
        blk = x[(2 + i) * n : (3 + i) * n]
        blk[:] = xa
        blk[:, i] = xb[:, i]
    return x


def sobol_indices(
    func: Callable[[Arr], ArrayLike],
    distributions: Mapping[str, InputDistribution] | Sequence[tuple[str, InputDistribution]],
    *,
    n: int,
    seed: SeedLike = None,
    bootstrap: int = 200,
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""First-order and total Sobol indices of a vectorised function of independent inputs.

    Parameters
    ----------
    func : callable
        Maps an ``(m, d)`` array of inputs (columns in the order of
        ``distributions``) to an ``(m,)`` array of outputs. It is called once,
        with all ``m = (d + 2) n`` rows of the design.
    distributions : mapping or list of (name, distribution)
        The independent inputs: anything with ``.ppf(u)`` (inverse CDF,
        element-wise), e.g. kzforecast distributions
        (``kzforecast.scenario.Uniform(dist="uniform", low=0, high=1)``) or
        frozen ``scipy.stats`` distributions.
    n : int
        Base sample size (rows of each of A and B), >= 2; a power of 2 keeps
        the Sobol sequence balanced (a ``UserWarning`` otherwise).
    seed : int, sequence of int, SeedSequence or None
        Seeds the scrambling and the bootstrap; ``None`` draws fresh entropy,
        recorded in ``attrs["seed"]``.
    bootstrap : int, default 200
        Bootstrap resamples of the ``n`` rows for the intervals (0: none).
    confidence : float, default 0.95
        Level of the percentile bootstrap intervals.

    Returns
    -------
    DataFrame
        Indexed by input name: ``S1, S1_low, S1_high, ST, ST_low, ST_high``.
        ``attrs``: ``n``, ``evaluations``, ``variance``, ``mean``, ``seed``,
        ``bootstrap``, ``confidence``.

    Raises
    ------
    ValueError
        For ``n < 2``, bad distributions, an output of the wrong shape, a
        non-finite output (the message gives the first bad row's inputs) or a
        constant output (zero variance).

    Notes
    -----
    Design (Saltelli 2010): ``A`` and ``B`` are the two halves of one scrambled
    Sobol sequence of dimension ``2d`` (``scipy.stats.qmc.Sobol``) mapped
    through each input's inverse CDF; ``A_B^{(i)}`` is ``A`` with column ``i``
    from ``B``. With outputs centred by their mean and ``V = Var([f(A), f(B)])``:

    .. math::

        S_i = \frac{\tfrac1n \sum_j f(B)_j \,(f(A_B^{(i)})_j - f(A)_j)}{V}, \qquad
        S_{Ti} = \frac{\tfrac1{2n} \sum_j (f(A)_j - f(A_B^{(i)})_j)^2}{V}

    Intervals: percentile bootstrap over the ``n`` rows (all ``d + 2``
    matrices resampled together). Resampling treats the quasi-random rows as
    independent, which overstates the error of the Sobol-sequence estimate:
    the intervals are conservative (see ``docs/sensitivity.md``). Estimates
    can fall slightly below 0 or above 1 by sampling error.

    Examples
    --------
    >>> import numpy as np
    >>> from kzforecast.scenario import Uniform
    >>> u = Uniform(dist="uniform", low=0.0, high=1.0)
    >>> t = sobol_indices(lambda x: x[:, 0] + 2.0 * x[:, 1], {"a": u, "b": u}, n=1024, seed=1)
    >>> t["S1"].round(1).tolist()
    [0.2, 0.8]
    """
    # Long only by its numpydoc docstring (the estimators' formulas): ~45 lines of code.
    names, dists = _parse_distributions(distributions)
    n = check_n(n)
    if not is_power_of_two(n):
        warnings.warn(power_of_two_warning(n), UserWarning, stacklevel=2)
    bootstrap, confidence = check_bootstrap(bootstrap, confidence)
    if not callable(func):
        raise ArgumentTypeError(f"func must be callable, got {type(func).__name__}")
    root = root_seed_sequence(seed)
    ua, ub = unit_samples(n, len(names), block_generator(root, STREAM_KEY, 0))
    xa = np.column_stack(
        [inverse_cdf(nm, d, ua[:, i]) for i, (nm, d) in enumerate(zip(names, dists))]
    )
    xb = np.column_stack(
        [inverse_cdf(nm, d, ub[:, i]) for i, (nm, d) in enumerate(zip(names, dists))]
    )
    x = _design(xa, xb)

    def describe(j: int) -> str:
        return ", ".join(f"{nm}={v:.6g}" for nm, v in zip(names, x[j]))

    y = _check_outputs(func(x), x.shape[0], "func", describe)
    fa, fb, fab = y[:n], y[n : 2 * n], y[2 * n :].reshape(len(names), n)
    check_variance(fa, fb, "the output")
    table = indices_table(
        names,
        fa,
        fb,
        fab,
        bootstrap=bootstrap,
        confidence=confidence,
        gen=block_generator(root, STREAM_KEY, 1),
    )
    table.attrs.update(evaluations=x.shape[0], seed=seed_record(root), method="sobol")
    return table
