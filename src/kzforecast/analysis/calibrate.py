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
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.errors import KzForecastError
from kzforecast.scenario import Scenario

__all__ = [
    "MIN_AR_GROWTHS",
    "CalibrationReport",
    "ParameterEstimate",
    "bound_years",
    "calibrate",
    "t_inflation",
]

Arr = NDArray[np.float64]
Model = Literal["structural", "trend"]

MIN_AR_GROWTHS = 6
"""Fewest observed growth rates with which the trend model's AR term is estimated."""

FEW_POINTS = 8
"""Estimates from fewer points than this are flagged in the report."""

_SOURCE = "calibrate"
_BASELINE = "baseline"


# --------------------------------------------------------------------------- report
@dataclass(frozen=True)
class ParameterEstimate:
    """One parameter of a calibrated scenario: estimated, or kept as an assumption.

    ``status`` is ``"estimated"`` (from the data), ``"derived"`` (taken from another
    estimate, e.g. ``b_q`` from the market's ``b_M``) or ``"assumption"`` (copied
    from the baseline scenario, or a documented prior because the data are too few).
    """

    parameter: str
    status: Literal["estimated", "derived", "assumption"]
    estimate: float
    se: float
    distribution_sd: float
    n: int
    years: str
    method: str
    reason: str
    flag: str = ""


@dataclass(frozen=True)
class CalibrationReport:
    """What :func:`calibrate` estimated, from which data, and what it assumed.

    Attributes
    ----------
    as_of, horizon : int
        The scenario's years; only data up to ``as_of`` were used.
    model : {"structural", "trend"}
    parameter_uncertainty : bool
        Whether estimated parameters are distributions (True) or point masses.
    parameters : tuple of ParameterEstimate
        One entry per scenario parameter that the calibration touched or kept.
    fits : dict
        Fit diagnostics per block: method, n, years, residual sd, R^2, AIC,
        log-likelihood, whether the optimiser converged, warnings raised.
    samples : dict
        Per block, the years whose observations entered the fit.
    initial : dict
        Per initial-state field, ``(value, where it came from)``.
    results : dict
        The statsmodels result objects per block (``"trend"``, ``"market"``,
        ...), for further diagnostics (``results["trend"].get_forecast(3)``).
    notes : tuple of str
        Data-handling decisions (bounds treated as gaps, fallbacks).
    """

    as_of: int
    horizon: int
    model: str
    parameter_uncertainty: bool
    parameters: tuple[ParameterEstimate, ...]
    fits: Mapping[str, Mapping[str, Any]]
    samples: Mapping[str, tuple[int, ...]]
    initial: Mapping[str, tuple[float, str]]
    results: Mapping[str, Any] = field(repr=False, default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def estimated(self) -> list[str]:
        """Dotted paths of the parameters estimated from the data."""
        return [p.parameter for p in self.parameters if p.status == "estimated"]

    @property
    def assumptions(self) -> list[str]:
        """Dotted paths of the parameters that stay assumptions (with a reason each)."""
        return [p.parameter for p in self.parameters if p.status != "estimated"]

    def get(self, parameter: str) -> ParameterEstimate:
        """The entry of one parameter by dotted path or by its short name (``mu_q``)."""
        for p in self.parameters:
            if p.parameter == parameter or p.parameter.rsplit(".", 1)[-1] == parameter:
                return p
        raise KeyError(f"no parameter {parameter!r} in the report")

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter, for printing.

        Columns ``status, estimate, se, distribution_sd, n, years, flag, method,
        reason``, indexed by the dotted parameter path.
        """
        rows = [
            {
                "parameter": p.parameter,
                "status": p.status,
                "estimate": p.estimate,
                "se": p.se,
                "distribution_sd": p.distribution_sd,
                "n": p.n,
                "years": p.years,
                "flag": p.flag,
                "method": p.method,
                "reason": p.reason,
            }
            for p in self.parameters
        ]
        return pd.DataFrame(rows).set_index("parameter")

    def fit_frame(self) -> pd.DataFrame:
        """Fit diagnostics, one row per estimated block."""
        return pd.DataFrame([{"block": k, **v} for k, v in self.fits.items()]).set_index("block")


# --------------------------------------------------------------------------- helpers
def t_inflation(nu: int) -> float:
    """sd inflation of a t distribution with ``nu`` degrees of freedom, ``sqrt(nu/(nu-2))``.

    For ``nu <= 2`` (infinite variance) it is capped at 2.0.

    Examples
    --------
    >>> round(t_inflation(10), 4)
    1.118
    >>> t_inflation(2)
    2.0
    """
    if nu <= 2:
        return 2.0
    return math.sqrt(nu / (nu - 2.0))


def _spearman_from_pearson(r: float) -> float:
    """Spearman rank correlation of a bivariate normal with Pearson ``r``: (6/pi) asin(r/2)."""
    return float(6.0 / math.pi * math.asin(max(-1.0, min(1.0, r)) / 2.0))


def _years_text(years: Iterable[int]) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    parts: list[str] = []
    start = prev = ys[0]
    for y in ys[1:]:
        if y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = y
    parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def _flag(n: int, nu: int | None = None) -> str:
    flags = []
    if n < FEW_POINTS:
        flags.append(f"n < {FEW_POINTS}")
    if nu is not None and nu <= 2:
        flags.append("df <= 2: sd inflation capped at 2")
    return "; ".join(flags)


def _normal(mean: float, sd: float) -> dict[str, Any] | float:
    return {"dist": "normal", "mean": float(mean), "sd": float(sd)} if sd > 0 else float(mean)


def _truncnormal(mean: float, sd: float, low: float, high: float = math.inf) -> Any:
    mean = float(min(max(mean, low), high))
    if sd <= 0:
        return mean
    d: dict[str, Any] = {"dist": "truncnormal", "mean": mean, "sd": float(sd), "low": float(low)}
    if math.isfinite(high):
        d["high"] = float(high)
    return d


def _lognormal(value: float, sigma: float) -> Any:
    if value <= 0 or sigma <= 0:
        return max(float(value), 0.0)
    return {"dist": "lognormal", "mu": math.log(value), "sigma": float(sigma)}


def _quiet_fit(fit: Any) -> tuple[Any, list[str]]:
    """Run a statsmodels fit, collecting (not raising) its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit()
    msgs = sorted(
        {f"{w.category.__name__}: {str(w.message).splitlines()[0][:120]}" for w in caught}
    )
    return res, msgs


def bound_years(
    history: pd.DataFrame, observations: pd.DataFrame | None = None
) -> dict[str, dict[int, str]]:
    """Which (series, year) values of a wide history are bounds, with the qualifier.

    ``observations`` is a long table (``series, year, value, qualifier`` and
    optionally ``preferred``) as :func:`kzforecast.data.load_observations` returns;
    by default the shipped one. A history value counts as a bound when the table
    holds a preferred bound row for that series and year with the same value
    (so a user's own history, with other numbers, has no bounds unless a table
    says so).
    """
    if observations is None:
        from kzforecast.data import load_observations

        observations = load_observations()
    needed = {"series", "year", "value", "qualifier"}
    if not needed <= set(observations.columns):
        raise KzForecastError(
            f"observations lack column(s) {', '.join(sorted(needed - set(observations.columns)))}",
            source=_SOURCE,
            location="observations",
            allowed="a long table as kzforecast.data.load_observations() returns",
        )
    obs = observations
    if "preferred" in obs.columns:
        obs = obs[obs["preferred"].astype(bool)]
    obs = obs[obs["qualifier"].isin(["lower_bound", "upper_bound"])]
    out: dict[str, dict[int, str]] = {}
    for series, year, value, qual in zip(
        obs["series"], obs["year"], obs["value"], obs["qualifier"]
    ):
        if series not in history.columns or int(year) not in history.index:
            continue
        v = float(history[series].loc[int(year)])
        if math.isfinite(v) and math.isclose(v, float(value), rel_tol=1e-9, abs_tol=1e-12):
            out.setdefault(str(series), {})[int(year)] = str(qual)
    return out


def _devaluation_events(devaluations: Any) -> list[tuple[int, int]]:
    """(year, month) of each devaluation; month 1 when only a year is given."""
    if devaluations is None:
        from kzforecast.data import load_devaluations

        devaluations = load_devaluations()
    if isinstance(devaluations, pd.DataFrame):
        if "date" not in devaluations.columns:
            raise KzForecastError(
                "devaluations table has no 'date' column",
                source=_SOURCE,
                location="devaluations",
                allowed="kzforecast.data.load_devaluations() or a list of years",
            )
        dates = pd.to_datetime(devaluations["date"])
        return sorted((int(d.year), int(d.month)) for d in dates)
    events: list[tuple[int, int]] = []
    for d in devaluations:
        if isinstance(d, int | np.integer) and not isinstance(d, bool):
            events.append((int(d), 1))
        else:
            ts = pd.Timestamp(d)
            events.append((int(ts.year), int(ts.month)))
    return sorted(events)


def _dist_sd(dist: Any) -> float:
    """Standard deviation of a scenario distribution (0 for a point mass; by quadrature)."""
    if dist.is_fixed:
        return 0.0
    if getattr(dist, "dist", "") == "normal":
        return float(dist.sd)
    u = (np.arange(4000, dtype=np.float64) + 0.5) / 4000.0
    return float(np.std(dist.ppf(u)))


# --------------------------------------------------------------------------- builder
class _Builder:
    """Edits a baseline scenario dict and collects the report rows."""

    def __init__(self, base: Scenario, uncertainty: bool) -> None:
        self.base = base
        self.data: dict[str, Any] = base.model_dump(mode="python", by_alias=True)
        self.uncertainty = uncertainty
        self.rows: dict[str, ParameterEstimate] = {}
        self.pairs: list[tuple[str, str, float]] = []
        self.fits: dict[str, dict[str, Any]] = {}
        self.samples: dict[str, tuple[int, ...]] = {}
        self.results: dict[str, Any] = {}
        self.notes: list[str] = []
        self.file_notes: dict[str, str] = {}

    def _set(self, path: str, value: Any) -> None:
        keys = path.split(".")
        node = self.data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    def estimate(
        self,
        path: str,
        value: float,
        dist: Any,
        *,
        se: float,
        sd: float,
        n: int,
        years: Iterable[int],
        method: str,
        nu: int | None = None,
        status: Literal["estimated", "derived"] = "estimated",
        reason: str = "",
    ) -> None:
        self._set(path, dist if self.uncertainty else float(value))
        yt = _years_text(years)
        flag = _flag(n, nu)
        self.rows[path] = ParameterEstimate(
            path,
            status,
            float(value),
            float(se),
            float(sd) if self.uncertainty else 0.0,
            int(n),
            yt,
            method,
            reason,
            flag,
        )
        word = "ESTIMATE" if status == "estimated" else "DERIVED"
        extra = f"; {flag}" if flag else ""
        self.file_notes[path] = (
            f"{word}: {method}; {value:.4g} (se {se:.3g}, n {n}, years {yt}{extra})"
            + (f". {reason}" if reason else "")
        )

    def estimate_volatility(
        self, path: str, s: float, *, n: int, years: Iterable[int], nu: int, source: str
    ) -> None:
        """A residual standard deviation ``s`` as a log-normal with log-sd 1/sqrt(2 df)."""
        sig = 1.0 / math.sqrt(2.0 * max(nu, 1))
        self.estimate(
            path,
            s,
            _lognormal(s, sig),
            se=s * sig,
            sd=sig,
            n=n,
            years=years,
            method=f"{source}; log-sd 1/sqrt(2 df)",
            nu=nu,
        )

    def assume(self, path: str, reason: str, value: Any = None) -> None:
        """Keep the baseline's distribution (or set ``value``) and say why."""
        if value is not None:
            self._set(path, value)
        dist = Scenario.from_dict(self.data | {"correlation": None}).parameters()[path]
        self.rows[path] = ParameterEstimate(
            path, "assumption", float(dist.mean()), math.nan, math.nan, 0, "", "", reason, ""
        )
        self.file_notes[path] = f"ASSUMPTION: {reason}"

    def record_fit(
        self,
        block: str,
        res: Any,
        *,
        method: str,
        n: int,
        years: Iterable[int],
        resid_sd: float,
        warns: Iterable[str],
        r2: float = math.nan,
        converged: bool = True,
        sample: bool = True,
    ) -> None:
        """Keep a fitted statsmodels result, its summary row and (``sample``) its years."""
        self.fits[block] = {
            "method": method,
            "n": n,
            "years": _years_text(years),
            "resid_sd": resid_sd,
            "r2": r2,
            "aic": float(res.aic),
            "loglik": float(res.llf),
            "converged": converged,
            "warnings": "; ".join(warns),
        }
        if sample:
            self.samples[block] = tuple(int(y) for y in years)
        self.results[block] = res

    def correlate_estimates(self, a: str, b: str, res: Any) -> None:
        """Correlate two OLS coefficients (the first two of ``res``) by their estimated
        covariance."""
        cov = np.asarray(res.cov_params())
        self.correlate(a, b, float(cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])))

    def correlate(self, a: str, b: str, pearson: float) -> None:
        if self.uncertainty and math.isfinite(pearson) and abs(pearson) > 1e-12:
            self.pairs.append((a, b, _spearman_from_pearson(pearson)))


# --------------------------------------------------------------------------- blocks
def _log_changes(s: pd.Series) -> tuple[NDArray[np.int64], Arr]:
    """Log changes between consecutive observed years (year of the later value)."""
    s = s.dropna()
    years = s.index.to_numpy(dtype=np.int64)
    vals = np.log(s.to_numpy(dtype=np.float64))
    keep = np.diff(years) == 1
    return years[1:][keep], np.diff(vals)[keep]


def _fx_block(b: _Builder, hist: pd.DataFrame, as_of: int, events: list[tuple[int, int]]) -> None:
    import statsmodels.api as sm

    prefix = "blocks.exchange_rate."
    names = ("mu_z", "s_z", "p_dev", "jump_mean", "jump_sd", "b_r", "mu_r", "s_r")
    fx = hist["usd_kzt"].dropna() if "usd_kzt" in hist else pd.Series(dtype=float)
    years, dz = _log_changes(fx)
    if len(dz) < 4:
        for nm in names:
            b.assume(prefix + nm, "fewer than 4 annual USD/KZT changes up to as_of: baseline prior")
        return
    first = int(fx.index.min())
    dev_years = {y for y, _ in events if first <= y <= as_of}
    echo = {y + 1 for y, m in events if m >= 7 and first <= y and y + 1 <= as_of}
    dz_s = pd.Series(dz, index=years)
    calm = dz_s[~dz_s.index.isin(sorted(dev_years | echo))]
    if len(calm) < 3:
        for nm in names:
            b.assume(prefix + nm, "fewer than 3 calm (non-devaluation) years: baseline prior")
        return
    res, warns = _quiet_fit(lambda: sm.OLS(calm.to_numpy(), np.ones(len(calm))).fit())
    n = len(calm)
    nu = n - 1
    mu_z = float(res.params[0])
    se = float(res.bse[0])
    s_z = float(np.sqrt(res.scale))
    infl = t_inflation(nu)
    excluded = sorted((dev_years | echo) & set(years.tolist()))
    method = f"OLS of dz on a constant, devaluation years {_years_text(excluded)} excluded"
    b.estimate(
        prefix + "mu_z",
        mu_z,
        _normal(mu_z, se * infl),
        se=se,
        sd=se * infl,
        n=n,
        years=calm.index,
        method=method,
        nu=nu,
    )
    b.estimate_volatility(
        prefix + "s_z",
        s_z,
        n=n,
        years=calm.index,
        nu=nu,
        source="residual sd of that OLS",
    )
    b.record_fit(
        "exchange_rate",
        res,
        method="OLS dz ~ 1 (calm years)",
        n=n,
        years=calm.index,
        resid_sd=s_z,
        warns=warns,
    )

    # devaluation frequency and size
    n_years = as_of - first + 1
    k = len(dev_years)
    span = f"{first}-{as_of}"
    if k == 0:
        b.estimate(
            prefix + "p_dev",
            0.0,
            0.0,
            se=0.0,
            sd=0.0,
            n=n_years,
            years=range(first, as_of + 1),
            method=f"no devaluation in {span}: jumps switched off",
        )
        b.assume(prefix + "jump_mean", "no devaluation in the sample: no jump size", 0.0)
        b.assume(prefix + "jump_sd", "no devaluation in the sample: no jump size", 0.0)
    else:
        p = k / n_years
        b.estimate(
            prefix + "p_dev",
            p,
            {"dist": "beta", "a": float(k), "b": float(n_years - k)},
            se=math.sqrt(p * (1 - p) / n_years),
            sd=math.sqrt(p * (1 - p) / (n_years + 1)),
            n=n_years,
            years=range(first, as_of + 1),
            method=f"{k} devaluation years ({_years_text(dev_years)}) in {n_years} "
            f"years {span}: Beta({k}, {n_years - k})",
        )
        jumps = []
        for y in sorted(dev_years):
            excess = float(dz_s.get(y, np.nan)) - mu_z
            if y + 1 in echo and (y + 1) in dz_s.index:
                excess += float(dz_s[y + 1]) - mu_z
            if math.isfinite(excess):
                jumps.append(excess)
        if not jumps:
            b.assume(prefix + "jump_mean", "no USD/KZT change observed in a devaluation year")
            b.assume(prefix + "jump_sd", "no USD/KZT change observed in a devaluation year")
        else:
            jm = float(np.mean(jumps))
            jm_text = (
                "mean excess of dz over mu_z in devaluation years (a devaluation after June "
                "also counts the next year's excess)"
            )
            if len(jumps) >= 2:
                js = float(np.std(jumps, ddof=1))
                jse = js / math.sqrt(len(jumps))
                jinf = t_inflation(len(jumps) - 1)
                b.estimate(
                    prefix + "jump_mean",
                    jm,
                    _truncnormal(jm, jse * jinf, 0.0),
                    se=jse,
                    sd=jse * jinf,
                    n=len(jumps),
                    years=sorted(dev_years),
                    method=jm_text,
                    nu=len(jumps) - 1,
                )
                b.estimate(
                    prefix + "jump_sd",
                    js,
                    js,
                    se=math.nan,
                    sd=0.0,
                    n=len(jumps),
                    years=sorted(dev_years),
                    method="sd of those excesses (fixed)",
                )
            else:
                base_sd = float(b.base.blocks.exchange_rate.jump_sd.mean())
                b.estimate(
                    prefix + "jump_mean",
                    jm,
                    _truncnormal(jm, base_sd, 0.0),
                    se=base_sd,
                    sd=base_sd,
                    n=1,
                    years=sorted(dev_years),
                    method=jm_text + "; one jump: se = baseline's jump_sd",
                )
                b.assume(prefix + "jump_sd", "one devaluation only: baseline's jump sd")
    # rouble rate
    rub = hist["rub_kzt"].dropna() if "rub_kzt" in hist else pd.Series(dtype=float)
    ry, dr = _log_changes(rub)
    both = sorted(set(ry.tolist()) & set(years.tolist()))
    if len(both) < 5:
        for nm in ("b_r", "mu_r", "s_r"):
            b.assume(prefix + nm, "fewer than 5 years with both rates: baseline prior")
        return
    drs = pd.Series(dr, index=ry).loc[both].to_numpy()
    dzs = dz_s.loc[both].to_numpy()
    X = np.column_stack([np.ones(len(both)), dzs])
    r2, warns = _quiet_fit(lambda: sm.OLS(drs, X).fit())
    n2 = len(both)
    nu2 = n2 - 2
    inf2 = t_inflation(nu2)
    m = "OLS of dr on a constant and dz, all years (b_r also carries the jumps)"
    b.estimate(
        prefix + "b_r",
        float(r2.params[1]),
        _normal(r2.params[1], r2.bse[1] * inf2),
        se=float(r2.bse[1]),
        sd=float(r2.bse[1]) * inf2,
        n=n2,
        years=both,
        method=m,
        nu=nu2,
    )
    b.estimate(
        prefix + "mu_r",
        float(r2.params[0]),
        _normal(r2.params[0], r2.bse[0] * inf2),
        se=float(r2.bse[0]),
        sd=float(r2.bse[0]) * inf2,
        n=n2,
        years=both,
        method=m,
        nu=nu2,
    )
    s_r = float(np.sqrt(r2.scale))
    b.estimate_volatility(
        prefix + "s_r",
        s_r,
        n=n2,
        years=both,
        nu=nu2,
        source="residual sd of that OLS",
    )
    b.correlate_estimates(prefix + "mu_r", prefix + "b_r", r2)
    b.record_fit(
        "rouble",
        r2,
        method="OLS dr ~ 1 + dz",
        n=n2,
        years=both,
        resid_sd=s_r,
        warns=warns,
        r2=float(r2.rsquared),
    )


def _market_block(b: _Builder, hist: pd.DataFrame, bounds: Mapping[int, str]) -> float | None:
    """Market OLS; returns the b_M estimate (or None when assumed)."""
    import statsmodels.api as sm

    prefix = "blocks.market."
    sales = hist["new_vehicle_sales"].copy() if "new_vehicle_sales" in hist else None
    fx = hist.get("usd_kzt")
    if sales is None or fx is None:
        for nm in ("mu_M", "b_M", "s_M"):
            b.assume(prefix + nm, "no sales or exchange-rate history: baseline prior")
        return None
    sales.loc[sorted(bounds)] = np.nan
    sy, dm = _log_changes(sales)
    zy, dz = _log_changes(fx)
    both = sorted(set(sy.tolist()) & set(zy.tolist()))
    if len(both) < 5:
        for nm in ("mu_M", "b_M", "s_M"):
            b.assume(
                prefix + nm, f"fewer than 5 years of sales growth ({len(both)}): baseline prior"
            )
        return None
    y = pd.Series(dm, index=sy).loc[both].to_numpy()
    x = -pd.Series(dz, index=zy).loc[both].to_numpy()
    X = np.column_stack([np.ones(len(both)), x])
    res, warns = _quiet_fit(lambda: sm.OLS(y, X).fit())
    n = len(both)
    nu = n - 2
    infl = t_inflation(nu)
    m = "OLS of dlog(sales) on a constant and -dz"
    mu, bm = float(res.params[0]), float(res.params[1])
    se_mu, se_b = float(res.bse[0]), float(res.bse[1])
    b.estimate(
        prefix + "mu_M",
        mu,
        _normal(mu, se_mu * infl),
        se=se_mu,
        sd=se_mu * infl,
        n=n,
        years=both,
        method=m,
        nu=nu,
    )
    b.estimate(
        prefix + "b_M",
        bm,
        _truncnormal(bm, se_b * infl, 0.0),
        se=se_b,
        sd=se_b * infl,
        n=n,
        years=both,
        method=m,
        nu=nu,
        reason="distribution truncated at 0 (a devaluation does not raise sales): "
        "a sign restriction, as in baseline",
    )
    s = float(np.sqrt(res.scale))
    b.estimate_volatility(
        prefix + "s_M",
        s,
        n=n,
        years=both,
        nu=nu,
        source="residual sd of that OLS",
    )
    b.correlate_estimates(prefix + "mu_M", prefix + "b_M", res)
    b.record_fit(
        "market",
        res,
        method="OLS dlogM ~ 1 + (-dz)",
        n=n,
        years=both,
        resid_sd=s,
        warns=warns,
        r2=float(res.rsquared),
    )
    return bm


def _share_block(b: _Builder, hist: pd.DataFrame, bounds: Mapping[int, str]) -> None:
    import statsmodels.api as sm

    prefix = "blocks.domestic_share."
    share = hist["domestic_share_of_sales"].copy() if "domestic_share_of_sales" in hist else None
    if share is None:
        b.assume(prefix + "k_S", "no domestic-share history: baseline prior")
        b.assume(prefix + "s_S", "no domestic-share history: baseline prior")
        return
    share.loc[sorted(bounds)] = np.nan
    share = share.dropna()
    share = share[(share > 0) & (share < 1)]
    if len(share) < 2:
        b.assume(prefix + "k_S", f"fewer than 2 share observations ({len(share)}): baseline prior")
        b.assume(prefix + "s_S", "fewer than 2 share observations: baseline prior")
        return
    yrs = share.index.to_numpy(dtype=np.int64)
    lg = np.log(share.to_numpy() / (1.0 - share.to_numpy()))
    gaps = np.diff(yrs).astype(float)
    d = np.diff(lg)
    total = float(yrs[-1] - yrs[0])
    k = float(d.sum() / gaps.sum())
    m = (
        "GLS of the logit change on the years it spans (random walk with drift with gaps), "
        "as OLS of d/sqrt(g) on sqrt(g)"
    )
    if len(d) >= 2:
        res, warns = _quiet_fit(lambda: sm.OLS(d / np.sqrt(gaps), np.sqrt(gaps)).fit())
        k = float(res.params[0])
        s = float(np.sqrt(res.scale))
        se = float(res.bse[0])
        nu = len(d) - 1
        infl = t_inflation(nu)
        b.estimate(
            prefix + "k_S",
            k,
            _normal(k, se * infl),
            se=se,
            sd=se * infl,
            n=len(share),
            years=yrs,
            method=m,
            nu=nu,
            reason="the drift averages every period in the sample, catch-up years included",
        )
        b.estimate_volatility(
            prefix + "s_S",
            s,
            n=len(share),
            years=yrs,
            nu=nu,
            source="residual sd of that GLS",
        )
        b.record_fit(
            "domestic_share",
            res,
            method="GLS dlogit ~ gap",
            n=len(share),
            years=yrs,
            resid_sd=s,
            warns=warns,
            sample=False,
        )
    else:
        s = float(b.base.blocks.domestic_share.s_S.quantile(0.5))
        se = s / math.sqrt(total)
        b.estimate(
            prefix + "k_S",
            k,
            _normal(k, 2.0 * se),
            se=se,
            sd=2.0 * se,
            n=2,
            years=yrs,
            method="logit change over the one interval / its years; se from baseline's "
            "s_S (one change cannot give a volatility), inflated 2x",
        )
        b.assume(prefix + "s_S", "one logit change only: baseline prior")
    b.samples["domestic_share"] = tuple(int(y) for y in yrs)


def _processing_block(b: _Builder, hist: pd.DataFrame) -> None:
    import statsmodels.api as sm

    prefix = "blocks.processing."
    g = hist["processing_real_growth"].dropna() if "processing_real_growth" in hist else None
    if g is None or len(g) < 4:
        b.assume(prefix + "g_P", "fewer than 4 years of real growth: baseline prior")
        b.assume(prefix + "s_P", "fewer than 4 years of real growth: baseline prior")
    else:
        y = np.log1p(g.to_numpy(dtype=np.float64))
        res, warns = _quiet_fit(lambda: sm.OLS(y, np.ones(len(y))).fit())
        n = len(y)
        nu = n - 1
        infl = t_inflation(nu)
        gp, se = float(res.params[0]), float(res.bse[0])
        b.estimate(
            prefix + "g_P",
            gp,
            _normal(gp, se * infl),
            se=se,
            sd=se * infl,
            n=n,
            years=g.index,
            method="OLS of log(1 + real growth) on a constant",
            nu=nu,
        )
        s = float(np.sqrt(res.scale))
        b.estimate_volatility(
            prefix + "s_P",
            s,
            n=n,
            years=g.index,
            nu=nu,
            source="residual sd",
        )
        b.record_fit(
            "processing",
            res,
            method="OLS log(1+g) ~ 1",
            n=n,
            years=g.index,
            resid_sd=s,
            warns=warns,
        )
    why = (
        "no annual series long enough (processing exports and investment have a few scattered "
        "years): baseline's estimate, which uses data up to 2023 (not ex ante for earlier as_of)"
    )
    for nm in ("g_E", "s_E", "g_I", "s_I"):
        b.assume(prefix + nm, why)
    b.assume(prefix + "theta", "the state share of manufacturing investment is not in the data")


@dataclass(frozen=True)
class _TrendFit:
    level: float
    growth: float
    level_note: str
    growth_note: str


def _trend_block(
    b: _Builder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: Mapping[int, str],
    b_m: float | None,
    *,
    required: bool,
) -> _TrendFit | None:
    from statsmodels.tsa.arima.model import ARIMA

    prefix = "blocks.trend."
    if "vehicle_output" not in hist:
        if required:
            raise KzForecastError(
                "the history has no vehicle_output column",
                source=_SOURCE,
                location="history",
                allowed="a wide history with a vehicle_output column (kzforecast.load_history())",
            )
        for nm in ("mu_q", "phi", "s_q", "b_q"):
            b.assume(prefix + nm, "no vehicle-output history (not used by model='structural')")
        return None
    raw = hist["vehicle_output"]
    q = raw.copy()
    q.loc[sorted(y for y in bounds if y in q.index)] = np.nan
    q = q[q > 0]
    observed = q.dropna()
    if len(observed) < 3:
        avail = _years_text(observed.index) or "none"
        bnd = _years_text(y for y in bounds if y <= as_of) or "none"
        msg = (
            f"too few vehicle-output observations up to {as_of} for the trend model: "
            f"{len(observed)} (years {avail}; bounds, not used: {bnd}); it needs at least 3 "
            "observed levels"
        )
        if required:
            raise KzForecastError(
                msg,
                source=_SOURCE,
                location="as_of",
                allowed="a later as_of (2018 or later with the shipped data), "
                "or model='structural'",
            )
        for nm in ("mu_q", "phi", "s_q", "b_q"):
            b.assume(prefix + nm, msg + " (not used by model='structural'): baseline prior")
        return None
    first = int(observed.index.min())
    years = np.arange(first, as_of + 1)
    y = np.log(q.reindex(years).to_numpy(dtype=np.float64))
    obs_years = [int(t) for t in years[np.isfinite(y)]]
    n_growth = len(obs_years) - 1
    ar = n_growth >= MIN_AR_GROWTHS
    order = (1, 1, 0) if ar else (0, 1, 0)
    res, warns = _quiet_fit(lambda: ARIMA(y, order=order, trend="t").fit())
    params = np.asarray(res.params, dtype=np.float64)
    cov = np.asarray(res.cov_params(), dtype=np.float64)
    names = list(res.model.param_names)
    i_mu, i_s2 = names.index("x1"), names.index("sigma2")
    mu = float(params[i_mu])
    sigma2 = float(params[i_s2])
    se_mu = float(math.sqrt(max(cov[i_mu, i_mu], 0.0)))
    k = 2 if ar else 1
    nu = n_growth - k
    infl = t_inflation(nu)
    gaps = [int(t) for t in years if not np.isfinite(y[t - first])]
    method = f"statsmodels ARIMA{order} with trend='t' (mean form: x1 = mu_q) on log output" + (
        f"; gaps {_years_text(gaps)} (missing or bounds) bridged by the Kalman filter"
        if gaps
        else ""
    )
    n = len(obs_years)
    b.estimate(
        prefix + "mu_q",
        mu,
        _normal(mu, se_mu * infl),
        se=se_mu,
        sd=se_mu * infl,
        n=n,
        years=obs_years,
        method=method,
        nu=nu,
    )
    if ar:
        i_phi = names.index("ar.L1")
        phi = float(params[i_phi])
        se_phi = float(math.sqrt(max(cov[i_phi, i_phi], 0.0)))
        b.estimate(
            prefix + "phi",
            phi,
            _truncnormal(phi, se_phi * infl, -0.98, 0.98),
            se=se_phi,
            sd=se_phi * infl,
            n=n,
            years=obs_years,
            method=method,
            nu=nu,
            reason="distribution truncated to (-0.98, 0.98): a stationary AR term",
        )
        rho = cov[i_mu, i_phi] / math.sqrt(cov[i_mu, i_mu] * cov[i_phi, i_phi])
        b.correlate(prefix + "mu_q", prefix + "phi", float(rho))
    else:
        b.assume(
            prefix + "phi",
            f"only {n_growth} observed growth rates (< {MIN_AR_GROWTHS}): the AR term is not "
            "estimated; phi = 0 (random walk with drift), a documented prior",
            0.0,
        )
        phi = 0.0
    s_q = math.sqrt(sigma2)
    b.estimate_volatility(
        prefix + "s_q",
        s_q,
        n=n,
        years=obs_years,
        nu=nu,
        source="sqrt(sigma2) of that fit (MLE) "
        "(cov_params' se of sigma2 is unstable on a handful of points)",
    )
    if b_m is not None:
        mrow = b.rows["blocks.market.b_M"]
        b.estimate(
            prefix + "b_q",
            b_m,
            _truncnormal(b_m, mrow.distribution_sd or mrow.se, 0.0),
            se=mrow.se,
            sd=mrow.distribution_sd,
            n=mrow.n,
            years=b.samples.get("market", ()),
            method="= market's b_M",
            status="derived",
            reason="no output observation falls in a devaluation year, so the output "
            "loss per jump cannot be estimated; output is taken to follow the market",
        )
    else:
        b.assume(prefix + "b_q", "no output year is a devaluation year and no market fit: baseline")
    b.record_fit(
        "trend",
        res,
        method=f"ARIMA{order} trend='t'",
        n=n,
        years=obs_years,
        resid_sd=s_q,
        warns=warns,
        converged=bool(res.mle_retvals.get("converged", True)) if res.mle_retvals else True,
    )

    # initial state: E[log Q_T], E[dlog Q_T] given the data (exact where observed)
    state = np.asarray(res.smoothed_state, dtype=np.float64)[:, -1]
    t_last = len(years)
    e_level = float(state[0] + state[1] + mu * t_last) if ar else float("nan")
    e_growth = float(mu + state[1]) if ar else float("nan")
    if not ar:
        # random walk with drift: the gap before the last level is spread evenly
        prev = obs_years[-2] if np.isfinite(y[-1]) else obs_years[-1]
        y_prev = float(y[prev - first])
        gap = as_of - prev
        if np.isfinite(y[-1]):
            e_level = float(y[-1])
            e_growth = (e_level - y_prev) / gap
        else:
            e_level = y_prev + mu * gap
            e_growth = mu
    level_note = growth_note = ""
    if np.isfinite(y[-1]):
        level = float(y[-1])
        level_note = f"history vehicle_output {as_of}"
    else:
        level = e_level
        level_note = f"Kalman estimate of the {as_of} level (no exact value)"
    if np.isfinite(y[-1]) and len(y) >= 2 and np.isfinite(y[-2]):
        growth = float(y[-1] - y[-2])
        growth_note = f"history {as_of - 1}-{as_of}"
    else:
        growth = e_growth + (level - e_level)
        growth_note = f"Kalman estimate of the {as_of} growth (a neighbouring year is a gap)"
    qual = bounds.get(as_of)
    if qual is not None and as_of in raw.index and pd.notna(raw[as_of]):
        bval = math.log(float(raw[as_of]))
        new = max(level, bval) if qual == "lower_bound" else min(level, bval)
        if new != level:
            growth += new - level
            level = new
            level_note += f"; raised to the {as_of} {qual.replace('_', ' ')}"
        b.notes.append(
            f"vehicle_output {as_of} is a {qual.replace('_', ' ')}: initial level "
            f"respects it ({math.exp(level):,.0f})"
        )
    value = float(q[as_of]) if np.isfinite(y[-1]) and level == y[-1] else math.exp(level)
    return _TrendFit(value, growth, level_note, growth_note)


# --------------------------------------------------------------------------- initial state
_INITIAL_SERIES = {
    "new_vehicle_sales": "new_vehicle_sales",
    "domestic_share_of_sales": "domestic_share_of_sales",
    "export_demand": "export_units",
    "usd_kzt": "usd_kzt",
    "rub_kzt": "rub_kzt",
    "local_content_share": "local_content_share",
    "ckd_share": "ckd_share",
    "processing_output_index": "processing_output_index",
    "processing_exports_usd_bn": "processing_exports_usd_bn",
    "processing_investment_kzt_trn": "processing_investment_kzt_trn",
}
_NATURAL_FALLBACK = {"export_demand": 0.0, "ckd_share": 0.0}


def _initial_state(
    b: _Builder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: Mapping[str, Mapping[int, str]],
    trend: _TrendFit | None,
) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    base = b.base.initial
    for name, series in _INITIAL_SERIES.items():
        col = hist[series].copy() if series in hist else pd.Series(dtype=float)
        own = bounds.get(series, {})
        col = col.drop(index=[y for y in own if y in col.index]).dropna()
        if name == "domestic_share_of_sales":
            col = col[(col > 0) & (col < 1)]
        if name in ("new_vehicle_sales", "usd_kzt", "rub_kzt") or name.startswith("processing"):
            col = col[col > 0]
        if len(col):
            yr = int(col.index[-1])
            out[name] = (
                float(col.iloc[-1]),
                f"history {series} {yr}"
                + ("" if yr == as_of else f" (carried forward to {as_of})"),
            )
        elif name in _NATURAL_FALLBACK:
            out[name] = (_NATURAL_FALLBACK[name], f"no {series} up to {as_of}: 0")
        else:
            v = getattr(base, name)
            out[name] = (
                float(v),
                f"ASSUMPTION: no {series} up to {as_of}; baseline's "
                f"{b.base.as_of} value (not ex ante)",
            )
    if trend is not None:
        out["vehicle_output"] = (trend.level, trend.level_note)
        out["output_growth"] = (trend.growth, trend.growth_note)
    else:
        col = (
            hist["vehicle_output"].dropna() if "vehicle_output" in hist else pd.Series(dtype=float)
        )
        if len(col):
            yr = int(col.index[-1])
            q = bounds.get("vehicle_output", {}).get(yr)
            qual = (
                f" ({q.replace('_', ' ')}: the true level is "
                f"{'higher' if q == 'lower_bound' else 'lower'})"
                if q
                else ""
            )
            out["vehicle_output"] = (float(col.iloc[-1]), f"history vehicle_output {yr}{qual}")
        else:
            out["vehicle_output"] = (float(base.vehicle_output or 0.0), "ASSUMPTION: baseline's")
        mu_q = float(Scenario.from_dict(b.data | {"correlation": None}).blocks.trend.mu_q.mean())
        out["output_growth"] = (
            mu_q,
            "ASSUMPTION: the scenario's trend drift mu_q (no observed output growth at as_of; "
            "if mu_q is the baseline's, it uses data after as_of: not ex ante)",
        )
    b.data["initial"] = {k: v for k, (v, _) in out.items()}
    return out


# --------------------------------------------------------------------------- entry point
def _check_history(history: Any) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise KzForecastError(
            f"history must be a pandas DataFrame, got {type(history).__name__}",
            source=_SOURCE,
            location="history",
            allowed="the wide table of kzforecast.load_history() "
            "(index year, one column per series)",
        )
    if len(history.index) == 0:
        raise KzForecastError("history is empty", source=_SOURCE, location="history")
    raw_idx = pd.to_numeric(pd.Series(history.index), errors="coerce").to_numpy(dtype=float)
    if np.isnan(raw_idx).any() or np.any(raw_idx != np.round(raw_idx)):
        raise KzForecastError(
            "history index must be whole years", source=_SOURCE, location="history.index"
        )
    idx = raw_idx.astype(np.int64)
    if not np.all(np.diff(idx) > 0):
        raise KzForecastError(
            "history years must be unique and ascending", source=_SOURCE, location="history.index"
        )
    h = history.copy()
    h.index = pd.Index(idx, name="year")
    # series the calibration takes logs or logits of: strictly positive (shares below 1);
    # growth rates: above -1 and given as fractions
    rules: dict[str, tuple[str, Any]] = {
        "vehicle_output": ("> 0", lambda v: v > 0),
        "new_vehicle_sales": ("> 0", lambda v: v > 0),
        "usd_kzt": ("> 0", lambda v: v > 0),
        "rub_kzt": ("> 0", lambda v: v > 0),
        "domestic_share_of_sales": ("strictly between 0 and 1", lambda v: (v > 0) & (v < 1)),
        "processing_real_growth": (
            "a fraction above -1 (0.044 = +4.4%, not 4.4)",
            lambda v: (v > -1) & (v.abs() < 1),
        ),
    }
    for col, (allowed, ok) in rules.items():
        if col not in h:
            continue
        vals = pd.to_numeric(h[col], errors="coerce")
        text = h[col].notna() & vals.isna()
        if text.any():
            year = int(vals.index[text.to_numpy()][0])
            raise KzForecastError(
                f"not a number: {h[col].loc[year]!r}",
                source=_SOURCE,
                location=f"history.{col}[{year}]",
                allowed="a number, or NaN for a gap",
            )
        present = vals.dropna()
        bad = present[~ok(present) | np.isinf(present)]
        if len(bad):
            raise KzForecastError(
                f"value {bad.iloc[0]:g} is not allowed",
                source=_SOURCE,
                location=f"history.{col}[{int(bad.index[0])}]",
                allowed=f"{allowed} (NaN for a gap)",
            )
        h[col] = vals
    return h


def calibrate(
    history: pd.DataFrame | None = None,
    *,
    as_of: int,
    model: Model = "structural",
    parameter_uncertainty: bool = True,
    horizon: int | None = None,
    observations: pd.DataFrame | None = None,
    devaluations: Any = None,
) -> tuple[Scenario, CalibrationReport]:
    """Estimate a scenario from the history up to ``as_of``.

    Parameters
    ----------
    history : DataFrame, optional
        Wide history (index year, one column per series; NaN = gap), as
        :func:`kzforecast.load_history` returns; default the shipped one. Rows
        after ``as_of`` are dropped before anything is computed.
    as_of : int
        Last year of data used; the scenario simulates ``as_of + 1 .. horizon``.
    model : {"structural", "trend"}
        The scenario's model. The trend block is estimated in both cases when the
        output data allow; with ``"trend"`` too few output points are an error.
    parameter_uncertainty : bool, default True
        Estimated parameters become distributions from their estimates and
        standard errors (t-inflated), with rank correlations from the estimates'
        covariance; ``False`` gives point masses at the estimates. Assumptions
        copied from the baseline scenario keep their distributions either way.
    horizon : int, optional
        Last simulated year; default ``as_of + 10``.
    observations : DataFrame, optional
        Long table with qualifiers (:func:`kzforecast.data.load_observations`)
        to recognise bounds; default the shipped one (see :func:`bound_years`).
    devaluations : DataFrame or sequence of years/dates, optional
        Devaluation events; default :func:`kzforecast.data.load_devaluations`.
        Events after ``as_of`` are ignored. Pass ``[]`` for none.

    Returns
    -------
    (Scenario, CalibrationReport)

    Raises
    ------
    KzForecastError
        ``as_of`` outside the history's years, a horizon not after ``as_of``, an
        unknown model, bad history values, or (trend model) fewer than 3 observed
        output levels up to ``as_of`` (the message names the years available).

    Examples
    --------
    >>> from kzforecast.analysis.calibrate import calibrate
    >>> scenario, report = calibrate(as_of=2025, model="trend", parameter_uncertainty=False)
    >>> round(scenario.blocks.trend.mu_q.value, 3), report.get("mu_q").n
    (0.322, 9)
    """
    if model not in ("structural", "trend"):
        raise KzForecastError(
            f"unknown model {model!r}",
            source=_SOURCE,
            location="model",
            allowed="structural, trend",
        )
    if isinstance(as_of, bool) or not isinstance(as_of, int | np.integer):
        raise KzForecastError(
            f"as_of must be a year (an integer), got {as_of!r}", source=_SOURCE, location="as_of"
        )
    as_of = int(as_of)
    if history is None:
        from kzforecast.data import load_history

        history = load_history()
    full = _check_history(history)
    first, last = int(full.index.min()), int(full.index.max())
    if not first < as_of <= last:
        raise KzForecastError(
            f"as_of {as_of} is outside the data",
            source=_SOURCE,
            location="as_of",
            allowed=f"a year from {first + 1} to {last} (the history covers {first}-{last})",
        )
    if horizon is None:
        horizon = as_of + 10
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise KzForecastError(
            f"horizon must be a year, got {horizon!r}", source=_SOURCE, location="horizon"
        )
    horizon = int(horizon)
    if not as_of < horizon <= as_of + 100:
        raise KzForecastError(
            f"horizon {horizon} must be after as_of ({as_of}) and at most 100 years later",
            source=_SOURCE,
            location="horizon",
            allowed=f"{as_of + 1}..{as_of + 100}",
        )
    all_bounds = bound_years(full, observations)
    hist = full.loc[:as_of]
    bounds = {s: {y: q for y, q in d.items() if y <= as_of} for s, d in all_bounds.items()}
    events = [(y, m) for y, m in _devaluation_events(devaluations) if y <= as_of]

    b = _Builder(Scenario.builtin(_BASELINE), parameter_uncertainty)
    for s, d in bounds.items():
        if d:
            b.notes.append(
                f"{s}: {_years_text(d)} are bounds ({', '.join(sorted(set(d.values())))}); "
                "treated as gaps in every estimation sample"
            )
    _fx_block(b, hist, as_of, events)
    b_m = _market_block(b, hist, bounds.get("new_vehicle_sales", {}))
    _share_block(b, hist, bounds.get("domestic_share_of_sales", {}))
    _processing_block(b, hist)
    trend = _trend_block(
        b, hist, as_of, bounds.get("vehicle_output", {}), b_m, required=model == "trend"
    )

    # what stays from the baseline
    cap_reason = (
        "no capacity series: baseline's plant list (capacity at end-2025 and the pipeline "
        "from 2026); for an earlier as_of it is not ex ante and rarely binds"
    )
    scen0 = Scenario.from_dict(b.data | {"correlation": None})
    for path in scen0.parameters():
        if path in b.rows:
            continue
        if path.startswith("blocks.capacity"):
            reason = cap_reason
        elif path.startswith("blocks.exports"):
            reason = "export counts exist for 2017 and 2019 only: baseline's assumption"
        elif path.startswith(("blocks.local_content", "blocks.ckd_share")):
            reason = "no localization / CKD series to estimate from: baseline's assumption"
        elif path == "blocks.output.u_max":
            reason = "no utilisation data: baseline's assumption"
        else:
            reason = "baseline's value"
        b.assume(path, reason)
    if model == "trend":
        b.notes.append(
            "model='trend': output alone, from the trend and exchange-rate blocks; the other "
            "blocks are calibrated but not used by this model"
        )

    initial = _initial_state(b, hist, as_of, bounds, trend)
    b.data.update(
        name=f"calibrated-{model}-{as_of}",
        description=(
            f"Calibrated by kzforecast.analysis.calibrate from the history up to {as_of} "
            f"(model {model}, parameter uncertainty {'on' if parameter_uncertainty else 'off'}). "
            "Estimated parameters carry their standard errors; the rest are baseline assumptions "
            "(see [notes])."
        ),
        as_of=as_of,
        horizon=horizon,
        model=model,
    )
    # correlation between uncertain estimated pairs
    b.data["correlation"] = None
    scen1 = Scenario.from_dict(b.data, source=_SOURCE)
    uncertain = scen1.uncertain_parameters()
    pairs = [(p, q, r) for p, q, r in b.pairs if p in uncertain and q in uncertain]
    if pairs:
        names = sorted({p for p, _, _ in pairs} | {q for _, q, _ in pairs})
        mat = np.eye(len(names))
        for p, q, r in pairs:
            i, j = names.index(p), names.index(q)
            mat[i, j] = mat[j, i] = round(r, 4)
        b.data["correlation"] = {"parameters": names, "matrix": mat.tolist()}
    notes = {
        f"calibration.{k}": v for k, v in b.file_notes.items()
    }  # per parameter: how it was obtained
    notes["calibration"] = (
        f"as_of {as_of}; data after {as_of} not used. " + " ".join(b.notes)
    ).strip()
    b.data["notes"] = notes
    scenario = Scenario.from_dict(b.data, source=_SOURCE)
    params = scenario.parameters()
    rows = tuple(
        dataclasses.replace(b.rows[p], distribution_sd=_dist_sd(params[p]))
        for p in params
        if p in b.rows
    )
    report = CalibrationReport(
        as_of=as_of,
        horizon=horizon,
        model=model,
        parameter_uncertainty=parameter_uncertainty,
        parameters=rows,
        fits=b.fits,
        samples=b.samples,
        initial=initial,
        results=b.results,
        notes=tuple(b.notes),
    )
    return scenario, report
