"""The model's parameters as typed structures: one frozen dataclass per scenario block.

Each field is named as in the scenario's block (``MarketParams.mu_M`` is the drawn value of
``blocks.market.mu_M``), and holds either an array of shape ``(n_paths,)`` (one draw per
path) or a Python float (a point mass, which the kernel's arithmetic treats faster). Fields
marked ``drawn=False`` in their metadata are not drawn parameters but fixed inputs from the
scenario (the export start year) or per-path values built from other draws (destination
shares, the plants' first operating years): :func:`drawn_fields` lists the others, which are
read from the drawn parameters by dotted path in ``kzforecast.engine.kernel_inputs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BLOCK_PARAMS",
    "CKDShareParams",
    "CapacityParams",
    "DomesticShareParams",
    "ExchangeRateParams",
    "ExportParams",
    "LocalContentParams",
    "MarketParams",
    "ModelParams",
    "OutputParams",
    "PlantArrays",
    "ProcessingParams",
    "StructuralParams",
    "TrendModelParams",
    "TrendParams",
    "drawn_fields",
]

Arr = NDArray[np.float64]
"""Per-path values: shape ``(n_paths,)``."""

ArrOrFloat = NDArray[np.float64] | float
"""A parameter: per-path draws, or a Python float for a point mass."""

_GIVEN = {"drawn": False}  # metadata of a field that is not a drawn parameter


@dataclass(frozen=True, slots=True)
class ExchangeRateParams:
    """``blocks.exchange_rate``: drift, volatility and devaluation jumps of USD/KZT and RUB/KZT."""

    mu_z: ArrOrFloat
    s_z: ArrOrFloat
    p_dev: ArrOrFloat
    jump_mean: ArrOrFloat
    jump_sd: ArrOrFloat
    b_r: ArrOrFloat
    mu_r: ArrOrFloat
    s_r: ArrOrFloat


@dataclass(frozen=True, slots=True)
class MarketParams:
    """``blocks.market``: growth, exchange-rate elasticity and volatility of new-vehicle sales."""

    mu_M: ArrOrFloat
    b_M: ArrOrFloat
    s_M: ArrOrFloat


@dataclass(frozen=True, slots=True)
class DomesticShareParams:
    """``blocks.domestic_share``: drift and volatility of the local plants' share (logit)."""

    k_S: ArrOrFloat
    s_S: ArrOrFloat


@dataclass(frozen=True, slots=True)
class ExportParams:
    """``blocks.exports``: export demand, and the destination shares drawn per path.

    ``start_year`` comes from the scenario as it is (it is not drawn);
    ``destination_shares`` has shape ``(5, n_paths)`` (Russia, Uzbekistan, Kyrgyzstan,
    Tajikistan, other; each column sums to 1), drawn from ``blocks.exports.destinations``.
    """

    x_start: ArrOrFloat
    mu_X: ArrOrFloat
    b_X: ArrOrFloat
    s_X: ArrOrFloat
    start_year: int = field(metadata=_GIVEN)
    destination_shares: Arr = field(metadata=_GIVEN)


@dataclass(frozen=True, slots=True)
class PlantArrays:
    """Capacity pipeline: per plant its capacity and first operating year, per path.

    ``first_year`` is ``planned_start + ceil(delay)`` (a float or an array of whole years).
    """

    capacity: tuple[ArrOrFloat, ...]
    first_year: tuple[ArrOrFloat, ...]


@dataclass(frozen=True, slots=True)
class CapacityParams:
    """``blocks.capacity``: capacity at the as-of year and the plants in the pipeline."""

    existing: ArrOrFloat
    plants: PlantArrays = field(metadata=_GIVEN)


@dataclass(frozen=True, slots=True)
class OutputParams:
    """``blocks.output``: maximum utilisation of stated capacity."""

    u_max: ArrOrFloat


@dataclass(frozen=True, slots=True)
class LocalContentParams:
    """``blocks.local_content``: adjustment speed, ceiling and noise of local content."""

    k_L: ArrOrFloat
    L_max: ArrOrFloat
    s_L: ArrOrFloat


@dataclass(frozen=True, slots=True)
class CKDShareParams:
    """``blocks.ckd_share``: adjustment speed, ceiling and noise of the CKD share."""

    k_C: ArrOrFloat
    C_max: ArrOrFloat
    s_C: ArrOrFloat


@dataclass(frozen=True, slots=True)
class ProcessingParams:
    """``blocks.processing``: growth and volatility of output, exports and investment, and the
    state's share ``theta`` of investment."""

    g_P: ArrOrFloat
    s_P: ArrOrFloat
    g_E: ArrOrFloat
    s_E: ArrOrFloat
    g_I: ArrOrFloat
    s_I: ArrOrFloat
    theta: ArrOrFloat


@dataclass(frozen=True, slots=True)
class TrendParams:
    """``blocks.trend``: long-run growth, persistence, innovation sd and devaluation loss."""

    mu_q: ArrOrFloat
    phi: ArrOrFloat
    s_q: ArrOrFloat
    b_q: ArrOrFloat


@dataclass(frozen=True, slots=True)
class StructuralParams:
    """Everything ``model = "structural"`` reads, one field per scenario block."""

    exchange_rate: ExchangeRateParams
    market: MarketParams
    domestic_share: DomesticShareParams
    exports: ExportParams
    capacity: CapacityParams
    output: OutputParams
    local_content: LocalContentParams
    ckd_share: CKDShareParams
    processing: ProcessingParams


@dataclass(frozen=True, slots=True)
class TrendModelParams:
    """Everything ``model = "trend"`` reads: the exchange-rate block and the trend."""

    exchange_rate: ExchangeRateParams
    trend: TrendParams


ModelParams = StructuralParams | TrendModelParams
"""The parameters of one run; their type says which model runs."""

BLOCK_PARAMS: dict[str, type] = {
    "exchange_rate": ExchangeRateParams,
    "market": MarketParams,
    "domestic_share": DomesticShareParams,
    "exports": ExportParams,
    "capacity": CapacityParams,
    "output": OutputParams,
    "local_content": LocalContentParams,
    "ckd_share": CKDShareParams,
    "processing": ProcessingParams,
    "trend": TrendParams,
}
"""Scenario block name -> its parameter structure."""


def drawn_fields(params_type: type) -> tuple[str, ...]:
    """Names of a block structure's drawn parameters, in field order.

    Parameters
    ----------
    params_type : type
        One of the values of :data:`BLOCK_PARAMS`.

    Returns
    -------
    tuple of str
        Field names, each also the last part of the parameter's dotted path
        (``blocks.<block>.<name>``); fields given by the scenario are left out.
    """
    return tuple(f.name for f in fields(params_type) if f.metadata.get("drawn", True))
