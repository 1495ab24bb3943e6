"""Plain-text and HTML views of a simulation and of a check table, for notebooks and the REPL.

``Simulation.__repr__`` and ``Simulation._repr_html_`` call :func:`simulation_text`
and :func:`simulation_html`. This module reads a simulation through the few
attributes it needs (:class:`SimulationLike`), so that ``simulation.py`` can
import it without a cycle. Numbers are written by :mod:`kzforecast.results.format`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kzforecast.results.format import (
    number,
    p_text,
    target_label,
    verdict_words,
    year,
)
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = [
    "SimulationLike",
    "check_table_html",
    "check_table_text",
    "simulation_html",
    "simulation_text",
]

_SHOWN = ("vehicle_output", "export_units", "local_content_share", "ckd_share")
_UNITS = {
    "vehicle_output": "vehicles per year",
    "export_units": "vehicles per year",
    "local_content_share": "fraction",
    "ckd_share": "fraction",
}


class SimulationLike(Protocol):
    """What the views read of a :class:`~kzforecast.Simulation`."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def years(self) -> np.ndarray[Any, np.dtype[np.int64]]: ...

    @property
    def variables(self) -> tuple[str, ...]: ...

    @property
    def n_paths(self) -> int: ...

    @property
    def targets(self) -> tuple[Target, ...]: ...

    @property
    def target_status(self) -> dict[tuple[str, str], str | None]: ...

    @property
    def paths(self) -> np.ndarray[Any, np.dtype[np.float64]] | None:
        """Kept paths, if any."""

    @property
    def target_payload(self) -> Any:
        """The target counts (``met`` per counted reading)."""

    def summary(self, variable: str | None = None) -> pd.DataFrame:
        """Quantiles by year."""


def _p_met(sim: SimulationLike) -> list[tuple[str, str]]:
    """(label, P(met) text) of each counted reading (its Monte Carlo error is in ``check``,
    which depends on the sampling)."""
    payload = sim.target_payload
    counted = [t for t in sim.targets if sim.target_status.get((t.id, t.reading)) is None]
    if payload is None:
        return []
    n = sim.n_paths
    out = []
    for i, t in enumerate(counted):
        p = int(payload.met[i]) / n
        out.append((target_label(t), p_text(p, None, n)))
    return out


def _horizon(sim: SimulationLike) -> list[tuple[str, str]]:
    """(variable, median and 10%-90% in the last year) of the main variables."""
    last = int(sim.years[-1])
    out = []
    for v in (v for v in _SHOWN if v in sim.variables):
        s = sim.summary(v).loc[last]
        unit = _UNITS[v]
        med, lo, hi = (number(s[c], unit, rounded=True) for c in ("p50", "p10", "p90"))
        out.append((v, f"{med} ({lo}-{hi})"))
    return out


def _head(sim: SimulationLike) -> str:
    sc = sim.scenario
    kept = ", paths kept" if sim.paths is not None else ""
    return (
        f"Simulation of scenario '{sc.name}': data as of {sc.as_of}, years "
        f"{year(sim.years[0])}-{year(sim.years[-1])}, {sim.n_paths:,} paths{kept}"
    )


def simulation_text(sim: SimulationLike) -> str:
    """A few lines: scenario, years, paths, the main variables in the last year, P(met)."""
    lines = [_head(sim)]
    rows = _horizon(sim)
    if rows:
        lines.append(f"median (10%-90%) in {year(sim.years[-1])}:")
        lines += [f"  {v}: {text}" for v, text in rows]
    targets = _p_met(sim)
    if targets:
        lines.append("P(met):")
        lines += [f"  {p:>18}  {label}" for label, p in targets]
    return "\n".join(lines)


def _rows_html(rows: Sequence[tuple[str, str]]) -> str:
    return "".join(
        f"<tr><td style='text-align:left'>{html.escape(a)}</td>"
        f"<td style='text-align:right'>{html.escape(b)}</td></tr>"
        for a, b in rows
    )


def simulation_html(sim: SimulationLike) -> str:
    """The same as :func:`simulation_text`, as a small HTML block (no JavaScript)."""
    parts = [f"<div><p><strong>{html.escape(_head(sim))}</strong></p>"]
    rows = _horizon(sim)
    if rows:
        parts.append(
            f"<table><thead><tr><th>variable</th><th>median (10%-90%) in "
            f"{year(sim.years[-1])}</th></tr></thead><tbody>{_rows_html(rows)}</tbody></table>"
        )
    targets = _p_met(sim)
    if targets:
        parts.append(
            "<table><thead><tr><th>target</th><th>P(met)</th></tr></thead>"
            f"<tbody>{_rows_html(targets)}</tbody></table>"
        )
    parts.append("</div>")
    return "".join(parts)


def _check_rows(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(target, due, result) of each row: P(met) if evaluated, else verdict or reason."""
    n = int(table.attrs.get("paths", 0))
    out = []
    for _, r in table.iterrows():
        if r["status"] == "evaluated":
            result = f"{p_text(r['p_met'], r['mc_se'], n)} ({r['likelihood']})"
        elif isinstance(r.get("ex_post"), str) and r["ex_post"]:
            shown = number(r.get("realized"), str(r["unit"]))
            result = f"past: {verdict_words(r['ex_post'])}" + (f" ({shown})" if shown else "")
        else:
            result = str(r["status"]).split(":")[0]
        out.append((f"{r['id']}:{r['reading']}", year(r["due_year"]), result))
    return out


def check_table_text(table: pd.DataFrame) -> str:
    """A check table as plain lines: target, due year, P(met) or verdict."""
    rows = _check_rows(table)
    width = max((len(a) for a, _, _ in rows), default=0)
    return "\n".join(f"{a:<{width}}  {b:>4}  {c}" for a, b, c in rows)


def check_table_html(table: pd.DataFrame) -> str:
    """A check table as a small HTML table (P(met) formatted as in the report)."""
    body = "".join(
        f"<tr><td>{html.escape(a)}</td><td>{b}</td><td>{html.escape(c)}</td></tr>"
        for a, b, c in _check_rows(table)
    )
    return (
        "<table><thead><tr><th>target</th><th>due</th><th>P(met) or verdict</th></tr>"
        f"</thead><tbody>{body}</tbody></table>"
    )
