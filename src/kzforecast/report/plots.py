"""Charts of a check (matplotlib, imported lazily: ``pip install 'kzforecast[plot]'``).

Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies); every number is written by :mod:`kzforecast.results.format`, as
in the tables.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kzforecast.report.tables import distinct_questions
from kzforecast.results.format import label_lookup, number, p_text, pct, threshold_text
from kzforecast.results.simulation import Simulation
from kzforecast.targets import Target

__all__ = [
    "BLUE",
    "VERMILLION",
    "distribution_chart",
    "fan_chart",
    "figure_png",
    "probability_chart",
]

BLUE = "#0072B2"
SKY = "#56B4E9"
VERMILLION = "#D55E00"
GREY = "#555555"

_LABELS = {
    "vehicle_output": ("Vehicle output", "vehicles per year", "vehicles per year"),
    "local_content_share": ("Local content share", "%", "fraction"),
    "ckd_share": ("CKD share of output", "%", "fraction"),
    "export_units": ("Vehicle exports", "vehicles per year", "vehicles per year"),
}
_BAND_NOTE = (
    "Bands: the middle 50% (25-75%) and 80% (10-90%) of simulated paths; line: median path "
    "quantile; black: realized history."
)


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: pip install 'kzforecast[plot]'") from None
    return plt


def _axis_formatters(ax: Any, unit: str) -> None:
    """Integer years on x; thousands separators or percentages on y."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{round(x)}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: number(y, unit)))


def _bound_years(variable: str) -> dict[int, str]:
    """Qualifier of each shipped preferred observation of ``variable`` (empty if unknown)."""
    try:
        from kzforecast.data import load_observations

        obs = load_observations()
    except Exception:  # pragma: no cover - data unavailable
        return {}
    sel = obs[(obs["series"] == variable) & obs["preferred"]]
    return {int(y): str(q) for y, q in zip(sel["year"], sel["qualifier"])}


def caption(simulation: Simulation, extra: str = "") -> str:
    """Source line of a chart: model version, scenario, as-of year, paths, seed."""
    a = simulation.attrs
    sc = simulation.scenario
    text = (
        f"Source: kzforecast {a.get('kzforecast_version', '')}, scenario '{sc.name}' "
        f"(data as of {sc.as_of}), {simulation.n_paths:,} simulated paths."
    )
    return text + (" " + extra if extra else "")


def _history(
    history: pd.DataFrame | None, variable: str, start: int
) -> tuple[pd.Series | None, float | None]:
    """Realized values up to ``start`` and the value at ``start`` (the fan's anchor)."""
    if history is None or variable not in history:
        return None, None
    h = history[variable].dropna()
    h = h[h.index <= start]
    if not len(h):
        return None, None
    anchor = float(h.loc[start]) if start in h.index else None
    return h, anchor


def _target_points(targets: Sequence[Target], variable: str) -> list[tuple[int, float, str]]:
    """Distinct (due year, threshold, short label) of the level targets on ``variable``."""
    seen: dict[tuple[int, float], list[str]] = {}
    for t in targets:
        if t.due_year is None or t.transform != "level" or t.metric != variable:
            continue
        seen.setdefault((int(t.due_year), float(t.threshold)), []).append(t.id.split("-")[1])
    return [
        (y, v, f"{threshold_text(v, _LABELS.get(variable, ('', '', ''))[2])} in {y} "
               f"({', '.join(dict.fromkeys(who))})")
        for (y, v), who in sorted(seen.items())
    ]  # fmt: skip


def fan_chart(
    simulation: Simulation,
    variable: str,
    *,
    targets: Sequence[Target] = (),
    history: pd.DataFrame | None = None,
) -> Any:
    """Fan chart of one variable: bands, median, realized history joined to it, and targets.

    The fan starts at the last realized year (the as-of year) so that history and
    forecast join; a dashed line marks where the forecast starts. A variable with
    no spread in this scenario is drawn as one line, with a note saying it is
    deterministic, instead of an empty fan. Targets on the variable are numbered
    diamonds listed in the legend. A caption gives source, as-of year, paths and
    what the bands mean.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    title, ylabel, unit = _LABELS.get(variable, (variable, "", ""))
    scale = 100.0 if unit == "fraction" else 1.0
    start = int(simulation.scenario.as_of)
    h, anchor = _history(history, variable, start)
    years, cols, flat = _fan_data(simulation, variable, start, anchor)
    fig, ax = plt.subplots(figsize=(7.5, 4.6), dpi=110)
    _draw_fan(ax, years, {c: v * scale for c, v in cols.items()}, flat)
    if h is not None:
        _draw_history(ax, h, variable, scale)
    ax.axvline(start, color=GREY, ls="--", lw=1, label=f"forecast starts after {start}")
    _draw_targets(ax, _target_points(targets, variable), scale)
    _axis_formatters(ax, "")
    if scale == 100.0:
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:g}%"))
    ax.set_title(f"{title}, scenario '{simulation.scenario.name}'")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.set_ylim(bottom=0)
    if flat:  # a flat line at 0 would otherwise get an axis of 0.05%
        top = float(np.nanmax(cols["p50"])) * scale * 1.3
        ax.set_ylim(0, max(top, 10.0 if scale == 100.0 else 1.0))
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    note = "Deterministic in this scenario: no band." if flat else _BAND_NOTE
    text = "\n".join(textwrap.wrap(caption(simulation, note), 125))
    fig.text(0.01, 0.01, text, fontsize=6.5, color=GREY, va="bottom")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _fan_data(
    simulation: Simulation, variable: str, start: int, anchor: float | None
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], dict[str, Any], bool]:
    """Years, quantile columns (joined to the realized anchor) and whether there is no spread."""
    s = simulation.summary(variable)
    years = s.index.to_numpy(dtype=float)
    cols = {c: s[c].to_numpy(dtype=float) for c in ("p10", "p25", "p50", "p75", "p90")}
    if anchor is not None:
        years = np.concatenate([[float(start)], years])
        cols = {c: np.concatenate([[anchor], v]) for c, v in cols.items()}
    spread = float(np.nanmax(cols["p90"] - cols["p10"]))
    flat = spread <= 1e-9 * max(1.0, float(np.nanmax(np.abs(cols["p50"]))))
    return years, cols, flat


def _draw_fan(ax: Any, years: Any, cols: dict[str, Any], flat: bool) -> None:
    if flat:
        ax.plot(years, cols["p50"], color=BLUE, lw=2, label="simulated: the same on every path")
        ax.text(0.5, 0.5, "deterministic in this scenario: every path is the same",
                transform=ax.transAxes, ha="center", va="center", fontsize=9,
                color=GREY)  # fmt: skip
        return
    ax.fill_between(years, cols["p10"], cols["p90"], color=SKY, alpha=0.45, lw=0,
                    label="80% of paths (10-90%)")  # fmt: skip
    ax.fill_between(years, cols["p25"], cols["p75"], color=BLUE, alpha=0.45, lw=0,
                    label="50% of paths (25-75%)")  # fmt: skip
    ax.plot(years, cols["p50"], color=BLUE, lw=2, label="median")


def _draw_history(ax: Any, h: pd.Series, variable: str, scale: float) -> None:
    ax.plot(h.index, h.to_numpy() * scale, color="black", marker=".", lw=1, label="realized")
    bounds = _bound_years(variable)
    lows = [y for y in h.index if bounds.get(int(y)) == "lower_bound"]
    if lows:
        ax.plot(lows, h.loc[lows].to_numpy() * scale, "k^", ms=7, mfc="white",
                label="realized: lower bound only")  # fmt: skip


def _draw_targets(ax: Any, points: list[tuple[int, float, str]], scale: float) -> None:
    """Numbered diamonds, listed in the legend; numbers of a same-year pair on opposite sides."""
    side: dict[int, int] = {}
    for k, (y, v, text) in enumerate(points, start=1):
        ax.plot([y], [v * scale], marker="D", color=VERMILLION, ms=6, ls="none",
                label=f"target {k}: {text}")  # fmt: skip
        n = side.get(y, 0)
        side[y] = n + 1
        dx, ha = (7, "left") if n % 2 == 0 else (-7, "right")
        ax.annotate(str(k), (y, v * scale), textcoords="offset points", xytext=(dx, 0), ha=ha,
                    va="center", fontsize=8, color=VERMILLION, fontweight="bold")  # fmt: skip


def probability_chart(
    table: pd.DataFrame,
    *,
    targets: Sequence[Target] | None = None,
    title: str | None = None,
) -> Any:
    """Horizontal bars of P(met) with 90% intervals, one per distinct open question.

    Values are written as in the table (``0.7% ± 0.1 pp``, ``0 of 8,192 paths``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    labels = dict(label_lookup(table, targets))
    ev = table[table["status"] == "evaluated"]
    questions = distinct_questions(ev, labels)
    n = int(table.attrs.get("paths", 0))
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(questions), 2) + 1.4), dpi=110)
    y = np.arange(len(questions))
    p = np.array([float(r["p_met"]) for _, r in questions])
    lo = np.array([float(r["p90_low"]) for _, r in questions])
    hi = np.array([float(r["p90_high"]) for _, r in questions])
    err = np.clip(np.vstack([p - lo, hi - p]), 0.0, None)  # p can sit a hair outside at 0 or 1
    ax.barh(y, p * 100, color=BLUE, height=0.6)
    ax.errorbar(p * 100, y, xerr=err * 100, fmt="none", ecolor="black", capsize=3, lw=1)
    for yy, (_, r) in zip(y, questions):
        note = p_text(r["p_met"], r["mc_se"], n)
        right = float(r["p90_high"]) * 100 + 1.5
        if right < 72:
            ax.text(right, yy, note, va="center", ha="left", fontsize=8)
        else:  # near 100%: inside the bar, left of the interval
            ax.text(float(r["p90_low"]) * 100 - 1.5, yy, note, va="center", ha="right",
                    fontsize=8, color="white")  # fmt: skip
    ax.set_yticks(y, ["\n".join(textwrap.wrap(t, 42)) for t, _ in questions], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(lambda x, _pos: pct(x / 100.0, 0))
    ax.set_xlabel("P(target met); whiskers: 90% Monte Carlo interval")
    scenario = table.attrs.get("scenario", "")
    ax.set_title(title or f"Probability of meeting each open target, scenario '{scenario}'",
                 fontsize=10)  # fmt: skip
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def distribution_chart(
    values: np.ndarray[Any, np.dtype[np.float64]],
    probs: np.ndarray[Any, np.dtype[np.float64]],
    threshold: float,
    unit: str,
) -> Any:
    """A small chart of a metric's simulated distribution with the threshold drawn on it.

    ``values`` are quantiles of the metric at cumulative probabilities ``probs``;
    the density between them is drawn as bars (area = probability).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(3.2, 1.1), dpi=100)
    edges = np.asarray(values, dtype=float)
    mass = np.diff(np.asarray(probs, dtype=float))
    widths = np.diff(edges)
    ok = widths > 0
    dens = np.where(ok, mass / np.where(ok, widths, 1.0), 0.0)
    ax.bar(edges[:-1][ok], dens[ok], width=widths[ok], align="edge", color=SKY, lw=0)
    ax.axvline(threshold, color=VERMILLION, lw=2)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    lo, hi = float(min(edges[0], threshold)), float(max(edges[-1], threshold))
    pad = 0.04 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.xaxis.set_major_locator(MaxNLocator(3))
    ax.xaxis.set_major_formatter(lambda x, _pos: number(x, unit, rounded=True))
    ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout(pad=0.2)
    return fig


def figure_png(fig: Any) -> bytes:
    """PNG bytes of a figure (and close it)."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
