"""The check table in a terminal: open targets first, plain-English labels, fits the width."""

from __future__ import annotations

import pandas as pd
import pytest

from kzforecast.cli._common import select_targets
from kzforecast.engine.simulate import simulate
from kzforecast.report.terminal import render_check_table, split_check_table
from kzforecast.results.check import check
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, pd.DataFrame]:
    scenario = Scenario.builtin("baseline")
    sim = simulate(scenario, paths=2048, seed=5, targets=select_targets("default", 2025))
    return sim, check(sim)


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("wide", [False, True])
def test_no_line_is_longer_than_the_width(
    run: tuple[Simulation, pd.DataFrame], width: int, wide: bool
) -> None:
    sim, table = run
    text = render_check_table(table, width=width, wide=wide, targets=sim.targets)
    lines = text.splitlines()
    assert lines
    assert max(len(line) for line in lines) <= width
    assert "\x1b[" not in text  # no ANSI codes unless asked for


def test_open_targets_come_first_with_labels_and_formatted_numbers(
    run: tuple[Simulation, pd.DataFrame],
) -> None:
    sim, table = run
    text = render_check_table(table, width=120, targets=sim.targets)
    first_open = text.index("Open targets")
    first_past = text.index("Past targets")
    assert first_open < first_past
    assert "At least 209,000 vehicles in 2026 (KAU, February 2026)" in " ".join(text.split())
    assert "no_data" not in text  # verdict codes are written in words
    assert "no data" in text
    assert "pp" in text  # standard errors in percentage points
    assert "KZ2026-KAU-209K:annual-2026" in text  # ids small, under each label
    assert "90%:" not in text  # intervals and unevaluated readings only in the wide view
    assert "KZ2023-KAR-CKD1" not in text
    wide = render_check_table(table, width=120, wide=True, targets=sim.targets)
    assert "90%:" in wide
    assert "KZ2023-KAR-CKD1:no-deadline" in wide
    assert "not modelled" in wide


def test_split_keeps_every_row_once(run: tuple[Simulation, pd.DataFrame]) -> None:
    _, table = run
    open_, past, other = split_check_table(table)
    assert len(open_) + len(past) + len(other) == len(table)
    assert (open_["status"] == "evaluated").all()
    assert past["ex_post"].astype(str).str.len().gt(0).all()


def test_labels_default_to_the_registry(run: tuple[Simulation, pd.DataFrame]) -> None:
    _, table = run
    assert "At least 209,000 vehicles" in " ".join(render_check_table(table, width=100).split())
