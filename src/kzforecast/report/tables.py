"""Tables for reports: the check table formatted for people, split into open and past targets."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kzforecast.results.format import is_missing, number, p_text, pct, threshold_text
from kzforecast.results.format import verdict_words as _verdict_words

__all__ = ["distinct_questions", "format_check_table", "short_status"]


def short_status(status: str) -> str:
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

    Columns: target (id:reading), due, threshold (with its unit), P(met) with its
    standard error and 90% interval, likelihood in words, median metric
    (10%-90%), realized value and ex-post verdict (where the due year is in the
    history). Numbers follow :mod:`kzforecast.results.format`.
    """
    n = int(table.attrs.get("paths", 0))
    rows = []
    for _, r in table.iterrows():
        unit = str(r.get("unit", ""))
        evaluated = r["status"] == "evaluated"
        rows.append(
            {
                "target": f"{r['id']}:{r['reading']}",
                "due": "" if is_missing(r["due_year"]) else int(r["due_year"]),
                "threshold": threshold_text(r["threshold"], unit, metric=str(r.get("metric", ""))),
                "P(met)": (
                    p_text(r["p_met"], r["mc_se"], n) if evaluated else short_status(r["status"])
                ),
                "90% interval": (f"{pct(r['p90_low'])}-{pct(r['p90_high'])}" if evaluated else ""),
                "in words": r["likelihood"] if evaluated else "",
                "median (10%-90%)": (
                    f"{number(r['metric_p50'], unit)} ({number(r['metric_p10'], unit)}-"
                    f"{number(r['metric_p90'], unit)})"
                    if evaluated
                    else ""
                ),
                "realized": number(r.get("realized"), unit),
                "ex post": _verdict_words(r.get("ex_post")),
            }
        )
    return pd.DataFrame(rows).set_index("target")


def distinct_questions(
    table: pd.DataFrame, labels: Mapping[tuple[str, str], str]
) -> list[tuple[str, pd.Series]]:
    """The evaluated rows of a check table, one per distinct question, with their labels.

    Readings with the same metric, metric year, threshold and result (for
    example 'in 2026' and 'by 2026' when no earlier year can meet the target)
    ask the same question: they become one entry, the label naming the others.
    """
    groups: dict[tuple[object, ...], list[pd.Series]] = {}
    for _, r in table[table["status"] == "evaluated"].iterrows():
        key = (r["metric"], r["metric_year"], r["threshold"], r["p_met"], r["metric_p50"])
        groups.setdefault(key, []).append(r)
    out = []
    for rows in groups.values():
        text = labels[(str(rows[0]["id"]), str(rows[0]["reading"]))]
        if len(rows) > 1:
            others = ", ".join(str(r["reading"]).replace("-", " ") for r in rows[1:])
            text += f" (same answer: {others})"
        out.append((text, rows[0]))
    return out
