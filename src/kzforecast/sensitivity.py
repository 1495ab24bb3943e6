"""Sensitivity analysis: which uncertain input decides a target.

The public namespace of :mod:`kzforecast.analysis.sensitivity`:
:func:`tornado` (one input at a time, low/high), :func:`sobol_indices`
(variance-based indices on the input parameters) and
:func:`model_sobol_indices` (Sobol indices of the model's own blocks),
with their charts in :mod:`kzforecast.report`.
"""

from kzforecast.analysis.sensitivity import (
    NOISE,
    model_sobol_indices,
    sobol_chart,
    sobol_indices,
    tornado,
    tornado_chart,
)

__all__ = [
    "NOISE",
    "model_sobol_indices",
    "sobol_chart",
    "sobol_indices",
    "tornado",
    "tornado_chart",
]
