"""What a calibration returns besides the scenario: one row per parameter, the fits.

:class:`CalibrationReport` holds, per parameter, a :class:`ParameterEstimate`
(estimated, derived or assumed; how, from which years, with which standard
error), the fit diagnostics and the statsmodels result objects of each block,
the initial state with where each value came from, and the data-handling notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

import pandas as pd

from kzforecast.errors import UnknownNameError

if TYPE_CHECKING:
    from statsmodels.regression.linear_model import RegressionResultsWrapper
    from statsmodels.tsa.arima.model import ARIMAResultsWrapper

__all__ = ["CalibrationReport", "FitResult", "FitSummary", "Model", "ParameterEstimate"]

Model = Literal["structural", "trend"]
"""The models a scenario can be calibrated for."""

FitResult: TypeAlias = "RegressionResultsWrapper | ARIMAResultsWrapper"
"""A fitted statsmodels result: OLS (``sm.OLS(...).fit()``) or ARIMA."""

FitSummary: TypeAlias = Mapping[str, str | float | bool]
"""One block's fit diagnostics: method, n, years, residual sd, R^2, AIC, ..."""


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
    fits: Mapping[str, FitSummary]
    samples: Mapping[str, tuple[int, ...]]
    initial: Mapping[str, tuple[float, str]]
    results: Mapping[str, FitResult] = field(repr=False, default_factory=dict)
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
        raise UnknownNameError(
            f"no parameter {parameter!r} in the report",
            source="CalibrationReport.get",
            location="parameter",
            allowed=", ".join(p.parameter for p in self.parameters),
        )

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
