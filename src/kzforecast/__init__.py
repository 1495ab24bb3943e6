"""kzforecast: probabilistic scenarios of an industry against its government's targets.

The showcase case is Kazakhstan's motor-vehicle industry. The package ships
sourced history (:func:`load_history`, :func:`load_observations`, :func:`sources`),
the registry of official targets (:func:`load_targets`) with ex-post verdicts
(:func:`verdicts`), scenarios (:class:`Scenario`), the seeded Monte Carlo core
(:func:`simulate` -> :class:`Simulation`) and target checks (:func:`check`,
:func:`check_until`, :func:`compare`, :func:`what_it_takes`,
:func:`joint_probabilities`). Sensitivity analysis lives in
:mod:`kzforecast.sensitivity` (``kz.sensitivity``); the command line is
``kzforecast``. docs/architecture.md maps the layers.

Every public name is imported on first use (module-level ``__getattr__``), so
``import kzforecast`` and ``kzforecast --version`` stay fast: SciPy, statsmodels
and pandas load only when a name that needs them is first touched. Type
checkers and IDEs read the imports under ``TYPE_CHECKING`` below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kzforecast._version import __version__

if TYPE_CHECKING:
    from kzforecast import sensitivity as sensitivity
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
    from kzforecast.dataset import Dataset
    from kzforecast.engine.simulate import simulate
    from kzforecast.errors import (
        ArgumentError,
        ArgumentTypeError,
        DataError,
        FileAccessError,
        KzForecastError,
        ScenarioError,
        TargetError,
        UnknownNameError,
    )
    from kzforecast.results.check import check, joint_probabilities
    from kzforecast.results.simulation import Simulation
    from kzforecast.scenario import Scenario
    from kzforecast.targets import Target, load_targets, targets_frame, verdicts

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "BacktestResult",
    "CalibrationReport",
    "DataError",
    "Dataset",
    "FileAccessError",
    "KzForecastError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Target",
    "TargetError",
    "UnknownNameError",
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

#: Where each public name is defined: the module imported on its first use.
_LAZY: dict[str, str] = {
    "BacktestResult": "kzforecast.analysis.backtest",
    "backtest": "kzforecast.analysis.backtest",
    "CalibrationReport": "kzforecast.analysis.calibrate",
    "calibrate": "kzforecast.analysis.calibrate",
    "check_until": "kzforecast.analysis.compare",
    "compare": "kzforecast.analysis.compare",
    "what_it_takes": "kzforecast.analysis.compare",
    "load_devaluations": "kzforecast.data",
    "load_history": "kzforecast.data",
    "load_observations": "kzforecast.data",
    "load_plants": "kzforecast.data",
    "series_catalogue": "kzforecast.data",
    "sources": "kzforecast.data",
    "simulate": "kzforecast.engine.simulate",
    "Dataset": "kzforecast.dataset",
    "ArgumentError": "kzforecast.errors",
    "ArgumentTypeError": "kzforecast.errors",
    "FileAccessError": "kzforecast.errors",
    "UnknownNameError": "kzforecast.errors",
    "DataError": "kzforecast.errors",
    "KzForecastError": "kzforecast.errors",
    "ScenarioError": "kzforecast.errors",
    "TargetError": "kzforecast.errors",
    "check": "kzforecast.results.check",
    "joint_probabilities": "kzforecast.results.check",
    "Simulation": "kzforecast.results.simulation",
    "Scenario": "kzforecast.scenario",
    "Target": "kzforecast.targets",
    "load_targets": "kzforecast.targets",
    "targets_frame": "kzforecast.targets",
    "verdicts": "kzforecast.targets",
}


def __getattr__(name: str) -> object:
    """Import a public name (or the ``sensitivity`` namespace) on its first use.

    The value is cached in the module's globals, so ``__getattr__`` runs once per name.
    """
    if name == "sensitivity":
        value: object = importlib.import_module("kzforecast.sensitivity")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'kzforecast' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (``__all__``), ``sensitivity`` and the module's own attributes."""
    return sorted(set(globals()) | set(__all__) | {"sensitivity"})
