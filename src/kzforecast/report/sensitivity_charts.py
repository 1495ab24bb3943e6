"""Charts of sensitivity tables (matplotlib, imported lazily: ``pip install 'kzforecast[plot]'``).

:func:`tornado_chart` draws a :func:`~kzforecast.analysis.sensitivity.tornado`
table, :func:`sobol_chart` a :func:`~kzforecast.analysis.sensitivity.sobol_indices`
or :func:`~kzforecast.analysis.sensitivity.model_sobol_indices` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["sobol_chart", "tornado_chart"]


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


def tornado_chart(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """A tornado chart of a :func:`~kzforecast.analysis.sensitivity.tornado` table.

    Bars run from the base output to the output with the parameter at its low
    quantile (light) and at its high quantile (dark), largest swing on top.

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
    fig = _figure(7.5, 0.32 * max(len(table), 3) + 1.4)
    ax = fig.add_subplot()
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    y = np.arange(len(table))
    lo = table["output_low"].to_numpy(float)
    hi = table["output_high"].to_numpy(float)
    ax.barh(
        y,
        lo - base,
        left=base,
        color="#9ecae1",
        label=f"low quantile ({table.attrs.get('low', 'low')})",
    )
    ax.barh(
        y,
        hi - base,
        left=base,
        color="#08519c",
        label=f"high quantile ({table.attrs.get('high', 'high')})",
    )
    ax.axvline(base, color="black", lw=1)
    ax.locator_params(axis="x", nbins=6)
    labels = [
        f"{_short_label(p)}  [{a:.3g} / {b:.3g}]"
        for p, a, b in zip(table["parameter"], table["low_value"], table["high_value"])
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"{table.attrs.get('output', 'output')} (base {base:.4g})")
    ax.set_title(title or f"Tornado: scenario {table.attrs.get('scenario', '')!r}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def sobol_chart(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Bars of S1 and ST with their bootstrap intervals, one pair per input.

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
    fig = _figure(7.5, 0.4 * max(len(table), 3) + 1.4)
    ax = fig.add_subplot()
    y = np.arange(len(table))
    for col, off, colour in (("S1", -0.18, "#6baed6"), ("ST", 0.18, "#08519c")):
        v = table[col].to_numpy(float)
        err = np.vstack(
            [v - table[f"{col}_low"].to_numpy(float), table[f"{col}_high"].to_numpy(float) - v]
        )
        err = np.where(np.isfinite(err), np.maximum(err, 0.0), 0.0)
        ax.barh(y + off, v, height=0.36, color=colour, xerr=err, capsize=2, label=col)
    ax.set_yticks(y, [_short_label(str(i)) for i in table.index], fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0.0, color="black", lw=0.8)
    conf = table.attrs.get("confidence")
    ax.set_xlabel(
        "Sobol index" + (f" (bars: {conf:.0%} bootstrap interval)" if conf is not None else "")
    )
    ax.set_title(title or f"Sobol indices: {table.attrs.get('output', '')}", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
