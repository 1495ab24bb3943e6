r"""``backtest``: how good were the model's forecasts, made with the data of their time?

For each vintage year ``v``, :func:`backtest` calibrates a scenario with the
history up to ``v`` only (:func:`kzforecast.analysis.calibrate.calibrate`), simulates it
forward and scores the predictive distribution of vehicle output against the
realized value of each later year up to ``v + horizon``. Side by side it scores

* ``naive``: a random walk with drift in logs, drift and volatility from the same
  data up to ``v``; its predictive distribution is normal in logs (closed forms);
* ``target``: where an official level target for that year had been stated by
  ``v`` (the shipped registry, ``metric="vehicle_output"``, default readings with
  ``transform="level"`` and ``timing="in_year"``; the latest statement wins), the
  target as a point forecast (its CRPS is the absolute error).

Scores (one row per vintage, year and method in :attr:`BacktestResult.scores`):
the CRPS in vehicles (sample estimator for the model, closed form for the naive
benchmark), the PIT value, whether the 50/80/90% central intervals covered the
outcome, and the absolute percentage error of the median.

Only exact, derived and approximate values are scored. A lower or upper bound
("over 50,000 in 2019") cannot be scored by CRPS or PIT: those years are skipped
and listed, with the reason, in :attr:`BacktestResult.skipped`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from kzforecast.analysis.calibrate import CalibrationReport, Model, bound_years, calibrate
from kzforecast.engine import Engine
from kzforecast.errors import KzForecastError

__all__ = [
    "LEVELS",
    "BacktestResult",
    "backtest",
    "crps_lognormal",
    "crps_normal",
    "crps_sample",
    "pit_sample",
]

Arr = NDArray[np.float64]
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9)
"""Nominal coverage of the central intervals scored."""

_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
_SOURCE = "backtest"
_SCORE_COLUMNS = [
    "vintage",
    "year",
    "lead",
    "method",
    "realized",
    "median",
    "crps",
    "pit",
    "covered_50",
    "covered_80",
    "covered_90",
    "ape",
    "source",
]


# --------------------------------------------------------------------------- scores
def crps_sample(samples: ArrayLike, y: float) -> float:
    r"""Fair (unbiased) sample CRPS of an ensemble ``samples`` for the outcome ``y``.

    .. math::

        \mathrm{CRPS} = \frac1m \sum_i |X_i - y|
            - \frac{1}{2 m (m - 1)} \sum_{i, j} |X_i - X_j|

    computed in O(m log m): with the sample sorted, ``sum_{i,j} |X_i - X_j| =
    2 sum_k (2k - m - 1) X_(k)``.

    Examples
    --------
    >>> crps_sample([0.0, 1.0], 0.0)
    0.0
    """
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    m = x.size
    if m < 2:
        raise ValueError("crps_sample needs at least 2 samples")
    first = float(np.mean(np.abs(x - y)))
    k = np.arange(1, m + 1, dtype=np.float64)
    pair_sum = 2.0 * float(np.sum((2.0 * k - m - 1.0) * x))
    return first - pair_sum / (2.0 * m * (m - 1.0))


def crps_normal(mu: float, sigma: float, y: float) -> float:
    r"""CRPS of N(mu, sigma^2) for ``y``: sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)].

    Examples
    --------
    >>> round(crps_normal(0.0, 1.0, 0.0), 4)
    0.2337
    """
    if sigma <= 0:
        return abs(y - mu)
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

    Examples
    --------
    >>> pit_sample([1.0, 2.0, 3.0, 4.0], 2.0)
    0.375
    """
    x = np.asarray(samples, dtype=np.float64).ravel()
    return float((np.sum(x < y) + 0.5 * np.sum(x == y)) / x.size)


def _central(level: float) -> tuple[float, float]:
    return (1.0 - level) / 2.0, (1.0 + level) / 2.0


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Scores of a backtest, with summaries and charts.

    Attributes
    ----------
    scores : DataFrame
        Tidy: ``vintage, year, lead, method, realized, median, crps, pit,
        covered_50, covered_80, covered_90, ape, source`` (``method`` is
        ``model``, ``naive`` or ``target``; ``source`` the target id for
        ``target`` rows). CRPS in vehicles; PIT and coverage are NaN for a point
        forecast.
    skipped : DataFrame
        ``vintage, year, lead, reason``: later years that were not scored
        (bounds, gaps) and vintages whose naive benchmark could not be fitted.
    fans : DataFrame
        ``vintage, year, lead, method, p05 .. p95``: predictive quantiles of the
        model and of the naive benchmark for every year up to ``v + horizon``.
    realized : DataFrame
        ``value, qualifier`` of the scored variable by year (the whole history).
    reports : dict
        The :class:`~kzforecast.analysis.calibrate.CalibrationReport` of each vintage.
    """

    scores: pd.DataFrame
    skipped: pd.DataFrame
    fans: pd.DataFrame
    realized: pd.DataFrame
    vintages: tuple[int, ...]
    horizon: int
    model: str
    paths: int
    seed: int
    reports: dict[int, CalibrationReport] = field(default_factory=dict, repr=False)

    def summary(self) -> pd.DataFrame:
        """Mean scores by method and lead (and over all leads, ``lead="all"``).

        Columns: ``n`` (scored points), ``crps`` (mean, vehicles),
        ``crps_rel`` (mean of CRPS / realized), ``ape`` (mean APE of the median),
        ``pit_mean``, ``coverage_50/80/90`` (share of outcomes inside) and
        ``coverage_se_80`` (binomial standard error of the 80% coverage at its
        nominal value, to judge the gap).
        """
        s = self.scores.copy()
        s["crps_rel"] = s["crps"] / s["realized"]
        rows = []
        for (method, lead), g in list(s.groupby(["method", "lead"])) + [
            ((m, "all"), g) for m, g in s.groupby("method")
        ]:
            n = len(g)
            row: dict[str, Any] = {
                "method": method,
                "lead": str(lead),
                "n": n,
                "crps": g["crps"].mean(),
                "crps_rel": g["crps_rel"].mean(),
                "ape": g["ape"].mean(),
                "pit_mean": g["pit"].mean(),
            }
            for lv in LEVELS:
                col = g[f"covered_{round(lv * 100)}"].astype(float)
                row[f"coverage_{round(lv * 100)}"] = col.mean()
            row["coverage_se_80"] = math.sqrt(0.8 * 0.2 / n) if method != "target" else math.nan
            rows.append(row)
        out = pd.DataFrame(rows)
        if out.empty:
            cols = ["n", "crps", "crps_rel", "ape", "pit_mean"]
            cols += [f"coverage_{round(lv * 100)}" for lv in LEVELS] + ["coverage_se_80"]
            empty_index = pd.MultiIndex.from_tuples([], names=["method", "lead"])
            return pd.DataFrame(columns=cols, index=empty_index)
        order = {"model": 0, "naive": 1, "target": 2}
        out["_m"] = out["method"].map(order).fillna(9)
        out["_l"] = out["lead"].map(lambda x: 999 if x == "all" else int(x))
        return (
            out.sort_values(["_m", "_l"]).drop(columns=["_m", "_l"]).set_index(["method", "lead"])
        )

    # ----------------------------------------------------------------- charts
    def plot_pit(self, bins: int = 5) -> Any:
        """Histogram of the PIT values of the model and the naive benchmark (a Figure).

        A calibrated forecast has a flat histogram; the band is the binomial
        +-2 SE range of a bin under uniformity.
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 4.0))
        ax = fig.subplots()
        edges = np.linspace(0.0, 1.0, bins + 1)
        methods = [m for m in ("model", "naive") if m in set(self.scores["method"])]
        width = 1.0 / bins / (len(methods) + 1)
        n_max = 0
        for i, m in enumerate(methods):
            pit = self.scores.loc[self.scores["method"] == m, "pit"].dropna().to_numpy()
            n_max = max(n_max, pit.size)
            counts, _ = np.histogram(pit, bins=edges)
            dens = counts / max(pit.size, 1) * bins
            ax.bar(
                edges[:-1] + (i + 0.5) * width,
                dens,
                width=width,
                align="edge",
                label=f"{m} (n={pit.size})",
            )
        if n_max:
            p = 1.0 / bins
            se = math.sqrt(p * (1 - p) / n_max) * bins
            ax.axhspan(1 - 2 * se, 1 + 2 * se, color="0.85", zorder=0, label="uniform +-2 SE")
        ax.axhline(1.0, color="k", lw=1)
        ax.set_xlabel("PIT")
        ax.set_ylabel("density")
        ax.set_title(f"PIT histogram, vintages {_span(self.vintages)}, horizon {self.horizon}")
        ax.legend(fontsize=8)
        return fig

    def plot_coverage(self) -> Any:
        """Empirical coverage of the 50/80/90% central intervals against nominal (a Figure)."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5.0, 4.5))
        ax = fig.subplots()
        ax.plot([0.4, 1.0], [0.4, 1.0], color="k", lw=1, label="nominal")
        for j, m in enumerate(("model", "naive")):
            g = self.scores[self.scores["method"] == m]
            if g.empty:
                continue
            n = len(g)
            emp = [float(g[f"covered_{round(lv * 100)}"].astype(float).mean()) for lv in LEVELS]
            err = [2 * math.sqrt(lv * (1 - lv) / n) for lv in LEVELS]
            ax.errorbar(
                np.array(LEVELS) + 0.006 * (j - 0.5),
                emp,
                yerr=err,
                fmt="o",
                capsize=3,
                label=f"{m} (n={n}; bars: +-2 binomial SE)",
            )
        ax.set_xlim(0.4, 1.0)
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel("nominal coverage")
        ax.set_ylabel("share of outcomes inside the interval")
        ax.set_title("Interval coverage")
        ax.legend(fontsize=8, loc="lower right")
        return fig

    def plot_fans(self, method: str = "model") -> Any:
        """Forecast fans (50% and 90% bands, median) per vintage against the realized line."""
        from matplotlib.figure import Figure

        vint = list(self.vintages)
        ncol = min(3, len(vint))
        nrow = -(-len(vint) // ncol)
        fig = Figure(figsize=(4.2 * ncol, 3.2 * nrow))
        axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
        real = self.realized
        for ax, v in zip(axes, vint):
            f = self.fans[(self.fans["vintage"] == v) & (self.fans["method"] == method)]
            lo_year = v - 4
            hi_year = v + self.horizon
            r = real.loc[(real.index >= lo_year) & (real.index <= hi_year)]
            ok = r[~r["qualifier"].isin(["lower_bound", "upper_bound"])]
            ax.plot(ok.index, ok["value"], "k.-", lw=1, label="realized")
            bnd = r[r["qualifier"] == "lower_bound"]
            if len(bnd):
                ax.plot(bnd.index, bnd["value"], "k^", ms=5, mfc="none", label="lower bound")
            if len(f):
                ax.fill_between(f["year"], f["p05"], f["p95"], color="C0", alpha=0.2, label="90%")
                ax.fill_between(f["year"], f["p25"], f["p75"], color="C0", alpha=0.4, label="50%")
                ax.plot(f["year"], f["p50"], color="C0", lw=1.5, label="median")
            t = self.scores[(self.scores["vintage"] == v) & (self.scores["method"] == "target")]
            if len(t):
                ax.plot(t["year"], t["median"], "rx", ms=7, label="official target")
            ax.set_title(f"vintage {v}")
            ax.ticklabel_format(axis="y", style="plain")
        for ax in axes[len(vint) :]:
            ax.set_visible(False)
        axes[0].legend(fontsize=7, loc="upper left")
        fig.suptitle(f"{self.model} model ({method}): vehicle output forecasts by vintage")
        fig.tight_layout()
        return fig


def _span(years: Sequence[int]) -> str:
    return f"{min(years)}-{max(years)}" if years else ""


# --------------------------------------------------------------------------- naive benchmark
@dataclass(frozen=True)
class _Naive:
    last_year: int
    last_log: float
    drift: float
    sigma: float
    span: int

    def predictive(self, year: int) -> tuple[float, float]:
        """Mean and sd of log output in ``year`` (drift uncertainty included)."""
        h = year - self.last_year
        var = h * self.sigma**2 + (h**2) * self.sigma**2 / self.span
        return self.last_log + h * self.drift, math.sqrt(var)


def _fit_naive(series: pd.Series) -> _Naive | None:
    """Random walk with drift in logs from observations with gaps (GLS = endpoints)."""
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
    return _Naive(int(years[-1]), float(y[-1]), drift, math.sqrt(sigma2), int(span))


# --------------------------------------------------------------------------- targets
def _target_points(targets: Iterable[Any], vintage: int) -> dict[int, tuple[float, str]]:
    """Latest level target per year stated by ``vintage``: year -> (threshold, id)."""
    best: dict[int, tuple[Any, float, str]] = {}
    for t in targets:
        if t.metric != "vehicle_output" or t.transform != "level" or t.timing != "in_year":
            continue
        if not t.default_reading or t.due_year is None:
            continue
        stated = t.stated_on if t.stated_on is not None else t.stated_year
        if stated is None:
            continue
        year_stated = stated.year if hasattr(stated, "year") else int(stated)
        if year_stated > vintage:
            continue
        key = (str(stated), t.id)
        prev = best.get(int(t.due_year))
        if prev is None or key > prev[0]:
            best[int(t.due_year)] = (key, float(t.threshold), str(t.id))
    return {y: (v[1], v[2]) for y, v in best.items()}


# --------------------------------------------------------------------------- backtest
def _check_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise KzForecastError(
            f"{name} must be an integer, got {value!r}", source=_SOURCE, location=name
        )
    return int(value)


def backtest(
    history: pd.DataFrame | None = None,
    *,
    vintages: Iterable[int],
    horizon: int,
    model: Model = "trend",
    paths: int = 4000,
    seed: int = 0,
    parameter_uncertainty: bool = True,
    observations: pd.DataFrame | None = None,
    devaluations: Any = None,
    targets: Sequence[Any] | None = None,
    engine: Engine = "local",
    client: Any = None,
) -> BacktestResult:
    """Calibrate at each vintage, simulate forward and score against what happened.

    Parameters
    ----------
    history : DataFrame, optional
        Wide history (default the shipped one). Each vintage sees only its rows
        up to the vintage year; later rows are the outcomes.
    vintages : iterable of int
        Vintage years (the ``as_of`` of each calibration).
    horizon : int
        Leads 1..horizon are scored (>= 1).
    model : {"trend", "structural"}
        The calibrated model (see :func:`kzforecast.analysis.calibrate.calibrate`).
    paths, seed : int
        Monte Carlo paths per vintage and the root seed; vintage ``v`` runs with
        seed ``[seed, v]``.
    parameter_uncertainty : bool, default True
        Passed to :func:`~kzforecast.analysis.calibrate.calibrate`.
    observations, devaluations
        Passed to :func:`~kzforecast.analysis.calibrate.calibrate`; ``observations`` also
        tells which outcomes are bounds (not scored).
    targets : sequence of Target, optional
        Official targets scored as point forecasts; default the shipped registry's
        vehicle-output targets. Pass ``[]`` to leave them out.
    engine, client : optional
        Passed to every :func:`kzforecast.simulate` run; results do not depend
        on them.

    Returns
    -------
    BacktestResult

    Raises
    ------
    KzForecastError
        No vintages, a horizon < 1, paths < 1, or a vintage the calibration
        cannot use (outside the data, too few output points).
    """
    from kzforecast.engine.simulate import simulate

    vint = sorted({_check_int(v, "vintages") for v in vintages})
    if not vint:
        raise KzForecastError(
            "no vintages given",
            source=_SOURCE,
            location="vintages",
            allowed="one or more years, e.g. 2018 2019 2020",
        )
    horizon = _check_int(horizon, "horizon")
    if horizon < 1:
        raise KzForecastError(
            f"horizon must be >= 1, got {horizon}", source=_SOURCE, location="horizon"
        )
    paths = _check_int(paths, "paths")
    if paths < 2:
        raise KzForecastError(f"paths must be >= 2, got {paths}", source=_SOURCE, location="paths")
    seed = _check_int(seed, "seed")
    if history is None:
        from kzforecast.data import load_history

        history = load_history()
    if not isinstance(history, pd.DataFrame) or "vehicle_output" not in history.columns:
        raise KzForecastError(
            "history must be a wide DataFrame with a vehicle_output column",
            source=_SOURCE,
            location="history",
        )
    if targets is None:
        from kzforecast.targets import load_targets

        targets = load_targets(metric="vehicle_output")
    bounds = bound_years(history, observations).get("vehicle_output", {})
    outcome = history["vehicle_output"]
    quals = [
        bounds.get(int(str(y)), "exact") if pd.notna(v) else "missing" for y, v in outcome.items()
    ]
    realized = pd.DataFrame({"value": outcome, "qualifier": quals})
    last = int(history.index.max())

    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    fans: list[dict[str, Any]] = []
    reports: dict[int, CalibrationReport] = {}
    for v in vint:
        scenario, report = calibrate(
            history,
            as_of=v,
            model=model,
            horizon=v + horizon,
            parameter_uncertainty=parameter_uncertainty,
            observations=observations,
            devaluations=devaluations,
        )
        reports[v] = report
        sim = simulate(
            scenario,
            paths=paths,
            seed=[seed, v],
            keep_paths=True,
            history=history.loc[:v],
            progress=False,
            engine=engine,
            client=client,
        )
        draws = sim.values("vehicle_output")  # (path, year)
        past = outcome.loc[:v].copy()
        past.loc[[y for y in bounds if y <= v]] = np.nan
        naive = _fit_naive(past)
        if naive is None:
            skipped.append(
                {
                    "vintage": v,
                    "year": pd.NA,
                    "lead": pd.NA,
                    "reason": "naive benchmark: fewer than 3 observed levels",
                }
            )
        points = _target_points(targets, v)
        for j, year in enumerate(range(v + 1, v + horizon + 1)):
            lead = year - v
            x = draws[:, j]
            qs = np.quantile(x, _QUANTILES)
            fans.append(
                {
                    "vintage": v,
                    "year": year,
                    "lead": lead,
                    "method": "model",
                    **{f"p{round(q * 100):02d}": float(val) for q, val in zip(_QUANTILES, qs)},
                }
            )
            if naive is not None:
                mu, sd = naive.predictive(year)
                nq = np.exp(mu + sd * special.ndtri(np.array(_QUANTILES)))
                fans.append(
                    {
                        "vintage": v,
                        "year": year,
                        "lead": lead,
                        "method": "naive",
                        **{f"p{round(q * 100):02d}": float(val) for q, val in zip(_QUANTILES, nq)},
                    }
                )
            if year > last or pd.isna(outcome.get(year, np.nan)):
                skipped.append(
                    {"vintage": v, "year": year, "lead": lead, "reason": "no value in the history"}
                )
                continue
            if year in bounds:
                skipped.append(
                    {
                        "vintage": v,
                        "year": year,
                        "lead": lead,
                        "reason": f"{bounds[year].replace('_', ' ')}: not scored",
                    }
                )
                continue
            yv = float(outcome[year])
            med = float(np.quantile(x, 0.5))
            row: dict[str, Any] = {
                "vintage": v,
                "year": year,
                "lead": lead,
                "method": "model",
                "realized": yv,
                "median": med,
                "crps": crps_sample(x, yv),
                "pit": pit_sample(x, yv),
                "ape": abs(med - yv) / yv,
                "source": "",
            }
            for lv in LEVELS:
                lo, hi = np.quantile(x, _central(lv))
                row[f"covered_{round(lv * 100)}"] = bool(lo <= yv <= hi)
            rows.append(row)
            if naive is not None:
                mu, sd = naive.predictive(year)
                nmed = math.exp(mu)
                nrow: dict[str, Any] = {
                    "vintage": v,
                    "year": year,
                    "lead": lead,
                    "method": "naive",
                    "realized": yv,
                    "median": nmed,
                    "crps": crps_lognormal(mu, sd, yv),
                    "pit": float(special.ndtr((math.log(yv) - mu) / sd)),
                    "ape": abs(nmed - yv) / yv,
                    "source": "",
                }
                for lv in LEVELS:
                    z = float(special.ndtri(_central(lv)[1]))
                    nrow[f"covered_{round(lv * 100)}"] = bool(
                        math.exp(mu - z * sd) <= yv <= math.exp(mu + z * sd)
                    )
                rows.append(nrow)
            if year in points:
                thr, tid = points[year]
                rows.append(
                    {
                        "vintage": v,
                        "year": year,
                        "lead": lead,
                        "method": "target",
                        "realized": yv,
                        "median": thr,
                        "crps": abs(thr - yv),
                        "pit": math.nan,
                        "covered_50": pd.NA,
                        "covered_80": pd.NA,
                        "covered_90": pd.NA,
                        "ape": abs(thr - yv) / yv,
                        "source": tid,
                    }
                )
    scores = pd.DataFrame(rows, columns=_SCORE_COLUMNS)
    for lv in LEVELS:
        scores[f"covered_{round(lv * 100)}"] = scores[f"covered_{round(lv * 100)}"].astype(
            "boolean"
        )
    scores = scores.astype({"vintage": "int64", "year": "int64", "lead": "int64"})
    return BacktestResult(
        scores=scores,
        skipped=pd.DataFrame(skipped, columns=["vintage", "year", "lead", "reason"]),
        fans=pd.DataFrame(fans),
        realized=realized,
        vintages=tuple(vint),
        horizon=horizon,
        model=model,
        paths=paths,
        seed=seed,
        reports=reports,
    )


# --------------------------------------------------------------------------- CLI
