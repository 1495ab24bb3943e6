"""Charts of sensitivity tables (matplotlib, imported lazily: ``pip install 'kzforecast[plot]'``).

:func:`tornado_chart` draws a :func:`~kzforecast.analysis.sensitivity.tornado`
table, :func:`sobol_chart` a :func:`~kzforecast.analysis.sensitivity.sobol_indices`
or :func:`~kzforecast.analysis.sensitivity.model_sobol_indices` table. Colours
are the Okabe-Ito palette and every number is written by
:mod:`kzforecast.results.format` (thousands separators, percentages, never
scientific notation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzforecast.model.variables import UNITS
from kzforecast.report.plots import BLUE
from kzforecast.results.format import number, pct

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["sobol_chart", "tornado_chart"]

_SKY = "#56B4E9"  # Okabe-Ito sky blue (BLUE is Okabe-Ito blue)


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: install kzforecast[plot]") from None
    return Figure(figsize=(width, height), dpi=110)


def _short_label(path: str) -> str:
    return path.replace("blocks.", "")


def _require(table: pd.DataFrame, needed: set[str], what: str) -> None:
    missing = needed - set(table.columns)
    if missing:
        raise ValueError(f"not a {what} table: missing columns {', '.join(sorted(missing))}")


def _output_unit(output: str) -> str:
    """The unit of a tornado output label (``P(met) ...`` or ``stat:VARIABLE:YEAR``)."""
    if output.startswith("P(met)"):
        return "%"
    parts = output.split(":")
    return UNITS.get(parts[1], "") if len(parts) == 3 else ""


def _value(x: float, unit: str = "") -> str:
    """A number for a chart: :func:`number`, positional (no exponent) below 0.001."""
    if unit == "%":
        return pct(x)
    if x != 0 and abs(x) < 1e-3 and np.isfinite(x):
        return np.format_float_positional(x, precision=3, unique=True, fractional=False, trim="-")
    return number(x, unit)


def _x_formatter(ax: Axes, unit: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _value(x, unit)))


def _effective(table: pd.DataFrame) -> pd.DataFrame:
    """Rows where holding the input at a quantile moves the output, largest swing first."""
    base = table["base"].to_numpy(float)
    moves = (table["output_low"].to_numpy(float) != base) | (
        table["output_high"].to_numpy(float) != base
    )
    kept = table.loc[moves]
    reach = np.maximum(
        (kept["output_low"] - kept["base"]).abs().to_numpy(float),
        (kept["output_high"] - kept["base"]).abs().to_numpy(float),
    )
    # largest swing first; ties (e.g. both quantiles move the output the same way) by reach
    order = np.lexsort((-reach, -kept["swing"].to_numpy(float)))
    ranked: pd.DataFrame = kept.iloc[order]
    return ranked.reset_index(drop=True)


def _tornado_bars(ax: Axes, table: pd.DataFrame, base: float, unit: str) -> None:
    """Draw the non-zero bars of each side, each labelled with its output value."""
    y = np.arange(len(table))
    for col, colour in (("output_low", _SKY), ("output_high", BLUE)):
        out = table[col].to_numpy(float)
        nz = out != base
        bars = ax.barh(y[nz], out[nz] - base, left=base, color=colour, height=0.7)
        ax.bar_label(bars, [_value(v, unit) for v in out[nz]], fontsize=6, padding=2)


def tornado_chart(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """A tornado chart of a :func:`~kzforecast.analysis.sensitivity.tornado` table.

    Bars run from the base output to the output with the parameter at its low
    quantile (light) and at its high quantile (dark), largest swing on top,
    each labelled with its output value. Inputs whose bars would both have zero
    width (holding them at either quantile leaves the output unchanged) are
    left out; a footnote says how many.

    Parameters
    ----------
    table : DataFrame
        A table returned by ``tornado`` (its columns and ``attrs``).
    title : str, optional
        The chart's title (default: the scenario's name).

    Returns
    -------
    matplotlib.figure.Figure
        Needs ``pip install 'kzforecast[plot]'``.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of a tornado table.
    """
    _require(
        table,
        {"parameter", "low_value", "high_value", "output_low", "output_high", "base"},
        "tornado",
    )
    if "swing" not in table.columns:
        table = table.assign(swing=(table["output_high"] - table["output_low"]).abs())
    output = str(table.attrs.get("output", "output"))
    unit = _output_unit(output)
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    shown = _effective(table)
    dropped = len(table) - len(shown)
    fig = _figure(7.5, 0.32 * max(len(shown), 3) + 1.8)
    ax = fig.add_subplot()
    _tornado_bars(ax, shown, base, unit)
    ax.axvline(base, color="black", lw=1)
    _x_formatter(ax, unit)
    labels = [
        f"{_short_label(p)}  [{_value(a)} / {_value(b)}]"
        for p, a, b in zip(shown["parameter"], shown["low_value"], shown["high_value"])
    ]
    ax.set_yticks(np.arange(len(shown)), labels, fontsize=7)
    ax.set_ylim(len(shown) - 0.5 if len(shown) else 0.5, -0.5)  # first row (largest) on top
    ax.margins(x=0.15)
    ax.set_xlabel(f"{output} (base {_value(base, unit)})")
    ax.set_title(title or f"Tornado: scenario {table.attrs.get('scenario', '')!r}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    _tornado_legend(ax, table)
    note = (
        f"{dropped} of {len(table)} inputs not shown: holding them at either quantile "
        "leaves the output unchanged."
        if dropped
        else f"All {len(table)} inputs move the output."
    )
    fig.text(0.01, 0.01, note, fontsize=7, color="#555555")
    fig.tight_layout(rect=(0.0, 0.04, 1.0, 1.0))
    return fig


def _tornado_legend(ax: Axes, table: pd.DataFrame) -> None:
    from matplotlib.patches import Patch

    low, high = table.attrs.get("low"), table.attrs.get("high")
    handles = [
        Patch(color=_SKY, label=f"low quantile ({pct(low) if low is not None else 'low'})"),
        Patch(color=BLUE, label=f"high quantile ({pct(high) if high is not None else 'high'})"),
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower right")


def sobol_chart(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Bars of S1 and ST with their bootstrap intervals, one pair per input, dominant on top.

    Inputs are sorted by total index ST (then S1), largest first.

    Parameters
    ----------
    table : DataFrame
        A table returned by ``sobol_indices`` or ``model_sobol_indices``.
    title : str, optional
        The chart's title (default: the output's label).

    Returns
    -------
    matplotlib.figure.Figure
        Needs ``pip install 'kzforecast[plot]'``.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of a Sobol table.
    """
    _require(table, {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"}, "Sobol")
    table = table.sort_values(["ST", "S1"], ascending=False, kind="stable", na_position="last")
    fig = _figure(7.5, 0.4 * max(len(table), 3) + 1.4)
    ax = fig.add_subplot()
    y = np.arange(len(table))
    for col, off, colour in (("S1", -0.18, _SKY), ("ST", 0.18, BLUE)):
        v = table[col].to_numpy(float)
        err = np.vstack(
            [v - table[f"{col}_low"].to_numpy(float), table[f"{col}_high"].to_numpy(float) - v]
        )
        err = np.where(np.isfinite(err), np.maximum(err, 0.0), 0.0)
        ax.barh(y + off, v, height=0.36, color=colour, xerr=err, capsize=2, label=col)
    ax.set_yticks(y, [_short_label(str(i)) for i in table.index], fontsize=7)
    ax.set_ylim(len(table) - 0.5, -0.5)  # first row (dominant) on top
    ax.axvline(0.0, color="black", lw=0.8)
    _x_formatter(ax, "")
    conf = table.attrs.get("confidence")
    ax.set_xlabel(
        "Sobol index" + (f" (bars: {pct(conf)} bootstrap interval)" if conf is not None else "")
    )
    ax.set_title(title or f"Sobol indices: {table.attrs.get('output', '')}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
