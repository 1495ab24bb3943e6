"""kzforecast: probabilistic scenarios of an industry against its government's targets.

The showcase case is Kazakhstan's motor-vehicle industry. The package ships
sourced history (:func:`load_history`, :func:`sources`), the registry of official
targets (:func:`load_targets`) with ex-post verdicts (:func:`verdicts`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kzforecast._check import check, check_until, compare, joint_probabilities, what_it_takes
from kzforecast._simulate import simulate
from kzforecast.errors import DataError, KzForecastError, ScenarioError, TargetError
from kzforecast.results import Simulation
from kzforecast.scenario import Scenario

try:
    __version__ = version("kzforecast")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DataError",
    "KzForecastError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "TargetError",
    "__version__",
    "check",
    "check_until",
    "compare",
    "joint_probabilities",
    "simulate",
    "what_it_takes",
]
