"""Sensitivity analysis: which uncertain input decides a target.

The public namespace of sensitivity analysis, gathered from two layers:
:func:`tornado` (one input at a time, low/high), :func:`sobol_indices`
(Sobol indices of any vectorised function of independent inputs) and
:func:`model_sobol_indices` (Sobol indices of the model's uncertain
parameters) from :mod:`kzforecast.analysis.sensitivity`; their charts
:func:`tornado_chart` and :func:`sobol_chart` from
:mod:`kzforecast.report.sensitivity_charts`. See ``docs/sensitivity.md``.
"""

from kzforecast.analysis.sensitivity import NOISE, model_sobol_indices, sobol_indices, tornado
from kzforecast.report.sensitivity_charts import sobol_chart, tornado_chart

__all__ = [
    "NOISE",
    "model_sobol_indices",
    "sobol_chart",
    "sobol_indices",
    "tornado",
    "tornado_chart",
]
