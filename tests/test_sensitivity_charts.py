"""Sensitivity and backtest charts follow the formatting rules: no zero-width tornado bars
(the dropped inputs are counted in a footnote), largest swing / dominant index on top, no
scientific notation, integer year ticks, Okabe-Ito colours."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from kzforecast.analysis.backtest import BacktestResult, backtest
from kzforecast.analysis.sensitivity import model_sobol_indices, tornado
from kzforecast.report.backtest_charts import coverage_chart, fan_charts, pit_chart
from kzforecast.report.sensitivity_charts import sobol_chart, tornado_chart

from .test_sensitivity import uncertain_trend

matplotlib.use("Agg")

OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}


def _draw(fig: Figure) -> None:
    fig.canvas.draw()  # tick labels are computed at draw time


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _texts(fig: Figure) -> list[str]:
    _draw(fig)
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
    return [t for t in out if t]


def _no_exponent(fig: Figure) -> None:
    bad = [t for t in _texts(fig) if "e+" in t or "e-0" in t]
    assert not bad, bad


def _colours(ax: Axes) -> set[str]:
    """Face colours of the data bars (not of grey reference bands)."""
    return {to_hex(p.get_facecolor()) for c in ax.containers if isinstance(c, BarContainer)
            for p in c.patches}  # fmt: skip


def tornado_table() -> pd.DataFrame:
    """Five inputs, two of no effect; outputs of order 1e5 (scientific by default)."""
    t = pd.DataFrame(
        {
            "parameter": [f"blocks.x.p{i}" for i in range(5)],
            "low_value": [1.2e7, 0.00002, 0.5, 3.0, 150000.0],
            "high_value": [1.9e7, 0.00009, 0.9, 4.0, 250000.0],
            "output_low": [140_000.0, 163_000.0, 163_000.0, 150_000.0, 160_000.0],
            "output_high": [190_000.0, 163_000.0, 163_000.0, 170_000.0, 163_000.0],
            "base": 163_000.0,
        }
    )
    t["swing"] = (t["output_high"] - t["output_low"]).abs()
    t = t.iloc[[4, 0, 1, 3, 2]].reset_index(drop=True)  # deliberately not sorted
    t.attrs.update(output="mean:vehicle_output:2035", scenario="demo", low=0.1, high=0.9)
    return t


def _row_widths(ax: Axes) -> dict[str, float]:
    """Largest |bar width| per y tick label, in the order shown top to bottom."""
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = list(ax.get_yticks())
    width = dict.fromkeys(labels, 0.0)
    for p in _bars(ax):
        y = p.get_y() + p.get_height() / 2
        i = int(np.argmin([abs(y - t) for t in ticks]))
        width[labels[i]] = max(width[labels[i]], abs(p.get_width()))
    top_first = sorted(zip(ticks, labels), reverse=ax.yaxis_inverted() is False)
    return {lab: width[lab] for _, lab in top_first}


def test_tornado_drops_no_effect_inputs_sorts_and_formats() -> None:
    fig = tornado_chart(tornado_table())
    ax = fig.axes[0]
    assert all(abs(p.get_width()) > 0 for p in _bars(ax))
    widths = _row_widths(ax)
    assert [k.split()[0] for k in widths] == ["x.p0", "x.p3", "x.p4"]  # largest swing on top
    assert list(widths.values()) == sorted(widths.values(), reverse=True)
    _no_exponent(fig)
    texts = _texts(fig)
    assert any("2 of 5 inputs not shown" in t for t in texts)
    assert "mean:vehicle_output:2035 (base 163,000)" in texts
    assert any("12,000,000" in t for t in texts)  # parameter values with separators
    assert {"190,000", "140,000"} <= {t.get_text() for t in ax.texts}  # bar values
    assert _colours(ax) <= OKABE_ITO


def test_tornado_of_a_probability_in_percent() -> None:
    t = tornado_table()
    for col in ("output_low", "output_high", "base"):
        t[col] = t[col] / 200_000.0
    t.attrs["output"] = "P(met) KZ-X-1:level"
    fig = tornado_chart(t)
    ticks = [x.get_text() for x in fig.axes[0].get_xticklabels() if x.get_text()]
    assert ticks
    assert all(x.endswith("%") for x in ticks)
    _no_exponent(fig)


def test_tornado_and_sobol_on_a_trend_scenario() -> None:
    sc = uncertain_trend()
    t = tornado(sc, "mean:vehicle_output:2035", paths=1024, seed=1)
    assert (t["swing"] == 0.0).any()  # g_P does not enter vehicle output
    fig = tornado_chart(t)
    ax = fig.axes[0]
    assert all(abs(p.get_width()) > 0 for p in _bars(ax))
    shown = [x.get_text().split()[0] for x in ax.get_yticklabels()]
    assert "processing.g_P" not in shown
    assert "trend.mu_q" in shown
    n_zero = int(((t["output_low"] == t["base"]) & (t["output_high"] == t["base"])).sum())
    assert any(f"{n_zero} of {len(t)} inputs not shown" in x for x in _texts(fig))
    _no_exponent(fig)

    s = model_sobol_indices(sc, "vehicle_output:2035", n=256, seed=1)
    assert next(iter(s.index)) == "blocks.processing.g_P"  # the table is not sorted
    fig = sobol_chart(s)
    ax = fig.axes[0]
    _draw(fig)
    labels = [x.get_text() for x in ax.get_yticklabels()]
    order = s.sort_values(["ST", "S1"], ascending=False).index
    assert labels == [str(i).replace("blocks.", "") for i in order]
    # the first label is drawn on top: its tick has the smallest y on an inverted axis
    ticks = list(ax.get_yticks())
    assert ax.yaxis_inverted()
    assert ticks == sorted(ticks)
    st = {round(p.get_y() + p.get_height() / 2 - 0.18): p.get_width() for p in _bars(ax)
          if to_hex(p.get_facecolor()) == "#0072b2"}  # fmt: skip
    assert [st[k] for k in sorted(st)] == sorted(st.values(), reverse=True)
    _no_exponent(fig)
    assert _colours(ax) <= OKABE_ITO


def test_tornado_all_inputs_without_effect() -> None:
    t = tornado_table()
    t["output_low"] = t["output_high"] = t["base"]
    fig = tornado_chart(t)
    assert not _bars(fig.axes[0])
    assert any("5 of 5 inputs not shown" in x for x in _texts(fig))


def test_sobol_chart_rejects_a_tornado_table() -> None:
    with pytest.raises(ValueError, match="not a Sobol table"):
        sobol_chart(tornado_table())


@pytest.fixture(scope="module")
def backtest_result() -> BacktestResult:
    return backtest(vintages=[2018, 2022], horizon=3, paths=1000, seed=0)


def test_backtest_charts_years_formats_colours(backtest_result: BacktestResult) -> None:
    fig = fan_charts(backtest_result)
    _draw(fig)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        years = [x.get_text() for x in ax.get_xticklabels() if x.get_text()]
        assert years
        assert all(y.isdigit() and len(y) == 4 for y in years), years
        locs = [v for v in ax.get_xticks() if ax.get_xlim()[0] <= v <= ax.get_xlim()[1]]
        assert all(float(v).is_integer() for v in locs)
        levels = [x.get_text() for x in ax.get_yticklabels() if x.get_text()]
        assert any("," in y for y in levels), levels
    _no_exponent(fig)
    cov = coverage_chart(backtest_result)
    _draw(cov)
    ticks = [x.get_text() for x in cov.axes[0].get_yticklabels() if x.get_text()]
    assert ticks
    assert all(x.endswith("%") for x in ticks)
    pit = pit_chart(backtest_result)
    assert _colours(pit.axes[0]) <= OKABE_ITO
    _no_exponent(pit)
