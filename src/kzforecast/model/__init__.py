"""The model: pure functions of parameter and shock arrays (DESIGN.md section 3).

Modules
-------
params
    The parameters as typed structures, one frozen dataclass per scenario block
    (``MarketParams(mu_M, b_M, s_M)``, ...), and ``StructuralParams`` / ``TrendModelParams``.
blocks
    One pure function per block, one year for all paths (``exchange_rate_step``,
    ``market_step``, ..., ``trend_step``), each with its equation.
variables
    The simulated variables, declared once (name, unit, description, block), and what is
    derived from that: ``VARIABLES``, ``TREND_VARIABLES``, ``UNITS``, ``variable_index``.
kernel
    ``run_paths``: the year loop over the blocks, writing the output table
    ``(variable, year, path)``; the shock streams and blocks each model uses.
closed_forms
    Deterministic paths at zero volatility per block, and the trend model's log-normal
    terminal distribution.
"""

from kzforecast.model.kernel import VARIABLES, Shocks, run_paths
from kzforecast.model.params import ModelParams, StructuralParams, TrendModelParams

__all__ = [
    "VARIABLES",
    "ModelParams",
    "Shocks",
    "StructuralParams",
    "TrendModelParams",
    "run_paths",
]
