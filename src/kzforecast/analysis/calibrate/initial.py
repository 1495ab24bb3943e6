"""The initial state at ``as_of``: the last observation of each series, and where it came from.

Values come from the last observation up to ``as_of`` (carried forward, with the
year); export demand and the CKD share are 0 when nothing is observed; a series
never observed takes the baseline's value, marked as an assumption. Vehicle output
and its growth come from the trend fit when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kzforecast.analysis.calibrate.estimates import ScenarioBuilder
from kzforecast.analysis.calibrate.trend import TrendStart

__all__ = ["initial_state"]

# initial-state field -> history series
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


def initial_state(
    b: ScenarioBuilder,
    hist: pd.DataFrame,
    as_of: int,
    bounds: Mapping[str, Mapping[int, str]],
    trend: TrendStart | None,
) -> dict[str, tuple[float, str]]:
    """Set the scenario's initial state and say where each value came from.

    Parameters
    ----------
    b : ScenarioBuilder
        Its ``data["initial"]`` is replaced.
    hist : DataFrame
        The wide history up to ``as_of``.
    as_of : int
        Last year of data.
    bounds : mapping
        Per series, the years whose value is a bound (not an observation).
    trend : TrendStart or None
        The trend fit's initial output level and growth, if any.

    Returns
    -------
    dict
        Per initial-state field, ``(value, where it came from)``.
    """
    out = {
        name: _last_value(b, hist, as_of, name, series, bounds.get(series, {}))
        for name, series in _INITIAL_SERIES.items()
    }
    if trend is not None:
        out["vehicle_output"] = (trend.level, trend.level_note)
        out["output_growth"] = (trend.growth, trend.growth_note)
    else:
        out.update(_output_without_trend(b, hist, bounds.get("vehicle_output", {})))
    b.data["initial"] = {k: v for k, (v, _) in out.items()}
    return out


def _last_value(
    b: ScenarioBuilder,
    hist: pd.DataFrame,
    as_of: int,
    name: str,
    series: str,
    own: Mapping[int, str],
) -> tuple[float, str]:
    """The last observation of ``series`` up to ``as_of`` (bounds and invalid values skipped)."""
    col = hist[series].copy() if series in hist else pd.Series(dtype=float)
    col = col.drop(index=[y for y in own if y in col.index]).dropna()
    if name == "domestic_share_of_sales":
        col = col[(col > 0) & (col < 1)]
    if name in ("new_vehicle_sales", "usd_kzt", "rub_kzt") or name.startswith("processing"):
        col = col[col > 0]
    if len(col):
        yr = int(col.index[-1])
        return (
            float(col.iloc[-1]),
            f"history {series} {yr}" + ("" if yr == as_of else f" (carried forward to {as_of})"),
        )
    if name in _NATURAL_FALLBACK:
        return (_NATURAL_FALLBACK[name], f"no {series} up to {as_of}: 0")
    v = getattr(b.base.initial, name)
    return (
        float(v),
        f"ASSUMPTION: no {series} up to {as_of}; baseline's {b.base.as_of} value (not ex ante)",
    )


def _output_without_trend(
    b: ScenarioBuilder, hist: pd.DataFrame, own: Mapping[int, str]
) -> dict[str, tuple[float, str]]:
    """Output level and growth when the trend block was not fitted."""
    out: dict[str, tuple[float, str]] = {}
    col = hist["vehicle_output"].dropna() if "vehicle_output" in hist else pd.Series(dtype=float)
    if len(col):
        yr = int(col.index[-1])
        q = own.get(yr)
        qual = (
            f" ({q.replace('_', ' ')}: the true level is "
            f"{'higher' if q == 'lower_bound' else 'lower'})"
            if q
            else ""
        )
        out["vehicle_output"] = (float(col.iloc[-1]), f"history vehicle_output {yr}{qual}")
    else:
        out["vehicle_output"] = (
            float(b.base.initial.vehicle_output or 0.0),
            "ASSUMPTION: baseline's",
        )
    mu_q = float(b.draft().blocks.trend.mu_q.mean())
    out["output_growth"] = (
        mu_q,
        "ASSUMPTION: the scenario's trend drift mu_q (no observed output growth at as_of; "
        "if mu_q is the baseline's, it uses data after as_of: not ex ante)",
    )
    return out
