"""Charts follow the formatting rules: no false 0% or 100%, separators, integer years, no
empty fan; targets and the forecast start are marked; one bar per distinct question."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from kzforecast.cli._common import select_targets
from kzforecast.engine.simulate import simulate
from kzforecast.report.plots import (
    distribution_chart,
    fan_chart,
    figure_png,
    probability_chart,
)
from kzforecast.results.check import check
from kzforecast.results.format import (
    number,
    p_text,
    pct,
    threshold_text,
    verdict_words,
    year,
)
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario


@pytest.fixture(scope="module")
def baseline() -> tuple[Simulation, pd.DataFrame]:
    sim = simulate(Scenario.builtin("baseline"), paths=2048, seed=3,
                   targets=select_targets("default", 2025))  # fmt: skip
    return sim, check(sim)


@pytest.fixture(scope="module")
def ministry() -> tuple[Simulation, pd.DataFrame]:
    sim = simulate(Scenario.builtin("ministry-2016"), paths=2048, seed=3,
                   targets=select_targets("2016-07-01", 2016))  # fmt: skip
    return sim, check(sim)


def test_formatting_rules() -> None:
    assert pct(0.0003) == "<0.05%"
    assert pct(0.99971) == ">99.95%"
    assert pct(0.007) == "0.7%"
    assert pct(0.0) == "0%"
    assert p_text(0.0, 0.0, 20_000) == "0 of 20,000 paths"
    assert p_text(0.425, 0.005, 8192) == "42.5% ± 0.5 pp"
    assert number(171442.0, "vehicles per year") == "171,442"
    assert number(199167.0, "vehicles per year", rounded=True) == "199,000"
    assert number(0.1654, "fraction") == "16.5%"
    assert number(1.17, "ratio to the 2015 level") == "1.17×"
    assert threshold_text(209000, "vehicles in the year (industry projection)") == (
        "209,000 vehicles"
    )
    assert threshold_text(1.22, "ratio to the 2015 level") == "1.22× the 2015 level"
    assert threshold_text(0.5, "local content share (fraction)", metric="local_content_share") == (
        "50% local content"
    )
    assert year(2025.0) == "2025"
    assert year(math.nan) == ""
    assert verdict_words("no_data") == "no data"


def test_fan_chart_years_separators_start_targets_caption(
    baseline: tuple[Simulation, pd.DataFrame],
) -> None:
    sim, _ = baseline
    fig = fan_chart(sim, "vehicle_output", targets=sim.targets, history=sim.history)
    ax = fig.axes[0]
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert xt
    assert all(t.isdigit() for t in xt)
    yt = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("," in t for t in yt)  # thousands separators
    labels = ax.get_legend_handles_labels()[1]
    assert any(lab.startswith("target 1: ") for lab in labels)
    assert any("forecast starts" in lab for lab in labels)
    assert any("80% of paths" in lab for lab in labels)
    caption = " ".join(t.get_text() for t in fig.texts)
    assert "2,048 simulated paths" in caption
    assert "as of 2025" in caption
    assert "Bands" in caption
    # the fan starts at the last realized year: history and forecast join
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 0].min() == sim.scenario.as_of
    figure_png(fig)


def test_target_numbers_do_not_overlap(baseline: tuple[Simulation, pd.DataFrame]) -> None:
    sim, _ = baseline
    fig = fan_chart(sim, "vehicle_output", targets=sim.targets, history=sim.history)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    figure_png(fig)


def test_no_empty_fan(ministry: tuple[Simulation, pd.DataFrame]) -> None:
    sim, _ = ministry
    fig = fan_chart(sim, "ckd_share", targets=sim.targets, history=sim.history)
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert not any("of paths" in lab for lab in labels)  # no legend entry for absent bands
    assert not ax.collections  # no band drawn
    assert any("deterministic in this scenario" in t.get_text() for t in ax.texts)
    _lo, hi = ax.get_ylim()
    assert hi >= 10  # a readable axis, not 0.05%
    figure_png(fig)


def test_probability_chart_like_the_table(baseline: tuple[Simulation, pd.DataFrame]) -> None:
    sim, table = baseline
    fig = probability_chart(table, targets=sim.targets)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    n = int(table.attrs["paths"])
    ev = table[table["status"] == "evaluated"]
    expected = {p_text(p, se, n) for p, se in zip(ev["p_met"], ev["mc_se"])}
    assert set(texts) == expected
    assert ax.get_title()
    # one bar per distinct question: 'in 2026' and 'by 2026' of the 500K target share one
    assert len(ax.patches) < len(ev)
    assert len(ax.patches) == len({(m, y, t, p) for m, y, t, p in
                                   zip(ev["metric"], ev["metric_year"], ev["threshold"],
                                       ev["p_met"])})  # fmt: skip
    # no label overprints its error bar: each text starts right of its interval's end
    fig.canvas.draw()
    for txt, (_, r) in zip(
        ax.texts, ev.drop_duplicates(["metric", "metric_year", "threshold", "p_met"]).iterrows()
    ):
        x = txt.get_position()[0]
        if txt.get_ha() == "left":
            assert x > float(r["p90_high"]) * 100
        else:
            assert x < float(r["p90_low"]) * 100
    figure_png(fig)


def test_distribution_chart_draws_the_threshold() -> None:
    probs = np.linspace(0.02, 0.98, 17)
    values = np.linspace(100_000, 300_000, 17)
    fig = distribution_chart(values, probs, 209_000.0, "vehicles per year")
    ax = fig.axes[0]
    assert any(np.allclose(line.get_xdata(), 209_000.0) for line in ax.lines)
    fig.canvas.draw()
    assert any("," in t.get_text() for t in ax.get_xticklabels())
    figure_png(fig)
