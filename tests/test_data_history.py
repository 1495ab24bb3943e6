"""The shipped history: integrity, anchors from the researched sources, wide/long round trip.

Anchor values are typed from the research files (production_annual.csv,
supplement_production.csv, manufacturing_annual.csv, SOURCES*.md), not from
the loader's output.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzforecast.data import (
    QUALIFIERS,
    SERIES,
    load_history,
    load_observations,
    series_catalogue,
    sources,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "data.md"
SHIPPED = Path(__file__).resolve().parents[1] / "src" / "kzforecast" / "data" / "history.csv"


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return load_observations()


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    return load_history()


def one(obs: pd.DataFrame, series: str, year: int, *, preferred: bool = True) -> pd.Series:
    rows = obs[(obs.series == series) & (obs.year == year) & (obs.preferred == preferred)]
    assert len(rows) == 1, (series, year, preferred, len(rows))
    return rows.iloc[0]


def values(obs: pd.DataFrame, series: str, year: int) -> list[float]:
    return sorted(obs[(obs.series == series) & (obs.year == year)]["value"].dropna().tolist())


# --------------------------------------------------------------------------- schema


def test_dtypes(obs: pd.DataFrame) -> None:
    assert obs.columns.tolist() == [
        "series",
        "year",
        "value",
        "qualifier",
        "preferred",
        "confidence",
        "source_ids",
        "note",
    ]
    assert obs["year"].dtype == np.int64
    assert obs["value"].dtype == np.float64
    assert obs["preferred"].dtype == bool
    for column in ("series", "qualifier", "confidence", "source_ids", "note"):
        assert all(isinstance(v, str) for v in obs[column]), column


def test_series_and_qualifiers_are_canonical(obs: pd.DataFrame) -> None:
    assert set(obs.series) <= set(SERIES)
    assert set(obs.qualifier) <= set(QUALIFIERS)
    assert set(obs.loc[obs.qualifier != "missing", "confidence"]) <= {"high", "medium", "low"}


def test_every_canonical_series_has_rows(obs: pd.DataFrame) -> None:
    # the brief's list: gaps must be visible, so even all-gap series have rows
    assert set(obs.series) == set(SERIES)


def test_exactly_one_preferred_row_per_series_year(obs: pd.DataFrame) -> None:
    counts = obs.groupby(["series", "year"])["preferred"].sum()
    assert (counts == 1).all(), counts[counts != 1]


def test_years_contiguous_and_up_to_2025(obs: pd.DataFrame) -> None:
    for name, group in obs[obs.preferred].groupby("series"):
        years = sorted(group.year)
        assert years == list(range(years[0], 2026)), name


def test_missing_rows_have_no_value_and_other_rows_have_one(obs: pd.DataFrame) -> None:
    missing = obs.qualifier == "missing"
    assert obs.loc[missing, "value"].isna().all()
    assert obs.loc[~missing, "value"].notna().all()
    assert np.isfinite(obs.loc[~missing, "value"]).all()


def test_every_value_has_a_source_and_every_row_a_note(obs: pd.DataFrame) -> None:
    with_value = obs[obs.qualifier != "missing"]
    assert (with_value.source_ids.str.len() > 0).all()
    assert (obs.note.str.len() > 0).all()


def test_source_ids_exist_in_sources_csv(obs: pd.DataFrame) -> None:
    known = set(sources().source_id)
    used = {s for ids in obs.source_ids for s in ids.split(";") if s}
    assert used <= known, used - known
    cited = {m for note in obs.note for m in re.findall(r"\b[ABSP]\d{2}b?\b", note)}
    assert cited <= known, cited - known


def test_shares_are_fractions(obs: pd.DataFrame) -> None:
    shares = [name for name, info in SERIES.items() if info.kind == "share"]
    v = obs.loc[obs.series.isin(shares), "value"].dropna()
    assert ((v >= 0) & (v <= 1)).all()
    assert len(v) > 5


def test_counts_levels_prices_non_negative(obs: pd.DataFrame) -> None:
    kinds = {"count", "level", "price", "index"}
    names = [name for name, info in SERIES.items() if info.kind in kinds]
    assert (obs.loc[obs.series.isin(names), "value"].dropna() >= 0).all()


def test_lower_bounds_are_documented(obs: pd.DataFrame) -> None:
    bounds = obs[obs.qualifier == "lower_bound"]
    assert len(bounds) >= 4
    for note in bounds.note:
        assert re.search(r"at least|over|more than", note, re.IGNORECASE), note


def test_derived_rows_give_their_formula(obs: pd.DataFrame) -> None:
    for note in obs.loc[obs.qualifier == "derived", "note"]:
        assert re.search(r"[/x+=-]|mean|chained|sum|base year", note, re.IGNORECASE), note


def test_alternatives_say_why_not_preferred(obs: pd.DataFrame) -> None:
    alternatives = obs[~obs.preferred & (obs.qualifier != "missing")]
    assert len(alternatives) >= 15
    for note in alternatives.note:
        assert "Not preferred" in note, note


# --------------------------------------------------------------------------- anchors


def test_vehicle_output_anchors(obs: pd.DataFrame) -> None:
    r = one(obs, "vehicle_output", 2025)
    assert (r.value, r.qualifier, r.source_ids) == (171442.0, "exact", "A64")
    r = one(obs, "vehicle_output", 2019)
    assert (r.value, r.qualifier) == (50000.0, "lower_bound")  # "over 50,000"
    r = one(obs, "vehicle_output", 2016)
    assert (r.value, r.qualifier) == (11000.0, "approximate")  # "about 11 thousand"
    assert one(obs, "vehicle_output", 2014).qualifier == "missing"
    # 2015: cars 12,450 + trucks 1,660, buses unknown
    r = one(obs, "vehicle_output", 2015)
    assert (r.value, r.qualifier) == (12450 + 1660, "lower_bound")
    # 2023: the AKAB categories add up
    assert one(obs, "vehicle_output", 2023).value == 136459 + 8033 + 3089


def test_vehicle_output_conflicts_keep_both_values(obs: pd.DataFrame) -> None:
    # 2020: OICA cars + commercial vehicles preferred over "more than 77 thousand"
    assert one(obs, "vehicle_output", 2020).value == 64790 + 10041
    alt = one(obs, "vehicle_output", 2020, preferred=False)
    assert (alt.value, alt.qualifier) == (77000.0, "lower_bound")
    # 2021: BNS 93.5k = OICA total + trailers 731 + special vehicles 377 (outside the definition)
    assert one(obs, "vehicle_output", 2021).value == 80679 + 11738
    assert round((80679 + 11738 + 731 + 377) / 100) * 100 == 93500
    assert one(obs, "vehicle_output", 2021, preferred=False).value == 93500
    # 2022: AKAB-based derivation, within its rounding; OICA kept
    r = one(obs, "vehicle_output", 2022)
    assert r.qualifier == "derived"
    assert abs(r.value - (105738 + 8033 / 1.302 + 3089 / 2.5)) < 50
    assert one(obs, "vehicle_output", 2022, preferred=False).value == 103345 + 9195
    # 2024: KAU preferred, the government's 134,000 kept
    assert one(obs, "vehicle_output", 2024).value == 145300
    assert one(obs, "vehicle_output", 2024, preferred=False).value == 134000


def test_other_anchors(obs: pd.DataFrame) -> None:
    assert one(obs, "passenger_car_output", 2019).value == 44861
    assert abs(one(obs, "passenger_car_output", 2017).value - 30042 / 1.81) < 1
    assert one(obs, "export_units", 2017).value == 1548
    assert values(obs, "export_units", 2019) == [1900.0, 2700.0]
    assert abs(one(obs, "new_vehicle_sales", 2014).value - 97450 / (1 - 0.404)) < 10
    assert values(obs, "new_vehicle_sales", 2018) == [58253.0, 61600.0]
    assert one(obs, "new_vehicle_sales", 2025).value == 234900
    assert one(obs, "domestic_share_of_sales", 2019).value == pytest.approx(0.59)
    assert one(obs, "domestic_share_of_sales", 2023).value == pytest.approx(0.707)
    assert one(obs, "local_content_share", 2014).value == pytest.approx(0.30)
    assert one(obs, "ckd_share", 2023).value == pytest.approx(1 - 0.90)
    assert one(obs, "usd_kzt", 2015).value == pytest.approx(222.36)
    assert one(obs, "rub_kzt", 2015).value == pytest.approx(3.619)
    assert one(obs, "processing_real_growth", 2017).value == pytest.approx(0.056)
    assert one(obs, "processing_real_growth", 2009).value == pytest.approx(-0.029)
    assert one(obs, "processing_exports_usd_bn", 2023).value == pytest.approx(25.3)
    assert one(obs, "processing_investment_kzt_trn", 2017).value == pytest.approx(0.9816)


def test_plant_level_localization_claims_are_not_preferred(obs: pd.DataFrame) -> None:
    for year in (2021, 2022):
        assert one(obs, "local_content_share", year).qualifier == "missing"
        assert one(obs, "local_content_share", year, preferred=False).value == 0.5


def test_important_gaps_are_visible(obs: pd.DataFrame) -> None:
    gaps = [("vehicle_output", 2014), ("export_units", 2016), ("export_units", 2018)]
    gaps += [("export_units", y) for y in range(2020, 2026)]
    gaps += [("domestic_share_of_sales", y) for y in range(2022, 2026) if y != 2023]
    gaps += [
        ("processing_real_growth", 2024),
        ("processing_output_kzt_trn", 2024),
        ("processing_exports_usd_bn", 2024),
        ("processing_investment_kzt_trn", 2024),
    ]
    for series, year in gaps:
        assert one(obs, series, year).qualifier == "missing", (series, year)
    budget = obs[obs.series == "processing_state_budget_share"]
    assert len(budget) > 0
    assert (budget.qualifier == "missing").all()


def test_processing_output_index_is_the_chained_growth(obs: pd.DataFrame) -> None:
    r = one(obs, "processing_output_index", 2015)
    assert (r.value, r.qualifier) == (1.0, "derived")
    assert abs(one(obs, "processing_output_index", 2017).value - 1.006 * 1.056) < 1e-12
    # SOURCES_manufacturing.md: +17.5% by 2019 and +22.3% by 2020 on 2015
    assert one(obs, "processing_output_index", 2019).value == pytest.approx(1.175, abs=5e-4)
    assert one(obs, "processing_output_index", 2020).value == pytest.approx(1.223, abs=5e-4)
    growth = {
        int(r.year): float(r.value)
        for r in obs[(obs.series == "processing_real_growth") & obs.preferred].itertuples()
    }
    index = obs[(obs.series == "processing_output_index") & (obs.qualifier != "missing")]
    for r in index.itertuples():
        year = int(r.year)
        if year > 2015:
            expected = math.prod(1 + growth[t] for t in range(2016, year + 1))
        else:
            expected = 1 / math.prod(1 + growth[t] for t in range(year + 1, 2016))
        assert r.value == pytest.approx(expected, rel=1e-12), year
    # chain broken in 2024 (growth unknown), so no index from 2024 on
    assert one(obs, "processing_output_index", 2024).qualifier == "missing"
    assert one(obs, "processing_output_index", 2025).qualifier == "missing"


def test_cumulative_output_2016_2025_far_above_200k(obs: pd.DataFrame) -> None:
    pref = obs[(obs.series == "vehicle_output") & obs.preferred & obs.year.between(2016, 2025)]
    assert pref.value.sum() > 200_000


# --------------------------------------------------------------------------- wide table


def test_wide_round_trip(obs: pd.DataFrame, wide: pd.DataFrame) -> None:
    pref = obs[obs.preferred]
    assert wide.index.name == "year"
    assert wide.index.dtype == np.int64
    assert wide.index.tolist() == list(range(pref.year.min(), pref.year.max() + 1))
    assert (wide.dtypes == np.float64).all()
    assert list(wide.columns) == [s for s in SERIES if s in wide.columns]
    with_data = set(pref.loc[pref.value.notna(), "series"])
    assert set(wide.columns) == with_data
    for r in pref.itertuples():
        if r.series not in wide.columns:
            continue
        got = wide.loc[r.year, r.series]
        if math.isnan(r.value):
            assert math.isnan(got), (r.series, r.year)
        else:
            assert got == r.value, (r.series, r.year)
    # years without any row of a series are NaN too
    assert wide["ckd_share"].loc[:2022].isna().all()


def test_wide_alternatives(obs: pd.DataFrame) -> None:
    alt = load_history(include_alternatives=True)
    extra = [c for c in alt.columns if ".alt" in c]
    base = load_history()
    pd.testing.assert_frame_equal(alt[base.columns], base)
    non_pref = obs[~obs.preferred & obs.value.notna()]
    assert alt[extra].notna().sum().sum() == len(non_pref)
    for r in non_pref.itertuples():
        cols = [c for c in extra if c.startswith(f"{r.series}.alt")]
        assert r.value in alt.loc[r.year, cols].tolist()


def test_load_history_from_user_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "series,year,value,qualifier\n"
        "vehicle_output,2020,74831,exact\n"
        "vehicle_output,2022,113100,derived\n"
        "usd_kzt,2021,426.0,\n"
    )
    wide = load_history(path)
    assert wide.index.tolist() == [2020, 2021, 2022]
    assert wide.columns.tolist() == ["vehicle_output", "usd_kzt"]
    assert math.isnan(wide.loc[2021, "vehicle_output"])
    assert wide.loc[2021, "usd_kzt"] == 426.0


def test_user_file_defaults(tmp_path: Path) -> None:
    path = tmp_path / "min.csv"
    path.write_text("series,year,value\nckd_share,2024,0.2\n")
    o = load_observations(str(path))
    assert o.to_dict("records") == [
        {
            "series": "ckd_share",
            "year": 2024,
            "value": 0.2,
            "qualifier": "exact",
            "preferred": True,
            "confidence": "",
            "source_ids": "",
            "note": "",
        }
    ]
    assert o["year"].dtype == np.int64


def test_dataframe_input_matches_csv_input(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "series": ["vehicle_output", "vehicle_output", "export_units"],
            "year": [2019, 2019, 2019],
            "value": [50000, 48424, np.nan],
            "qualifier": ["lower_bound", "derived", "missing"],
            "preferred": [True, False, True],
        }
    )
    path = tmp_path / "same.csv"
    frame.to_csv(path, index=False)
    pd.testing.assert_frame_equal(load_observations(frame), load_observations(path))


def test_shipped_file_read_as_a_user_file_gives_the_same_table(obs: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(load_observations(SHIPPED), obs)


def test_loaders_return_copies() -> None:
    a = load_observations()
    a.loc[0, "value"] = -1.0
    assert load_observations().loc[0, "value"] != -1.0


def test_series_catalogue() -> None:
    cat = series_catalogue()
    assert cat.name.tolist() == list(SERIES)
    assert set(cat.kind) <= {"count", "share", "rate", "price", "level", "index"}
    kinds = dict(zip(cat.name, cat.kind))
    assert kinds["domestic_share_of_sales"] == "share"
    assert kinds["processing_output_index"] == "index"
    assert kinds["usd_kzt"] == "price"


def test_docs_cover_every_series() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in SERIES:
        assert f"`{name}`" in text, name
    for q in QUALIFIERS:
        assert f"`{q}`" in text, q
