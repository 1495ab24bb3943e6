r"""``backtest``: how good were the model's forecasts, made with the data of their time?

For each vintage year ``v``, :func:`backtest` calibrates a scenario with the
history up to ``v`` only (:func:`kzforecast.analysis.calibrate.calibrate`), simulates it
forward and scores the predictive distribution of vehicle output against the
realized value of each later year up to ``v + horizon``. Side by side it scores

* ``naive``: a random walk with drift in logs, drift and volatility from the same
  data up to ``v``; its predictive distribution is normal in logs (closed forms);
* ``target``: where an official level target for that year had been stated by
  ``v`` (the shipped registry, ``metric="vehicle_output"``, default readings with
  ``transform="level"`` and ``timing="in_year"``; the latest statement wins), the
  target as a point forecast (its CRPS is the absolute error).

Scores (one row per vintage, year and method in :attr:`BacktestResult.scores`):
the CRPS in vehicles (sample estimator for the model, closed form for the naive
benchmark), the PIT value, whether the 50/80/90% central intervals covered the
outcome, and the absolute percentage error of the median.

Only exact, derived and approximate values are scored. A lower or upper bound
("over 50,000 in 2019") cannot be scored by CRPS or PIT: those years are skipped
and listed, with the reason, in :attr:`BacktestResult.skipped`.

Modules: :mod:`~kzforecast.analysis.backtest.run` (:func:`backtest`),
:mod:`~kzforecast.analysis.backtest.scores` (CRPS, PIT),
:mod:`~kzforecast.analysis.backtest.naive` (the naive benchmark) and
:mod:`~kzforecast.analysis.backtest.result` (:class:`BacktestResult`). Charts of a
result are in the report layer: :mod:`kzforecast.report.backtest_charts`.
"""

from kzforecast.analysis.backtest.result import BacktestResult
from kzforecast.analysis.backtest.run import backtest
from kzforecast.analysis.backtest.scores import (
    LEVELS,
    crps_lognormal,
    crps_normal,
    crps_sample,
    pit_sample,
)

__all__ = [
    "LEVELS",
    "BacktestResult",
    "backtest",
    "crps_lognormal",
    "crps_normal",
    "crps_sample",
    "pit_sample",
]
