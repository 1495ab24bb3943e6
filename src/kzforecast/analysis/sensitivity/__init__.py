r"""Sensitivity analysis: which uncertain parameters drive a target or an output.

Two methods, both on common random numbers:

* :func:`tornado`: one parameter at a time is held at a low and a high
  quantile of its distribution while every other parameter keeps its
  distribution; the swing of P(target met) (or of a statistic) ranks the
  parameters. Cheap (two simulations per parameter), local, easy to read.
* :func:`sobol_indices` and :func:`model_sobol_indices`: variance-based
  (Sobol) first-order and total indices with the Saltelli sampling scheme on a
  scrambled Sobol sequence, the Saltelli (2010) first-order and the Jansen
  (1999) total-effect estimators, and bootstrap confidence intervals.
  :func:`sobol_indices` works for any vectorised function of independent
  inputs (the SALib pattern: sample, evaluate, analyse in one call);
  :func:`model_sobol_indices` applies it to the kzforecast model, one model
  path per input row, evaluated with the vectorised kernel.

Modules: :mod:`.tornado`, :mod:`.sobol` (a user's function),
:mod:`.model_sobol` (the model), on :mod:`.saltelli` (design, estimators,
bootstrap), :mod:`.inputs` (which parameters, grouped how) and
:mod:`.statistics` (``"p50:VARIABLE:YEAR"`` and friends). The charts
(:func:`~kzforecast.report.sensitivity_charts.tornado_chart`,
:func:`~kzforecast.report.sensitivity_charts.sobol_chart`) are in the report
layer; :mod:`kzforecast.sensitivity` gathers everything for users, and the
command line (``kzforecast sensitivity``) lives in :mod:`kzforecast.cli`.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., Tarantola, S.
(2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. Computer Physics Communications
181(2), 259-270 (table 2: estimators (b) for S_i and (f) for S_Ti).

Jansen, M. J. W. (1999). Analysis of variance designs for model output.
Computer Physics Communications 117, 35-43.

Ishigami, T., Homma, T. (1990). An importance quantification technique in
uncertainty analysis for computer models. ISUMA '90, 398-403.
"""

from kzforecast.analysis.sensitivity.model_sobol import NOISE, model_sobol_indices
from kzforecast.analysis.sensitivity.sobol import sobol_indices
from kzforecast.analysis.sensitivity.tornado import tornado

__all__ = ["NOISE", "model_sobol_indices", "sobol_indices", "tornado"]
