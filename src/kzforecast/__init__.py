"""kzforecast: probabilistic scenarios of an industry against its government's targets.

The showcase case is Kazakhstan's motor-vehicle industry. The package ships
sourced history (:func:`load_history`, :func:`load_observations`, :func:`sources`),
the registry of official targets (:func:`load_targets`) with ex-post verdicts
(:func:`verdicts`), scenarios (:class:`Scenario`), the seeded Monte Carlo core
(:func:`simulate` -> :class:`Simulation`) and target checks (:func:`check`,
:func:`check_until`, :func:`compare`, :func:`what_it_takes`,
:func:`joint_probabilities`). Sensitivity analysis lives in
:mod:`kzforecast.sensitivity` (``kz.sensitivity``, imported on first use); the command
line is ``kzforecast``. docs/architecture.md maps the layers.
"""

from __future__ import annotations

from kzforecast._version import __version__
from kzforecast.analysis.backtest import BacktestResult, backtest
from kzforecast.analysis.calibrate import CalibrationReport, calibrate
from kzforecast.analysis.compare import check_until, compare, what_it_takes
from kzforecast.data import (
    load_devaluations,
    load_history,
    load_observations,
    load_plants,
    series_catalogue,
    sources,
)
from kzforecast.engine.simulate import simulate
from kzforecast.errors import DataError, KzForecastError, ScenarioError, TargetError
from kzforecast.results.check import check, joint_probabilities
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.targets import Target, load_targets, targets_frame, verdicts

__all__ = [
    "BacktestResult",
    "CalibrationReport",
    "DataError",
    "KzForecastError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Target",
    "TargetError",
    "__version__",
    "backtest",
    "calibrate",
    "check",
    "check_until",
    "compare",
    "joint_probabilities",
    "load_devaluations",
    "load_history",
    "load_observations",
    "load_plants",
    "load_targets",
    "series_catalogue",
    "simulate",
    "sources",
    "targets_frame",
    "verdicts",
    "what_it_takes",
]


def __getattr__(name: str) -> object:
    """``kz.sensitivity``: the sensitivity namespace, imported on first use."""
    if name == "sensitivity":
        import importlib

        return importlib.import_module("kzforecast.sensitivity")
    raise AttributeError(f"module 'kzforecast' has no attribute {name!r}")
