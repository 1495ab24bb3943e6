"""Charts (matplotlib, imported lazily: ``pip install 'kzforecast[plot]'``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kzforecast.results.simulation import Simulation

__all__ = ["fan_chart", "probability_chart"]

_LABELS = {
    "vehicle_output": ("Vehicle output", "vehicles per year", 1.0),
    "local_content_share": ("Local content share", "%", 100.0),
    "ckd_share": ("CKD share of output", "%", 100.0),
    "export_units": ("Vehicle exports", "vehicles per year", 1.0),
}


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: pip install 'kzforecast[plot]'") from None
    return plt


def _bound_years(variable: str) -> dict[int, str]:
    """Qualifier of each shipped preferred observation of ``variable`` (empty if unknown)."""
    try:
        from kzforecast.data import load_observations

        obs = load_observations()
    except Exception:  # pragma: no cover - data unavailable
        return {}
    sel = obs[(obs["series"] == variable) & obs["preferred"]]
    return {int(y): str(q) for y, q in zip(sel["year"], sel["qualifier"])}


def fan_chart(
    simulation: Simulation,
    variable: str,
    *,
    targets: Sequence[Any] = (),
    history: pd.DataFrame | None = None,
) -> Any:
    """Fan chart (10-90% and 25-75% bands, median) with realized history and target thresholds.

    Returns a matplotlib Figure.
    """
    plt = _pyplot()
    title, unit, scale = _LABELS.get(variable, (variable, "", 1.0))
    s = simulation.summary(variable)
    years = s.index.to_numpy()
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    ax.fill_between(years, s["p10"] * scale, s["p90"] * scale, color="#9ecae1", label="10-90%")
    ax.fill_between(years, s["p25"] * scale, s["p75"] * scale, color="#4292c6", label="25-75%")
    ax.plot(years, s["p50"] * scale, color="#08306b", lw=2, label="median")
    if history is not None and variable in history:
        h = history[variable].dropna()
        if len(h):
            ax.plot(h.index, h.to_numpy() * scale, "k.-", lw=1, label="realized")
            bounds = _bound_years(variable)
            lows = [y for y in h.index if bounds.get(int(y)) == "lower_bound"]
            if lows:
                ax.plot(lows, h.loc[lows].to_numpy() * scale, "k^", ms=7, mfc="white",
                        label="realized: lower bound only")  # fmt: skip
    for t in targets:
        if t.due_year is None or t.transform != "level":
            continue
        metric = "export_units" if t.metric == "export_units" else t.metric
        if metric != variable:
            continue
        ax.plot([t.due_year], [t.threshold * scale], marker="D", color="#cb181d", ms=6)
        ax.annotate(t.id, (t.due_year, t.threshold * scale), textcoords="offset points",
                    xytext=(4, 4), fontsize=7, color="#cb181d")  # fmt: skip
    ax.set_title(f"{title}: scenario {simulation.scenario.name!r}")
    ax.set_ylabel(unit)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def probability_chart(table: pd.DataFrame) -> Any:
    """Horizontal bars of P(met) with 90% intervals, one per evaluated target reading."""
    plt = _pyplot()
    ev = table[table["status"] == "evaluated"]
    labels = [f"{i}:{r}" for i, r in zip(ev["id"], ev["reading"])]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * max(len(ev), 3) + 1.2), dpi=110)
    y = np.arange(len(ev))
    p = ev["p_met"].to_numpy(dtype=float)
    err = np.vstack([p - ev["p90_low"].to_numpy(float), ev["p90_high"].to_numpy(float) - p])
    err = np.clip(err, 0.0, None)  # rounding can put p a hair outside its interval at 0 or 1
    ax.barh(y, p * 100, color="#4292c6", xerr=err * 100, capsize=2)
    verdicts = ev["ex_post"] if "ex_post" in ev else pd.Series([""] * len(ev))
    for yy, pp, v in zip(y, p, verdicts):
        note = f"{pp:.0%}" + (f"  (ex post: {v})" if isinstance(v, str) and v else "")
        ax.text(min(pp * 100 + 2, 70), yy, note, va="center", fontsize=7)
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("P(target met), % (bars: 90% Monte Carlo interval)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def figure_png(fig: Any) -> bytes:
    """PNG bytes of a figure (and close it)."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
