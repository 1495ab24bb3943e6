"""The HTML report leads with the answer, fits a phone, prints, and keeps one file."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from kzforecast.cli._common import select_targets
from kzforecast.engine.simulate import simulate
from kzforecast.report.html import build_report
from kzforecast.results.check import check
from kzforecast.results.format import p_text
from kzforecast.results.simulation import Simulation
from kzforecast.results.views import (
    check_table_html,
    check_table_text,
    simulation_html,
    simulation_text,
)
from kzforecast.scenario import Scenario


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, pd.DataFrame, dict[str, bytes]]:
    sim = simulate(Scenario.builtin("baseline"), paths=2048, seed=7,
                   targets=select_targets("default", 2025))  # fmt: skip
    table = check(sim)
    return sim, table, build_report(sim, table)


def _html(run: tuple[Simulation, pd.DataFrame, dict[str, bytes]]) -> str:
    return run[2]["report.html"].decode("utf-8")


def test_the_answer_comes_first(run: tuple[Simulation, pd.DataFrame, dict[str, bytes]]) -> None:
    _, table, _ = run
    page = _html(run)
    answer = page.index("id='answer'")
    assert answer < page.index("<table")  # no table before the headline
    row = table[(table["id"] == "KZ2026-KAU-209K")].iloc[0]
    sentence = "At least 209,000 vehicles in 2026 (KAU, February 2026)"
    assert page.index(sentence) < page.index("<h2>Open targets")
    assert p_text(row["p_met"], row["mc_se"], 2048) in page
    head = page[answer : page.index("<h2>Open targets")]
    assert 'class="dist"' in head  # a small distribution chart per open question
    assert re.search(r"median [\d,]+ vehicles", head)


def test_sections_in_order(run: tuple[Simulation, pd.DataFrame, dict[str, bytes]]) -> None:
    page = _html(run)
    order = ["The answer", "Open targets", "Past targets", "Fan charts",
             "Assumptions, data and sources", "Reproducibility"]  # fmt: skip
    positions = [page.index(f">{h}") for h in order]
    assert positions == sorted(positions)
    assert page.count("<details>") >= 4


def test_responsive_printable_self_contained(
    run: tuple[Simulation, pd.DataFrame, dict[str, bytes]],
) -> None:
    page = _html(run)
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in page
    assert "@media print" in page
    assert "@media (max-width:600px)" in page
    assert "<script" not in page.lower()
    assert 'src="http' not in page
    assert 'href="stylesheet' not in page
    tables = page.count("<table")
    assert tables == page.count("<div class='table-wrap'><table")  # each in its own box
    assert "overflow-wrap:anywhere" in page  # long URLs break


def test_words_units_and_numbers(run: tuple[Simulation, pd.DataFrame, dict[str, bytes]]) -> None:
    page = _html(run)
    assert "no_data" not in page.replace("v-no_data", "")
    assert ">no data<" in page
    assert "171,442" in page
    assert "171442" not in page
    assert "16.5%" in page
    assert "0.1654" not in page
    assert "Every value from the scenario" in page  # not 'scenario' on every row
    assert "1.22× the 2015 level" in page


def test_targets_csv_writes_integer_years(
    run: tuple[Simulation, pd.DataFrame, dict[str, bytes]],
) -> None:
    csv = run[2]["targets.csv"].decode("utf-8")
    assert "2025.0" not in csv
    back = pd.read_csv(io.StringIO(csv))
    assert back["due_year"].dropna().astype(int).min() >= 2000


def test_views(run: tuple[Simulation, pd.DataFrame, dict[str, bytes]]) -> None:
    sim, table, _ = run
    text = simulation_text(sim)
    assert text.startswith("Simulation of scenario 'baseline'")
    assert "2,048 paths" in text
    assert "At least 209,000 vehicles in 2026" in text
    html = simulation_html(sim)
    assert "<table>" in html
    assert "<script" not in html
    lines = check_table_text(table).splitlines()
    assert len(lines) == len(table)
    assert "past: missed" in check_table_text(table)
    assert check_table_html(table).count("<tr>") == len(table) + 1


def test_the_report_warns_when_plausible_ranges_are_switched_off(
    run: tuple[Simulation, pd.DataFrame, dict[str, bytes]],
) -> None:
    assert "allow_implausible" not in _html(run)
    data = Scenario.builtin("baseline").to_dict()
    data["allow_implausible"] = True
    # a drift outside [-1, 1]: refused without the flag
    data["blocks"]["market"]["mu_M"] = {"dist": "normal", "mean": 1.5, "sd": 0.05}
    scenario = Scenario.from_dict(data)
    sim = simulate(scenario, paths=1024, seed=1, targets=select_targets("in-force", 2025))
    files = build_report(sim, check(sim))
    page = files["report.html"].decode("utf-8")
    assert "<code>allow_implausible = true</code>" in page
