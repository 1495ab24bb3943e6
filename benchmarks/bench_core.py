"""Core speed of kzforecast.simulate: seconds, path-years/s and two ratios.

Run:  python benchmarks/bench_core.py [--quick] [--no-breakdown]

For the structural and the trend model at 1e4, 1e5 and 1e6 paths (``--quick``
skips 1e6) over a 10-year horizon it prints

* seconds for one ``simulate(..., keep_paths=False)`` (minimum of
  ``timeit.repeat``) and path-years per second;
* ``x RNG``: that time divided by the raw cost of drawing the same number of
  random variates with NumPy (``default_rng().standard_normal`` / ``.random``,
  float64, in blocks of the model's default ``block_size``);
* ``x faster than Python``: the time of a plain-Python per-path scalar loop of
  the same model (timed on 2,000 paths, scaled linearly) divided by that time;

then a breakdown of the 1e5-path structural run by stage (parameter draws,
shock draws, the kernel ``run_paths``, the summaries: moments per grid block, sketch per chunk),
measured by calling the internal functions the way ``run_chunk`` does, and a
finer split of the kernel and of the summaries.

Every figure is measured in this run and printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
from scipy import special

import kzforecast
from kzforecast import Scenario, simulate
from kzforecast.engine.draws import (
    U_EPS,
    concat_parameters,
    concat_shocks,
    draw_chunk_parameters,
    draw_chunk_shocks,
    draw_parameters,
    draw_shocks,
    param_specs,
)
from kzforecast.engine.initial import resolve_initial
from kzforecast.engine.kernel_inputs import run_kernel
from kzforecast.engine.runner import DEFAULT_BLOCK_SIZE, Accumulator, ChunkResult, Plan
from kzforecast.engine.seeding import GRID_BLOCK, block_generator, root_seed_sequence
from kzforecast.engine.workspace import Workspace
from kzforecast.model import blocks as mb
from kzforecast.model.kernel import (
    VARIABLES,
    model_streams,
    model_uses_block,
    model_variables,
    run_paths,
)
from kzforecast.results.summary import (
    ALPHA,
    N_BINS,
    RAW_MAX,
    RAW_MIN,
    RAW_SHIFT,
    block_moments,
    sparse_sketch_of,
)
from kzforecast.scenario import DESTINATIONS

AS_OF = 2025
HORIZON = AS_OF + 10
BLOCK = DEFAULT_BLOCK_SIZE["structural"]  # simulate()'s default for the structural model
PY_PATHS = 2_000

INITIAL = {
    "vehicle_output": 170_000.0,
    "output_growth": 0.08,
    "new_vehicle_sales": 235_000.0,
    "domestic_share_of_sales": 0.6,
    "export_demand": 10_000.0,
    "usd_kzt": 520.0,
    "rub_kzt": 6.3,
    "local_content_share": 0.3,
    "ckd_share": 0.1,
    "processing_output_index": 1.5,
    "processing_exports_usd_bn": 25.0,
    "processing_investment_kzt_trn": 1.7,
}


def _n(mean: float, sd: float) -> dict[str, Any]:
    return {"dist": "normal", "mean": mean, "sd": sd}


def _ln(median: float, sigma: float) -> dict[str, Any]:
    return {"dist": "lognormal", "mu": math.log(median), "sigma": sigma}


def bench_scenario(model: str = "structural") -> Scenario:
    """A fixed scenario: every block volatile, a mix of distributions, plants, copula."""
    data = {
        "name": f"bench-{model}",
        "as_of": AS_OF,
        "horizon": HORIZON,
        "model": model,
        "initial": INITIAL,
        "blocks": {
            "exchange_rate": {
                "mu_z": _n(0.04, 0.01),
                "s_z": _ln(0.06, 0.2),
                "p_dev": {"dist": "beta", "a": 2.0, "b": 14.0},
                "jump_mean": {"dist": "truncnormal", "mean": 0.2, "sd": 0.05, "low": 0.0},
                "jump_sd": 0.05,
                "b_r": _n(0.9, 0.1),
                "mu_r": -0.005,
                "s_r": 0.04,
            },
            "market": {
                "mu_M": _n(0.04, 0.02),
                "b_M": {"dist": "uniform", "low": 0.5, "high": 1.5},
                "s_M": _ln(0.1, 0.2),
            },
            "domestic_share": {"k_S": _n(0.02, 0.02), "s_S": 0.1},
            "exports": {
                "start_year": AS_OF + 2,  # exercises both the pre-start and start branches
                "x_start": _ln(15_000.0, 0.3),
                "mu_X": _n(0.1, 0.05),
                "b_X": 0.5,
                "s_X": 0.2,
                "destinations": {
                    "alpha": {
                        "russia": 6.0,
                        "uzbekistan": 3.0,
                        "kyrgyzstan": 1.0,
                        "tajikistan": 1.0,
                        "other": 1.0,
                    },
                },
            },
            "capacity": {
                "existing": 300_000.0,
                "plants": [
                    {
                        "name": "A",
                        "capacity": {"dist": "uniform", "low": 40_000, "high": 80_000},
                        "planned_start": AS_OF + 2,
                        "delay": {"dist": "triangular", "low": 0.0, "mode": 0.5, "high": 3.0},
                    },
                    {
                        "name": "B",
                        "capacity": _ln(100_000.0, 0.2),
                        "planned_start": AS_OF + 5,
                        "delay": {"dist": "triangular", "low": 0.0, "mode": 1.0, "high": 4.0},
                    },
                ],
            },
            "output": {"u_max": {"dist": "beta", "a": 18.0, "b": 2.0}},
            "local_content": {
                "k_L": {"dist": "beta", "a": 2.0, "b": 8.0},
                "L_max": 0.6,
                "s_L": 0.2,
            },
            "ckd_share": {
                "k_C": {"dist": "uniform", "low": 0.1, "high": 0.3},
                "C_max": 0.5,
                "s_C": 0.2,
            },
            "processing": {
                "g_P": _n(0.04, 0.01),
                "s_P": 0.03,
                "g_E": _n(0.03, 0.02),
                "s_E": 0.1,
                "g_I": _n(0.05, 0.02),
                "s_I": 0.1,
                "theta": {"dist": "beta", "a": 4.0, "b": 16.0},
            },
            "trend": {
                "mu_q": _n(0.05, 0.02),
                "phi": {"dist": "uniform", "low": 0.0, "high": 0.5},
                "s_q": _ln(0.1, 0.2),
                "b_q": 0.5,
            },
        },
        "correlation": {
            "parameters": ["blocks.market.mu_M", "blocks.exports.mu_X"],
            "matrix": [[1.0, 0.5], [0.5, 1.0]],
        },
    }
    return Scenario.from_dict(data, source="bench")


# --------------------------------------------------------------------------- helpers
def best(fn: Callable[[], Any], repeat: int, number: int = 1) -> float:
    """Minimum over ``repeat`` of the mean time of ``number`` calls (seconds)."""
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def fmt_s(x: float) -> str:
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


def header(title: str) -> None:
    print(title)
    print(f"  date      {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(
        f"  machine   {platform.platform()}; {platform.machine()}; "
        f"{platform.processor() or _cpu_name()}"
    )
    print(
        f"  CPUs      os.cpu_count()={os.cpu_count()}, usable="
        f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}"
    )
    print(f"  python    {platform.python_implementation()} {sys.version.split()[0]}")
    print(
        f"  numpy     {np.__version__}   scipy {scipy.__version__}   "
        f"kzforecast {kzforecast.__version__}"
    )
    print()


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "cpu ?"


def uncertain_drawn(sc: Scenario) -> int:
    """How many uncertain parameters simulate() draws for this scenario's model."""
    return sum(1 for spec in param_specs(sc)[0] if spec.fixed_value is None)


def variate_counts(sc: Scenario) -> tuple[int, int]:
    """(normals, uniforms) per path that one simulation of this scenario's model draws."""
    n_years = len(sc.years)
    streams = model_streams(sc.model)
    normals = sum(nn for nn, _ in streams.values()) * n_years + uncertain_drawn(sc)
    if sc.model == "structural":
        normals += len(DESTINATIONS)  # the Dirichlet's normal scores
    uniforms = sum(nu for _, nu in streams.values()) * n_years
    return normals, uniforms


def raw_rng(paths: int, normals: int, uniforms: int, block: int = BLOCK) -> None:
    """Draw the same variates with plain NumPy, in blocks of ``block`` paths."""
    rng = np.random.default_rng()
    for start in range(0, paths, block):
        n = min(block, paths - start)
        rng.standard_normal(normals * n)
        rng.random(uniforms * n)


# ------------------------------------------------------------- plain-Python loop
def _python_sampler(dist: Any) -> Callable[[random.Random], float]:
    kind = dist.dist
    if kind == "fixed":
        v = float(dist.value)
        return lambda r: v
    if kind == "normal":
        return lambda r: r.gauss(dist.mean_, dist.sd)
    if kind == "lognormal":
        return lambda r: math.exp(r.gauss(dist.mu, dist.sigma))
    if kind == "uniform":
        return lambda r: r.uniform(dist.low, dist.high)
    if kind == "triangular":
        return lambda r: r.triangular(dist.low, dist.high, dist.mode)
    if kind == "beta":
        return lambda r: dist.low + (dist.high - dist.low) * r.betavariate(dist.a, dist.b)
    if kind == "truncnormal":

        def trunc(r: random.Random) -> float:
            while True:
                x = r.gauss(dist.mean_, dist.sd)
                if dist.low <= x <= dist.high:
                    return x

        return trunc
    raise ValueError(kind)


def python_loop(sc: Scenario, n_paths: int, seed: int = 1) -> dict[str, Any]:
    """A straightforward per-path scalar loop of the same model, summaries included.

    Per path: draw every parameter (``random`` module samplers; the correlated
    pair through the copula factor), the Dirichlet destination shares, the
    per-year shocks, run the years (the equations of tests/reference.py) and
    update the per-(variable, year) running mean/M2/min/max and the log-bin
    quantile sketch. Same work as simulate(keep_paths=False), in plain Python; for
    the trend model only what it simulates (the exchange-rate block and the trend).
    """
    r = random.Random(seed)
    corr = sc.correlation
    factor = corr.gaussian_factor().tolist() if corr is not None else []
    corr_names = list(corr.parameters) if corr is not None else []
    params = {  # the parameters this model draws, as simulate() does
        k: d
        for k, d in sc.parameters().items()
        if model_uses_block(sc.model, k.split(".")[1]) or k in corr_names
    }
    short_of = {k: k.rsplit(".", 1)[-1] for k in params if ".plants." not in k}
    samplers = {k: _python_sampler(d) for k, d in params.items()}
    nd = statistics.NormalDist()
    plants = sc.blocks.capacity.plants
    alpha = list(sc.blocks.exports.destinations.alpha.values())
    init = resolve_initial(sc)[0]
    years = [int(y) for y in sc.years]
    start = sc.blocks.exports.start_year
    trend_model = sc.model == "trend"
    n_cells = len(model_variables(sc.model)) * len(years)
    mean = [0.0] * n_cells
    m2 = [0.0] * n_cells
    vmin = [math.inf] * n_cells
    vmax = [-math.inf] * n_cells
    sketch: list[dict[int, int]] = [{} for _ in range(n_cells)]
    inv_lg = 1.0 / math.log(1.0 + 2.0 * ALPHA)  # same bin ratio as the library's sketch
    log = math.log
    exp = math.exp
    gauss = r.gauss

    def expit(x: float) -> float:
        return 1.0 / (1.0 + exp(-x)) if x >= 0 else exp(x) / (1.0 + exp(x))

    def adjust(level: float, k: float, ceiling: float, s: float, e: float) -> float:
        m = level + k * (ceiling - level)
        if ceiling <= 0:
            return 0.0
        ratio = min(max(m / ceiling, 0.0), 1.0)
        if s == 0 or ratio <= 0.0 or ratio >= 1.0:
            return ceiling * ratio
        return ceiling * expit(log(ratio / (1.0 - ratio)) + s * e)

    def fx_year(p: dict[str, float]) -> tuple[float, float, float]:
        """One year of the exchange-rate block: (dz, dr, jump)."""
        dev = r.random() < p["p_dev"]
        e_j = gauss(0.0, 1.0)
        jump = max(p["jump_mean"] + p["jump_sd"] * e_j, 0.0) if dev else 0.0
        dz = p["mu_z"] + p["s_z"] * gauss(0.0, 1.0) + jump
        dr = p["b_r"] * dz + p["mu_r"] + p["s_r"] * gauss(0.0, 1.0)
        return dz, dr, jump

    def summarise(row: list[float], count: int) -> None:
        # cells are (year, variable) here; order does not matter for the cost
        for c, v in enumerate(row):
            delta = v - mean[c]
            mean[c] += delta / count
            m2[c] += delta * (v - mean[c])
            if v < vmin[c]:
                vmin[c] = v
            if v > vmax[c]:
                vmax[c] = v
            b = math.ceil(log(max(v, 1e-9)) * inv_lg)
            sk = sketch[c]
            sk[b] = sk.get(b, 0) + 1

    for count in range(1, n_paths + 1):
        # parameters
        val = {k: f(r) for k, f in samplers.items()}
        if corr_names:
            z = [gauss(0.0, 1.0) for _ in corr_names]
            for i, name in enumerate(corr_names):
                zi = sum(factor[i][j] * z[j] for j in range(len(z)))
                d = params[name]
                if d.dist == "normal":
                    val[name] = d.mean_ + d.sd * zi
                elif d.dist == "lognormal":
                    val[name] = math.exp(d.mu + d.sigma * zi)
                else:  # any other marginal through its inverse CDF
                    val[name] = float(d.ppf(np.array([nd.cdf(zi)]))[0])
        p = {short_of[k]: v for k, v in val.items() if k in short_of}
        if trend_model:  # output alone: the exchange-rate block and the trend equation
            z_, r_ = log(init.usd_kzt), log(init.rub_kzt)
            lq, gq = log(max(init.vehicle_output, 1e-300)), init.output_growth
            row = []
            for _year in years:
                dz, dr, jump = fx_year(p)
                z_ += dz
                r_ += dr
                gq = p["mu_q"] + p["phi"] * (gq - p["mu_q"]) + p["s_q"] * gauss(0.0, 1.0)
                gq -= p["b_q"] * jump
                lq += gq
                row += [exp(lq), exp(z_), exp(r_), 1.0 if jump > 0 else 0.0]
            summarise(row, count)
            continue
        caps = [
            (
                val[f"blocks.capacity.plants.{i}.capacity"],
                pl.planned_start + math.ceil(val[f"blocks.capacity.plants.{i}.delay"] - 1e-9),
            )
            for i, pl in enumerate(plants)
        ]
        g_draw = [max(r.gammavariate(a, 1.0), 1e-300) for a in alpha]
        g_tot = sum(g_draw)
        shares = [g / g_tot for g in g_draw]
        # state
        z_ = log(init.usd_kzt)
        r_ = log(init.rub_kzt)
        lm = log(init.new_vehicle_sales)
        ls = log(init.domestic_share_of_sales / (1 - init.domestic_share_of_sales))
        started = sc.as_of >= start
        lx = log(init.export_demand) if init.export_demand > 0 else -math.inf
        loc, ckd = init.local_content_share, init.ckd_share
        lpi = log(init.processing_output_index)
        lpe = log(init.processing_exports_usd_bn)
        lpv = log(init.processing_investment_kzt_trn)
        cell = 0
        row = [0.0] * n_cells
        for year in years:
            dz, dr, jump = fx_year(p)
            z_ += dz
            r_ += dr
            lm += p["mu_M"] - p["b_M"] * dz + p["s_M"] * gauss(0.0, 1.0)
            ls += p["k_S"] + p["s_S"] * gauss(0.0, 1.0)
            sales, share = exp(lm), expit(ls)
            e_x = gauss(0.0, 1.0)
            if year < start:
                xs = 0.0
            else:
                if year == start and not started:
                    lx = log(p["x_start"]) if p["x_start"] > 0 else -math.inf
                    started = True
                else:
                    lx += p["mu_X"] + p["b_X"] * dr + p["s_X"] * e_x
                xs = exp(lx)
            cap = p["existing"] + sum(c for c, y in caps if year >= y)
            demand = share * sales + xs
            q = min(p["u_max"] * cap, demand)
            rho = min(q / demand if demand > 0 else 1.0, 1.0)
            d, x = share * sales * rho, min(xs * rho, q)
            loc = adjust(loc, p["k_L"], p["L_max"], p["s_L"], gauss(0.0, 1.0))
            ckd = adjust(ckd, p["k_C"], p["C_max"], p["s_C"], gauss(0.0, 1.0))
            lpi += p["g_P"] + p["s_P"] * gauss(0.0, 1.0)
            lpe += p["g_E"] + p["s_E"] * gauss(0.0, 1.0)
            lpv += p["g_I"] + p["s_I"] * gauss(0.0, 1.0)
            inv = exp(lpv)
            out = (
                q,
                cap,
                sales,
                d,
                min(d / sales, 1.0),
                xs,
                x,
                x * shares[0],
                x * shares[1],
                x * shares[2],
                x * shares[3],
                x * shares[4],
                loc,
                ckd,
                exp(z_),
                exp(r_),
                1.0 if jump > 0 else 0.0,
                exp(lpi),
                exp(lpe),
                inv,
                inv * p["theta"],
                inv - inv * p["theta"],
            )
            for v in out:
                row[cell] = v
                cell += 1
        summarise(row, count)
    return {"mean": mean, "m2": m2, "min": vmin, "max": vmax, "sketch": sketch}


# ------------------------------------------------------------------- breakdown
def _prepare_chunks(sc: Scenario, paths: int, seed: int) -> tuple[Plan, list[range]]:
    init, _ = resolve_initial(sc)
    blocks = range(-(-paths // GRID_BLOCK))
    plan = Plan(sc, root_seed_sequence(seed), init, paths, "random", blocks)
    return plan, plan.chunks(DEFAULT_BLOCK_SIZE[sc.model])


def breakdown(sc: Scenario, paths: int, total: float, repeat: int) -> None:
    """Replay simulate()'s chunk loop (run_chunk + the merge) with a clock around each stage.

    Same calls, same order, same reused work buffers as a real run; per stage
    the minimum over ``repeat`` replays is kept.
    """
    plan, chunks = _prepare_chunks(sc, paths, seed=1)
    years = sc.years
    dirichlet = sc.blocks.exports.ordered_destinations()
    keys = [
        "parameter draws  (draw_chunk_parameters)",
        "shock draws      (draw_chunk_shocks)",
        "dest. shares     (Dirichlet.draw)",
        "kernel           (run_kernel into a buffer)",
        "moments per grid block (block_moments)",
        "min and max per chunk",
        "sketch per chunk (sparse_sketch_of)",
        "merge            (Chan update, sparse add)",
    ]
    clock = time.perf_counter

    def replay() -> tuple[dict[str, float], float]:
        acc = dict.fromkeys(keys, 0.0)
        ws = Workspace()
        merged = Accumulator()
        t_all = clock()
        for c in chunks:
            sizes = [plan.block_len(b) for b in c]
            n = sum(sizes)
            shape = (len(VARIABLES), len(years), n)
            t0 = clock()
            params = draw_chunk_parameters(sc, plan.root, c, sizes, "random")
            t1 = clock()
            shocks = draw_chunk_shocks(plan.root, c, sizes, len(years), "random", ws)
            t2 = clock()
            shares = dirichlet.draw(shocks.destinations)
            t3 = clock()
            values = run_kernel(sc, params, shocks, plan.init, shares, out=ws.take("values", shape))
            t4 = clock()
            moments = block_moments(values, sizes, ws.take("deviations", (*shape[:2], GRID_BLOCK)))
            t5 = clock()
            vmin, vmax = values.min(axis=-1), values.max(axis=-1)
            t6 = clock()
            sketch = sparse_sketch_of(values, vmin, vmax, bins=values.view(np.int64))
            t7 = clock()
            merged.add(ChunkResult(moments, vmin, vmax, sketch, [], None))
            t8 = clock()
            for k, (ta, tb) in zip(
                keys, zip((t0, t1, t2, t3, t4, t5, t6, t7), (t1, t2, t3, t4, t5, t6, t7, t8))
            ):
                acc[k] += tb - ta
        return acc, clock() - t_all

    runs = [replay() for _ in range(repeat)]
    times = {k: min(r[0][k] for r in runs) for k in keys}
    replay_total = min(r[1] for r in runs)
    measured = sum(times.values())
    py = paths * len(years)
    print(
        f"Breakdown: {sc.model} model, {paths:,} paths x {len(years)} years, "
        f"{len(chunks)} chunks of <= {BLOCK} paths (grid blocks of {GRID_BLOCK}); "
        f"replay of simulate()'s chunk loop, min of {repeat} per stage"
    )
    print(
        f"  simulate() end-to-end {fmt_s(total)}; replay {fmt_s(replay_total)}; "
        f"stages sum {fmt_s(measured)}"
    )
    print(f"  {'stage':<48}{'time':>10}{'share':>8}{'ns/path-yr':>12}")
    for name, t in times.items():
        print(f"  {name:<48}{fmt_s(t):>10}{t / measured:>8.1%}{t / py * 1e9:>12.1f}")
    print()
    param_detail(sc, plan, measured)
    summary_detail(plan, sc, measured, repeat)
    return None


def param_detail(sc: Scenario, plan: Plan, measured: float) -> None:
    """Where the parameter draws go: generator set-up + normals + ndtr, and ppf per family
    (per grid block of 4096 paths, scaled to the run)."""
    n_blocks = plan.n_blocks
    z = np.random.default_rng(1).standard_normal(GRID_BLOCK)
    unc = {sp.path: sp.dist for sp in param_specs(sc)[0] if sp.fixed_value is None}
    per_family: dict[str, list[float]] = {}
    for d in unc.values():
        t = best(lambda d=d: d.ppf_from_normal(z), repeat=5, number=5) * n_blocks
        per_family.setdefault(d.dist, []).append(t)
    gen_t = (
        best(
            lambda: [block_generator(plan.root, 0, 0, k) for k in range(len(unc))],
            repeat=5,
            number=5,
        )
        * n_blocks
    )
    g = np.random.default_rng(2)
    rng_t = best(lambda: [g.standard_normal(GRID_BLOCK) for _ in unc], 5, 5) * n_blocks
    print(
        f"  parameter draws split ({len(unc)} uncertain parameters x {n_blocks} grid blocks, "
        "pieces timed alone):"
    )
    rows = [
        ("block_generator (SeedSequence+PCG64) per param", gen_t),
        ("standard_normal(4096) per param", rng_t),
    ]
    for fam, ts in sorted(per_family.items(), key=lambda kv: -sum(kv[1])):
        rows.append((f"ppf_from_normal {fam} (x{len(ts)})", sum(ts)))
    for name, t in rows:
        print(f"    {name:<50}{fmt_s(t):>10}{t / measured:>8.1%} of stages")
    print()


def summary_detail(plan: Plan, sc: Scenario, measured: float, repeat: int) -> None:
    """The summary stages split further, on one full chunk of simulated values."""
    sim = simulate(sc, paths=BLOCK, seed=1, keep_paths=True)
    values = np.ascontiguousarray(sim.paths.transpose(0, 2, 1))  # (V, T, n) as run_paths
    sizes = [GRID_BLOCK] * (BLOCK // GRID_BLOCK)
    scale = plan.n_paths / BLOCK
    scratch = np.empty((*values.shape[:2], GRID_BLOCK))
    bins = np.empty(values.shape, dtype=np.int64)
    vmin, vmax = values.min(axis=-1), values.max(axis=-1)
    cells = values.shape[0] * values.shape[1]
    raw = np.right_shift(values.view(np.int64), RAW_SHIFT).reshape(cells, -1)
    lo = np.clip(raw.min(axis=1), RAW_MIN, RAW_MAX)
    width = np.clip(raw.max(axis=1), RAW_MIN, RAW_MAX) - lo + 1
    idx = np.clip(raw, RAW_MIN, RAW_MAX) + (np.cumsum(width) - width - lo)[:, None]

    def sums() -> None:
        for i in range(len(sizes)):
            np.einsum("...i->...", values[..., i * GRID_BLOCK : (i + 1) * GRID_BLOCK])

    rows = [
        (
            "block_moments (sum, deviations, sum of squares)",
            lambda: block_moments(values, sizes, scratch),
        ),
        ("  of which the sums alone", sums),
        ("min and max over the chunk", lambda: (values.min(axis=-1), values.max(axis=-1))),
        (
            "sparse_sketch_of (all; bins in a separate buffer here)",
            lambda: sparse_sketch_of(values, vmin, vmax, bins=bins),
        ),
        (
            "  bit shift into the int64 buffer",
            lambda: np.right_shift(values.view(np.int64), RAW_SHIFT, out=bins),
        ),
        (
            "  np.bincount over the compact cell ranges",
            lambda: np.bincount(idx.ravel(), minlength=int(width.sum())),
        ),
    ]
    print(
        f"  summaries split (one chunk of {BLOCK} paths x {values.shape[0]} vars x "
        f"{values.shape[1]} years, scaled x{scale:.2f} to the run; the cells' bin ranges "
        f"together span {int(width.sum()):,} bins, {int(width.sum()) / (cells * N_BINS):.1%} of "
        f"cells x N_BINS):"
    )
    for name, fn in rows:
        t = best(fn, repeat) * scale
        print(f"    {name:<56}{fmt_s(t):>10}{t / measured:>8.1%} of stages")
    print()
    kernel_detail(sc, plan, measured)


def kernel_detail(sc: Scenario, plan: Plan, measured: float) -> None:
    """Cost of the kernel's pieces on one full chunk, scaled to the whole run."""
    blocks = range(BLOCK // GRID_BLOCK)
    pparts = [draw_parameters(sc, plan.root, b, GRID_BLOCK, "random") for b in blocks]
    shocks = concat_shocks(
        [draw_shocks(plan.root, b, len(sc.years), GRID_BLOCK, "random") for b in blocks]
    )
    params = concat_parameters(pparts)
    # the kernel's typed inputs, built once outside the clock (lazy import: this needs the
    # kernel API of kzforecast.model.params)
    from kzforecast.engine.kernel_inputs import kernel_parameters
    from kzforecast.model.params import StructuralParams

    shares = sc.blocks.exports.destinations.draw(np.clip(shocks.destinations, U_EPS, 1 - U_EPS))
    mp = kernel_parameters(sc, params, shares)
    assert isinstance(mp, StructuralParams)
    g = {
        "p": {k.rsplit(".", 1)[-1]: v for k, v in params.items() if ".plants." not in k},
        "plants": mp.capacity.plants,
        "shares": shares,
    }
    paths = plan.n_paths
    whole = best(lambda: run_paths(mp, shocks, plan.init, sc.years, as_of=sc.as_of), 7)
    p = g["p"]
    n = shocks.destinations.shape[1]
    scale = paths / n  # chunks-worth of work in the whole run
    years = sc.years
    ny = len(years)
    e = shocks.normal
    u = shocks.uniform
    rng = np.random.default_rng(0)
    level = rng.uniform(0.1, 0.4, n)
    log_m = np.full(n, 12.0)
    dz = e["exchange_rate"][0, 0] * 0.05
    x_star = np.exp(rng.normal(9.0, 0.3, n))
    dom = np.exp(rng.normal(11.5, 0.2, n))
    cap = np.full(n, 300_000.0)
    out = np.empty((len(VARIABLES), ny, n))
    lg = np.zeros(n)
    log_x = np.zeros(n)
    sales = np.exp(log_m)
    share = special.expit(lg)
    dest_shares = g["shares"]
    first = g["plants"].first_year
    capacity = g["plants"].capacity

    def fx() -> None:
        z0, r0 = np.zeros(n), np.zeros(n)
        for t in range(ny):
            mb.exchange_rate_step(
                z0,
                r0,
                mp.exchange_rate,
                e["exchange_rate"][0, t],
                e["exchange_rate"][1, t],
                e["exchange_rate"][2, t],
                u["exchange_rate"][0, t],
            )

    def market() -> None:
        for t in range(ny):
            mb.market_step(log_m, mp.market, dz, e["market"][0, t])

    def dshare() -> None:
        for t in range(ny):
            w = lg + p["k_S"]
            w += p["s_S"] * e["domestic_share"][0, t]
            np.negative(w, out=w)
            np.exp(w, out=w)
            w += 1.0
            np.divide(1.0, w, out=w)

    def exports() -> None:
        for t in range(ny):
            np.exp(log_x + p["mu_X"] + p["b_X"] * dz + p["s_X"] * e["exports"][0, t])
            np.zeros(n)

    def capacity_loop() -> None:
        for t in range(ny):
            c = np.broadcast_to(p["existing"], (n,)).astype(np.float64)
            for c_p, y_p in zip(capacity, first):
                c = c + c_p * (int(years[t]) >= y_p)

    def ration() -> None:
        for _ in range(ny):
            mb.ration_output(cap, p["u_max"], share * sales, x_star)

    def partial() -> None:
        for t in range(ny):
            mb.partial_adjustment_step(
                level, p["k_L"], p["L_max"], p["s_L"], e["local_content"][0, t]
            )
            mb.partial_adjustment_step(level, p["k_C"], p["C_max"], p["s_C"], e["ckd_share"][0, t])

    def processing() -> None:
        for t in range(ny):
            a = log_m + p["g_P"] + p["s_P"] * e["processing"][0, t]
            b = log_m + p["g_E"] + p["s_E"] * e["processing"][1, t]
            c = log_m + p["g_I"] + p["s_I"] * e["processing"][2, t]
            np.exp(a, out=out[0, t])
            np.exp(b, out=out[1, t])
            inv = np.exp(c, out=out[2, t])
            np.multiply(inv, p["theta"], out=out[3, t])
            np.subtract(inv, out[3, t], out=out[4, t])

    def writes() -> None:
        # output stores, exp of the rates, the shares-of-sales and 5 destination products
        for t in range(ny):
            np.exp(log_m, out=out[0, t])
            np.exp(log_m, out=out[1, t])
            np.exp(log_m, out=out[2, t])
            np.greater(dz, 0.0, out=out[3, t])
            np.divide(dom, sales, out=out[4, t])
            np.minimum(out[4, t], 1.0, out=out[4, t])
            for i in range(5):
                np.multiply(x_star, dest_shares[i], out=out[5 + i, t])
            out[10, t] = dom
            out[11, t] = dom
            out[12, t] = dom
            out[13, t] = dom
            out[14, t] = dom
            out[15, t] = dom

    pieces = [
        ("exchange_rate_step", fx),
        ("market_step + exp", market),
        ("domestic share (logit walk + 1/(1+exp))", dshare),
        ("export demand (walk + exp)", exports),
        ("capacity (plants loop)", capacity_loop),
        ("ration_output", ration),
        ("partial_adjustment_step x2 (L, C)", partial),
        ("processing (3 walks, 3 exp, split)", processing),
        ("stores/exp/dest products (approx.)", writes),
    ]
    print(
        f"  kernel split (pieces re-run alone on one chunk of {n} paths x {ny} years, "
        f"scaled x{scale:.2f} to the run; whole run_paths on that chunk "
        f"{fmt_s(whole * scale)} scaled; the pieces are approximate and need not sum to it):"
    )
    for name, fn in pieces:
        t = best(fn, 7) * scale
        print(f"    {name:<46}{fmt_s(t):>10}{t / measured:>8.1%} of stages")
    print()


# ---------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1e6-path runs")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the stage breakdown")
    args = ap.parse_args()

    header("kzforecast bench_core")
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    repeats = {10_000: 7, 100_000: 5, 1_000_000: 3}
    scenarios = {m: bench_scenario(m) for m in ("structural", "trend")}
    sc0 = scenarios["structural"]
    n_years = len(sc0.years)
    counts = {m: variate_counts(sc) for m, sc in scenarios.items()}
    print(
        f"Scenario: {n_years}-year horizon ({AS_OF + 1}-{HORIZON}), "
        f"{len(sc0.uncertain_parameters())} uncertain parameters in the file (1 normal each)"
    )
    for m, sc in scenarios.items():
        nn, nu = counts[m]
        print(
            f"  {m:<10} simulates {len(model_variables(m))} variables and draws "
            f"{uncertain_drawn(sc)} uncertain parameters; per path {nn} normals + {nu} uniforms "
            f"= {nn + nu} variates"
        )
    print(
        f"Timing: minimum of timeit.repeat (repeats {repeats}), keep_paths=False, threads=1, "
        f"default block_size ({DEFAULT_BLOCK_SIZE})"
    )
    print()

    # warm up imports, caches and the allocator
    for sc in scenarios.values():
        simulate(sc, paths=BLOCK, seed=1)

    # plain-Python loop, once per model (scaled linearly per path)
    py_per_path = {}
    for m, sc in scenarios.items():
        t = best(lambda sc=sc: python_loop(sc, PY_PATHS), repeat=3)
        py_per_path[m] = t / PY_PATHS

    rows = []
    sim_time: dict[tuple[str, int], float] = {}
    for paths in sizes:
        for m, sc in scenarios.items():
            t_rng = best(
                lambda paths=paths, m=m: raw_rng(paths, *counts[m], DEFAULT_BLOCK_SIZE[m]),
                repeats[paths],
            )
            t = best(lambda sc=sc, paths=paths: simulate(sc, paths=paths, seed=1), repeats[paths])
            sim_time[(m, paths)] = t
            rows.append(
                (
                    m,
                    paths,
                    t,
                    paths * n_years / t,
                    t_rng,
                    t / t_rng,
                    py_per_path[m] * paths,
                    py_per_path[m] * paths / t,
                )
            )

    print(
        f"{'model':<11}{'paths':>10}{'seconds':>10}{'path-yr/s':>12}{'RNG s':>9}"
        f"{'x RNG':>7}{'Python s':>10}{'x faster':>10}"
    )
    for m, paths, t, pys, tr, ratio, tpy, speedup in rows:
        print(
            f"{m:<11}{paths:>10,}{t:>10.3f}{pys:>12.3g}{tr:>9.3f}{ratio:>7.2f}"
            f"{tpy:>10.1f}{speedup:>10.0f}"
        )
    print()
    print(
        "  x RNG    = simulate seconds / seconds to draw the same variates with numpy "
        "(goal: trend <= 1.5, structural <= 2)"
    )
    print(
        f"  Python s = plain-Python per-path loop, timed on {PY_PATHS:,} paths "
        f"({py_per_path['structural'] * 1e6:.0f} us/path structural, "
        f"{py_per_path['trend'] * 1e6:.0f} us/path trend), scaled linearly"
    )
    print("  x faster = Python s / seconds (goal: >= 50)")
    print()

    if not args.no_breakdown:
        breakdown(sc0, 100_000, sim_time[("structural", 100_000)], repeat=5)


if __name__ == "__main__":
    main()
