"""The simulated variables, declared once: name, unit, description, block, models.

Everything else is derived from :data:`DECLARED`: the variable order of the kernel's output
array ``(variable, year, path)`` (:data:`VARIABLES`, :data:`TREND_VARIABLES`), the units
(:data:`UNITS`) and the row of each variable in that array (:func:`variable_index`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from kzforecast.scenario import DESTINATIONS

__all__ = [
    "DECLARED",
    "DESCRIPTIONS",
    "DESTINATION_VARIABLES",
    "TREND_VARIABLES",
    "UNITS",
    "VARIABLES",
    "Variable",
    "model_variables",
    "variable_index",
]

_VEHICLES = "vehicles per year"


@dataclass(frozen=True, slots=True)
class Variable:
    """One simulated variable.

    Attributes
    ----------
    name : str
        Name in results (``Simulation.values(name)``).
    unit : str
        Unit of its values.
    description : str
        What it is, with the symbol of docs/model.md.
    block : str
        The function of ``kzforecast.model.blocks`` that computes it.
    trend : bool
        Whether ``model = "trend"`` simulates it too (the structural model simulates all).
    """

    name: str
    unit: str
    description: str
    block: str
    trend: bool = False


DECLARED: tuple[Variable, ...] = (
    Variable("vehicle_output", _VEHICLES, "output Q_t", "output_step", trend=True),
    Variable("capacity", _VEHICLES, "stated capacity K_t", "capacity_step"),
    Variable("new_vehicle_sales", _VEHICLES, "domestic market M_t", "market_step"),
    Variable("domestic_supply", _VEHICLES, "local vehicles sold at home D_t", "output_step"),
    Variable("domestic_share_of_sales", "fraction", "supplied share D_t / M_t", "output_step"),
    Variable("export_demand", _VEHICLES, "export demand X*_t", "export_demand_step"),
    Variable("export_units", _VEHICLES, "exports after rationing X_t", "output_step"),
    *(
        Variable(f"exports_to_{d}", _VEHICLES, f"exports to {d}, w_k X_t", "export_destinations")
        for d in DESTINATIONS
    ),
    Variable("local_content_share", "fraction", "local content L_t", "local_content_step"),
    Variable("ckd_share", "fraction", "CKD share of output C_t", "ckd_share_step"),
    Variable(
        "usd_kzt", "KZT per USD (annual average)", "exp(z_t)", "exchange_rate_step", trend=True
    ),
    Variable(
        "rub_kzt", "KZT per RUB (annual average)", "exp(r_t)", "exchange_rate_step", trend=True
    ),
    Variable(
        "devaluation",
        "1 in a devaluation year, else 0",
        "1[J_t D_t > 0]",
        "exchange_rate_step",
        trend=True,
    ),
    Variable(
        "processing_output_index",
        "real index (history's base year = 1)",
        "processing output I_t",
        "processing_step",
    ),
    Variable("processing_exports_usd_bn", "USD bn", "processing exports E_t", "processing_step"),
    Variable(
        "processing_investment_kzt_trn",
        "trillion KZT",
        "processing fixed-capital investment V_t",
        "processing_step",
    ),
    Variable(
        "processing_state_investment_kzt_trn",
        "trillion KZT",
        "state investment theta V_t",
        "processing_step",
    ),
    Variable(
        "processing_private_investment_kzt_trn",
        "trillion KZT",
        "private investment (1 - theta) V_t",
        "processing_step",
    ),
)
"""Every simulated variable, in the order of the first axis of the kernel's output."""

VARIABLES: tuple[str, ...] = tuple(v.name for v in DECLARED)
"""Simulated variables, in the order of the first axis of kept path arrays."""

TREND_VARIABLES: tuple[str, ...] = tuple(v.name for v in DECLARED if v.trend)
"""What a ``model = "trend"`` scenario simulates: output alone, and the exchange-rate block whose
devaluation jumps enter it (DESIGN.md section 3: the trend model is for output alone)."""

UNITS: dict[str, str] = {v.name: v.unit for v in DECLARED}
"""Unit of each variable."""

DESCRIPTIONS: dict[str, str] = {v.name: v.description for v in DECLARED}
"""What each variable is, with its symbol in docs/model.md."""

DESTINATION_VARIABLES: tuple[str, ...] = tuple(f"exports_to_{d}" for d in DESTINATIONS)
"""Exports by destination, consecutive in :data:`VARIABLES` in the order of ``DESTINATIONS``."""

_INDEX = {
    "structural": MappingProxyType({name: i for i, name in enumerate(VARIABLES)}),
    "trend": MappingProxyType({name: i for i, name in enumerate(TREND_VARIABLES)}),
}


def model_variables(model: str) -> tuple[str, ...]:
    """The variables a model simulates, in the order of the kernel's first axis.

    Parameters
    ----------
    model : {"structural", "trend"}
        The scenario's model.

    Returns
    -------
    tuple of str
        :data:`TREND_VARIABLES` for the trend model, else :data:`VARIABLES`.
    """
    return TREND_VARIABLES if model == "trend" else VARIABLES


def variable_index(model: Literal["structural", "trend"]) -> MappingProxyType[str, int]:
    """Row of each variable in the kernel's output array ``(variable, year, path)``.

    Parameters
    ----------
    model : {"structural", "trend"}
        The scenario's model.

    Returns
    -------
    mapping of str to int
        Variable name -> index on the first axis (read-only).
    """
    return _INDEX[model]
