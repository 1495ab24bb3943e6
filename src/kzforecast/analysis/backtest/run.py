"""The :func:`backtest` run: calibrate at each vintage, simulate forward, score the outcomes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from kzforecast.analysis.backtest.naive import NaiveForecast, fit_naive
from kzforecast.analysis.backtest.result import SCORE_COLUMNS, BacktestResult
from kzforecast.analysis.backtest.scores import (
    LEVELS,
    central_interval,
    crps_lognormal,
    crps_sample,
    pit_sample,
)
from kzforecast.analysis.calibrate import CalibrationReport, Model, bound_years, calibrate
from kzforecast.analysis.calibrate.inputs import Devaluations
from kzforecast.engine import Engine
from kzforecast.engine.seeding import SeedLike, root_seed_sequence, seed_record
from kzforecast.engine.simulate import DEFAULT_PATHS, simulate
from kzforecast.errors import ArgumentError, ArgumentTypeError
from kzforecast.targets import Target, load_targets

__all__ = ["backtest", "target_points"]

Row = dict[str, Any]

_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
_SOURCE = "backtest"


# --------------------------------------------------------------------------- targets
def target_points(targets: Iterable[Target], vintage: int) -> dict[int, tuple[float, str]]:
    """The latest level target for each year stated by ``vintage``.

    Parameters
    ----------
    targets : iterable of Target
        Candidates; only vehicle-output level targets in the year, in their
        default reading and with a due year and a statement date, are used.
    vintage : int
        Targets stated after this year are left out.

    Returns
    -------
    dict
        ``due year -> (threshold, target id)``; of several targets for one year,
        the one stated last (then the greatest id).
    """
    best: dict[int, tuple[tuple[str, str], float, str]] = {}
    for t in targets:
        if t.metric != "vehicle_output" or t.transform != "level" or t.timing != "in_year":
            continue
        if not t.default_reading or t.due_year is None:
            continue
        if t.stated_on is not None:
            stated, year_stated = str(t.stated_on), t.stated_on.year
        elif t.stated_year is not None:
            stated, year_stated = str(t.stated_year), int(t.stated_year)
        else:
            continue
        if year_stated > vintage:
            continue
        key = (stated, t.id)
        prev = best.get(int(t.due_year))
        if prev is None or key > prev[0]:
            best[int(t.due_year)] = (key, float(t.threshold), str(t.id))
    return {y: (v[1], v[2]) for y, v in best.items()}


# --------------------------------------------------------------------------- arguments
def _check_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ArgumentTypeError(
            f"{name} must be an integer, got {value!r}", source=_SOURCE, location=name
        )
    return int(value)


def _check_arguments(vintages: Iterable[int], horizon: int, paths: int) -> list[int]:
    """The sorted distinct vintages, once ``vintages``, ``horizon`` and ``paths`` are valid."""
    vint = sorted({_check_int(v, "vintages") for v in vintages})
    if not vint:
        raise ArgumentError(
            "no vintages given",
            source=_SOURCE,
            location="vintages",
            allowed="one or more years, e.g. 2018 2019 2020",
        )
    if _check_int(horizon, "horizon") < 1:
        raise ArgumentError(
            f"horizon must be >= 1, got {horizon}", source=_SOURCE, location="horizon"
        )
    if _check_int(paths, "paths") < 2:
        raise ArgumentError(f"paths must be >= 2, got {paths}", source=_SOURCE, location="paths")
    return vint


def _check_history(history: object) -> pd.DataFrame:
    """The wide history to use (default the shipped one), once it has vehicle output."""
    if history is None:
        from kzforecast.data import load_history

        return load_history()
    if not isinstance(history, pd.DataFrame):
        raise ArgumentTypeError(
            f"history must be a wide DataFrame, got {type(history).__name__}",
            source=_SOURCE,
            location="history",
        )
    if "vehicle_output" not in history.columns:
        raise ArgumentError(
            "history must be a wide DataFrame with a vehicle_output column",
            source=_SOURCE,
            location="history",
        )
    return history


def _realized(outcome: pd.Series, bounds: dict[int, str]) -> pd.DataFrame:
    """``value, qualifier`` of the scored variable by year (``missing`` for a gap)."""
    quals = [
        bounds.get(int(str(y)), "exact") if pd.notna(v) else "missing" for y, v in outcome.items()
    ]
    return pd.DataFrame({"value": outcome, "qualifier": quals})


def _vintage_seed(root: np.random.SeedSequence, vintage: int) -> np.random.SeedSequence:
    """The seed of one vintage's run: the root's entropy words followed by the year.

    An int seed ``s`` gives ``[s, vintage]``, as ``simulate(seed=[s, vintage])``.
    """
    entropy = seed_record(root)["entropy"]
    words = [entropy] if isinstance(entropy, int) else list(entropy)
    return np.random.SeedSequence([*words, vintage], spawn_key=root.spawn_key)


# --------------------------------------------------------------------------- rows
def _fan_row(vintage: int, year: int, method: str, quantiles: NDArray[np.float64]) -> Row:
    return {
        "vintage": vintage,
        "year": year,
        "lead": year - vintage,
        "method": method,
        **{f"p{round(q * 100):02d}": float(val) for q, val in zip(_QUANTILES, quantiles)},
    }


def _model_score(vintage: int, year: int, x: NDArray[np.float64], yv: float) -> Row:
    med = float(np.quantile(x, 0.5))
    row: Row = {
        "vintage": vintage,
        "year": year,
        "lead": year - vintage,
        "method": "model",
        "realized": yv,
        "median": med,
        "crps": crps_sample(x, yv),
        "pit": pit_sample(x, yv),
        "ape": abs(med - yv) / yv,
        "source": "",
    }
    for lv in LEVELS:
        lo, hi = np.quantile(x, central_interval(lv))
        row[f"covered_{round(lv * 100)}"] = bool(lo <= yv <= hi)
    return row


def _naive_score(vintage: int, year: int, naive: NaiveForecast, yv: float) -> Row:
    mu, sd = naive.predictive(year)
    nmed = math.exp(mu)
    row: Row = {
        "vintage": vintage,
        "year": year,
        "lead": year - vintage,
        "method": "naive",
        "realized": yv,
        "median": nmed,
        "crps": crps_lognormal(mu, sd, yv),
        "pit": float(special.ndtr((math.log(yv) - mu) / sd)),
        "ape": abs(nmed - yv) / yv,
        "source": "",
    }
    for lv in LEVELS:
        z = float(special.ndtri(central_interval(lv)[1]))
        row[f"covered_{round(lv * 100)}"] = bool(
            math.exp(mu - z * sd) <= yv <= math.exp(mu + z * sd)
        )
    return row


def _target_score(vintage: int, year: int, threshold: float, tid: str, yv: float) -> Row:
    return {
        "vintage": vintage,
        "year": year,
        "lead": year - vintage,
        "method": "target",
        "realized": yv,
        "median": threshold,
        "crps": abs(threshold - yv),
        "pit": math.nan,
        "covered_50": pd.NA,
        "covered_80": pd.NA,
        "covered_90": pd.NA,
        "ape": abs(threshold - yv) / yv,
        "source": tid,
    }


def _score_vintage(
    vintage: int,
    horizon: int,
    draws: NDArray[np.float64],
    outcome: pd.Series,
    bounds: dict[int, str],
    points: dict[int, tuple[float, str]],
    out: tuple[list[Row], list[Row], list[Row]],
) -> None:
    """Append one vintage's score, skipped and fan rows to ``out`` (in that order)."""
    rows, skipped, fans = out
    last = int(outcome.index.max())
    past = outcome.loc[:vintage].copy()
    past.loc[[y for y in bounds if y <= vintage]] = np.nan
    naive = fit_naive(past)
    if naive is None:
        reason = "naive benchmark: fewer than 3 observed levels"
        skipped.append({"vintage": vintage, "year": pd.NA, "lead": pd.NA, "reason": reason})
    for j, year in enumerate(range(vintage + 1, vintage + horizon + 1)):
        x = draws[:, j]
        fans.append(_fan_row(vintage, year, "model", np.quantile(x, _QUANTILES)))
        if naive is not None:
            mu, sd = naive.predictive(year)
            nq = np.exp(mu + sd * special.ndtri(np.array(_QUANTILES)))
            fans.append(_fan_row(vintage, year, "naive", nq))
        where = {"vintage": vintage, "year": year, "lead": year - vintage}
        if year > last or pd.isna(outcome.get(year, np.nan)):
            skipped.append({**where, "reason": "no value in the history"})
            continue
        if year in bounds:
            skipped.append({**where, "reason": f"{bounds[year].replace('_', ' ')}: not scored"})
            continue
        yv = float(outcome[year])
        rows.append(_model_score(vintage, year, x, yv))
        if naive is not None:
            rows.append(_naive_score(vintage, year, naive, yv))
        if year in points:
            rows.append(_target_score(vintage, year, *points[year], yv))


def _scores_frame(rows: list[Row]) -> pd.DataFrame:
    scores = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    for lv in LEVELS:
        col = f"covered_{round(lv * 100)}"
        scores[col] = scores[col].astype("boolean")
    return scores.astype({"vintage": "int64", "year": "int64", "lead": "int64"})


# --------------------------------------------------------------------------- backtest
def backtest(
    history: pd.DataFrame | None = None,
    *,
    vintages: Iterable[int],
    horizon: int,
    model: Model = "trend",
    paths: int = DEFAULT_PATHS,
    seed: SeedLike = None,
    parameter_uncertainty: bool = True,
    observations: pd.DataFrame | None = None,
    devaluations: Devaluations | None = None,
    targets: Sequence[Target] | None = None,
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
    paths : int, default DEFAULT_PATHS (20,000)
        Monte Carlo paths per vintage (>= 2).
    seed : int, sequence of int, SeedSequence or None
        Root seed, drawn once per call (``None``: fresh entropy) and recorded in
        :attr:`BacktestResult.seed`; vintage ``v`` runs with the root's entropy
        followed by ``v`` (an int seed ``s`` gives ``[s, v]``).
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
        Scores, skipped years, fans and summaries; charts of it are in
        :mod:`kzforecast.report.backtest_charts`.

    Raises
    ------
    ArgumentError, ArgumentTypeError
        No vintages, a horizon < 1, paths < 2, a non-integer year, a history
        that is not a wide DataFrame with a ``vehicle_output`` column.
    KzForecastError
        A vintage the calibration cannot use (outside the data, too few output
        points).
    """
    vint = _check_arguments(vintages, horizon, paths)
    horizon, paths = int(horizon), int(paths)
    root = root_seed_sequence(seed)
    history = _check_history(history)
    if targets is None:
        targets = load_targets(metric="vehicle_output")
    bounds = bound_years(history, observations).get("vehicle_output", {})
    outcome = history["vehicle_output"]
    out: tuple[list[Row], list[Row], list[Row]] = ([], [], [])
    reports: dict[int, CalibrationReport] = {}
    for v in vint:
        scenario, reports[v] = calibrate(
            history,
            as_of=v,
            model=model,
            horizon=v + horizon,
            parameter_uncertainty=parameter_uncertainty,
            observations=observations,
            devaluations=devaluations,
        )
        sim = simulate(
            scenario,
            paths=paths,
            seed=_vintage_seed(root, v),
            keep_paths=True,
            history=history.loc[:v],
            progress=False,
            engine=engine,
            client=client,
        )
        draws = sim.values("vehicle_output")  # (path, year)
        _score_vintage(v, horizon, draws, outcome, bounds, target_points(targets, v), out)
    rows, skipped, fans = out
    if not rows:  # an empty backtest is a meaningless request, as on the command line
        raise ArgumentError(
            "no year after these vintages has an observed value to score "
            f"(years {vint[0] + 1}-{vint[-1] + horizon})",
            source=_SOURCE,
            location="vintages",
            allowed="vintages with at least one later exact or derived observation of "
            "vehicle_output",
        )
    return BacktestResult(
        scores=_scores_frame(rows),
        skipped=pd.DataFrame(skipped, columns=["vintage", "year", "lead", "reason"]),
        fans=pd.DataFrame(fans),
        realized=_realized(outcome, bounds),
        vintages=tuple(vint),
        horizon=horizon,
        model=model,
        paths=paths,
        seed=seed_record(root),
        reports=reports,
    )
