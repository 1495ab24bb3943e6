"""Charts of a backtest (matplotlib, imported lazily: ``pip install 'kzforecast[plot]'``).

Each function takes a :class:`~kzforecast.analysis.backtest.BacktestResult` and
returns a matplotlib Figure (not attached to pyplot: save it with
``fig.savefig(...)`` or show it in a notebook):

* :func:`pit_chart` - histogram of the PIT values of the model and the naive benchmark;
* :func:`coverage_chart` - empirical against nominal coverage of the central intervals;
* :func:`fan_charts` - the forecast fans of each vintage against the realized values.

Colours are the Okabe-Ito palette; numbers are written by
:mod:`kzforecast.results.format` (years as integers, levels with thousands
separators, shares as percentages).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from kzforecast.analysis.backtest import LEVELS, BacktestResult
from kzforecast.analysis.backtest.result import span_text
from kzforecast.report.plots import BLUE, VERMILLION
from kzforecast.results.format import number, pct, year

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["coverage_chart", "fan_charts", "pit_chart"]


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: install kzforecast[plot]") from None
    return Figure(figsize=(width, height))


_ORANGE = "#E69F00"  # Okabe-Ito orange (BLUE, VERMILLION: Okabe-Ito too)
_SKY = "#56B4E9"  # Okabe-Ito sky blue
_METHOD_COLOURS = {"model": BLUE, "naive": _ORANGE}


def _percent_axis(ax: Axes, which: str) -> None:
    """Ticks of ``which`` axis ("x" or "y") written as percentages."""
    from matplotlib.ticker import FuncFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: pct(v, digits=0)))


def _year_level_axes(ax: Axes) -> None:
    """Integer years on x, vehicle counts with thousands separators on y."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: year(round(v))))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v, "vehicles per year")))


def pit_chart(result: BacktestResult, *, bins: int = 5) -> Figure:
    """Histogram of the PIT values of the model and the naive benchmark.

    A calibrated forecast has a flat histogram; the grey band is the binomial
    +-2 SE range of a bin under uniformity.

    Parameters
    ----------
    result : BacktestResult
        A backtest's result.
    bins : int, default 5
        Number of equal bins on [0, 1].

    Returns
    -------
    matplotlib.figure.Figure
        Needs ``pip install 'kzforecast[plot]'``.
    """
    fig = _figure(6.5, 4.0)
    ax = fig.subplots()
    scores = result.scores
    edges = np.linspace(0.0, 1.0, bins + 1)
    methods = [m for m in ("model", "naive") if m in set(scores["method"])]
    width = 1.0 / bins / (len(methods) + 1)
    n_max = 0
    for i, m in enumerate(methods):
        pit = scores.loc[scores["method"] == m, "pit"].dropna().to_numpy()
        n_max = max(n_max, pit.size)
        counts, _ = np.histogram(pit, bins=edges)
        dens = counts / max(pit.size, 1) * bins
        ax.bar(
            edges[:-1] + (i + 0.5) * width,
            dens,
            width=width,
            align="edge",
            color=_METHOD_COLOURS[m],
            label=f"{m} (n={pit.size:,})",
        )
    if n_max:
        p = 1.0 / bins
        se = math.sqrt(p * (1 - p) / n_max) * bins
        ax.axhspan(1 - 2 * se, 1 + 2 * se, color="0.85", zorder=0, label="uniform +-2 SE")
    ax.axhline(1.0, color="k", lw=1)
    ax.set_xlabel("PIT")
    ax.set_ylabel("density")
    ax.set_title(f"PIT histogram, vintages {span_text(result.vintages)}, horizon {result.horizon}")
    ax.legend(fontsize=8)
    return fig


def coverage_chart(result: BacktestResult) -> Figure:
    """Empirical coverage of the 50/80/90% central intervals against nominal.

    Parameters
    ----------
    result : BacktestResult
        A backtest's result.

    Returns
    -------
    matplotlib.figure.Figure
        One point per level and method, with +-2 binomial SE bars; needs
        ``pip install 'kzforecast[plot]'``.
    """
    fig = _figure(5.0, 4.5)
    ax = fig.subplots()
    ax.plot([0.4, 1.0], [0.4, 1.0], color="k", lw=1, label="nominal")
    for j, m in enumerate(("model", "naive")):
        g = result.scores[result.scores["method"] == m]
        if g.empty:
            continue
        n = len(g)
        emp = [float(g[f"covered_{round(lv * 100)}"].astype(float).mean()) for lv in LEVELS]
        err = [2 * math.sqrt(lv * (1 - lv) / n) for lv in LEVELS]
        ax.errorbar(
            np.array(LEVELS) + 0.006 * (j - 0.5),
            emp,
            yerr=err,
            fmt="o",
            capsize=3,
            color=_METHOD_COLOURS[m],
            label=f"{m} (n={n:,}; bars: +-2 binomial SE)",
        )
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("nominal coverage")
    _percent_axis(ax, "x")
    _percent_axis(ax, "y")
    ax.set_ylabel("share of outcomes inside the interval")
    ax.set_title("Interval coverage")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def fan_charts(result: BacktestResult, *, method: Literal["model", "naive"] = "model") -> Figure:
    """Forecast fans (50% and 90% bands, median) per vintage against the realized line.

    One panel per vintage (three to a row): the realized values from four
    years before the vintage (lower bounds as open triangles), the fan of
    ``method`` and the official targets scored as point forecasts.

    Parameters
    ----------
    result : BacktestResult
        A backtest's result.
    method : {"model", "naive"}, default "model"
        Whose fans to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Needs ``pip install 'kzforecast[plot]'``.
    """
    vint = list(result.vintages)
    ncol = min(3, len(vint))
    nrow = -(-len(vint) // ncol)
    fig = _figure(4.2 * ncol, 3.2 * nrow)
    axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
    real, fans, scores = result.realized, result.fans, result.scores
    for ax, v in zip(axes, vint):
        f = fans[(fans["vintage"] == v) & (fans["method"] == method)]
        r = real.loc[(real.index >= v - 4) & (real.index <= v + result.horizon)]
        ok = r[~r["qualifier"].isin(["lower_bound", "upper_bound"])]
        ax.plot(ok.index, ok["value"], "k.-", lw=1, label="realized")
        bnd = r[r["qualifier"] == "lower_bound"]
        if len(bnd):
            ax.plot(bnd.index, bnd["value"], "k^", ms=5, mfc="none", label="lower bound")
        if len(f):
            ax.fill_between(
                f["year"], f["p05"], f["p95"], color=_SKY, alpha=0.45, lw=0, label="90%"
            )
            ax.fill_between(
                f["year"], f["p25"], f["p75"], color=BLUE, alpha=0.45, lw=0, label="50%"
            )
            ax.plot(f["year"], f["p50"], color=BLUE, lw=1.5, label="median")
        t = scores[(scores["vintage"] == v) & (scores["method"] == "target")]
        if len(t):
            ax.plot(t["year"], t["median"], "x", color=VERMILLION, ms=7, label="official target")
        ax.set_title(f"vintage {year(v)}")
        _year_level_axes(ax)
    for ax in axes[len(vint) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"{result.model} model ({method}): vehicle output forecasts by vintage")
    fig.tight_layout()
    return fig
