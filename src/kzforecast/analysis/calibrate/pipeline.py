"""The public :func:`calibrate`: checks its arguments, runs each block's calibration in
order and assembles the scenario (correlations, notes) and its report."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from kzforecast.analysis.calibrate.assumptions import keep_baseline
from kzforecast.analysis.calibrate.domestic_share import calibrate_domestic_share
from kzforecast.analysis.calibrate.estimates import (
    BASELINE,
    SOURCE,
    ScenarioBuilder,
    distribution_sd,
    years_text,
)
from kzforecast.analysis.calibrate.exchange_rate import calibrate_exchange_rate
from kzforecast.analysis.calibrate.initial import initial_state
from kzforecast.analysis.calibrate.inputs import (
    Devaluations,
    bound_years,
    check_history,
    devaluation_events,
)
from kzforecast.analysis.calibrate.market import calibrate_market
from kzforecast.analysis.calibrate.processing import calibrate_processing
from kzforecast.analysis.calibrate.report import CalibrationReport, Model
from kzforecast.analysis.calibrate.trend import TrendStart, calibrate_trend
from kzforecast.errors import ArgumentError, ArgumentTypeError
from kzforecast.scenario import Scenario

__all__ = ["calibrate"]


def calibrate(
    history: pd.DataFrame | None = None,
    *,
    as_of: int,
    model: Model = "structural",
    parameter_uncertainty: bool = True,
    horizon: int | None = None,
    observations: pd.DataFrame | None = None,
    devaluations: Devaluations | None = None,
) -> tuple[Scenario, CalibrationReport]:
    """Estimate a scenario from the history up to ``as_of``.

    Parameters
    ----------
    history : DataFrame, optional
        Wide history (index year, one column per series; NaN = gap), as
        :func:`kzforecast.load_history` returns; default the shipped one. Rows
        after ``as_of`` are dropped before anything is computed.
    as_of : int
        Last year of data used; the scenario simulates ``as_of + 1 .. horizon``.
    model : {"structural", "trend"}
        The scenario's model. The trend block is estimated in both cases when the
        output data allow; with ``"trend"`` too few output points are an error.
    parameter_uncertainty : bool, default True
        Estimated parameters become distributions from their estimates and
        standard errors (t-inflated), with rank correlations from the estimates'
        covariance; ``False`` gives point masses at the estimates. Assumptions
        copied from the baseline scenario keep their distributions either way.
    horizon : int, optional
        Last simulated year; default ``as_of + 10``.
    observations : DataFrame, optional
        Long table with qualifiers (:func:`kzforecast.data.load_observations`)
        to recognise bounds; default the shipped one (see :func:`bound_years`).
    devaluations : DataFrame or sequence of years/dates, optional
        Devaluation events; default :func:`kzforecast.data.load_devaluations`.
        Events after ``as_of`` are ignored. Pass ``[]`` for none.

    Returns
    -------
    (Scenario, CalibrationReport)

    Raises
    ------
    KzForecastError
        ``as_of`` outside the history's years, a horizon not after ``as_of``, an
        unknown model, bad history values, or (trend model) fewer than 3 observed
        output levels up to ``as_of`` (the message names the years available).

    Examples
    --------
    >>> from kzforecast.analysis.calibrate import calibrate
    >>> scenario, report = calibrate(as_of=2025, model="trend", parameter_uncertainty=False)
    >>> round(scenario.blocks.trend.mu_q.value, 3), report.get("mu_q").n
    (0.322, 9)
    """
    as_of = _check_model_and_as_of(model, as_of)
    if history is None:
        from kzforecast.data import load_history

        history = load_history()
    full = check_history(history)
    horizon = _check_years(full, as_of, horizon)
    all_bounds = bound_years(full, observations)
    hist = full.loc[:as_of]
    bounds = {s: {y: q for y, q in d.items() if y <= as_of} for s, d in all_bounds.items()}
    events = [(y, m) for y, m in devaluation_events(devaluations) if y <= as_of]

    b = ScenarioBuilder(Scenario.builtin(BASELINE), parameter_uncertainty)
    trend = _estimate_blocks(b, hist, as_of, bounds, events, model)
    initial = initial_state(b, hist, as_of, bounds, trend)
    return _assemble(b, as_of, horizon, model, parameter_uncertainty, initial)


def _assemble(
    b: ScenarioBuilder,
    as_of: int,
    horizon: int,
    model: Model,
    parameter_uncertainty: bool,
    initial: dict[str, tuple[float, str]],
) -> tuple[Scenario, CalibrationReport]:
    """The scenario (name, years, correlations, notes) and its report from the builder."""
    b.data.update(
        name=f"calibrated-{model}-{as_of}",
        description=(
            f"Calibrated by kzforecast.analysis.calibrate from the history up to {as_of} "
            f"(model {model}, parameter uncertainty {'on' if parameter_uncertainty else 'off'}). "
            "Estimated parameters carry their standard errors; the rest are baseline assumptions "
            "(see [notes])."
        ),
        as_of=as_of,
        horizon=horizon,
        model=model,
    )
    _correlate(b)
    # per parameter: how it was obtained
    notes = {f"calibration.{k}": v for k, v in b.file_notes.items()}
    notes["calibration"] = (
        f"as_of {as_of}; data after {as_of} not used. " + " ".join(b.notes)
    ).strip()
    b.data["notes"] = notes
    scenario = Scenario.from_dict(b.data, source=SOURCE)
    params = scenario.parameters()
    rows = tuple(
        dataclasses.replace(b.rows[p], distribution_sd=distribution_sd(params[p]))
        for p in params
        if p in b.rows
    )
    report = CalibrationReport(
        as_of=as_of,
        horizon=horizon,
        model=model,
        parameter_uncertainty=parameter_uncertainty,
        parameters=rows,
        fits=b.fits,
        samples=b.samples,
        initial=initial,
        results=b.results,
        notes=tuple(b.notes),
    )
    return scenario, report


def _check_model_and_as_of(model: object, as_of: object) -> int:
    """``as_of`` as an int, once ``model`` is known and ``as_of`` an integer."""
    if model not in ("structural", "trend"):
        raise ArgumentError(
            f"unknown model {model!r}",
            source=SOURCE,
            location="model",
            allowed="structural, trend",
        )
    if isinstance(as_of, bool) or not isinstance(as_of, int | np.integer):
        raise ArgumentTypeError(
            f"as_of must be a year (an integer), got {as_of!r}", source=SOURCE, location="as_of"
        )
    return int(as_of)


def _check_years(full: pd.DataFrame, as_of: int, horizon: object) -> int:
    """The horizon (default ``as_of + 10``), once ``as_of`` is inside the history."""
    first, last = int(full.index.min()), int(full.index.max())
    if not first < as_of <= last:
        raise ArgumentError(
            f"as_of {as_of} is outside the data",
            source=SOURCE,
            location="as_of",
            allowed=f"a year from {first + 1} to {last} (the history covers {first}-{last})",
        )
    if horizon is None:
        horizon = as_of + 10
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise ArgumentTypeError(
            f"horizon must be a year, got {horizon!r}", source=SOURCE, location="horizon"
        )
    horizon = int(horizon)
    if not as_of < horizon <= as_of + 100:
        raise ArgumentError(
            f"horizon {horizon} must be after as_of ({as_of}) and at most 100 years later",
            source=SOURCE,
            location="horizon",
            allowed=f"{as_of + 1}..{as_of + 100}",
        )
    return horizon


def _estimate_blocks(
    b: ScenarioBuilder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: dict[str, dict[int, str]],
    events: list[tuple[int, int]],
    model: Model,
) -> TrendStart | None:
    """Each block in turn (the order fixes the order of the scenario's notes); the rest
    stays the baseline's. Returns the trend fit's initial output, if any."""
    for s, d in bounds.items():
        if d:
            b.notes.append(
                f"{s}: {years_text(d)} are bounds ({', '.join(sorted(set(d.values())))}); "
                "treated as gaps in every estimation sample"
            )
    calibrate_exchange_rate(b, hist, as_of, events)
    b_m = calibrate_market(b, hist, bounds.get("new_vehicle_sales", {}))
    calibrate_domestic_share(b, hist, bounds.get("domestic_share_of_sales", {}))
    calibrate_processing(b, hist)
    trend = calibrate_trend(
        b, hist, as_of, bounds.get("vehicle_output", {}), b_m, required=model == "trend"
    )
    keep_baseline(b)
    if model == "trend":
        b.notes.append(
            "model='trend': output alone, from the trend and exchange-rate blocks; the other "
            "blocks are calibrated but not used by this model"
        )
    return trend


def _correlate(b: ScenarioBuilder) -> None:
    """The rank correlations between estimated pairs that are both uncertain."""
    b.data["correlation"] = None
    scen1 = Scenario.from_dict(b.data, source=SOURCE)
    uncertain = scen1.uncertain_parameters()
    pairs = [(p, q, r) for p, q, r in b.pairs if p in uncertain and q in uncertain]
    if pairs:
        names = sorted({p for p, _, _ in pairs} | {q for _, q, _ in pairs})
        mat = np.eye(len(names))
        for p, q, r in pairs:
            i, j = names.index(p), names.index(q)
            mat[i, j] = mat[j, i] = round(r, 4)
        b.data["correlation"] = {"parameters": names, "matrix": mat.tolist()}
