r"""Sensitivity analysis: which uncertain parameters drive a target or an output.

Two methods, both on common random numbers:

* :func:`tornado`: one parameter at a time is held at a low and a high
  quantile of its distribution while every other parameter keeps its
  distribution; the swing of P(target met) (or of a statistic) ranks the
  parameters. Cheap (two simulations per parameter), local, easy to read.
* :func:`sobol_indices` and :func:`model_sobol_indices`: variance-based
  (Sobol) first-order and total indices with the Saltelli sampling scheme on a
  scrambled Sobol sequence, the Saltelli (2010) first-order and the Jansen
  (1999) total-effect estimators, and bootstrap confidence intervals.
  :func:`sobol_indices` works for any vectorised function of independent
  inputs (the SALib pattern: sample, evaluate, analyse in one call);
  :func:`model_sobol_indices` applies it to the kzforecast model, one model
  path per input row, evaluated with the vectorised kernel.

Charts: :func:`tornado_chart`, :func:`sobol_chart` (matplotlib, imported
lazily). The command line (``kzforecast sensitivity``) lives in :mod:`kzforecast.cli`.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S.
(2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. Computer Physics Communications
181(2), 259-270 (table 2: estimators (b) for S_i and (f) for S_Ti).

Jansen, M. J. W. (1999). Analysis of variance designs for model output.
Computer Physics Communications 117, 35-43.

Ishigami, T., Homma, T. (1990). An importance quantification technique in
uncertainty analysis for computer models. ISUMA '90, 398-403.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special
from scipy.stats import qmc

from kzforecast.engine import Engine
from kzforecast.engine.seeding import GRID_BLOCK, SeedLike, block_generator, root_seed_sequence
from kzforecast.engine.seeding import seed_record as _seed_record
from kzforecast.errors import TargetError
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario

__all__ = [
    "NOISE",
    "model_sobol_indices",
    "sobol_chart",
    "sobol_indices",
    "tornado",
    "tornado_chart",
]

Arr = NDArray[np.float64]

NOISE = "(process noise)"
"""Row label of the process-noise pseudo-input in :func:`model_sobol_indices`."""

_U_EPS = 1e-12
# "SENS": first spawn-key word of this module's streams (no grid block index is this large)
_KEY = 0x53454E53
_BOOT_CELLS = 2_000_000  # bootstrap resamples x rows counted at once (memory bound)
_STAT = re.compile(r"^(mean|sd|p(?:100|\d{1,2}(?:\.\d+)?))$")


# ----------------------------------------------------------------- outputs
@dataclass(frozen=True)
class _Statistic:
    """A statistic of one simulated variable in one year (parsed from ``"p50:var:2030"``)."""

    kind: str  # "mean", "sd" or "quantile"
    q: float
    variable: str
    year: int
    label: str

    def check_against(self, scenario: Scenario) -> None:
        from kzforecast.model.kernel import model_variables

        simulated = model_variables(scenario.model)
        if self.variable not in simulated:
            raise ValueError(
                f"statistic {self.label!r}: a {scenario.model} scenario does not simulate "
                f"{self.variable!r}; it simulates {', '.join(simulated)}"
            )
        if self.year not in {int(y) for y in scenario.years}:
            raise ValueError(
                f"statistic {self.label!r}: year {self.year} is not simulated; the scenario "
                f"covers {scenario.as_of + 1}-{scenario.horizon}"
            )

    def of(self, sim: Simulation) -> float:
        i = sim.variables.index(self.variable)
        t = self.year - int(sim.years[0])
        if self.kind == "mean":
            return float(sim.moments.mean[i][t])
        if self.kind == "sd":
            return float(np.sqrt(sim.moments.var[i][t]))
        if sim.paths is not None:
            col = sim.paths[i][:, t]
            return float(np.quantile(col, self.q, method="inverted_cdf"))
        return float(sim.sketch_quantiles(self.variable, [self.q])[t, 0])


def _parse_statistic(spec: str) -> _Statistic:
    from kzforecast.model.kernel import VARIABLES

    parts = spec.split(":")
    if len(parts) == 2:
        parts = ["mean", *parts]
    form = "'mean:VARIABLE:YEAR', 'sd:VARIABLE:YEAR' or 'pNN:VARIABLE:YEAR' (e.g. p50)"
    if len(parts) != 3:
        raise ValueError(f"statistic {spec!r} is not of the form {form}")
    kind, variable, year_text = (p.strip() for p in parts)
    if not _STAT.match(kind):
        raise ValueError(f"statistic {spec!r}: unknown statistic {kind!r}; use {form}")
    if variable not in VARIABLES:
        raise ValueError(
            f"statistic {spec!r}: unknown variable {variable!r}; available: {', '.join(VARIABLES)}"
        )
    try:
        year = int(year_text)
    except ValueError:
        raise ValueError(f"statistic {spec!r}: year {year_text!r} is not a whole number") from None
    if kind in ("mean", "sd"):
        return _Statistic(kind, math.nan, variable, year, f"{kind}:{variable}:{year}")
    q = float(kind[1:]) / 100.0
    return _Statistic("quantile", q, variable, year, f"{kind}:{variable}:{year}")


def _is_target(obj: Any) -> bool:
    from kzforecast.targets import Target

    return isinstance(obj, Target)


def _target_label(t: Any) -> str:
    return f"P(met) {t.id}:{t.reading}"


# ----------------------------------------------------------------- tornado
def tornado(
    scenario: Scenario,
    target_or_statistic: Any,
    *,
    paths: int = 20_000,
    seed: SeedLike = 0,
    low: float = 0.1,
    high: float = 0.9,
    parameters: Sequence[str] | None = None,
    keep_paths: bool = False,
    history: Any = None,
    engine: Engine = "local",
    client: Any = None,
) -> pd.DataFrame:
    """One-at-a-time swings of P(met) or of a statistic, ranked (a tornado table).

    For each parameter, the scenario is simulated twice with that parameter
    held at its ``low`` and at its ``high`` quantile (a point mass,
    ``scenario.with_parameter(path, dist.quantile(q))``) while every other
    parameter keeps its distribution. All runs use the same seed, so every
    other parameter and every shock takes the same value on each path (common
    random numbers): the swing is the parameter's effect, not Monte Carlo
    noise, and a parameter the output does not depend on has a swing of
    exactly 0.

    Parameters
    ----------
    scenario : Scenario
        The scenario to analyse.
    target_or_statistic : Target, str or callable
        A :class:`~kzforecast.targets.Target` (the output is its P(met), from
        :func:`kzforecast.check`); a string ``"mean:VARIABLE:YEAR"``,
        ``"sd:VARIABLE:YEAR"`` or ``"pNN:VARIABLE:YEAR"`` (a quantile, e.g.
        ``"p50:vehicle_output:2030"``; from the log-bin sketch, within 0.39%,
        unless ``keep_paths``); or a callable ``Simulation -> float``.
    paths : int, default 20_000
        Monte Carlo paths per simulation.
    seed : int, sequence of int or SeedSequence, default 0
        The common seed of every run.
    low, high : float, default 0.1 and 0.9
        Quantiles at which each parameter is held (``0 < low < high < 1``).
    parameters : sequence of str, optional
        Dotted parameter paths (see :meth:`Scenario.parameters`); default all
        uncertain parameters.
    keep_paths : bool, default False
        Keep every path (for a callable that needs :meth:`Simulation.values`).
    history : DataFrame, optional
        Passed to :func:`kzforecast.simulate` (default: the shipped history).
    engine, client : optional
        Passed to every :func:`kzforecast.simulate` run (``engine="dask"`` runs
        each simulation's blocks as Dask tasks); results do not depend on them.

    Returns
    -------
    DataFrame
        One row per parameter, sorted by ``swing`` (descending): ``parameter,
        low_value, high_value, output_low, output_high, swing, base``, where
        ``swing = |output_high - output_low|`` and ``base`` is the output with
        every parameter uncertain. ``attrs`` records the output, seed, paths
        and quantiles.

    Notes
    -----
    Holding a parameter at a quantile removes it from the scenario's rank
    correlation (:meth:`Scenario.with_parameter`): a correlated partner then
    keeps its marginal distribution, not its distribution conditional on the
    held value. A tornado is local (one parameter moves at a time) and says
    nothing about interactions; :func:`model_sobol_indices` does.

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> t = tornado(Scenario.builtin("baseline"), "mean:vehicle_output:2030", paths=4096,
    ...             parameters=["blocks.market.mu_M", "blocks.processing.g_P"])
    >>> list(t["parameter"])
    ['blocks.market.mu_M', 'blocks.processing.g_P']
    >>> float(t["swing"].iloc[1])
    0.0
    """
    from kzforecast.engine.simulate import simulate
    from kzforecast.results.check import check

    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}")
    if not (0.0 < float(low) < float(high) < 1.0):
        raise ValueError(f"need 0 < low < high < 1, got low={low}, high={high}")
    all_params = scenario.parameters()
    chosen = _choose_parameters(scenario, parameters, allow_fixed=True)
    targets: list[Any] | None = None
    output: Callable[[Simulation], float]
    if _is_target(target_or_statistic):
        t = target_or_statistic
        targets = [t]
        label = _target_label(t)

        def output(sim: Simulation) -> float:
            row = check(sim).iloc[0]
            p = float(row["p_met"])
            if math.isnan(p):
                raise TargetError(
                    f"cannot be evaluated on this scenario: {row['status']}",
                    source="tornado",
                    location=f"{t.id}:{t.reading}",
                )
            return p

    elif isinstance(target_or_statistic, str):
        stat = _parse_statistic(target_or_statistic)
        stat.check_against(scenario)
        label = stat.label
        output = stat.of
    elif callable(target_or_statistic):
        label = getattr(target_or_statistic, "__name__", "callable")
        func = target_or_statistic

        def output(sim: Simulation) -> float:
            value = float(func(sim))
            if not math.isfinite(value):
                raise ValueError(f"the statistic {label!r} returned {value}, not a finite number")
            return value

    else:
        raise TypeError(
            "target_or_statistic must be a Target, a string like 'mean:vehicle_output:2030' "
            f"or a callable Simulation -> float, got {type(target_or_statistic).__name__}"
        )

    def run(sc: Scenario) -> float:
        sim = simulate(
            sc,
            paths=paths,
            seed=seed,
            keep_paths=keep_paths,
            targets=targets,
            history=history,
            progress=False,
            engine=engine,
            client=client,
        )
        return output(sim)

    base = run(scenario)
    rows = []
    for path in chosen:
        dist = all_params[path]
        lo_v, hi_v = dist.quantile(float(low)), dist.quantile(float(high))
        out_lo = run(scenario.with_parameter(path, lo_v))
        out_hi = run(scenario.with_parameter(path, hi_v))
        rows.append(
            {
                "parameter": path,
                "low_value": lo_v,
                "high_value": hi_v,
                "output_low": out_lo,
                "output_high": out_hi,
                "swing": abs(out_hi - out_lo),
                "base": base,
            }
        )
    cols = ["parameter", "low_value", "high_value", "output_low", "output_high", "swing", "base"]
    table = pd.DataFrame(rows, columns=cols)
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    root = root_seed_sequence(seed)
    table.attrs.update(
        output=label,
        scenario=scenario.name,
        paths=int(paths),
        seed=_seed_record(root),
        low=float(low),
        high=float(high),
        method="tornado",
    )
    return table


def _choose_parameters(
    scenario: Scenario, parameters: Sequence[str] | None, *, allow_fixed: bool
) -> list[str]:
    all_params = scenario.parameters()
    if parameters is None:
        chosen = list(scenario.uncertain_parameters())
        if not chosen:
            raise ValueError(f"scenario {scenario.name!r} has no uncertain parameters")
        return chosen
    if isinstance(parameters, str):
        parameters = [parameters]
    chosen = list(parameters)
    if not chosen:
        raise ValueError("parameters is empty; give dotted paths or None for all uncertain ones")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"parameters must be distinct, got {chosen}")
    unknown = [p for p in chosen if p not in all_params]
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; uncertain ones: "
            + ", ".join(scenario.uncertain_parameters())
        )
    if not allow_fixed:
        fixed = [p for p in chosen if all_params[p].is_fixed]
        if fixed:
            raise ValueError(
                f"parameter(s) {', '.join(map(repr, fixed))} are fixed (point masses): they "
                "have no variance to attribute; uncertain ones: "
                + ", ".join(scenario.uncertain_parameters())
            )
    return chosen


# ----------------------------------------------------------------- Sobol core
def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an integer >= 2, got {n!r}")
    if n < 2:
        raise ValueError(f"n must be >= 2 (base samples), got {n}")
    return int(n)


def _is_power_of_two(n: int) -> bool:
    return n & (n - 1) == 0


def _power_of_two_warning(n: int) -> str:
    lo = 1 << (n.bit_length() - 1)
    return (
        f"n = {n} is not a power of 2: the Sobol sequence loses its balance properties and "
        f"the indices converge more slowly; use n = {lo} or {2 * lo}"
    )


def _check_bootstrap(bootstrap: Any, confidence: Any) -> tuple[int, float]:
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise ValueError(f"bootstrap must be an integer >= 0 (0: no intervals), got {bootstrap!r}")
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    return int(bootstrap), c


def _unit_samples(n: int, dim: int, gen: np.random.Generator) -> tuple[Arr, Arr]:
    """Matrices A and B of uniforms (n, dim) from one scrambled Sobol sequence of 2*dim."""
    eng = qmc.Sobol(2 * dim, scramble=True, seed=gen)
    if _is_power_of_two(n):
        u = eng.random_base2(n.bit_length() - 1)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # our own warning was issued
            u = eng.random(n)
    u = np.clip(u, _U_EPS, 1.0 - _U_EPS)
    return np.ascontiguousarray(u[:, :dim]), np.ascontiguousarray(u[:, dim:])


def _estimates(
    fa: Arr, fb: Arr, fab: Arr
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
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


def _indices_table(
    names: Sequence[str],
    fa: Arr,
    fb: Arr,
    fab: Arr,
    *,
    bootstrap: int,
    confidence: float,
    gen: np.random.Generator,
) -> pd.DataFrame:
    n = fa.shape[0]
    s1, st, var = _estimates(fa, fb, fab)
    k = len(names)
    lo_s1 = hi_s1 = lo_st = hi_st = np.full(k, np.nan)
    if bootstrap:
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


def _check_outputs(y: Any, rows: int, what: str, inputs: Callable[[int], str]) -> Arr:
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must return numbers, got {type(y).__name__}") from None
    if arr.shape != (rows,):
        raise ValueError(
            f"{what} must return an array of shape ({rows},), one value per input row, "
            f"got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{what} returned {int(bad.sum())} non-finite value(s) (NaN or inf) out of {rows}; "
            f"the first at row {j} ({inputs(j)}) is {arr[j]}"
        )
    return arr


def _check_variance(fa: Arr, fb: Arr, what: str, over: str = "all sampled inputs") -> None:
    both = np.concatenate([fa, fb])
    if not np.ptp(both) > 0:
        raise ValueError(
            f"{what} is constant ({both[0]:g}) over {over}: its variance is 0 and "
            "variance-based indices are undefined"
        )


def _parse_distributions(distributions: Any) -> tuple[list[str], list[Any]]:
    if isinstance(distributions, Mapping):
        items = list(distributions.items())
    elif isinstance(distributions, Sequence) and not isinstance(distributions, str | bytes):
        items = []
        for k, item in enumerate(distributions):
            if not (isinstance(item, tuple | list) and len(item) == 2):
                raise ValueError(
                    f"distributions[{k}] must be a (name, distribution) pair, got {item!r}"
                )
            items.append((item[0], item[1]))
    else:
        raise TypeError(
            "distributions must be a mapping name -> distribution or a list of "
            f"(name, distribution) pairs, got {type(distributions).__name__}"
        )
    if not items:
        raise ValueError("distributions is empty: at least one input is needed")
    names = [str(k) for k, _ in items]
    dupes = sorted({x for x in names if names.count(x) > 1})
    if dupes:
        raise ValueError(f"input names must be distinct; repeated: {', '.join(dupes)}")
    for name, d in items:
        if not callable(getattr(d, "ppf", None)):
            raise TypeError(
                f"input {name!r}: a distribution needs a .ppf(u) method (inverse CDF), got "
                f"{type(d).__name__}"
            )
    return names, [d for _, d in items]


def _ppf(name: str, dist: Any, u: Arr) -> Arr:
    x = np.asarray(dist.ppf(u), dtype=np.float64)
    if x.shape != u.shape:
        raise ValueError(f"input {name!r}: ppf returned shape {x.shape} for {u.shape} uniforms")
    if not np.all(np.isfinite(x)):
        raise ValueError(
            f"input {name!r}: ppf returned non-finite values; an unbounded distribution must "
            "map (0, 1) to finite numbers"
        )
    return x


def sobol_indices(
    func: Callable[[Arr], Any],
    distributions: Mapping[str, Any] | Sequence[tuple[str, Any]],
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
    names, dists = _parse_distributions(distributions)
    n = _check_n(n)
    if not _is_power_of_two(n):
        warnings.warn(_power_of_two_warning(n), UserWarning, stacklevel=2)
    bootstrap, confidence = _check_bootstrap(bootstrap, confidence)
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    root = root_seed_sequence(seed)
    d = len(names)
    ua, ub = _unit_samples(n, d, block_generator(root, _KEY, 0))
    xa = np.column_stack(
        [_ppf(nm, dist, ua[:, i]) for i, (nm, dist) in enumerate(zip(names, dists))]
    )
    xb = np.column_stack(
        [_ppf(nm, dist, ub[:, i]) for i, (nm, dist) in enumerate(zip(names, dists))]
    )
    x = np.empty(((d + 2) * n, d), dtype=np.float64)
    x[:n] = xa
    x[n : 2 * n] = xb
    for i in range(d):
        blk = x[(2 + i) * n : (3 + i) * n]
        blk[:] = xa
        blk[:, i] = xb[:, i]

    def describe(j: int) -> str:
        return ", ".join(f"{nm}={v:.6g}" for nm, v in zip(names, x[j]))

    y = _check_outputs(func(x), x.shape[0], "func", describe)
    fa, fb, fab = y[:n], y[n : 2 * n], y[2 * n :].reshape(d, n)
    _check_variance(fa, fb, "the output")
    table = _indices_table(
        names,
        fa,
        fb,
        fab,
        bootstrap=bootstrap,
        confidence=confidence,
        gen=block_generator(root, _KEY, 1),
    )
    table.attrs.update(evaluations=x.shape[0], seed=_seed_record(root), method="sobol")
    return table


# ----------------------------------------------------------------- model Sobol
@dataclass(frozen=True)
class _Group:
    """One input of the model analysis: a parameter, or a rank-correlated set of them."""

    label: str
    members: tuple[str, ...]
    factor: Arr | None  # symmetric square root of the copula correlation (correlated sets)


def _input_groups(scenario: Scenario, chosen: Sequence[str]) -> list[_Group]:
    corr = scenario.correlation
    comp: dict[str, tuple[str, ...]] = {}
    pearson = None
    if corr is not None:
        m = np.asarray(corr.matrix, dtype=float)
        pearson = 2.0 * np.sin(np.pi * m / 6.0)
        names = list(corr.parameters)
        seen: set[int] = set()
        for s in range(len(names)):
            if s in seen:
                continue
            stack, found = [s], []
            seen.add(s)
            while stack:
                a = stack.pop()
                found.append(a)
                for b in range(len(names)):
                    if b not in seen and m[a, b] != 0.0:
                        seen.add(b)
                        stack.append(b)
            if len(found) > 1:
                tup = tuple(names[i] for i in sorted(found))
                for i in found:
                    comp[names[i]] = tup
    groups: list[_Group] = []
    done: set[str] = set()
    for p in chosen:
        if p in done:
            continue
        members = comp.get(p, (p,))
        done.update(members)
        factor = None
        if len(members) > 1:
            assert corr is not None
            assert pearson is not None
            idx = [corr.parameters.index(q) for q in members]
            sub = pearson[np.ix_(idx, idx)]
            w, v = np.linalg.eigh(sub)
            factor = np.asarray((v * np.sqrt(np.clip(w, 0.0, None))) @ v.T, dtype=np.float64)
        groups.append(_Group(" + ".join(members), members, factor))
    return groups


def _group_values(groups: Sequence[_Group], params: Mapping[str, Any], u: Arr) -> dict[str, Arr]:
    """Parameter values (n,) by dotted path from the uniforms u (n, total members)."""
    out: dict[str, Arr] = {}
    col = 0
    for g in groups:
        k = len(g.members)
        block = u[:, col : col + k]
        col += k
        if g.factor is None:
            out[g.members[0]] = _ppf(g.members[0], params[g.members[0]], block[:, 0])
        else:
            z = special.ndtri(block) @ g.factor.T
            for j, p in enumerate(g.members):
                out[p] = np.asarray(params[p].ppf_from_normal(z[:, j]), dtype=np.float64)
    return out


@dataclass(frozen=True)
class _Noise:
    """Shocks, destination shares and non-input parameters of a range of paths."""

    shocks: Any
    shares: Arr
    params: dict[str, Any]


def _draw_noise(
    scenario: Scenario, root: np.random.SeedSequence, start: int, stop: int, n_years: int
) -> _Noise:
    from kzforecast.engine.simulate import (
        concat_parameters,
        concat_shocks,
        draw_parameters,
        draw_shocks,
    )

    b0, b1 = start // GRID_BLOCK, (stop - 1) // GRID_BLOCK + 1
    blocks = range(b0, b1)
    shocks = concat_shocks([draw_shocks(root, b, n_years, GRID_BLOCK, "random") for b in blocks])
    params = concat_parameters(
        [draw_parameters(scenario, root, b, GRID_BLOCK, "random") for b in blocks]
    )
    lo, hi = start - b0 * GRID_BLOCK, stop - b0 * GRID_BLOCK
    cut = type(shocks)(
        {k: v[..., lo:hi] for k, v in shocks.normal.items()},
        {k: v[..., lo:hi] for k, v in shocks.uniform.items()},
        shocks.destinations[..., lo:hi],
    )
    shares = scenario.blocks.exports.ordered_destinations().draw(cut.destinations)
    cut_params = {k: (v if isinstance(v, float) else v[lo:hi]) for k, v in params.items()}
    return _Noise(cut, shares, cut_params)


def _model_output(
    scenario: Scenario, target_or_statistic: Any, history: Any
) -> tuple[str, Callable[[Arr], Arr], Any]:
    """(label, per-path output of kernel values (V, T, m) -> (m,), history used)."""
    from kzforecast.model.kernel import model_variables

    variables = model_variables(scenario.model)

    years = scenario.years
    first = int(years[0])
    if _is_target(target_or_statistic):
        from kzforecast.results.evaluate import (
            make_getter,
            metric_status,
            target_values,
            years_needed,
        )

        t = target_or_statistic
        where = f"{t.id}:{t.reading}"
        hist = history
        past_needed = (
            t.due_year is not None
            and t.timing != "none"
            and any(y <= scenario.as_of for y in years_needed(t, scenario.as_of))
        )
        if hist is None:
            if past_needed:
                try:
                    from kzforecast.data import load_history
                except ImportError:
                    raise TargetError(
                        "this reading needs history years and the shipped history "
                        "(kzforecast.data) is not available",
                        source="model_sobol_indices",
                        location=where,
                        allowed="history=<DataFrame from load_history()>",
                    ) from None
                hist = load_history()
            else:
                hist = pd.DataFrame()
        why = metric_status(t, scenario.as_of, scenario.horizon, hist, variables)
        if why is not None:
            raise TargetError(
                f"cannot be evaluated on this scenario: {why}",
                source="model_sobol_indices",
                location=where,
                allowed="a reading with a deadline in the simulated years and a modelled metric",
            )
        sim_years = [int(y) for y in years]

        def out(values: Arr) -> Arr:
            m = values.shape[-1]
            get = make_getter(values, variables, years, hist)
            _, met, _ = target_values(t, get, m, scenario.as_of, sim_years)
            return met.astype(np.float64)

        return _target_label(t), out, hist
    if isinstance(target_or_statistic, tuple) and len(target_or_statistic) == 2:
        target_or_statistic = f"mean:{target_or_statistic[0]}:{target_or_statistic[1]}"
    if isinstance(target_or_statistic, str):
        stat = _parse_statistic(target_or_statistic)
        if stat.kind != "mean":
            raise ValueError(
                f"model_sobol_indices needs a per-path output, and {stat.label!r} is a statistic "
                "of a whole run; use 'VARIABLE:YEAR' (the level per path, averaged over "
                "paths_per_point), a Target, or tornado() for quantiles and sd"
            )
        stat.check_against(scenario)
        i, t_idx = variables.index(stat.variable), stat.year - first

        def out_stat(values: Arr) -> Arr:
            return np.asarray(values[i, t_idx], dtype=np.float64)

        return f"{stat.variable}:{stat.year}", out_stat, history
    raise TypeError(
        "target_or_statistic must be a Target or a string 'VARIABLE:YEAR' such as "
        f"'vehicle_output:2030', got {type(target_or_statistic).__name__}"
    )


def model_sobol_indices(
    scenario: Scenario,
    target_or_statistic: Any,
    *,
    n: int,
    seed: SeedLike = None,
    parameters: Sequence[str] | None = None,
    paths_per_point: int = 1,
    bootstrap: int = 200,
    confidence: float = 0.95,
    history: Any = None,
    batch_paths: int = 65_536,
) -> pd.DataFrame:
    r"""Sobol indices of the model's uncertain parameters for a target or a simulated level.

    Every row of the Saltelli design is one parameter vector; the model runs
    ``paths_per_point`` paths for it (all rows together, vectorised with the
    model kernel) and the row's output is the average over those paths of the
    level of a variable in a year, or of the met indicator of a target.

    Parameters
    ----------
    scenario : Scenario
        The scenario; its uncertain parameters are the candidate inputs.
    target_or_statistic : Target or str
        A :class:`~kzforecast.targets.Target` (any reading that
        :func:`kzforecast.check` can evaluate on this scenario: a modelled
        metric, a deadline in ``as_of + 1 .. horizon``; level, ratio-to-base
        and cumulative transforms with in-year, by-year or window timing;
        history years come from ``history``), or ``"VARIABLE:YEAR"`` (also
        ``"mean:VARIABLE:YEAR"`` or a tuple ``(variable, year)``): the level
        of one simulated variable in one year. Quantiles and standard
        deviations are statistics of a whole run, not per-path outputs: use
        :func:`tornado` for those. Other readings raise ``TargetError``.
    n : int
        Base sample size (>= 2, a power of 2 preferably). The model runs
        ``(g + 3) * n * paths_per_point`` paths for ``g`` inputs.
    seed : int, sequence of int, SeedSequence or None
        Seeds the Sobol scrambling, the shocks and the bootstrap.
    parameters : sequence of str, optional
        The inputs (dotted paths; default every uncertain parameter). A
        parameter in a rank-correlation set brings the whole set in as one
        grouped input (label ``"a + b"``), sampled through the scenario's
        copula. Uncertain parameters left out are drawn afresh on every path,
        like shocks: they count as process noise.
    paths_per_point : int, default 1
        Model paths averaged per design row. 1 gives the indices of a single
        path's outcome; larger values shrink the process-noise share and, as
        it grows, approach the indices of the conditional mean (for a target:
        of P(met | parameters)).
    bootstrap, confidence
        As in :func:`sobol_indices`.
    history : DataFrame, optional
        History for target readings that need past years (default: the
        shipped history, loaded only when needed) and for a scenario's missing
        initial state.
    batch_paths : int, default 65_536
        Paths per kernel call (memory only; results do not depend on it).

    Returns
    -------
    DataFrame
        One row per input plus a last row :data:`NOISE` (``"(process noise)"``):
        ``S1, S1_low, S1_high, ST, ST_low, ST_high``. ``attrs``: ``output``,
        ``n``, ``paths_per_point``, ``evaluations`` (model paths), ``variance``
        and ``mean`` of the row outputs (for a target, the mean is P(met)),
        ``seed``, ``members`` (the parameters of each grouped input).

    Notes
    -----
    Let ``X`` be the inputs and ``W`` everything else random on a path (the
    shocks, the Dirichlet export shares, uncertain parameters that are not
    inputs), and ``Y = f(X, W)`` the row's output. The design treats ``W`` as
    one more, grouped, input: row ``j`` of ``A`` has its own noise ``W_A,j``,
    row ``j`` of ``B`` an independent ``W_B,j``, every ``A_B^{(i)}`` row
    reuses ``A``'s noise (common random numbers), and one extra matrix
    ``A_B^{(W)}`` = (``X_A``, ``W_B``) swaps the noise. Then, with
    ``V = Var(Y)``:

    * ``S1_i = Var(E[Y | X_i]) / V``: the share of the variance that ``X_i``
      explains alone, the process noise averaged out;
    * ``ST_i = E[Var(Y | X_~i, W)] / V``: everything ``X_i`` takes part in,
      including its interactions with the noise. An input the output does not
      depend on gets ``S1 = ST = 0`` exactly (its ``A_B^{(i)}`` rows repeat the
      ``A`` rows bit for bit);
    * the noise row: ``S1 = Var(E[Y | W]) / V`` and
      ``ST = E[Var(Y | X)] / V``, the share that is process noise rather than
      parameter uncertainty. Hence ``sum_i S1_i <= Var(E[Y | X]) / V =
      1 - ST_noise``.

    For a target, ``Y = 1{met}`` on a path and ``V = p (1 - p)`` with
    ``p = P(met)``: ``S1_i = Var(P(met | X_i)) / (p (1 - p))``, and
    ``1 - ST_noise = Var(P(met | X)) / (p (1 - p))`` bounds how much of the
    outcome any knowledge of the parameters could explain; the rest is the
    luck of the path. With ``paths_per_point = k`` the same formulas hold for
    the average of ``k`` paths, whose noise variance is ``k`` times smaller.

    Independence between inputs is required by the Saltelli design; that is
    why rank-correlated parameters enter as one group.

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> t = model_sobol_indices(Scenario.builtin("baseline"), "vehicle_output:2030", n=256,
    ...     seed=1, parameters=["blocks.output.u_max", "blocks.processing.g_P"], bootstrap=0)
    >>> t.index.tolist()
    ['blocks.output.u_max', 'blocks.processing.g_P', '(process noise)']
    >>> float(t.loc["blocks.processing.g_P", "ST"])
    0.0
    """
    from kzforecast.engine.kernel_inputs import run_kernel
    from kzforecast.engine.simulate import concat_shocks, resolve_initial

    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}")
    n = _check_n(n)
    if not _is_power_of_two(n):
        warnings.warn(_power_of_two_warning(n), UserWarning, stacklevel=2)
    bootstrap, confidence = _check_bootstrap(bootstrap, confidence)
    k = paths_per_point
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"paths_per_point must be an integer >= 1, got {k!r}")
    k = int(k)
    if isinstance(batch_paths, bool) or not isinstance(batch_paths, int) or batch_paths < 1:
        raise ValueError(f"batch_paths must be an integer >= 1, got {batch_paths!r}")
    label, output, hist = _model_output(scenario, target_or_statistic, history)
    chosen = _choose_parameters(scenario, parameters, allow_fixed=False)
    groups = _input_groups(scenario, chosen)
    params = scenario.parameters()
    inputs = [p for g in groups for p in g.members]
    root = root_seed_sequence(seed)
    ua, ub = _unit_samples(n, len(inputs), block_generator(root, _KEY, 0))
    xa = _group_values(groups, params, ua)
    xb = _group_values(groups, params, ub)
    root_a = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, _KEY, 2))
    root_b = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, _KEY, 3))
    init, _ = resolve_initial(scenario, hist)
    years = scenario.years
    n_years = len(years)
    g = len(groups)
    n_var = g + 3  # A, B, A_B^(i) for each group, A_B^(noise)
    fa, fb = np.empty(n), np.empty(n)
    fab = np.empty((g + 1, n))
    rows_per_batch = max(1, batch_paths // (k * n_var))
    in_group = {p: gi for gi, grp in enumerate(groups) for p in grp.members}
    for r0 in range(0, n, rows_per_batch):
        r1 = min(n, r0 + rows_per_batch)
        wa = _draw_noise(scenario, root_a, r0 * k, r1 * k, n_years)
        wb = _draw_noise(scenario, root_b, r0 * k, r1 * k, n_years)
        # variants: (source of each group's values: "a"/"b", noise)
        variants: list[tuple[int | None, _Noise, bool]] = [(None, wa, False), (None, wb, True)]
        variants += [(gi, wa, False) for gi in range(g)]
        variants.append((None, wb, False))
        p_all: dict[str, Any] = {}
        for path in params:
            if path in in_group:
                a_rows = np.repeat(xa[path][r0:r1], k)
                b_rows = np.repeat(xb[path][r0:r1], k)
                parts = [
                    b_rows if (all_b or (gi is not None and in_group[path] == gi)) else a_rows
                    for gi, _, all_b in variants
                ]
                p_all[path] = np.concatenate(parts)
            elif path in wa.params:  # drawn by this model (the trend model skips most blocks)
                vals = [w.params[path] for _, w, _ in variants]
                if isinstance(vals[0], float):
                    p_all[path] = vals[0]
                else:
                    p_all[path] = np.concatenate(vals)
        noise = [w for _, w, _ in variants]
        shocks = concat_shocks([w.shocks for w in noise])
        shares = np.concatenate([w.shares for w in noise], axis=-1)
        values = run_kernel(scenario, p_all, shocks, init, shares)
        y = output(values)
        if not np.all(np.isfinite(y)):
            raise ValueError(
                f"the model output {label!r} is not finite on some paths (rows {r0}-{r1 - 1})"
            )
        per_row = y.reshape(n_var, r1 - r0, k).mean(axis=2)
        fa[r0:r1] = per_row[0]
        fb[r0:r1] = per_row[1]
        fab[:, r0:r1] = per_row[2:]
    names = [grp.label for grp in groups] + [NOISE]
    _check_variance(
        fa,
        fb,
        f"the output {label!r}",
        f"all {2 * n * k} sampled paths (for a target: always met or never met)",
    )
    table = _indices_table(
        names,
        fa,
        fb,
        fab,
        bootstrap=bootstrap,
        confidence=confidence,
        gen=block_generator(root, _KEY, 1),
    )
    table.attrs.update(
        output=label,
        scenario=scenario.name,
        paths_per_point=k,
        evaluations=n_var * n * k,
        seed=_seed_record(root),
        method="model_sobol",
        members={grp.label: list(grp.members) for grp in groups},
    )
    return table


# ----------------------------------------------------------------- charts
def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: install kzforecast[plot]") from None
    return Figure(figsize=(width, height), dpi=110)


def _short_label(path: str) -> str:
    return path.replace("blocks.", "")


def tornado_chart(table: pd.DataFrame, *, title: str | None = None) -> Any:
    """A tornado chart of a :func:`tornado` table (largest swing on top).

    Bars run from the base output to the output with the parameter at its low
    quantile (light) and at its high quantile (dark). Returns a
    ``matplotlib.figure.Figure`` (needs ``pip install 'kzforecast[plot]'``).
    """
    needed = {"parameter", "low_value", "high_value", "output_low", "output_high", "base"}
    missing = needed - set(table.columns)
    if missing:
        raise ValueError(f"not a tornado table: missing columns {', '.join(sorted(missing))}")
    fig = _figure(7.5, 0.32 * max(len(table), 3) + 1.4)
    ax = fig.add_subplot()
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    y = np.arange(len(table))
    lo = table["output_low"].to_numpy(float)
    hi = table["output_high"].to_numpy(float)
    ax.barh(
        y,
        lo - base,
        left=base,
        color="#9ecae1",
        label=f"low quantile ({table.attrs.get('low', 'low')})",
    )
    ax.barh(
        y,
        hi - base,
        left=base,
        color="#08519c",
        label=f"high quantile ({table.attrs.get('high', 'high')})",
    )
    ax.axvline(base, color="black", lw=1)
    ax.locator_params(axis="x", nbins=6)
    labels = [
        f"{_short_label(p)}  [{a:.3g} / {b:.3g}]"
        for p, a, b in zip(table["parameter"], table["low_value"], table["high_value"])
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"{table.attrs.get('output', 'output')} (base {base:.4g})")
    ax.set_title(title or f"Tornado: scenario {table.attrs.get('scenario', '')!r}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def sobol_chart(table: pd.DataFrame, *, title: str | None = None) -> Any:
    """Bars of S1 and ST with their bootstrap intervals, one pair per input.

    Returns a ``matplotlib.figure.Figure`` (needs ``pip install 'kzforecast[plot]'``).
    """
    needed = {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"}
    missing = needed - set(table.columns)
    if missing:
        raise ValueError(f"not a Sobol table: missing columns {', '.join(sorted(missing))}")
    fig = _figure(7.5, 0.4 * max(len(table), 3) + 1.4)
    ax = fig.add_subplot()
    y = np.arange(len(table))
    for col, off, colour in (("S1", -0.18, "#6baed6"), ("ST", 0.18, "#08519c")):
        v = table[col].to_numpy(float)
        err = np.vstack(
            [v - table[f"{col}_low"].to_numpy(float), table[f"{col}_high"].to_numpy(float) - v]
        )
        err = np.where(np.isfinite(err), np.maximum(err, 0.0), 0.0)
        ax.barh(y + off, v, height=0.36, color=colour, xerr=err, capsize=2, label=col)
    ax.set_yticks(y, [_short_label(str(i)) for i in table.index], fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0.0, color="black", lw=0.8)
    conf = table.attrs.get("confidence")
    ax.set_xlabel(
        "Sobol index" + (f" (bars: {conf:.0%} bootstrap interval)" if conf is not None else "")
    )
    ax.set_title(title or f"Sobol indices: {table.attrs.get('output', '')}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
