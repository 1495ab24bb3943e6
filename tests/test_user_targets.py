"""Targets a user writes in one line, their CSV short form, the new metrics, and growth
targets whose base is the scenario's initial state (not the shipped history)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from kzforecast import Scenario, check, simulate
from kzforecast.data import load_history
from kzforecast.dataset import Dataset
from kzforecast.errors import TargetError
from kzforecast.targets import METRIC_SPECS, MODELLED_METRICS, Target, read_registry, verdicts
from kzforecast.targets._registry import REGISTRY_NAME

from .test_check import make_target
from .test_contract_closed_forms import INITIAL
from .test_dataset import synthetic


# --------------------------------------------------------------------------- one line each
def test_level_by_year() -> None:
    t = Target.level("UZ-1M", "vehicle_output", ">=", 1_000_000, due=2030, reading="by", start=2024)
    assert (t.id, t.reading, t.timing, t.window_start, t.due_year) == (
        "UZ-1M",
        "by-2030",
        "by_year",
        2024,
        2030,
    )
    assert (t.transform, t.threshold, t.default_reading) == ("level", 1_000_000.0, True)
    assert (t.speaker, t.source_url, t.official) == ("", "", None)
    assert t.unit == "vehicles per year"
    assert t.interpretation.endswith(".")
    assert "\n" not in t.interpretation


def test_by_reading_starts_in_the_stated_year() -> None:
    t = Target.level(
        "UZ-1M",
        "vehicle_output",
        ">=",
        1e6,
        due=2030,
        reading="by",
        stated_on="2023-05-02",
        speaker="President",
        source_url="https://x.org/a",
    )
    assert (t.window_start, t.stated_year, t.speaker) == (2023, 2023, "President")


def test_growth_cumulative_share() -> None:
    g = Target.growth("G", "vehicle_output", 1.5, base=2021, due=2026)
    assert (g.transform, g.base_year, g.due_year, g.threshold, g.timing) == (
        "ratio_to_base",
        2021,
        2026,
        1.5,
        "in_year",
    )
    c = Target.cumulative("C", "vehicle_output", 500_000, start=2024, due=2028)
    assert (c.transform, c.window_start, c.due_year) == ("cumulative", 2024, 2028)
    s = Target.share("S", "local_content_share", ">=", 0.5, due=2030)
    assert (s.metric, s.threshold) == ("local_content_share", 0.5)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Target.level("X", "car_output", ">=", 1, due=2030), "metric"),
        (lambda: Target.level("X", "vehicle_output", ">", 1, due=2030), "comparison"),
        (lambda: Target.level("X", "vehicle_output", ">=", -1, due=2030), "threshold"),
        (lambda: Target.share("X", "ckd_share", ">=", 50, due=2030), "threshold"),
        (lambda: Target.share("X", "vehicle_output", ">=", 0.5, due=2030), "metric"),
        (lambda: Target.growth("X", "vehicle_output", 2.0, base=2030, due=2026), "base_year"),
        (lambda: Target.cumulative("X", "vehicle_output", 1, start=2031, due=2030), "window_start"),
        (lambda: Target.level("X y", "vehicle_output", ">=", 1, due=2030), "id"),
        (
            lambda: Target.level("X", "vehicle_output", ">=", 1, due=2030, source_url="www.x"),
            "source_url",
        ),
        (
            lambda: Target.level(
                "X", "vehicle_output", ">=", 1, due=2030, destinations=("russia",)
            ),
            "destinations",
        ),
    ],
)
def test_errors_are_target_errors_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(TargetError) as err:
        make()  # type: ignore[operator]
    assert not isinstance(err.value, ValidationError)
    assert err.value.location == f"field {field}"


def test_target_itself_still_raises_validation_error() -> None:
    with pytest.raises(ValidationError, match="speaker"):
        make_target(speaker="")
    with pytest.raises(ValidationError, match="threshold"):
        make_target(threshold=-1.0)


def test_registry_still_requires_provenance(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "src" / "kzforecast" / "targets" / REGISTRY_NAME
    with source.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["speaker"] = ""
    path = tmp_path / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(TargetError) as err:
        read_registry(path)
    assert err.value.location == "line 2, field speaker"
    assert "required field is missing or empty" in str(err.value)


# --------------------------------------------------------------------------- targets.csv
def test_short_targets_csv(tmp_path: Path) -> None:
    from kzforecast.dataset import write_template

    folder = write_template(tmp_path / "uz")
    (folder / "targets.csv").write_text(
        "id,metric,comparison,threshold,due,kind,reading,base,start,source_url\n"
        "UZ-1M,vehicle_output,>=,1000000,2030,,by,,2024,https://gov.example.uz\n"
        "UZ-X2,vehicle_output,,2,2030,growth,,2021,,\n"
        "UZ-SUM,vehicle_output,>=,3000000,2030,cumulative,,,2026,\n"
        "UZ-LC,local_content_share,>=,0.6,2030,share,,,,\n",
        encoding="utf-8",
    )
    ds = Dataset.from_dir(folder)
    assert ds.targets == (
        Target.level(
            "UZ-1M",
            "vehicle_output",
            ">=",
            1e6,
            due=2030,
            reading="by",
            start=2024,
            source_url="https://gov.example.uz",
        ),
        Target.growth("UZ-X2", "vehicle_output", 2.0, base=2021, due=2030),
        Target.cumulative("UZ-SUM", "vehicle_output", 3e6, start=2026, due=2030),
        Target.share("UZ-LC", "local_content_share", ">=", 0.6, due=2030),
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("A,vehicle_output,>=,lots,2030,,", "threshold"),
        ("A,vehicle_output,,1,2030,,", "comparison"),
        ("A,vehicle_output,>=,1,2030,growth,", "base"),
        ("A,vehicle_output,>=,1,2030,weird,", "kind"),
        ("A,vehicle_output,>=,1,2030,,sometime", "reading"),
    ],
)
def test_short_targets_csv_errors(tmp_path: Path, row: str, field: str) -> None:
    from kzforecast.dataset import write_template

    folder = write_template(tmp_path / "uz")
    (folder / "targets.csv").write_text(
        f"id,metric,comparison,threshold,due,kind,reading\n{row}\n", encoding="utf-8"
    )
    with pytest.raises(TargetError) as err:
        Dataset.from_dir(folder)
    assert err.value.source == "targets.csv"
    assert err.value.location == f"line 2, field {field}"


# --------------------------------------------------------------------------- metrics
def test_export_value_and_passenger_output_are_observed_not_modelled() -> None:
    spec = METRIC_SPECS["export_value_usd"]
    assert spec.history_series == ("export_value_usd_m",)
    assert "export_value_usd" not in MODELLED_METRICS
    assert "passenger_car_output" not in MODELLED_METRICS
    ds = synthetic()  # USD 777.5m of exports in 2020
    assert ds.history().loc[2020, "export_value_usd_m"] == 777.5
    met = Target.level("EV", "export_value_usd", ">=", 700, due=2020)
    missed = Target.level("EV2", "export_value_usd", ">=", 800, due=2020)
    cars = Target.level("PC", "passenger_car_output", ">=", 150_000, due=2020)
    table = verdicts([met, missed, cars], ds.observations())
    assert list(table["status"]) == ["met", "missed", "met"]


def test_export_value_target_is_reported_not_modelled() -> None:
    sc = Scenario.from_dict(
        {
            "name": "t",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2027,
            "initial": INITIAL,
            "blocks": {"capacity": {"existing": 1e7}},
        }
    )
    t = Target.level("EV", "export_value_usd", ">=", 100, due=2027)
    res = check(simulate(sc, paths=1_000, seed=1, targets=[t]))
    assert res["status"].iloc[0].startswith("not modelled")


# --------------------------------------------------------------------------- the growth base
def test_growth_base_in_the_as_of_year_is_the_scenarios_initial_state() -> None:
    """Regression: the base came from the shipped history (171,442) instead of the scenario's
    initial state (100,000), so P(met) was 0 and the metric median 0.584; both must be 1."""
    assert load_history().loc[2025, "vehicle_output"] == 171_442
    sc = Scenario.from_dict(
        {
            "name": "flat",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2027,
            "initial": {**INITIAL, "vehicle_output": 100_000, "output_growth": 0},
            "blocks": {"capacity": {"existing": 1e7}, "trend": {"mu_q": 0, "phi": 0, "s_q": 0}},
        }
    )
    t = make_target(
        transform="ratio_to_base", base_year=2025, due_year=2027, threshold=0.99, unit="ratio"
    )
    res = check(simulate(sc, paths=2_000, seed=3, targets=[t]))
    assert res["p_met"].iloc[0] == 1.0
    assert res["metric_p50"].iloc[0] == pytest.approx(1.0, rel=0.01)


def test_growth_base_before_the_as_of_year_still_reads_the_history() -> None:
    sc = Scenario.from_dict(
        {
            "name": "flat",
            "model": "trend",
            "as_of": 2025,
            "horizon": 2027,
            "initial": {**INITIAL, "vehicle_output": 100_000, "output_growth": 0},
            "blocks": {"capacity": {"existing": 1e7}, "trend": {"mu_q": 0, "phi": 0, "s_q": 0}},
        }
    )
    base = float(load_history().loc[2024, "vehicle_output"])
    t = make_target(
        transform="ratio_to_base", base_year=2024, due_year=2027, threshold=0.5, unit="ratio"
    )
    res = check(simulate(sc, paths=2_000, seed=3, targets=[t]))
    assert res["metric_p50"].iloc[0] == pytest.approx(100_000 / base, rel=0.01)


def test_frame_of_targets_is_plain() -> None:
    ts = [Target.level("A", "vehicle_output", ">=", 1, due=2030)]
    frame = pd.DataFrame([t.model_dump() for t in ts])
    assert frame.loc[0, "id"] == "A"
