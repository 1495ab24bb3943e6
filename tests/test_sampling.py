"""Sampling modes: Sobol draws one design per grid block, and every mode reports honest errors.

Fixed seeds throughout; each tolerance is a few standard errors of the statistic
it bounds (the spread of a standard deviation or a variance over k seeds).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from kzforecast import Scenario, TargetError, check, check_until, simulate
from kzforecast.engine.draws import (
    draw_chunk_parameters,
    draw_shocks,
    sobol_design,
    sobol_layout,
)
from kzforecast.engine.seeding import GRID_BLOCK
from kzforecast.errors import ArgumentError, ArgumentTypeError

from .test_check import make_target, trend_scenario


def _normal_dims(scenario: Scenario, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    """Every normal score a Sobol run draws in grid block 0: (dimension, path)."""
    root = np.random.SeedSequence(seed)
    layout = sobol_layout(scenario)
    sh = draw_shocks(
        root, 0, len(scenario.years), GRID_BLOCK, "sobol", scenario.model, layout=layout
    )
    rows = [z.reshape(-1, GRID_BLOCK) for z in sh.normal.values()]
    rows.append(sh.destinations)
    # the parameters' normal scores, before the copula and the quantile functions
    u = sobol_design(root, 0, layout)[layout.param_start :]
    rows.append(special.ndtri(u))
    # and a parameter drawn from them: a normal one is its score scaled
    params = draw_chunk_parameters(scenario, root, [0], [GRID_BLOCK], "sobol")
    assert len(params) == layout.n_params
    return np.concatenate(rows)


def test_sobol_draws_of_different_streams_are_uncorrelated() -> None:
    # the old draws gave each stream its own scrambled Sobol engine over the same
    # dimensions: same-year shocks of two streams correlated at 0.5-0.9
    sc = Scenario.builtin("baseline")
    sh = draw_shocks(np.random.SeedSequence(1), 0, len(sc.years), GRID_BLOCK, "sobol", sc.model)
    same_year = [sh.normal[k][0, 0] for k in ("market", "domestic_share", "exports", "processing")]
    r = np.corrcoef(same_year)
    se = 1 / math.sqrt(GRID_BLOCK)
    assert np.abs(r[np.triu_indices(len(same_year), 1)]).max() < 4 * se
    # and every pair of dimensions of the run (shocks, destinations, parameters' normal
    # scores, ~12,000 pairs): their correlations are as small as independent draws' (root
    # mean square 1 / sqrt(n)); Sobol's known weak 2-D projections at 4096 points leave a
    # handful of pairs near 0.13 (independent scrambles of one dimension gave 0.5-0.9)
    z = _normal_dims(sc, 2)
    r = np.corrcoef(z)
    pairs = np.abs(r[np.triu_indices(len(z), 1)])
    assert math.sqrt(np.mean(pairs**2)) < 1.2 * se
    assert np.mean(pairs > 4 * se) < 0.002
    assert pairs.max() < 0.2


def test_sobol_normals_are_standard_normal() -> None:
    z = _normal_dims(Scenario.builtin("baseline"), 3)
    n = z.shape[1]
    assert np.abs(z.mean(axis=1)).max() < 4 / math.sqrt(n)
    assert np.abs(z.std(axis=1) - 1).max() < 4 / math.sqrt(2 * n)


def test_sobol_variance_across_seeds_is_no_larger_than_plain() -> None:
    # a smooth statistic (the mean of output in the last year) over k fixed seeds
    sc = Scenario.builtin("baseline")
    k = 12
    spread = {}
    for sampling in ("random", "sobol"):
        means = [
            simulate(sc, paths=GRID_BLOCK, seed=s, sampling=sampling)
            .summary("vehicle_output")["mean"]
            .iloc[-1]
            for s in range(k)
        ]
        spread[sampling] = float(np.var(means, ddof=1))
    # the variance estimate's relative standard error is sqrt(2 / (k - 1))
    assert spread["sobol"] <= spread["random"] * (1 + 2 * math.sqrt(2 / (k - 1)))


def test_sobol_runs_are_bit_identical_across_chunking_and_threads() -> None:
    sc = Scenario.builtin("baseline")
    t = make_target(metric="vehicle_output", threshold=150_000.0, due_year=2030)
    a = check(simulate(sc, paths=3 * GRID_BLOCK, seed=4, sampling="sobol", targets=[t]))
    b = check(
        simulate(
            sc,
            paths=3 * GRID_BLOCK,
            seed=4,
            sampling="sobol",
            targets=[t],
            block_size=GRID_BLOCK,
            threads=2,
        )
    )
    assert a[["p_met", "mc_se", "p90_low", "p90_high"]].equals(
        b[["p_met", "mc_se", "p90_low", "p90_high"]]
    )


def _p_spread(sampling: str, k: int, paths: int, threshold: float) -> tuple[float, float, float]:
    """Spread of P(met) over k seeds, the root mean reported mc_se, and the binomial SE."""
    sc = trend_scenario(mu_q=0.05, s_q=0.12)
    t = make_target(threshold=threshold)
    rows = [
        check(simulate(sc, paths=paths, seed=s, sampling=sampling, targets=[t])) for s in range(k)
    ]  # type: ignore[arg-type]
    p = np.array([r["p_met"].iloc[0] for r in rows])
    se = np.array([r["mc_se"].iloc[0] for r in rows])
    pm = float(p.mean())
    return float(p.std(ddof=1)), float(np.sqrt(np.mean(se**2))), math.sqrt(pm * (1 - pm) / paths)


def test_antithetic_mc_se_matches_the_spread_over_seeds() -> None:
    k = 24
    sd, reported, binomial = _p_spread("antithetic", k, 8192, 150_000.0)
    # the sd over k seeds has relative standard error about 1 / sqrt(2 (k - 1))
    assert abs(sd / reported - 1) < 3 / math.sqrt(2 * (k - 1))
    # the pairs are negatively correlated here: the binomial SE overstates the error
    assert reported < 0.8 * binomial


def test_sobol_mc_se_matches_the_spread_over_seeds() -> None:
    k = 20
    sd, reported, _ = _p_spread("sobol", k, 4 * GRID_BLOCK, 150_000.0)
    # the block-replicate variance has 3 degrees of freedom per seed: the pooled
    # estimate over k seeds has about 3k; the sd over k seeds about 1 / sqrt(2 (k - 1))
    assert abs(sd / reported - 1) < 3 / math.sqrt(2 * (k - 1)) + 3 / math.sqrt(2 * 3 * k)


def test_random_mc_se_is_the_binomial_one() -> None:
    t = make_target(threshold=150_000.0)
    res = check(simulate(trend_scenario(), paths=8192, seed=1, targets=[t]))
    p = res["p_met"].iloc[0]
    assert res["mc_se"].iloc[0] == math.sqrt(p * (1 - p) / 8192)


def test_a_sobol_run_of_one_block_cannot_estimate_its_error() -> None:
    t = make_target(threshold=150_000.0)
    res = check(simulate(trend_scenario(), paths=GRID_BLOCK, seed=1, sampling="sobol", targets=[t]))
    assert math.isnan(res["mc_se"].iloc[0])
    assert not math.isnan(res["p_met"].iloc[0])


@pytest.mark.parametrize("sampling", ["antithetic", "sobol"])
def test_check_until_merges_cluster_counts_like_one_run(sampling: str) -> None:
    t = make_target(threshold=150_000.0)
    sc = trend_scenario()
    table, trace = check_until(sc, [t], precision=0.004, batch=GRID_BLOCK, max_paths=200_000,
                               seed=5, sampling=sampling)  # type: ignore[arg-type]  # fmt: skip
    n = table.attrs["paths"]
    assert table.attrs["converged"]
    assert table.attrs["sampling"] == sampling
    one = check(simulate(sc, paths=n, seed=5, sampling=sampling, targets=[t]))  # type: ignore[arg-type]
    cols = ["p_met", "mc_se", "p90_low", "p90_high"]
    assert table[cols].equals(one[cols])
    assert trace.iloc[-1, 1] <= 0.004


def test_check_of_targets_not_counted_is_an_error() -> None:
    t = make_target(threshold=150_000.0)
    sim = simulate(trend_scenario(), paths=GRID_BLOCK, seed=1)
    with pytest.raises(TargetError, match="not counted during the simulation: TEST-1:main"):
        check(sim, [t])
    other = make_target(id="TEST-2", threshold=150_000.0)
    with pytest.raises(TargetError, match="TEST-2:main"):
        check(simulate(trend_scenario(), paths=GRID_BLOCK, seed=1, targets=[t]), [t, other])


def test_argument_errors_are_the_library_s_own() -> None:
    sc = trend_scenario()
    t = make_target()
    with pytest.raises(ArgumentError, match="paths must be an integer"):
        simulate(sc, paths=0)
    with pytest.raises(ArgumentTypeError, match="seed must be"):
        simulate(sc, paths=GRID_BLOCK, seed=np.random.default_rng(1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="sampling must be"):
        check_until(sc, [t], sampling="lhs")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="precision must lie"):
        check_until(sc, [t], precision=0.7)
    with pytest.raises(ArgumentTypeError, match="must be a Simulation"):
        check("not a simulation")  # type: ignore[arg-type]


def test_variables_summarises_only_those_and_leaves_them_and_targets_unchanged() -> None:
    sc = Scenario.builtin("baseline")
    t = make_target(threshold=150_000.0, due_year=2030)
    full = simulate(sc, paths=2 * GRID_BLOCK, seed=7, targets=[t])
    few = simulate(
        sc, paths=2 * GRID_BLOCK, seed=7, targets=[t], variables=["ckd_share", "vehicle_output"]
    )
    assert few.variables == ("ckd_share", "vehicle_output")
    for v in few.variables:
        assert few.summary(v).equals(full.summary(v))
    assert check(few)["p_met"].equals(check(full)["p_met"])
    with pytest.raises(ArgumentError, match="variables must be distinct variables"):
        simulate(sc, paths=GRID_BLOCK, variables=["nope"])
