r"""One pure function per model block (DESIGN.md section 3, docs/model.md).

Each ``*_step`` function advances its block by one year for all paths at once: state and
shocks are arrays of shape ``(n_paths,)``, parameters come as the block's structure of
:mod:`kzforecast.model.params` (arrays or Python floats). A function returns new arrays and
never changes its arguments, except an ``out`` buffer passed explicitly (NumPy's ``out=``
convention): the kernel passes the rows of its output table there, and for the hot state of
the trend model the state arrays themselves, to update them in place. Nothing here draws
random numbers: shocks come in as arguments, which is what makes common random numbers and
the scalar reference test work.

=====================  ==========================================  =========================
block                  functions                                   module
=====================  ==========================================  =========================
exchange rate          :func:`exchange_rate_step`                  ``exchange_rate``
domestic market        :func:`market_step`                         ``market``
domestic share         :func:`domestic_share_step`                 ``market``
export demand          :func:`export_demand_step`,                 ``exports``
                       :func:`export_destinations`
capacity               :func:`capacity_step`                       ``output``
output, rationing      :func:`output_step`, :func:`ration_output`  ``output``
localization           :func:`local_content_step`,                 ``localization``
                       :func:`ckd_share_step`,
                       :func:`partial_adjustment_step`
processing industry    :func:`processing_step`,                    ``processing``
                       :func:`investment_split`
trend model            :func:`trend_step`                          ``trend``
=====================  ==========================================  =========================

Log-levels are capped at :data:`LOG_CAP` (:func:`cap_log`) so that every value stays finite.
"""

from kzforecast.model.blocks.exchange_rate import ExchangeRateStep, exchange_rate_step
from kzforecast.model.blocks.exports import ExportStep, export_demand_step, export_destinations
from kzforecast.model.blocks.localization import (
    ckd_share_step,
    local_content_step,
    partial_adjustment_step,
)
from kzforecast.model.blocks.logcap import LOG_CAP, cap_log
from kzforecast.model.blocks.market import domestic_share_step, market_step
from kzforecast.model.blocks.output import OutputStep, capacity_step, output_step, ration_output
from kzforecast.model.blocks.processing import ProcessingStep, investment_split, processing_step
from kzforecast.model.blocks.trend import TrendStep, trend_step

__all__ = [
    "LOG_CAP",
    "ExchangeRateStep",
    "ExportStep",
    "OutputStep",
    "ProcessingStep",
    "TrendStep",
    "cap_log",
    "capacity_step",
    "ckd_share_step",
    "domestic_share_step",
    "exchange_rate_step",
    "export_demand_step",
    "export_destinations",
    "investment_split",
    "local_content_step",
    "market_step",
    "output_step",
    "partial_adjustment_step",
    "processing_step",
    "ration_output",
    "trend_step",
]
