r"""Sobol indices of the kzforecast model's uncertain parameters: :func:`model_sobol_indices`.

Every row of the Saltelli design is one parameter vector; the model runs
``paths_per_point`` paths for it, all rows of a batch in one call of the
vectorised kernel. The rest of a path's randomness (shocks, export shares,
parameters that are not inputs) is the process noise, one more grouped input
of the design (:data:`NOISE`).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzforecast.analysis.sensitivity.inputs import (
    InputGroup,
    choose_parameters,
    group_values,
    input_groups,
)
from kzforecast.analysis.sensitivity.saltelli import (
    STREAM_KEY,
    Arr,
    check_bootstrap,
    check_n,
    check_variance,
    indices_table,
    is_power_of_two,
    power_of_two_warning,
    unit_samples,
)
from kzforecast.analysis.sensitivity.statistics import parse_statistic, target_label
from kzforecast.engine.kernel_inputs import run_kernel
from kzforecast.engine.seeding import (
    GRID_BLOCK,
    SeedLike,
    block_generator,
    root_seed_sequence,
    seed_record,
)
from kzforecast.engine.simulate import (
    concat_parameters,
    concat_shocks,
    draw_parameters,
    draw_shocks,
    resolve_initial,
)
from kzforecast.errors import ArgumentError, ArgumentTypeError, TargetError
from kzforecast.model.kernel import Initial, Shocks, model_variables
from kzforecast.results.evaluate import make_getter, metric_status, target_values, years_needed
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = ["NOISE", "model_sobol_indices"]

NOISE = "(process noise)"
"""Row label of the process-noise pseudo-input in :func:`model_sobol_indices`."""

Output = Callable[[Arr], Arr]
"""A per-path output of kernel values ``(V, T, m) -> (m,)``."""


# ----------------------------------------------------------------- the output
def _target_history(
    scenario: Scenario, target: Target, history: pd.DataFrame | None
) -> pd.DataFrame:
    """``history``, else the shipped history if the reading needs past years, else empty."""
    if history is not None:
        return history
    past_needed = (
        target.due_year is not None
        and target.timing != "none"
        and any(y <= scenario.as_of for y in years_needed(target, scenario.as_of))
    )
    if not past_needed:
        return pd.DataFrame()
    try:
        from kzforecast.data import load_history
    except ImportError:
        raise TargetError(
            "this reading needs history years and the shipped history "
            "(kzforecast.data) is not available",
            source="model_sobol_indices",
            location=f"{target.id}:{target.reading}",
            allowed="history=<DataFrame from load_history()>",
        ) from None
    return load_history()


def _target_output(
    scenario: Scenario, target: Target, history: pd.DataFrame | None
) -> tuple[str, Output, pd.DataFrame]:
    """(label, the met indicator per path, the history used)."""
    variables = model_variables(scenario.model)
    years = scenario.years
    hist = _target_history(scenario, target, history)
    why = metric_status(target, scenario.as_of, scenario.horizon, hist, variables)
    if why is not None:
        raise TargetError(
            f"cannot be evaluated on this scenario: {why}",
            source="model_sobol_indices",
            location=f"{target.id}:{target.reading}",
            allowed="a reading with a deadline in the simulated years and a modelled metric",
        )
    sim_years = [int(y) for y in years]

    def out(values: Arr) -> Arr:
        m = values.shape[-1]
        get = make_getter(values, variables, years, hist)
        _, met, _ = target_values(target, get, m, scenario.as_of, sim_years)
        return met.astype(np.float64)

    return target_label(target), out, hist


def _level_output(scenario: Scenario, spec: str) -> tuple[str, Output]:
    """(label, the level of one variable in one year per path) for ``"VARIABLE:YEAR"``."""
    stat = parse_statistic(spec)
    if stat.kind != "mean":
        raise ArgumentError(
            f"model_sobol_indices needs a per-path output, and {stat.label!r} is a statistic "
            "of a whole run; use 'VARIABLE:YEAR' (the level per path, averaged over "
            "paths_per_point), a Target, or tornado() for quantiles and sd"
        )
    stat.check_against(scenario)
    i = model_variables(scenario.model).index(stat.variable)
    t_idx = stat.year - int(scenario.years[0])

    def out(values: Arr) -> Arr:
        return np.asarray(values[i, t_idx], dtype=np.float64)

    return f"{stat.variable}:{stat.year}", out


def _model_output(
    scenario: Scenario,
    target_or_statistic: Target | str | tuple[str, int],
    history: pd.DataFrame | None,
) -> tuple[str, Output, pd.DataFrame | None]:
    """(label, per-path output of kernel values (V, T, m) -> (m,), history used)."""
    if isinstance(target_or_statistic, Target):
        return _target_output(scenario, target_or_statistic, history)
    if isinstance(target_or_statistic, tuple) and len(target_or_statistic) == 2:
        target_or_statistic = f"mean:{target_or_statistic[0]}:{target_or_statistic[1]}"
    if isinstance(target_or_statistic, str):
        label, out = _level_output(scenario, target_or_statistic)
        return label, out, history
    raise ArgumentTypeError(
        "target_or_statistic must be a Target or a string 'VARIABLE:YEAR' such as "
        f"'vehicle_output:2030', got {type(target_or_statistic).__name__}"
    )


# ----------------------------------------------------------------- the noise
@dataclass(frozen=True)
class _Noise:
    """Shocks, destination shares and non-input parameters of a range of paths."""

    shocks: Shocks
    shares: Arr
    params: dict[str, Arr | float]


def _draw_noise(
    scenario: Scenario, root: np.random.SeedSequence, start: int, stop: int, n_years: int
) -> _Noise:
    """The noise of paths ``start:stop`` of the stream ``root`` (cut from whole grid blocks)."""
    b0, b1 = start // GRID_BLOCK, (stop - 1) // GRID_BLOCK + 1
    blocks = range(b0, b1)
    shocks = concat_shocks([draw_shocks(root, b, n_years, GRID_BLOCK, "random") for b in blocks])
    params = concat_parameters(
        [draw_parameters(scenario, root, b, GRID_BLOCK, "random") for b in blocks]
    )
    lo, hi = start - b0 * GRID_BLOCK, stop - b0 * GRID_BLOCK
    cut = dataclasses.replace(
        shocks,
        normal={k: v[..., lo:hi] for k, v in shocks.normal.items()},
        uniform={k: v[..., lo:hi] for k, v in shocks.uniform.items()},
        destinations=shocks.destinations[..., lo:hi],
    )
    shares = scenario.blocks.exports.ordered_destinations().draw(cut.destinations)
    cut_params = {k: (v if isinstance(v, float) else v[lo:hi]) for k, v in params.items()}
    return _Noise(cut, shares, cut_params)


# ----------------------------------------------------------------- the design
@dataclass(frozen=True)
class _Design:
    """The model's Saltelli design: input values of A and B, their noise streams."""

    groups: list[InputGroup]
    xa: dict[str, Arr]  # (n,) per dotted path of every group member
    xb: dict[str, Arr]
    root_a: np.random.SeedSequence  # the noise of the rows of A (and of every A_B^(i))
    root_b: np.random.SeedSequence  # the noise of the rows of B (and of A_B^(noise))
    n: int
    k: int  # paths per row


# (group whose values come from B, or None; the noise; all groups from B)
_Variant = tuple[int | None, _Noise, bool]


def _batch_parameters(
    design: _Design, paths: Iterable[str], variants: Sequence[_Variant], r0: int, r1: int
) -> dict[str, Arr | float]:
    """Every drawn parameter of rows ``r0:r1`` of every variant, concatenated in variant order."""
    in_group = {p: gi for gi, grp in enumerate(design.groups) for p in grp.members}
    k = design.k
    p_all: dict[str, Arr | float] = {}
    wa = variants[0][1]
    for path in paths:
        if path in in_group:
            a_rows = np.repeat(design.xa[path][r0:r1], k)
            b_rows = np.repeat(design.xb[path][r0:r1], k)
            parts = [
                b_rows if (all_b or (gi is not None and in_group[path] == gi)) else a_rows
                for gi, _, all_b in variants
            ]
            p_all[path] = np.concatenate(parts)
        elif path in wa.params:  # drawn by this model (the trend model skips most blocks)
            vals = [w.params[path] for _, w, _ in variants]
            first = vals[0]
            if isinstance(first, float):
                p_all[path] = first
            else:
                p_all[path] = np.concatenate(vals)
    return p_all


def _evaluate(
    scenario: Scenario, design: _Design, output: Output, label: str, init: Initial, batch: int
) -> tuple[Arr, Arr, Arr]:
    """Row outputs ``f(A)``, ``f(B)`` (n,) and ``f(A_B^(i))`` (groups + 1, n), batch by batch."""
    n, k, g = design.n, design.k, len(design.groups)
    n_years = len(scenario.years)
    n_var = g + 3  # A, B, A_B^(i) for each group, A_B^(noise)
    fa, fb = np.empty(n), np.empty(n)
    fab = np.empty((g + 1, n))
    rows_per_batch = max(1, batch // (k * n_var))
    paths = list(scenario.parameters())
    for r0 in range(0, n, rows_per_batch):
        r1 = min(n, r0 + rows_per_batch)
        wa = _draw_noise(scenario, design.root_a, r0 * k, r1 * k, n_years)
        wb = _draw_noise(scenario, design.root_b, r0 * k, r1 * k, n_years)
        variants: list[_Variant] = [(None, wa, False), (None, wb, True)]
        variants += [(gi, wa, False) for gi in range(g)]
        variants.append((None, wb, False))
        p_all = _batch_parameters(design, paths, variants, r0, r1)
        noise = [w for _, w, _ in variants]
        shocks = concat_shocks([w.shocks for w in noise])
        shares = np.concatenate([w.shares for w in noise], axis=-1)
        values = run_kernel(scenario, p_all, shocks, init, shares)
        y = output(values)
        if not np.all(np.isfinite(y)):
            raise ArgumentError(
                f"the model output {label!r} is not finite on some paths (rows {r0}-{r1 - 1})"
            )
        per_row = y.reshape(n_var, r1 - r0, k).mean(axis=2)
        fa[r0:r1] = per_row[0]
        fb[r0:r1] = per_row[1]
        fab[:, r0:r1] = per_row[2:]
    return fa, fb, fab


def _check_counts(paths_per_point: object, batch_paths: object) -> int:
    """``paths_per_point`` as an int, both checked to be integers >= 1."""
    k = paths_per_point
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ArgumentError(f"paths_per_point must be an integer >= 1, got {k!r}")
    if isinstance(batch_paths, bool) or not isinstance(batch_paths, int) or batch_paths < 1:
        raise ArgumentError(f"batch_paths must be an integer >= 1, got {batch_paths!r}")
    return int(k)


def _sample_design(
    scenario: Scenario, groups: list[InputGroup], n: int, k: int, root: np.random.SeedSequence
) -> _Design:
    """Scrambled-Sobol input values of A and B and the two noise streams below ``root``."""
    params = scenario.parameters()
    inputs = [p for g in groups for p in g.members]
    ua, ub = unit_samples(n, len(inputs), block_generator(root, STREAM_KEY, 0))
    return _Design(
        groups=groups,
        xa=group_values(groups, params, ua),
        xb=group_values(groups, params, ub),
        root_a=np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, STREAM_KEY, 2)),
        root_b=np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, STREAM_KEY, 3)),
        n=n,
        k=k,
    )


def model_sobol_indices(
    scenario: Scenario,
    target_or_statistic: Target | str | tuple[str, int],
    *,
    n: int,
    seed: SeedLike = None,
    parameters: Sequence[str] | None = None,
    paths_per_point: int = 1,
    bootstrap: int = 200,
    confidence: float = 0.95,
    history: pd.DataFrame | None = None,
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
    # Long only by its docstring (the estimators and how to read them): ~50 lines of code.
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(
            f"scenario must be a kzforecast.Scenario, got {type(scenario).__name__}"
        )
    n = check_n(n)
    if not is_power_of_two(n):
        warnings.warn(power_of_two_warning(n), UserWarning, stacklevel=2)
    bootstrap, confidence = check_bootstrap(bootstrap, confidence)
    k = _check_counts(paths_per_point, batch_paths)
    label, output, hist = _model_output(scenario, target_or_statistic, history)
    chosen = choose_parameters(scenario, parameters, allow_fixed=False)
    groups = input_groups(scenario, chosen)
    root = root_seed_sequence(seed)
    design = _sample_design(scenario, groups, n, k, root)
    init, _ = resolve_initial(scenario, hist)
    fa, fb, fab = _evaluate(scenario, design, output, label, init, batch_paths)
    check_variance(
        fa,
        fb,
        f"the output {label!r}",
        f"all {2 * n * k} sampled paths (for a target: always met or never met)",
    )
    table = indices_table(
        [grp.label for grp in groups] + [NOISE],
        fa,
        fb,
        fab,
        bootstrap=bootstrap,
        confidence=confidence,
        gen=block_generator(root, STREAM_KEY, 1),
    )
    table.attrs.update(
        output=label,
        scenario=scenario.name,
        paths_per_point=k,
        evaluations=(len(groups) + 3) * n * k,
        seed=seed_record(root),
        method="model_sobol",
        members={grp.label: list(grp.members) for grp in groups},
    )
    return table
