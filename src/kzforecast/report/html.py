"""The self-contained HTML report and the files ``kzforecast check`` writes.

The report leads with the answer (a sentence and a small chart per open target),
then the open targets as a table, the past ones with their ex-post verdicts, the
fan charts, and the assumptions, sources and reproducibility details folded in
``<details>``. One file, no JavaScript, readable from a 390-px phone to print.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from kzforecast._io import atomic_write_bytes
from kzforecast.report import sections as sec
from kzforecast.results.format import label_lookup
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario

__all__ = ["build_report", "write_report"]

_FANS = ("vehicle_output", "local_content_share", "ckd_share", "export_units")

_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1a1a1a;
line-height:1.45;background:#fff}
main{max-width:1000px;margin:0 auto;padding:1em}
h1{font-size:1.5em;line-height:1.25;margin:.4em 0}h2{font-size:1.2em;margin-top:1.8em;
border-bottom:1px solid #ddd;padding-bottom:.2em}
.note{color:#555;font-size:.85em}
.warn{border-left:4px solid #D55E00;padding:.4em .8em;background:#fff4ec}
.id{color:#777;font-size:.75em;font-family:ui-monospace,Menlo,Consolas,monospace;
overflow-wrap:anywhere}
img{max-width:100%;height:auto}
.table-wrap{overflow-x:auto;max-width:100%;margin:.8em 0}
table{border-collapse:collapse;font-size:.85em;width:100%}
td,th{border-bottom:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
td:first-child{min-width:12em}
th{background:#f0f4f8}
a.url{overflow-wrap:anywhere;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:.8em}
.card{border:1px solid #ccd;border-radius:6px;padding:.6em .8em}
.card .q{margin:0;font-weight:600}.card .a{margin:.2em 0 .4em}
.card .a strong{font-size:1.25em;color:#0072B2}
img.dist{display:block;width:100%;max-width:320px}
.v-met{color:#006d2c;font-weight:600}.v-missed{color:#D55E00;font-weight:600}
figure{margin:1em 0}figcaption{color:#555;font-size:.85em}
details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
@media (max-width:600px){main{padding:.6em}h1{font-size:1.25em}
table,tbody,tr,td{display:block;width:100%}thead{display:none}
tr{border-bottom:1px solid #bbb;padding:.4em 0}td{border:0;padding:1px 0}
td:first-child{font-weight:600}
td:not(:first-child)::before{content:attr(data-label) ": ";color:#555;font-weight:400}}
@media print{main{max-width:none;padding:0}.table-wrap{overflow:visible}
.card,figure,tr{break-inside:avoid}a.url{color:#000}summary{font-weight:600}
h2{break-after:avoid}}
"""


def build_report(
    simulation: Simulation, table: pd.DataFrame, history: pd.DataFrame | None = None
) -> dict[str, bytes]:
    """Every output file's name and content, built in memory (nothing written).

    Parameters
    ----------
    simulation : Simulation
        The run the table was read from.
    table : DataFrame
        Its :func:`kzforecast.check` table.
    history : DataFrame, optional
        Realized history drawn on the fan charts (default: the simulation's).

    Returns
    -------
    dict of str to bytes
        ``targets.csv``, ``fan_<variable>.png``, ``p_met.png`` and ``report.html``.
    """
    from kzforecast.report.plots import fan_chart, figure_png, probability_chart

    if history is None:
        history = simulation.history
    files: dict[str, bytes] = {"targets.csv": _csv(table)}
    charts: list[tuple[str, bytes]] = []
    for var in (v for v in _FANS if v in simulation.variables):  # a trend run has output only
        png = figure_png(fan_chart(simulation, var, targets=simulation.targets, history=history))
        files[f"fan_{var}.png"] = png
        charts.append((var, png))
    p_png = figure_png(probability_chart(table, targets=simulation.targets))
    files["p_met.png"] = p_png
    files["report.html"] = _html(simulation, table, charts, p_png).encode("utf-8")
    return files


def _csv(table: pd.DataFrame) -> bytes:
    """The check table as CSV, years as integers (``2025``, not ``2025.0``)."""
    out = table.copy()
    for col in ("due_year", "metric_year"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return out.to_csv(index=False).encode("utf-8")


def write_report(
    simulation: Simulation, table: pd.DataFrame, out: str | os.PathLike[str]
) -> list[Path]:
    """Write ``targets.csv``, the charts and ``report.html`` into ``out``.

    All content is built in memory first; then each file is written to a
    temporary name and renamed, so a failure leaves no partial file behind.

    Parameters
    ----------
    simulation : Simulation
        The run the table was read from.
    table : DataFrame
        Its :func:`kzforecast.check` table.
    out : str or path-like
        The folder (created if needed).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(out)
    files = build_report(simulation, table)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        atomic_write_bytes(folder / name, data)
        written.append(folder / name)
    return written


def _reproducibility(simulation: Simulation) -> str:
    sc = simulation.scenario
    a = simulation.attrs
    return (
        "<h2>Reproducibility</h2><p class='note'>"
        f"Scenario '{html.escape(sc.name)}', data as of {sc.as_of}, simulated "
        f"{sc.as_of + 1}-{sc.horizon}; {simulation.n_paths:,} Monte Carlo paths, seed entropy "
        f"{html.escape(str(a['seed']['entropy']))}, sampling {html.escape(str(a['sampling']))}; "
        f"kzforecast {html.escape(str(a['kzforecast_version']))}, numpy "
        f"{html.escape(str(a['numpy_version']))}. The same scenario, seed and versions "
        "reproduce every number. Quantiles "
        f"{html.escape(simulation.quantile_accuracy)}.</p>"
    )


def _implausible_warning(scenario: Scenario) -> str:
    """A visible warning when the scenario switched off the plausible-range checks."""
    if not scenario.allow_implausible:
        return ""
    return (
        "<p class='warn'><strong>Warning:</strong> this scenario sets "
        "<code>allow_implausible = true</code>: some of its values lie outside the plausible "
        "ranges of docs/errors.md, and the results rest on them.</p>"
    )


def _html(
    simulation: Simulation, table: pd.DataFrame, charts: list[tuple[str, bytes]], p_png: bytes
) -> str:
    sc = simulation.scenario
    labels = label_lookup(table, simulation.targets)
    fans = "".join(f"<figure>{sec.img(png, f'fan chart of {var}')}</figure>" for var, png in charts)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>kzforecast: targets under scenario {html.escape(sc.name)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>Will the targets be met? Scenario “{html.escape(sc.name)}”</h1>",
        f"<p>{html.escape(sc.description)}</p>",
        f"<p class='note'>Data as of {sc.as_of}; simulated {sc.as_of + 1}-{sc.horizon} with "
        f"{simulation.n_paths:,} paths. Details at the end.</p>",
        _implausible_warning(sc),
        sec.headline(simulation, table, labels),
        "<h2>Open targets</h2>",
        sec.open_table(table, labels),
        "<p class='note'>P(met): share of simulated paths meeting the target, ± its Monte Carlo "
        "standard error in percentage points, with its 90% Monte Carlo interval (see check() for "
        "how each sampling method estimates it). Median and 10%-90%: "
        "the target's measure in its year (a window's first year for 'first year' readings).</p>",
        f"<figure>{sec.img(p_png, 'P(met) per open target')}</figure>",
        "<details><summary>Likelihood in words</summary><p>The IPCC AR5 calibrated scale, made "
        f"mutually exclusive:</p>{sec.scale_list()}</details>",
        "<h2>Past targets: what happened</h2>",
        sec.past_table(table, labels),
        sec.not_evaluated_table(table, labels),
        "<h2>Fan charts</h2>",
        fans,
        "<h2>Assumptions, data and sources</h2>",
        f"<details><summary>Initial state (year {sc.as_of})</summary>"
        f"{sec.initial_state(simulation)}</details>",
        f"<details><summary>Scenario parameters</summary>{sec.assumptions(simulation)}</details>",
        "<details><summary>Where the targets come from</summary>"
        f"{sec.target_sources(simulation.targets)}</details>",
        f"<details><summary>Data sources</summary>{sec.data_sources()}</details>",
        _reproducibility(simulation),
        "</main></body></html>",
    ]
    return "\n".join(parts)
