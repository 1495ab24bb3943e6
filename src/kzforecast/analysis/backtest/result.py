"""The :class:`BacktestResult`: scores by vintage, year and method, with their summary.

Charts of a result are in the report layer:
:mod:`kzforecast.report.backtest_charts` (``pit_chart``, ``coverage_chart``,
``fan_charts``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kzforecast.analysis.backtest.scores import LEVELS
from kzforecast.analysis.calibrate import CalibrationReport, Model

__all__ = ["METHODS", "SCORE_COLUMNS", "BacktestResult", "span_text"]

METHODS: tuple[str, ...] = ("model", "naive", "target")
"""The forecasts scored side by side, in display order."""

SCORE_COLUMNS: tuple[str, ...] = (
    "vintage",
    "year",
    "lead",
    "method",
    "realized",
    "median",
    "crps",
    "pit",
    "covered_50",
    "covered_80",
    "covered_90",
    "ape",
    "source",
)
"""Columns of :attr:`BacktestResult.scores`, in order."""

_SUMMARY_COLUMNS = (
    "n",
    "crps",
    "crps_rel",
    "ape",
    "pit_mean",
    *(f"coverage_{round(lv * 100)}" for lv in LEVELS),
    "coverage_se_80",
)


def span_text(years: tuple[int, ...]) -> str:
    """``"2018-2023"`` for a run of years (``""`` for none).

    Examples
    --------
    >>> span_text((2018, 2020, 2023))
    '2018-2023'
    """
    return f"{min(years)}-{max(years)}" if years else ""


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Scores of a backtest (:func:`~kzforecast.analysis.backtest.backtest`) and their summary.

    Charts: :mod:`kzforecast.report.backtest_charts` (``pit_chart(result)``,
    ``coverage_chart(result)``, ``fan_charts(result)``).

    Attributes
    ----------
    scores : DataFrame
        Tidy: ``vintage, year, lead, method, realized, median, crps, pit,
        covered_50, covered_80, covered_90, ape, source`` (``method`` is
        ``model``, ``naive`` or ``target``; ``source`` the target id for
        ``target`` rows). CRPS in vehicles; PIT and coverage are NaN for a point
        forecast.
    skipped : DataFrame
        ``vintage, year, lead, reason``: later years that were not scored
        (bounds, gaps) and vintages whose naive benchmark could not be fitted.
    fans : DataFrame
        ``vintage, year, lead, method, p05 .. p95``: predictive quantiles of the
        model and of the naive benchmark for every year up to ``v + horizon``.
    realized : DataFrame
        ``value, qualifier`` of the scored variable by year (the whole history).
    vintages : tuple of int
        The vintage years, ascending.
    horizon : int
        Leads 1..horizon were scored.
    model : {"trend", "structural"}
        The calibrated model.
    paths : int
        Monte Carlo paths per vintage.
    seed : dict
        The root seed (``entropy``, ``spawn_key``; see
        :func:`kzforecast.engine.seeding.seed_record`). With an empty
        ``spawn_key``, ``backtest(..., seed=result.seed["entropy"])`` repeats the
        run exactly.
    reports : dict
        The :class:`~kzforecast.analysis.calibrate.CalibrationReport` of each vintage.
    """

    scores: pd.DataFrame
    skipped: pd.DataFrame
    fans: pd.DataFrame
    realized: pd.DataFrame
    vintages: tuple[int, ...]
    horizon: int
    model: Model
    paths: int
    seed: dict[str, Any]
    reports: dict[int, CalibrationReport] = field(default_factory=dict, repr=False)

    def summary(self) -> pd.DataFrame:
        """Mean scores by method and lead (and over all leads, ``lead="all"``).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(method, lead)``; columns ``n`` (scored points),
            ``crps`` (mean, vehicles), ``crps_rel`` (mean of CRPS / realized),
            ``ape`` (mean APE of the median), ``pit_mean``,
            ``coverage_50/80/90`` (share of outcomes inside) and
            ``coverage_se_80`` (binomial standard error of the 80% coverage at
            its nominal value, to judge the gap).
        """
        s = self.scores.copy()
        s["crps_rel"] = s["crps"] / s["realized"]
        rows = []
        for (method, lead), g in list(s.groupby(["method", "lead"])) + [
            ((m, "all"), g) for m, g in s.groupby("method")
        ]:
            n = len(g)
            row: dict[str, Any] = {
                "method": method,
                "lead": str(lead),
                "n": n,
                "crps": g["crps"].mean(),
                "crps_rel": g["crps_rel"].mean(),
                "ape": g["ape"].mean(),
                "pit_mean": g["pit"].mean(),
            }
            for lv in LEVELS:
                col = g[f"covered_{round(lv * 100)}"].astype(float)
                row[f"coverage_{round(lv * 100)}"] = col.mean()
            row["coverage_se_80"] = math.sqrt(0.8 * 0.2 / n) if method != "target" else math.nan
            rows.append(row)
        out = pd.DataFrame(rows)
        if out.empty:
            empty_index = pd.MultiIndex.from_tuples([], names=["method", "lead"])
            return pd.DataFrame(columns=list(_SUMMARY_COLUMNS), index=empty_index)
        order = {m: i for i, m in enumerate(METHODS)}
        out["_m"] = out["method"].map(order).fillna(9)
        out["_l"] = out["lead"].map(lambda x: 999 if x == "all" else int(x))
        return (
            out.sort_values(["_m", "_l"]).drop(columns=["_m", "_l"]).set_index(["method", "lead"])
        )

    def to_frame(self) -> pd.DataFrame:
        """The scores as a tidy table, one row per vintage, year and method (a copy).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`SCORE_COLUMNS` (see :attr:`scores`).
        """
        return self.scores.copy()

    def _counts(self) -> str:
        n = self.scores["method"].value_counts()
        scored = ", ".join(f"{m} {int(n[m])}" for m in METHODS if m in n.index)
        n_skipped = int(self.skipped["year"].notna().sum())
        return f"scored: {scored or 'none'}; skipped {n_skipped}"

    def _header(self) -> str:
        return (
            f"model={self.model!r}, vintages={span_text(self.vintages)} "
            f"({len(self.vintages)}), horizon={self.horizon}, paths={self.paths:,}"
        )

    def __repr__(self) -> str:
        return f"BacktestResult({self._header()}; {self._counts()})"

    def _repr_html_(self) -> str:
        return (
            f"<p><b>BacktestResult</b> {html.escape(self._header())}; "
            f"{html.escape(self._counts())}</p>" + self.summary().round(3).to_html()
        )
