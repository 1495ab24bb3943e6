"""The self-contained HTML report and the files ``kzforecast check`` writes."""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kzforecast._io import atomic_write_bytes
from kzforecast.report.tables import format_check_table
from kzforecast.results.evaluate import LIKELIHOOD_SCALE
from kzforecast.results.simulation import Simulation

__all__ = ["write_report"]

_FANS = ("vehicle_output", "local_content_share", "ckd_share", "export_units")

_CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
table{border-collapse:collapse;font-size:13px;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f0f4f8}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}
.note{color:#555;font-size:13px}
img{max-width:100%}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def build_report(
    simulation: Simulation, table: pd.DataFrame, history: pd.DataFrame | None = None
) -> dict[str, bytes]:
    """Every output file's name and content, built in memory (nothing written)."""
    from kzforecast.report.plots import fan_chart, figure_png, probability_chart

    if history is None:
        history = simulation.history
    files: dict[str, bytes] = {}
    files["targets.csv"] = table.to_csv(index=False).encode("utf-8")
    charts: list[tuple[str, bytes]] = []
    for var in (v for v in _FANS if v in simulation.variables):  # a trend run has output only
        png = figure_png(fan_chart(simulation, var, targets=simulation.targets, history=history))
        files[f"fan_{var}.png"] = png
        charts.append((var, png))
    p_png = figure_png(probability_chart(table))
    files["p_met.png"] = p_png
    files["report.html"] = _html(simulation, table, charts, p_png).encode("utf-8")
    return files


def write_report(
    simulation: Simulation, table: pd.DataFrame, out: str | os.PathLike[str]
) -> list[Path]:
    """Write ``targets.csv``, the charts and ``report.html`` into ``out``.

    All content is built in memory first; then each file is written to a
    temporary name and renamed, so a failure leaves no partial file behind.
    """
    folder = Path(out)
    files = build_report(simulation, table)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        atomic_write_bytes(folder / name, data)
        written.append(folder / name)
    return written


def _assumptions(simulation: Simulation) -> str:
    rows = []
    for path, dist in simulation.scenario.parameters().items():
        desc = dist.model_dump(by_alias=True)
        desc.pop("dist", None)
        text = (
            f"{dist.value:g}"
            if dist.dist == "fixed"
            else dist.dist + "(" + ", ".join(f"{k}={v:g}" for k, v in desc.items()) + ")"
        )
        rows.append(f"<tr><td>{html.escape(path)}</td><td>{html.escape(text)}</td></tr>")
    return "<table><tr><th>parameter</th><th>distribution</th></tr>" + "".join(rows) + "</table>"


def _sources_table(targets: Sequence[Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(t.id)}</td><td>{html.escape(str(t.vintage))}</td>"
        f"<td>{html.escape(t.speaker)}</td>"
        f'<td><a href="{html.escape(t.source_url)}">{html.escape(t.source_url)}</a></td></tr>'
        for t in {t.id: t for t in targets}.values()
    )
    return ("<table><tr><th>target</th><th>stated</th><th>by</th><th>source</th></tr>"
            + rows + "</table>")  # fmt: skip


def _data_sources() -> str:
    try:
        from kzforecast.data import sources

        src = sources()
    except Exception:  # pragma: no cover - data module missing
        return "<p>(data sources unavailable)</p>"
    rows = "".join(
        f"<tr><td>{html.escape(str(r.source_id))}</td><td>{html.escape(str(r.outlet))}</td>"
        f"<td>{html.escape(str(r.date))}</td><td>{html.escape(str(r.url))}</td></tr>"
        for r in src.itertuples()
    )
    return ("<table><tr><th>id</th><th>outlet</th><th>date</th><th>url</th></tr>"
            + rows + "</table>")  # fmt: skip


def _html(
    simulation: Simulation, table: pd.DataFrame, charts: list[tuple[str, bytes]], p_png: bytes
) -> str:
    sc = simulation.scenario
    pretty = format_check_table(table).reset_index()
    interp = table[["id", "reading", "interpretation", "status"]]
    scale = "".join(
        f"<li>{html.escape(words)}: P &ge; {bound:.0%}</li>" for bound, words in LIKELIHOOD_SCALE
    )
    attrs = simulation.attrs
    init_src = attrs.get("initial_state_source", {})
    init_rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{v:g}</td><td>{html.escape(str(init_src.get(k, '')))}"
        "</td></tr>"
        for k, v in attrs.get("initial_state", {}).items()
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>kzforecast report: {html.escape(sc.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Targets under scenario “{html.escape(sc.name)}”</h1>",
        f"<p>{html.escape(sc.description)}</p>",
        f"<p class='note'>As of {sc.as_of}, simulated {sc.as_of + 1}-{sc.horizon}, "
        f"{simulation.n_paths:,} Monte Carlo paths, seed entropy {attrs['seed']['entropy']}, "
        f"sampling {attrs['sampling']}; kzforecast {attrs['kzforecast_version']}, "
        f"numpy {attrs['numpy_version']}. Same scenario, seed and versions reproduce every "
        "number.</p>",
        "<h2>Probability of meeting each target</h2>",
        pretty.to_html(index=False, escape=True),
        "<p class='note'>P(met) is the share of simulated paths meeting the target, ± its Monte "
        "Carlo standard error; the 90% interval is Wilson's. Median and 10%-90% are the metric's "
        "simulated distribution in its metric year (the due year, or a window's first year "
        "for 'window-first' readings). 'Realized' and 'ex post' compare the history "
        "where the due year has passed.</p>",
        _img(p_png, "P(met) per target"),
        "<h2>How each target is read</h2>",
        interp.to_html(index=False, escape=True),
        "<h2>Likelihood scale</h2><p>Probabilities are also given in words, on the IPCC AR5 "
        f"calibrated scale made mutually exclusive:</p><ul>{scale}</ul>",
        "<h2>Fan charts</h2>",
        *[_img(png, var) for var, png in charts],
        "<h2>Scenario assumptions</h2>",
        f"<p>Initial state (year {sc.as_of}):</p><table><tr><th>variable</th><th>value</th>"
        f"<th>source</th></tr>{init_rows}</table>",
        _assumptions(simulation),
        "<h2>Where the targets come from</h2>",
        _sources_table(simulation.targets),
        "<h2>Data sources</h2>",
        _data_sources(),
        "</body></html>",
    ]
    return "\n".join(parts)
