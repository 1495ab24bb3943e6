"""The sections of the HTML report, each a fragment of HTML built from a check table."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kzforecast.report.tables import distinct_questions
from kzforecast.report.terminal import split_check_table
from kzforecast.results.evaluate import LIKELIHOOD_SCALE
from kzforecast.results.format import (
    is_missing,
    number,
    p_text,
    pct,
    threshold_text,
    verdict_words,
    with_unit,
    year,
)
from kzforecast.results.simulation import Simulation
from kzforecast.results.summary import Sketch
from kzforecast.targets import Target

__all__ = [
    "assumptions",
    "data_sources",
    "headline",
    "img",
    "initial_state",
    "not_evaluated_table",
    "open_table",
    "past_table",
    "scale_list",
    "table_html",
    "target_sources",
]

Labels = Mapping[tuple[str, str], str]
_PROBS = np.linspace(0.02, 0.98, 17)


def img(png: bytes, alt: str, css_class: str = "") -> str:
    """An ``<img>`` with the PNG inline (``data:`` URL)."""
    data = base64.b64encode(png).decode()
    cls = f' class="{css_class}"' if css_class else ""
    return f'<img{cls} alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]], css_class: str = "") -> str:
    """A table in its own scrolling box; cells are HTML already escaped by the caller."""
    head = "".join(f"<th scope='col'>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td data-label='{h}'>{c}</td>" for h, c in zip(header, r)) + "</tr>"
        for r in rows
    )
    cls = f" class='{css_class}'" if css_class else ""
    return (f"<div class='table-wrap'><table{cls}><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")  # fmt: skip


def _label_cell(labels: Labels, r: pd.Series) -> str:
    key = (str(r["id"]), str(r["reading"]))
    return (f"{html.escape(labels[key])}<br><span class='id'>{html.escape(key[0])}:"
            f"{html.escape(key[1])}</span>")  # fmt: skip


def _sentence(label: str, r: pd.Series, n: int) -> str:
    unit = str(r["unit"])
    med = with_unit(number(r["metric_p50"], unit, rounded=True), unit)
    spread = f"{number(r['metric_p10'], unit, rounded=True)}-" + number(
        r["metric_p90"], unit, rounded=True
    )
    return (
        f"<p class='q'>{html.escape(label)}</p><p class='a'><strong>"
        f"{html.escape(p_text(r['p_met'], r['mc_se'], n))}</strong>, "
        f"{html.escape(str(r['likelihood']))}; median {html.escape(med)} "
        f"<span class='note'>(80% of paths: {html.escape(spread)})</span></p>"
    )


def _distribution_png(sim: Simulation, r: pd.Series) -> bytes | None:
    """The small distribution chart of one evaluated reading (from its metric sketch)."""
    payload = sim.target_payload
    counted = [t for t in sim.targets if sim.target_status.get((t.id, t.reading)) is None]
    keys = [(t.id, t.reading) for t in counted]
    key = (str(r["id"]), str(r["reading"]))
    if payload is None or key not in keys:
        return None
    from kzforecast.report.plots import distribution_chart, figure_png

    q = Sketch(payload.metric_sketch.counts[keys.index(key)]).quantile(_PROBS)
    fig = distribution_chart(q, _PROBS, float(r["threshold"]), str(r["unit"]))
    return bytes(figure_png(fig))


def headline(sim: Simulation, table: pd.DataFrame, labels: Labels) -> str:
    """The answer first: one sentence and one small chart per distinct open question."""
    n = int(table.attrs.get("paths", sim.n_paths))
    questions = distinct_questions(table, labels)
    if not questions:
        return ("<section id='answer'><h2>The answer</h2><p>No open target can be evaluated "
                "under this scenario: see the past targets below.</p></section>")  # fmt: skip
    cards = []
    for label, r in sorted(questions, key=lambda q: -float(q[1]["p_met"])):
        png = _distribution_png(sim, r)
        chart = (
            img(png, f"simulated distribution, threshold "
                f"{threshold_text(r['threshold'], str(r['unit']))}", "dist")
            if png else ""
        )  # fmt: skip
        cards.append(f"<div class='card'>{_sentence(label, r, n)}{chart}</div>")
    return (
        "<section id='answer'><h2>The answer</h2><p class='note'>Probability that each target "
        "still open is met under this scenario (± its Monte Carlo standard error, in "
        "percentage points). Charts: the simulated distribution of each target's measure; the "
        "orange line is the target.</p><div class='cards'>" + "".join(cards) + "</div></section>"
    )


def open_table(table: pd.DataFrame, labels: Labels) -> str:
    """Open targets (with a probability), by due year."""
    open_, _, _ = split_check_table(table)
    n = int(table.attrs.get("paths", 0))
    rows = []
    for _, r in open_.iterrows():
        unit = str(r["unit"])
        rows.append([
            _label_cell(labels, r),
            year(r["due_year"]),
            html.escape(p_text(r["p_met"], r["mc_se"], n)),
            html.escape(f"{pct(r['p90_low'])}-{pct(r['p90_high'])}"),
            html.escape(str(r["likelihood"])),
            html.escape(f"{number(r['metric_p50'], unit)} ({number(r['metric_p10'], unit)}-"
                        f"{number(r['metric_p90'], unit)})"),
        ])  # fmt: skip
    return table_html(
        ["target", "due", "P(met)", "90% interval", "in words", "median (10%-90%)"], rows
    )


def past_table(table: pd.DataFrame, labels: Labels) -> str:
    """Past targets with their realized values and ex-post verdicts, latest first."""
    _, past, _ = split_check_table(table)
    rows = [
        [
            _label_cell(labels, r),
            year(r["due_year"]),
            html.escape(number(r["realized"], str(r["unit"])))
            + (" (lower bound)" if r.get("realized_qualifier") == "lower_bound" else ""),
            f"<span class='v v-{html.escape(str(r['ex_post']))}'>"
            f"{html.escape(verdict_words(r['ex_post']))}</span>",
        ]
        for _, r in past.iterrows()
    ]
    if not rows:
        return "<p>None of these targets is past its due year.</p>"
    return table_html(["target", "due", "realized", "verdict"], rows)


def not_evaluated_table(table: pd.DataFrame, labels: Labels) -> str:
    """Readings that cannot be evaluated (not modelled, no deadline, beyond the horizon)."""
    _, _, other = split_check_table(table)
    if not len(other):
        return ""
    rows = [[_label_cell(labels, r), html.escape(str(r["status"]))] for _, r in other.iterrows()]
    return (
        f"<details><summary>{len(other)} readings cannot be evaluated (not modelled, no "
        "deadline or beyond the horizon)</summary>" + table_html(["target", "why"], rows)
        + "</details>"
    )  # fmt: skip


def scale_list() -> str:
    """The likelihood scale as a list."""
    items = "".join(f"<li>{html.escape(w)}: P &ge; {pct(b, 0)}</li>" for b, w in LIKELIHOOD_SCALE)
    return f"<ul class='scale'>{items}</ul>"


def target_sources(targets: Sequence[Target]) -> str:
    """Who stated each target, when, and where it was reported."""
    rows = [
        [
            html.escape(t.id),
            html.escape(str(t.vintage)),
            html.escape(t.speaker),
            f'<a class="url" href="{html.escape(t.source_url)}">{html.escape(t.source_url)}</a>',
        ]
        for t in {t.id: t for t in targets}.values()
    ]
    return table_html(["target", "stated", "by", "source"], rows)


def initial_state(sim: Simulation) -> str:
    """The initial state with units; its source once when every value has the same one."""
    from kzforecast.model.variables import UNITS

    values: dict[str, float] = sim.attrs.get("initial_state", {})
    src: dict[str, str] = sim.attrs.get("initial_state_source", {})
    sources = {str(src.get(k, "")) for k in values}
    one = len(sources) <= 1
    rows = []
    for k, v in values.items():
        unit = UNITS.get(k, "fraction" if k.endswith("growth") else "")
        shown = "" if unit == "fraction" else unit
        row = [html.escape(k), html.escape(number(v, unit)), html.escape(shown)]
        rows.append(row if one else [*row, html.escape(str(src.get(k, "")))])
    header = ["variable", "value", "unit"] + ([] if one else ["source"])
    note = (
        f"<p class='note'>Every value from the {html.escape(next(iter(sources)))}.</p>"
        if one and sources and next(iter(sources))
        else ""
    )
    return table_html(header, rows) + note


def assumptions(sim: Simulation) -> str:
    """Every scenario parameter and its distribution."""
    rows = []
    for path, dist in sim.scenario.parameters().items():
        desc = dist.model_dump(by_alias=True)
        desc.pop("dist", None)
        text = (
            f"{dist.value:g}"
            if dist.dist == "fixed"
            else dist.dist + "(" + ", ".join(f"{k}={v:g}" for k, v in desc.items()) + ")"
        )
        rows.append([html.escape(path), html.escape(text)])
    return table_html(["parameter", "distribution"], rows)


def data_sources() -> str:
    """The sources of the shipped history."""
    try:
        from kzforecast.data import sources

        src = sources()
    except Exception:  # pragma: no cover - data module missing
        return "<p>(data sources unavailable)</p>"
    rows = [
        [
            html.escape(str(r.source_id)),
            html.escape(str(r.outlet)),
            html.escape(str(r.date)),
            f'<a class="url" href="{html.escape(str(r.url))}">{html.escape(str(r.url))}</a>'
            if not is_missing(r.url) else "",
        ]
        for r in src.itertuples()
    ]  # fmt: skip
    return table_html(["id", "outlet", "date", "address"], rows)
