"""Tables for reports: the check table formatted for people."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["format_check_table"]


def _pct(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if 0 < x < 0.0005:
        return "<0.05%"
    if 0.9995 < x < 1:
        return ">99.95%"
    return f"{x:.1%}"


def _num(x: Any, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if "share" in unit or unit.startswith("%") or "fraction" in unit:
        return f"{x:.1%}" if abs(x) <= 1.5 else f"{x:,.3g}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _p_text(p: float, se: float, n: int) -> str:
    """P(met) with its standard error; at 0 or 1 the count says more than '± 0.0%'."""
    if n and p == 0.0:
        return f"0 of {n:,} paths"
    if n and p == 1.0:
        return f"all {n:,} paths"
    return f"{_pct(p)} ± {_pct(se)}"


def _short(status: str) -> str:
    """A short label for a reading that was not evaluated (the full reason is in check())."""
    for prefix, label in (
        ("in history", "past: see ex post"),
        ("not modelled", "not modelled"),
        ("no deadline", "no deadline"),
        ("beyond horizon", "beyond horizon"),
        ("no history", "history missing"),
    ):
        if status.startswith(prefix):
            return label
    return status


def format_check_table(table: pd.DataFrame) -> pd.DataFrame:
    """The :func:`kzforecast.check` table with rounded, labelled columns for printing.

    Columns: target (id:reading), due, threshold, P(met) with its standard error
    and 90% interval, likelihood in words, median metric (10%-90%), realized
    value and ex-post verdict (where the due year is in the history).
    """
    n = int(table.attrs.get("paths", 0))
    rows = []
    for _, r in table.iterrows():
        unit = str(r.get("unit", ""))
        p = r["p_met"]
        evaluated = r["status"] == "evaluated"
        rows.append(
            {
                "target": f"{r['id']}:{r['reading']}",
                "due": "" if pd.isna(r["due_year"]) else int(r["due_year"]),
                "threshold": _num(r["threshold"], unit),
                "P(met)": (_p_text(p, r["mc_se"], n) if evaluated else _short(r["status"])),
                "90% interval": (
                    f"{_pct(r['p90_low'])}-{_pct(r['p90_high'])}" if evaluated else ""
                ),
                "in words": r["likelihood"] if evaluated else "",
                "median (10%-90%)": (
                    f"{_num(r['metric_p50'], unit)} ({_num(r['metric_p10'], unit)}-"
                    f"{_num(r['metric_p90'], unit)})"
                    if evaluated
                    else ""
                ),
                "realized": _num(r.get("realized"), unit),
                "ex post": r.get("ex_post", "") if isinstance(r.get("ex_post"), str) else "",
            }
        )
    return pd.DataFrame(rows).set_index("target")
