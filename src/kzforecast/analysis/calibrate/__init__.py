r"""``calibrate``: estimate a :class:`~kzforecast.Scenario` from the history up to a year.

:func:`calibrate` automates what the comments of the built-in ``baseline.toml``
do by hand. It uses **only** the observations dated up to ``as_of`` (changing a
later value never changes its result) and returns the scenario together with a
:class:`CalibrationReport` that lists, for every parameter, whether it was
estimated (how, from which years, with which standard error) or stays an
assumption (and why).

What is estimated (statsmodels throughout):

* **Exchange rate.** ``mu_z``, ``s_z``: OLS on a constant of the annual log
  changes of USD/KZT without the devaluation years (and without the year after
  a devaluation dated in the second half of a year, whose annual average still
  carries it: 2016 after the August-2015 float). ``p_dev``: devaluation years /
  years of exchange-rate history. ``jump_mean``, ``jump_sd``: mean and sd of the
  excess of the devaluation years' log change over ``mu_z`` (summed with the
  echo year). ``b_r``, ``mu_r``, ``s_r``: OLS of the RUB/KZT log change on the
  USD/KZT log change, all years.
* **Market.** ``mu_M``, ``b_M``, ``s_M``: OLS of the log change of new-vehicle
  sales on a constant and ``-dz`` (consecutive years only).
* **Domestic share.** ``k_S``, ``s_S``: GLS of the logit change on the number of
  years it spans (a random walk with drift observed with gaps: a change over
  ``g`` years has mean ``g k_S`` and variance ``g s_S^2``), as OLS on the
  rescaled data.
* **Processing.** ``g_P``, ``s_P``: OLS on a constant of ``log(1 + real growth)``.
* **Trend** (vehicle output). ARIMA(1,1,0) with drift on log output, fitted as
  ``statsmodels.tsa.arima.model.ARIMA(log_q, order=(1, 1, 0), trend="t")``.
  With ``d = 1`` this class puts the trend in *mean form*, ``log Q_t = mu t +
  u_t`` with ``u`` an ARIMA(1,1,0), so ``Delta log Q_t = mu + phi (Delta log
  Q_{t-1} - mu) + e_t``: its ``x1`` coefficient *is* ``mu_q`` and its
  covariance is read off ``cov_params()`` directly. (``SARIMAX(order=(1, 1, 0),
  trend="c")`` is the same model in intercept form, ``c = mu (1 - phi)``;
  ``SARIMAX(..., trend="t")`` would put a time trend *into the growth rate*,
  which is not this model.) Missing years and bounds are gaps handled by the
  Kalman filter. With fewer than :data:`MIN_AR_GROWTHS` growth observations the
  AR term is not estimated (``phi = 0``, a documented prior) and the drift and
  volatility come from an ARIMA(0,1,0) with drift; with fewer than 3 observed
  levels up to ``as_of`` the trend model cannot be calibrated and a
  :class:`~kzforecast.errors.KzForecastError` names the years available.
  ``b_q`` (output loss per devaluation jump) cannot be estimated (no output
  year is a devaluation year) and takes the market's ``b_M``.

Everything else (capacity and the plant pipeline, utilisation, exports,
localization, CKD share, processing exports and investment) is copied from the
built-in ``baseline`` scenario and reported as an assumption.

Bounds. The wide history carries no qualifiers; calibration takes them from
``observations`` (default: the shipped :func:`~kzforecast.data.load_observations`,
applied where the history holds the shipped preferred value). A lower or upper
bound is not an observation of the level: it is a gap in every estimation
sample. Only when the as-of year's level itself is a bound does the bound enter,
as a floor (ceiling) on the initial level.

Small samples. Every estimate carries ``n`` and its standard error; the sd of an
estimated location parameter's distribution is the standard error times the
t-based inflation ``sqrt(nu / (nu - 2))`` (``nu`` = residual degrees of freedom;
2.0 when ``nu <= 2``); estimates from fewer than 8 points are flagged.

Modules. :mod:`.pipeline` holds :func:`calibrate`, which runs, in this order:
:mod:`.exchange_rate` (USD/KZT drift, volatility, devaluations; the rouble rate),
:mod:`.market`, :mod:`.domestic_share`, :mod:`.processing`, :mod:`.trend` (and the
initial output), :mod:`.assumptions` (capacity, utilisation, exports,
localization and CKD share kept from ``baseline``) and :mod:`.initial` (the initial
state). :mod:`.estimates` holds the :class:`~.estimates.ScenarioBuilder` every block
records into and the small-sample rules; :mod:`.inputs` the history checks, the
bounds (:func:`bound_years`) and the devaluation events; :mod:`.report`
:class:`CalibrationReport`.
"""

from kzforecast.analysis.calibrate.estimates import t_inflation
from kzforecast.analysis.calibrate.inputs import Devaluations, bound_years
from kzforecast.analysis.calibrate.pipeline import calibrate
from kzforecast.analysis.calibrate.report import CalibrationReport, Model, ParameterEstimate
from kzforecast.analysis.calibrate.trend import MIN_AR_GROWTHS

__all__ = [
    "MIN_AR_GROWTHS",
    "CalibrationReport",
    "Devaluations",
    "Model",
    "ParameterEstimate",
    "bound_years",
    "calibrate",
    "t_inflation",
]
