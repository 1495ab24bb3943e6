"""The shipped target registry: integrity, canonical units, the 2016 targets, loading errors."""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import pytest
from pydantic import ValidationError

from kzforecast.errors import TargetError
from kzforecast.targets import (
    DESTINATION_SERIES,
    HISTORY_INPUTS,
    HISTORY_SERIES,
    METRIC_SPECS,
    METRIC_TABLE,
    METRICS,
    MODELLED_METRICS,
    SHARE_METRICS,
    Metric,
    Target,
    get_target,
    load_targets,
    read_registry,
    targets_frame,
)

# Derived by hand from ../shared/data/targets.csv (45 rows) and
# programme_targets_manufacturing.csv (14 rows), minus the four 2016 manufacturing
# rows that restate the 1 July 2016 statement (merged as aliases).
EXPECTED_IDS = {
    "CONCEPT2013-OUT",
    "KZ2010-IA-IMP70",
    "KZ2010-IA-LC50",
    "KZ2013-RAU-300K",
    "KZ2014-ASSOC-EXP11K",
    "KZ2014-ASSOC-EXP21K",
    "KZ2014-ASSOC-EXP58K",
    "KZ2014-ISE-60K",
    "KZ2014-RAU-CAP200K",
    "KZ2014-SAG-LOC50",
    "KZ2014-SAG-RU100K",
    "KZ2014-SPIID-190K",
    "KZ2014-SPIID-EXP30",
    "KZ2014-SPIID-LOC50",
    "KZ2016-KAS-200K",
    "KZ2016-KAS-EXPSTART",
    "KZ2016-KAS-INV4.5",
    "KZ2016-KAS-LOC50",
    "KZ2016-KAS-MFG22",
    "KZ2016-KAS-MFGEXP19",
    "KZ2016-KAS-PPP4",
    "KZ2016-MID-LOC50",
    "KZ2016-RAU-LC50",
    "KZ2018-KAS-100K",
    "KZ2018-KAS-LOC50",
    "KZ2019-SKL-60K",
    "KZ2020-GOV-100K",
    "KZ2021-ATA-EXP33",
    "KZ2021-ATA-LC50",
    "KZ2022-SAP-109K",
    "KZ2022-USS-110K",
    "KZ2022-USS-135K",
    "KZ2023-KAR-150K",
    "KZ2023-KAR-500K",
    "KZ2023-KAR-CKD1",
    "KZ2024-MIC-2X",
    "KZ2024-SHA-160K",
    "KZ2024-SHA-CKD20",
    "KZ2024-SHA-CKD200K",
    "KZ2024-SHA-CKD30",
    "KZ2024-SHA-CKD40",
    "KZ2024-SHA-CKD50",
    "KZ2024-SHA-WELD",
    "KZ2025-GOV-149K",
    "KZ2025-KIA-LC50",
    "KZ2026-KAU-209K",
    "MACHBLD2028-EXP",
    "MACHBLD2028-OUT",
    "SPFIID1014-LP",
    "SPFIID1014-NCX",
    "SPIID1519-EXP",
    "SPIID1519-LP",
    "TOKAYEV-EXP-1.5X",
    "TOKAYEV-EXP-24",
    "TOKAYEV-LP-30",
}
MERGED_ALIASES = {
    "KZ2016-MFG-22": "KZ2016-KAS-MFG22",
    "KZ2016-EXP-19": "KZ2016-KAS-MFGEXP19",
    "KZ2016-INV-4.5": "KZ2016-KAS-INV4.5",
    "KZ2016-LEV-4": "KZ2016-KAS-PPP4",
}
N_SHARED_ROWS = 45 + 14


@pytest.fixture(scope="module")
def registry() -> list[Target]:
    return load_targets()


def _registry_file() -> Path:
    return Path(str(resources.files("kzforecast.targets").joinpath("registry.csv")))


# --------------------------------------------------------------------------- integrity


def test_ids_match_the_shared_files_minus_merged_duplicates(registry: list[Target]) -> None:
    ids = {t.id for t in registry}
    assert ids == EXPECTED_IDS
    assert len(ids) == N_SHARED_ROWS - len(MERGED_ALIASES)


def test_id_reading_pairs_are_unique(registry: list[Target]) -> None:
    counts = Counter(t.key for t in registry)
    assert [k for k, n in counts.items() if n > 1] == []


def test_exactly_one_default_reading_per_id(registry: list[Target]) -> None:
    defaults = Counter(t.id for t in registry if t.default_reading)
    assert set(defaults) == EXPECTED_IDS
    assert set(defaults.values()) == {1}


def test_every_row_has_an_http_source(registry: list[Target]) -> None:
    for t in registry:
        assert re.match(r"^https?://\S+$", t.source_url), t.key


def test_every_metric_is_in_the_literal(registry: list[Target]) -> None:
    allowed = set(get_args(Metric))
    assert {t.metric for t in registry} <= allowed


def test_metric_tables_cover_every_metric() -> None:
    allowed = get_args(Metric)
    assert set(HISTORY_SERIES) == set(allowed) == set(HISTORY_INPUTS)
    assert set(MODELLED_METRICS) <= set(allowed)
    assert "assembly_capacity" in MODELLED_METRICS
    assert "ckd_output" in MODELLED_METRICS  # ckd_share x vehicle_output, both simulated
    for m in ("passenger_car_output", "labour_productivity", "noncommodity_export_share", "other"):
        assert m not in MODELLED_METRICS
    assert HISTORY_SERIES["export_share_of_output"] == "export_units"
    assert HISTORY_INPUTS["export_share_of_output"] == ("export_units", "vehicle_output")
    assert HISTORY_SERIES["labour_productivity"] is None


def test_vintage_matches_the_statement_date(registry: list[Target]) -> None:
    for t in registry:
        if t.stated_on is not None:
            assert t.vintage == t.stated_on.isoformat()
            assert t.stated_year == t.stated_on.year
        elif t.stated_year is not None:
            assert t.vintage == str(t.stated_year)
            assert t.stated_on_note, f"{t.key}: undated statement needs a note"
        else:
            assert t.vintage == "undated"


def test_superseded_by_points_to_a_later_statement(registry: list[Target]) -> None:
    by_id = {t.id: t for t in registry}
    for t in registry:
        if t.superseded_by is None:
            continue
        later = by_id[t.superseded_by]
        assert later.stated_year is not None
        assert t.stated_year is not None
        assert later.stated_year >= t.stated_year
        if t.stated_on is not None and later.stated_on is not None:
            assert later.stated_on > t.stated_on


def test_merged_rows_are_aliases_not_ids(registry: list[Target]) -> None:
    for alias, target_id in MERGED_ALIASES.items():
        assert alias not in {t.id for t in registry}
        assert get_target(alias).id == target_id
        assert all(alias in t.aliases for t in registry if t.id == target_id)


def test_industry_bodies_and_forecasts_are_not_official(registry: list[Target]) -> None:
    unofficial = {t.id for t in registry if not t.official}
    assert unofficial == {
        "KZ2014-ASSOC-EXP11K",
        "KZ2014-ASSOC-EXP21K",
        "KZ2014-ASSOC-EXP58K",
        "KZ2022-USS-110K",
        "KZ2025-KIA-LC50",
        "KZ2025-GOV-149K",
        "KZ2026-KAU-209K",
    }


def test_interpretations_are_one_sentence(registry: list[Target]) -> None:
    for t in registry:
        assert "\n" not in t.interpretation
        assert t.interpretation.endswith(".")


# --------------------------------------------------------------------------- the 2016 targets


def _readings(registry: list[Target], target_id: str) -> dict[str, Target]:
    return {t.reading: t for t in registry if t.id == target_id}


def test_t1_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2016-KAS-200K")
    assert {"annual-2025", "cumulative-2016-2025"} <= set(r)
    annual, cum = r["annual-2025"], r["cumulative-2016-2025"]
    assert annual.default_reading
    assert not cum.default_reading
    assert (annual.metric, annual.transform, annual.timing, annual.due_year) == (
        "vehicle_output",
        "level",
        "in_year",
        2025,
    )
    assert (cum.transform, cum.window_start, cum.due_year) == ("cumulative", 2016, 2025)
    assert annual.threshold == cum.threshold == 200_000


def test_t2_window_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2016-KAS-LOC50")
    assert set(r) == {"window-first", "window-last", "window-any"}
    for rule in ("first", "last", "any"):
        t = r[f"window-{rule}"]
        assert t.metric == "local_content_share"
        assert t.threshold == 0.5
        assert (t.timing, t.window_start, t.due_year, t.window_rule) == (
            "window",
            2019,
            2020,
            rule,
        )
    assert r["window-last"].default_reading
    assert r["window-first"].decisive_year == 2019


def test_t3_export_start(registry: list[Target]) -> None:
    (t,) = _readings(registry, "KZ2016-KAS-EXPSTART").values()
    assert (t.metric, t.comparison, t.threshold, t.timing, t.due_year) == (
        "export_units",
        ">=",
        1.0,
        "in_year",
        2016,
    )
    assert t.destinations == ("russia", "central_asia")


def test_t4_growth_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2016-KAS-MFG22")
    assert set(r) == {"output-2020", "output-2019", "productivity-2020"}
    assert r["output-2020"].default_reading
    for t in r.values():
        assert t.threshold == 1.22
        assert t.transform == "ratio_to_base"
        assert t.base_year == 2015
    assert r["output-2020"].metric == r["output-2019"].metric == "processing_output_index"
    assert (r["output-2020"].due_year, r["output-2019"].due_year) == (2020, 2019)
    assert r["productivity-2020"].metric == "labour_productivity"


def test_t5_export_growth_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2016-KAS-MFGEXP19")
    assert set(r) == {"exports-2020", "exports-2019"}
    assert r["exports-2020"].default_reading
    for t in r.values():
        assert (t.metric, t.threshold, t.base_year) == ("processing_exports_usd_bn", 1.19, 2015)


def test_t6_investment_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2016-KAS-INV4.5")
    assert set(r) == {"cumulative-2016-2020", "cumulative-2015-2019"}
    assert r["cumulative-2016-2020"].default_reading
    assert (r["cumulative-2015-2019"].window_start, r["cumulative-2015-2019"].due_year) == (
        2015,
        2019,
    )
    for t in r.values():
        assert (t.metric, t.threshold, t.transform) == (
            "processing_investment_kzt_trn",
            4.5,
            "cumulative",
        )


def test_t7_private_per_state(registry: list[Target]) -> None:
    (t,) = _readings(registry, "KZ2016-KAS-PPP4").values()
    assert (t.metric, t.threshold, t.transform, t.window_start, t.due_year) == (
        "private_per_state_investment",
        4.0,
        "cumulative",
        2016,
        2020,
    )


def test_seven_targets_of_1_july_2016() -> None:
    july = load_targets(vintage="2016-07-01", default_only=True)
    assert [t.id for t in july] == [
        "KZ2016-KAS-200K",
        "KZ2016-KAS-LOC50",
        "KZ2016-KAS-EXPSTART",
        "KZ2016-KAS-MFG22",
        "KZ2016-KAS-MFGEXP19",
        "KZ2016-KAS-INV4.5",
        "KZ2016-KAS-PPP4",
    ]


def test_other_window_targets_have_readings(registry: list[Target]) -> None:
    r = _readings(registry, "KZ2018-KAS-LOC50")
    assert set(r) == {"window-first", "window-last", "window-any"}
    assert {(t.window_start, t.due_year) for t in r.values()} == {(2020, 2021)}


def test_statements_without_a_year_have_no_deadline(registry: list[Target]) -> None:
    for target_id in ("KZ2010-IA-LC50", "KZ2013-RAU-300K", "KZ2020-GOV-100K", "KZ2023-KAR-CKD1"):
        for t in _readings(registry, target_id).values():
            assert t.timing == "none"
            assert t.due_year is None


def test_shares_are_fractions(registry: list[Target]) -> None:
    for t in registry:
        if t.metric.endswith("_share") or t.metric == "export_share_of_output":
            assert 0 <= t.threshold <= 1, t.key
    assert get_target("KZ2021-ATA-EXP33").threshold == pytest.approx(1 / 3)
    assert get_target("KZ2024-SHA-CKD50").threshold == 0.5


# --------------------------------------------------------------------------- filters


def test_vintage_year_includes_undated_statements() -> None:
    ids = {t.id for t in load_targets(vintage="2016")}
    assert "KZ2016-MID-LOC50" in ids  # 2016, day not known
    assert "KZ2016-RAU-LC50" in ids
    assert "KZ2016-KAS-200K" in ids


def test_filters_combine() -> None:
    got = load_targets(metric="vehicle_output", due_year=2025, default_only=True)
    assert {t.id for t in got} == {"KZ2016-KAS-200K", "KZ2025-GOV-149K"}
    in_force = load_targets(in_force=2025)
    assert all(
        t.superseded_by is None and (t.due_year is None or t.due_year > 2025) for t in in_force
    )
    assert "KZ2016-KAS-LOC50" not in {t.id for t in load_targets(in_force=2016)}


def test_unknown_vintage_lists_the_available_ones() -> None:
    with pytest.raises(TargetError, match=r"unknown vintage '2017'.*2016-07-01") as err:
        load_targets(vintage="2017")
    assert "2016" in (err.value.allowed or "")


def test_unknown_metric_lists_the_metrics() -> None:
    with pytest.raises(TargetError, match=r"unknown metric 'production'.*vehicle_output"):
        load_targets(metric="production")


def test_empty_selection_names_the_filters() -> None:
    with pytest.raises(TargetError, match=r"vintage=2016.*metric=ckd_share"):
        load_targets(vintage="2016", metric="ckd_share")


def test_get_target_errors() -> None:
    assert get_target("KZ2016-KAS-200K").reading == "annual-2025"
    with pytest.raises(TargetError, match="unknown target id"):
        get_target("NOPE")
    with pytest.raises(TargetError, match=r"no reading 'annual-2030'.*cumulative-2016-2025"):
        get_target("KZ2016-KAS-200K", "annual-2030")


def test_targets_frame() -> None:
    targets = load_targets(vintage="2016-07-01")
    frame = targets_frame(targets)
    assert len(frame) == len(targets)
    assert frame["due_year"].dtype == "Int64"
    assert frame["threshold"].dtype == float
    dest = frame.set_index(["id", "reading"])["destinations"]
    assert dest.loc[("KZ2016-KAS-EXPSTART", "start-2016")] == "russia;central_asia"
    assert isinstance(targets_frame(), pd.DataFrame)


# --------------------------------------------------------------------------- bad rows


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with _registry_file().open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(tmp_path: Path, fields: list[str], rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_shipped_file_reads_through_read_registry() -> None:
    assert len(read_registry(_registry_file())) == len(load_targets())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", "50", r"fraction"),
        ("source_url", "ftp://example.org", r"field source_url"),
        ("metric", "production_total", r"field metric"),
        ("comparison", ">", r"field comparison"),
        ("due_year", "", r"due_year"),
        ("vintage", "2016-07-02", r"field vintage"),
    ],
)
def test_bad_row_names_file_line_and_field(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    fields, rows = _rows()
    index = next(i for i, r in enumerate(rows) if r["id"] == "KZ2016-KAS-LOC50")
    rows[index] = {**rows[index], field: value}
    path = _write(tmp_path, fields, rows)
    with pytest.raises(TargetError, match=message) as err:
        read_registry(path)
    assert err.value.source == "registry.csv"
    assert err.value.location is not None
    assert err.value.location.startswith(f"line {index + 2}")
    assert str(err.value).startswith(f"registry.csv: line {index + 2}")
    assert f"field {field}" in err.value.location


def test_duplicate_reading_is_an_error(tmp_path: Path) -> None:
    fields, rows = _rows()
    path = _write(tmp_path, fields, [*rows, rows[0]])
    with pytest.raises(TargetError, match=r"duplicate \(id, reading\)"):
        read_registry(path)


def test_two_defaults_is_an_error(tmp_path: Path) -> None:
    fields, rows = _rows()
    for r in rows:
        if r["id"] == "KZ2016-KAS-200K":
            r["default_reading"] = "true"
    with pytest.raises(TargetError, match="3 default readings; exactly one"):
        read_registry(_write(tmp_path, fields, rows))


def test_unknown_column_is_an_error(tmp_path: Path) -> None:
    fields, rows = _rows()
    rows = [{**r, "colour": "red"} for r in rows]
    with pytest.raises(TargetError, match=r"line 2, field colour: unknown column"):
        read_registry(_write(tmp_path, [*fields, "colour"], rows))


def test_load_targets_reads_a_user_registry(tmp_path: Path) -> None:
    fields, rows = _rows()
    path = _write(tmp_path, fields, [r for r in rows if r["id"] == "KZ2016-KAS-200K"])
    assert len(load_targets(path=path)) == 3


# --------------------------------------------------------------------------- the model


def _target(**overrides: Any) -> Target:
    base: dict[str, Any] = {
        "id": "X-1",
        "reading": "annual-2025",
        "default_reading": True,
        "stated_on": datetime.date(2016, 7, 1),
        "speaker": "s",
        "office": "o",
        "source_url": "https://example.org",
        "confidence": "high",
        "quote": "q",
        "official": True,
        "metric": "vehicle_output",
        "comparison": ">=",
        "threshold": 1.0,
        "unit": "vehicles",
        "transform": "level",
        "timing": "in_year",
        "due_year": 2025,
        "interpretation": "Something is true.",
    }
    base.update(overrides)
    return Target(**base)


def test_model_fills_vintage_and_by_year_start() -> None:
    t = _target(timing="by_year")
    assert (t.vintage, t.stated_year, t.window_start) == ("2016-07-01", 2016, 2016)
    undated = _target(stated_on=None)
    assert undated.vintage == "undated"
    assert _target(stated_on=None, stated_year=2014).vintage == "2014"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"transform": "ratio_to_base"}, "base_year: required"),
        ({"transform": "ratio_to_base", "base_year": 2025}, "base_year: 2025 must be before"),
        ({"timing": "window", "window_start": 2024}, "window_rule"),
        ({"timing": "window", "window_start": 2026, "window_rule": "any"}, "window_start"),
        ({"metric": "ckd_share", "threshold": 50}, "fraction"),
        ({"threshold": float("nan")}, "finite"),
        ({"threshold": -1}, ">= 0"),
        ({"timing": "none"}, "due_year: must be empty"),
        ({"transform": "cumulative"}, "window_start"),
        ({"destinations": ("mars",), "metric": "export_units"}, "destinations: unknown"),
        ({"destinations": ("russia",)}, "only export metrics"),
        ({"superseded_by": "X-1"}, "itself"),
        ({"interpretation": "no full stop"}, "one sentence"),
        ({"stated_year": 2015}, "does not match"),
        ({"colour": "red"}, "Extra inputs"),
        ({"source_url": "www.example.org"}, "source_url"),
    ],
)
def test_model_rejects_inconsistent_targets(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _target(**overrides)


def test_unstated_base_only_for_unmeasured_metrics() -> None:
    t = _target(metric="labour_productivity", transform="ratio_to_base", threshold=1.3)
    assert t.base_year is None


def test_model_is_frozen() -> None:
    t = _target()
    with pytest.raises(ValidationError):
        t.threshold = 2.0  # type: ignore[misc]


def test_in_force() -> None:
    assert _target().in_force(2024)
    assert not _target().in_force(2025)
    assert not _target(superseded_by="X-2").in_force(2000)
    assert _target(timing="none", due_year=None).in_force(2100)


# --------------------------------------------------------------------------- the metric table


def test_metric_table_lists_every_metric_once_and_derives_the_rest() -> None:
    assert METRICS == get_args(Metric) == tuple(s.name for s in METRIC_TABLE)
    assert set(METRIC_SPECS) == set(METRICS)
    assert tuple(s.name for s in METRIC_TABLE if s.simulated) == MODELLED_METRICS
    assert {s.name for s in METRIC_TABLE if s.share} == SHARE_METRICS
    for s in METRIC_TABLE:
        assert HISTORY_INPUTS[s.name] == s.history_series
        assert bool(s.formula) == bool(s.simulated), s.name
        assert bool(s.history_formula) == bool(s.history_series), s.name
        # the formulas name the variables and series they combine
        assert all(v in s.formula for v in s.simulated), s.name
        assert all(v in s.history_formula for v in s.history_series), s.name
        assert len(s.simulated) == (1 if s.combine == "value" else 2) or not s.simulated, s.name
        assert set(s.destinations) <= set(DESTINATION_SERIES), s.name
    exports = {s.name for s in METRIC_TABLE if s.destinations}
    assert exports == {"export_units", "export_share_of_output"}


def _every_metric_targets() -> list[Target]:
    out = []
    for m in METRICS:
        share = m in SHARE_METRICS
        out.append(
            Target(
                id="EVERY-METRIC",
                reading=m.replace("_", "-"),
                default_reading=m == METRICS[0],
                stated_on="2025-06-01",
                speaker="A. Tester",
                office="Test ministry",
                source_url="https://example.org/statement",
                confidence="high",
                quote="A test target.",
                official=True,
                metric=m,
                comparison=">=",
                threshold=0.3 if share else 1.0,
                unit="fraction" if share else "units",
                transform="level",
                timing="in_year",
                due_year=2028,
                interpretation=f"{m} in 2028 is at least the threshold.",
            )
        )
    return out


@pytest.mark.parametrize("model", ["structural", "trend"])
def test_check_evaluates_exactly_the_metrics_the_model_simulates(model: str) -> None:
    from kzforecast.engine.simulate import simulate
    from kzforecast.results.check import check
    from kzforecast.results.evaluate import metric_models
    from kzforecast.scenario import Scenario

    data = Scenario.builtin("baseline").to_dict()
    data["model"] = model
    scenario = Scenario.from_dict(data)
    table = check(simulate(scenario, paths=2048, seed=1, targets=_every_metric_targets()))
    table = table.set_index("metric")
    assert list(table.index) == list(METRICS)
    for m in METRICS:
        status, p = table.loc[m, "status"], table.loc[m, "p_met"]
        if m in MODELLED_METRICS and model in metric_models(m):
            assert status == "evaluated", (m, status)
            assert 0.0 <= p <= 1.0, m
        else:
            assert status.startswith("not modelled"), (m, status)
            assert pd.isna(p), m
    if model == "structural":  # the built-in baseline evaluates every modelled metric
        assert {m for m in METRICS if table.loc[m, "status"] == "evaluated"} == set(
            MODELLED_METRICS
        )


def _markdown_table_after(text: str, heading: str) -> list[list[str]]:
    """The cells of the first Markdown table after a heading (header and separator dropped)."""
    lines = text[text.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert set("".join(rows[1])) <= set("-: "), "second line must be the separator"
    return [rows[0], *rows[2:]]


def test_docs_metric_table_matches_the_library() -> None:
    from kzforecast.results.evaluate import simulated_by
    from kzforecast.targets.metrics import METRIC_COLUMNS, metric_rows

    docs = Path(__file__).resolve().parents[1] / "docs" / "targets.md"
    header, *rows = _markdown_table_after(docs.read_text(encoding="utf-8"), "## 3. Metrics")
    assert tuple(header) == METRIC_COLUMNS
    assert [tuple(r) for r in rows] == metric_rows(simulated_by())
    by_metric = {r[0].strip("`"): r for r in rows}
    assert by_metric["passenger_car_output"][3] == "-"
    assert by_metric["ckd_output"][3] == "structural"
    assert by_metric["vehicle_output"][3] == "structural, trend"
