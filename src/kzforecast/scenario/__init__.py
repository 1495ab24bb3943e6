"""Scenarios: pydantic models of everything a simulation needs, and their distributions.

* :mod:`~kzforecast.scenario.scenario` - the :class:`Scenario` and the built-in scenarios;
* :mod:`~kzforecast.scenario.blocks` - one model per block, the initial state, the correlation;
* :mod:`~kzforecast.scenario.distributions` - the parameter distributions;
* :mod:`~kzforecast.scenario.io` - reading and writing TOML/JSON, error messages;
* :mod:`~kzforecast.scenario.plausible` - the plausible range of each value (one table).
"""

from kzforecast.scenario.blocks import (
    DESTINATIONS,
    Blocks,
    Capacity,
    CKDShare,
    Correlation,
    DomesticShare,
    ExchangeRate,
    Exports,
    InitialState,
    LocalContent,
    Market,
    Output,
    Plant,
    Processing,
    Trend,
)
from kzforecast.scenario.distributions import (
    Beta,
    Dirichlet,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Triangular,
    TruncatedNormal,
    Uniform,
)
from kzforecast.scenario.scenario import Scenario, builtin_scenarios

__all__ = [
    "DESTINATIONS",
    "Beta",
    "Blocks",
    "CKDShare",
    "Capacity",
    "Correlation",
    "Dirichlet",
    "Distribution",
    "DomesticShare",
    "ExchangeRate",
    "Exports",
    "Fixed",
    "InitialState",
    "LocalContent",
    "LogNormal",
    "Market",
    "Normal",
    "Output",
    "Plant",
    "Processing",
    "Scenario",
    "Trend",
    "Triangular",
    "TruncatedNormal",
    "Uniform",
    "builtin_scenarios",
]
