"""The OICA cross-country panel (kzforecast.data.panel) and its rule for suspect values."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import kzforecast.data.panel as panel_module
from kzforecast.data import load_observations
from kzforecast.data.panel import (
    COLLAPSE_RATIO,
    NEIGHBOUR_RATIO,
    PANEL_COLUMNS,
    PANEL_MIN_SERIES,
    PANEL_QUALIFIERS,
    PANEL_TYPES,
    flag_suspect,
    load_oica,
    oica_countries,
    oica_sources,
    suspect_report,
)
from kzforecast.errors import ArgumentError, ArgumentTypeError, DataError


@pytest.fixture(scope="module")
def production() -> pd.DataFrame:
    return load_oica("production")


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    return load_oica("sales")


def _row(frame: pd.DataFrame, country: str, year: int, type_: str) -> pd.Series:
    rows = frame[(frame.country == country) & (frame.year == year) & (frame.type == type_)]
    assert len(rows) == 1, (country, year, type_)
    return rows.iloc[0]


def _flagged(frame: pd.DataFrame) -> set[tuple[str, int, str]]:
    rows = frame[frame.qualifier == "suspect"]
    return {(c, int(y), t) for c, y, t in zip(rows.country, rows.year, rows.type)}


# ---------------------------------------------------------------- shape and provenance


@pytest.mark.parametrize("kind", ["production", "sales"])
def test_columns_types_and_vocabulary(kind: str) -> None:
    frame = load_oica(kind)  # type: ignore[arg-type]
    assert tuple(frame.columns) == PANEL_COLUMNS
    assert frame["year"].dtype == "int64"
    assert frame["value"].dtype == "int64"
    assert (frame["value"] >= 0).all()
    assert set(frame["type"]) == set(PANEL_TYPES)
    assert set(frame["qualifier"]) <= set(PANEL_QUALIFIERS)
    assert not frame.duplicated(["country", "type", "year"]).any()
    assert frame.notna().all().all()
    assert set(frame.loc[frame.type != "total", "qualifier"]) <= {"exact", "suspect"}
    assert set(frame.loc[frame.type == "total", "qualifier"]) <= {"derived", "suspect"}


def test_sizes_match_the_compilation(production: pd.DataFrame, sales: pd.DataFrame) -> None:
    # 1,420 production rows less 31 NA values (4 of them the empty trailing 2023 rows);
    # 4,724 sales rows less 2 NA values (Botswana CV 2018-2019).
    assert (production.type != "total").sum() == 1420 - 31
    assert (sales.type != "total").sum() == 4724 - 2
    assert len(oica_countries()) == 43
    assert "Others" in oica_countries()
    assert len(oica_countries("sales")) == 142
    assert oica_countries() == sorted(oica_countries())
    assert (production.year.min(), production.year.max()) == (2006, 2023)
    assert (sales.year.min(), sales.year.max()) == (2005, 2023)


def test_every_row_has_a_source(production: pd.DataFrame, sales: pd.DataFrame) -> None:
    src = oica_sources()
    assert list(src.columns) == ["source_id", "outlet", "title", "url", "date", "notes"]
    assert src["source_id"].is_unique
    assert (src["url"].str.startswith("https://")).all()
    ids = set(src["source_id"])
    for frame in (production, sales):
        assert frame["source_id"].isin(ids).all()
    assert (production["source_id"] == "OICA-P" + production["year"].astype(str)).all()
    assert (sales["source_id"] == "OICA-S").all()
    compilation = src.set_index("source_id").loc["HELVESTON-OICA"]
    assert "098bb086a3a8304a6cfee22a75989052566831de" in compilation["notes"]
    assert "Copyright (c) 2022 John Paul Helveston, MIT License" in compilation["notes"]


def test_package_data_and_licence_are_shipped() -> None:
    folder = resources.files("kzforecast.data").joinpath("oica")
    names = {entry.name for entry in folder.iterdir()}
    assert {"production.csv", "sales_country.csv", "LICENSE", "README.md"} <= names
    licence = folder.joinpath("LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2022 John Paul Helveston" in licence
    assert "MIT License" in licence
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "098bb08" in readme
    assert "https://www.oica.net/" in readme


def test_panel_module_imports_only_the_allowed_modules() -> None:
    # Data layer: kzforecast.errors / kzforecast._io, numpy, pandas and the standard library;
    # no scipy at import time.
    tree = ast.parse(Path(panel_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    allowed = {"__future__", "collections.abc", "difflib", "functools", "importlib", "typing"}
    allowed |= {"numpy", "pandas", "kzforecast.errors", "kzforecast._io"}
    assert imported <= allowed, imported - allowed


def test_returns_a_fresh_copy() -> None:
    first = load_oica(countries="Kazakhstan")
    first.loc[:, "value"] = -1
    assert (load_oica(countries="Kazakhstan")["value"] >= 0).all()


# ---------------------------------------------------------------- totals


@pytest.mark.parametrize("kind", ["production", "sales"])
def test_totals_only_where_both_types_exist(kind: str) -> None:
    frame = load_oica(kind)  # type: ignore[arg-type]
    wide = frame.pivot_table(
        index=["country", "year"], columns="type", values="value", aggfunc="first"
    )
    both = wide["passenger"].notna() & wide["commercial"].notna()
    assert (wide["total"].notna() == both).all()
    summed = wide.loc[both, "passenger"] + wide.loc[both, "commercial"]
    assert (wide.loc[both, "total"] == summed).all()


def test_a_missing_type_is_a_gap_not_a_zero(production: pd.DataFrame) -> None:
    # Sweden printed no commercial-vehicle figure in 2011-2016; Germany none in 2023.
    sweden = production[(production.country == "Sweden") & production.year.between(2011, 2016)]
    assert set(sweden.type) == {"passenger"}
    germany = production[(production.country == "Germany") & (production.year == 2023)]
    assert set(germany.type) == {"passenger"}
    # Series that start or stop: no rows outside their years, and no zeros invented.
    assert production[production.country == "Australia"].year.max() == 2017
    assert production[production.country == "Netherlands"].year.max() == 2017
    assert production[production.country == "Iran"].year.max() == 2020
    assert production[production.country == "Kazakhstan"].year.min() == 2020


def test_a_total_with_a_suspect_part_is_suspect(production: pd.DataFrame) -> None:
    cz = _row(production, "Czech Republic", 2021, "total")
    assert (cz.value, cz.qualifier) == (6210, "suspect")
    assert cz.note.startswith("suspect (inherited): passenger 2021 is suspect")
    kz = _row(production, "Kazakhstan", 2021, "total")
    assert (kz.value, kz.qualifier, kz.note) == (
        92417,
        "derived",
        "passenger 80,679 + commercial 11,738",
    )


# ---------------------------------------------------------------- the rule on production


def test_every_2023_production_value_is_flagged(production: pd.DataFrame) -> None:
    year = production[production.year == 2023]
    assert len(year) > 60
    assert (year.qualifier == "suspect").all()
    figures = year[year.type != "total"]
    assert figures.note.str.startswith("suspect (panel_collapse)").all()
    assert load_oica().attrs["suspect"]["collapsed_years"] == {
        "commercial": [2023],
        "passenger": [2023],
    }


def test_named_isolated_collapses_are_flagged_and_kept(production: pd.DataFrame) -> None:
    for country, value, left, right in (
        ("Czech Republic", 1, "1,152,901", "1,217,787"),
        ("Uzbekistan", 236, "280,080", "328,118"),
    ):
        row = _row(production, country, 2021, "passenger")
        assert (row.value, row.qualifier) == (value, "suspect")  # raw value kept
        assert row.note.startswith("suspect (isolated_dip)")
        assert left in row.note
        assert right in row.note
    assert _row(production, "Uzbekistan", 2021, "total").value == 5218


def test_real_collapses_and_series_ends_are_not_flagged(production: pd.DataFrame) -> None:
    russia = _row(production, "Russia", 2022, "total")
    assert (russia.value, russia.qualifier) == (608460, "derived")
    for type_ in ("passenger", "commercial"):
        assert _row(production, "Russia", 2022, type_).qualifier == "exact"
        assert _row(production, "Ukraine", 2022, type_).qualifier == "exact"
    assert _row(production, "Ukraine", 2022, "passenger").value == 1490
    for country, year in (
        ("Australia", 2017),
        ("Netherlands", 2017),
        ("Iran", 2020),
        ("Kazakhstan", 2020),
        ("Morocco", 2017),
    ):
        assert _row(production, country, year, "passenger").qualifier == "exact"


def test_production_flags_nothing_else(production: pd.DataFrame) -> None:
    report = suspect_report("production")
    print(report.to_string())  # the full list, for a reviewer (pytest -s)
    outside_2023 = {f for f in _flagged(production) if f[1] != 2023}
    assert outside_2023 == {
        # named in the brief: one passenger figure lost (1 and 236 cars)
        ("Czech Republic", 2021, "passenger"),
        ("Czech Republic", 2021, "total"),
        ("Uzbekistan", 2021, "passenger"),
        ("Uzbekistan", 2021, "total"),
        # the same defect as 2023 in one cell: the thousands lost (288 = 288 thousand)
        ("Canada", 2021, "passenger"),
        ("Canada", 2021, "total"),
        ("Austria", 2019, "passenger"),  # 158 between 144,500 and 104,544
        ("Austria", 2019, "total"),
        # an isolated zero between agreeing neighbours: no figure printed that year
        ("Czech Republic", 2018, "commercial"),  # 0 between 6,112 and 6,400
        ("Czech Republic", 2018, "total"),
        ("Hungary", 2016, "commercial"),  # 0 between 3,650 and 3,400
        ("Hungary", 2016, "total"),
        # 0 cars between 24,895 and 29,196: an isolated zero like the two above; it may also
        # be a real pause in car assembly (not verified), which the kept raw value allows
        ("Netherlands", 2013, "passenger"),
        ("Netherlands", 2013, "total"),
    }
    assert set(report.rule) == {"panel_collapse", "isolated_dip", "inherited"}
    assert len(report) == len(_flagged(production)) == 108


def test_usable_years_of_total_production(production: pd.DataFrame) -> None:
    usable = production[
        (production.type == "total")
        & (production.year <= 2022)
        & (production.qualifier != "suspect")
    ]
    years = usable.groupby("country").year.nunique().reindex(oica_countries(), fill_value=0)
    print(years.sort_values().to_string())
    short = years[years < 6]
    assert short.to_dict() == {"Colombia": 1, "Kazakhstan": 3}
    assert (years >= 6).sum() == 41  # 40 countries and "Others"


# ---------------------------------------------------------------- the rule on sales


def test_sales_flags(sales: pd.DataFrame) -> None:
    report = suspect_report("sales")
    print(report.to_string())
    assert _flagged(sales) == {
        ("Dominican Republic", 2017, "passenger"),  # 24 between 4,204 and 15,340
        ("Dominican Republic", 2017, "commercial"),  # 228 between 19,820 and 5,960
        ("Dominican Republic", 2017, "total"),  # 252 between 24,024 and 21,300
        ("United Arab Emirates", 2017, "passenger"),  # 0 between 166,400 and 240,000
        ("United Arab Emirates", 2017, "total"),
    }
    assert sales.attrs["suspect"]["collapsed_years"] == {}  # sales 2023 are sane
    assert _row(sales, "Russia", 2022, "passenger").qualifier == "exact"


def test_fractional_cells_are_rounded_and_noted(sales: pd.DataFrame) -> None:
    bulgaria = _row(sales, "Bulgaria", 2023, "commercial")
    assert bulgaria.value == 9233
    assert bulgaria.note == "compiled as 9232.996696944674, rounded to a count"


# ---------------------------------------------------------------- agreement with Kazakh data


def test_kazakhstan_agrees_with_the_shipped_history(production: pd.DataFrame) -> None:
    obs = load_observations()
    oica_rows = obs[obs.source_ids.str.split(";").map(lambda ids: "B01" in ids)]
    checked = 0
    for series, type_ in (("vehicle_output", "total"), ("passenger_car_output", "passenger")):
        rows = oica_rows[(oica_rows.series == series) & (oica_rows.qualifier == "exact")]
        for year, value in zip(rows.year, rows.value):
            assert _row(production, "Kazakhstan", int(year), type_).value == value
            checked += 1
    assert checked == 6  # 2020-2022, total and passenger cars
    preferred = obs[(obs.series == "vehicle_output") & obs.preferred & obs.year.between(2020, 2022)]
    for year, value in zip(preferred.year, preferred.value):
        panel_value = _row(production, "Kazakhstan", int(year), "total").value
        assert abs(panel_value / value - 1) < 0.005  # 2022: 112,540 vs AKAB-based 113,100


def test_kazakhstan_sales_agree_with_the_shipped_history(sales: pd.DataFrame) -> None:
    obs = load_observations()
    rows = obs[(obs.series == "new_vehicle_sales") & (obs.source_ids == "B02")]
    assert len(rows) == 15  # 2005-2019
    for year, value in zip(rows.year, rows.value):
        assert _row(sales, "Kazakhstan", int(year), "total").value == value


# ---------------------------------------------------------------- arguments and reports


def test_unknown_country_names_it_and_suggests() -> None:
    with pytest.raises(DataError, match=r"'Kazakstan' \(close matches: 'Kazakhstan'") as err:
        load_oica(countries=["Kazakstan"])
    assert "oica_countries('production')" in str(err.value)
    with pytest.raises(DataError, match=r"'czech republic' \(close matches: 'Czech Republic'"):
        load_oica(countries="czech republic")
    with pytest.raises(DataError, match="not in the OICA sales panel: 'Atlantis'"):
        load_oica("sales", countries=["Kazakhstan", "Atlantis"])


def test_bad_arguments() -> None:
    with pytest.raises(ArgumentError, match="kind"):
        load_oica("registrations")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        oica_countries("output")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="countries"):
        load_oica(countries=[7])  # type: ignore[list-item]


def test_selection_keeps_whole_panel_flags() -> None:
    kz = load_oica(countries="Kazakhstan")
    assert set(kz.country) == {"Kazakhstan"}
    assert _flagged(kz) == {("Kazakhstan", 2023, t) for t in PANEL_TYPES}
    assert kz.attrs["suspect"] == {
        "rows": 3,
        "by_rule": {"inherited": 1, "panel_collapse": 2},
        "collapsed_years": {"commercial": [2023], "passenger": [2023]},
        "isolated_dips": [],
    }
    two = load_oica(countries=("Czech Republic", "Russia"))
    assert two.attrs["suspect"]["isolated_dips"] == [
        "Czech Republic 2021 passenger",
        "Czech Republic 2018 commercial",
    ]


def test_suspect_report_matches_the_frame(production: pd.DataFrame) -> None:
    report = suspect_report()
    assert list(report.columns) == ["country", "iso3", "year", "type", "value", "rule", "reason"]
    flagged = production[production.qualifier == "suspect"].reset_index(drop=True)
    assert report["reason"].tolist() == flagged["note"].tolist()
    assert report["value"].tolist() == flagged["value"].tolist()
    assert report["rule"].isin(["panel_collapse", "isolated_dip", "inherited"]).all()


# ---------------------------------------------------------------- the rule on synthetic frames


def _series(values: dict[int, float | None], country: str = "A") -> pd.DataFrame:
    rows = [(country, year, v) for year, v in values.items() if v is not None]
    return pd.DataFrame(rows, columns=["country", "year", "value"]).assign(type="total")


def _suspect_years(frame: pd.DataFrame) -> list[int]:
    out = flag_suspect(frame)
    return sorted(int(y) for y in out.loc[out.qualifier == "suspect", "year"])


def test_rule_flags_a_v_shaped_dip() -> None:
    assert _suspect_years(_series({2019: 100, 2020: 5, 2021: 110})) == [2020]
    assert _suspect_years(_series({2019: 100, 2020: 0, 2021: 110})) == [2020]


def test_rule_keeps_a_step_down_that_persists() -> None:
    assert _suspect_years(_series({2019: 100, 2020: 5, 2021: 6, 2022: 5})) == []


def test_rule_keeps_series_ends_and_starts() -> None:
    assert _suspect_years(_series({2018: 100, 2019: 110, 2020: 1})) == []
    assert _suspect_years(_series({2018: 1, 2019: 110, 2020: 100})) == []


def test_rule_treats_a_missing_year_as_a_gap() -> None:
    # 2020 missing: 2021's left neighbour does not exist, so no dip can be shown.
    assert _suspect_years(_series({2019: 100, 2020: None, 2021: 1, 2022: 100})) == []


def test_rule_thresholds_are_the_named_constants() -> None:
    low = 100 * COLLAPSE_RATIO
    assert _suspect_years(_series({2019: 100, 2020: low * 0.99, 2021: 100})) == [2020]
    assert _suspect_years(_series({2019: 100, 2020: low * 1.01, 2021: 100})) == []
    # neighbours further apart than NEIGHBOUR_RATIO: a level change, not a dip that reverts
    far = 100 * NEIGHBOUR_RATIO * 0.99
    assert _suspect_years(_series({2019: 100, 2020: 0.1, 2021: far})) == []
    near = 100 * NEIGHBOUR_RATIO * 1.01
    assert _suspect_years(_series({2019: 100, 2020: 0.1, 2021: near})) == [2020]


def test_rule_panel_collapse_needs_enough_series() -> None:
    def panel(n: int) -> pd.DataFrame:
        return pd.concat(
            [_series({2021: 1000 + i, 2022: 1100, 2023: 1}, f"C{i}") for i in range(n)]
        )

    out = flag_suspect(panel(PANEL_MIN_SERIES))
    assert set(out.loc[out.qualifier == "suspect", "year"]) == {2023}
    assert out.loc[out.year == 2023, "note"].str.startswith("suspect (panel_collapse)").all()
    assert (flag_suspect(panel(PANEL_MIN_SERIES - 1)).qualifier == "exact").all()


def test_rule_does_not_use_a_suspect_neighbour() -> None:
    frame = _series({2020: 100, 2021: 5, 2022: 100}).assign(qualifier="exact", note="")
    frame.loc[frame.year == 2022, ["qualifier", "note"]] = ["suspect", "checked by hand"]
    out = flag_suspect(frame)
    assert out.qualifier.tolist() == ["exact", "exact", "suspect"]
    assert out.note.tolist() == ["", "", "checked by hand"]


def test_rule_is_pure_and_keeps_values_and_notes() -> None:
    frame = _series({2019: 100, 2020: 5, 2021: 110}).assign(note=["", "earlier note", ""])
    before = frame.copy()
    out = flag_suspect(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out.value.tolist() == [100, 5, 110]
    assert re.match(r"suspect \(isolated_dip\): 5 is below .*; earlier note$", out.note.iloc[1])


def test_rule_rejects_bad_frames() -> None:
    with pytest.raises(DataError, match="missing columns"):
        flag_suspect(pd.DataFrame({"country": ["A"], "year": [2020], "value": [1]}))
    duplicated = pd.concat([_series({2020: 1}), _series({2020: 2})])
    with pytest.raises(DataError, match="more than once"):
        flag_suspect(duplicated)
    with pytest.raises(DataError, match=">= 0"):
        flag_suspect(_series({2020: -1}))


def test_rule_keeps_the_callers_index() -> None:
    frame = pd.concat([_series({2019: 100, 2020: 5, 2021: 110}, c) for c in "AB"])
    out = flag_suspect(frame)
    assert out.index.tolist() == [0, 1, 2, 0, 1, 2]
    assert out.qualifier.tolist() == ["exact", "suspect", "exact"] * 2


# ---------------------------------------------------------------- docs


DOCS = Path(__file__).resolve().parents[1] / "docs" / "panel.md"


def test_docs_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, str(DOCS), "exec"), {})
    assert "Czech Republic 2021 passenger" in capsys.readouterr().out


def test_docs_state_the_rule_and_counts(production: pd.DataFrame) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"COLLAPSE_RATIO = {COLLAPSE_RATIO}" in text
    assert f"NEIGHBOUR_RATIO = {NEIGHBOUR_RATIO}" in text
    assert f"PANEL_MIN_SERIES = {PANEL_MIN_SERIES}" in text
    assert f"What it flags in production ({len(suspect_report())} rows)" in text
    assert f"What it flags in sales ({len(suspect_report('sales'))} rows)" in text
    for label in production.attrs["suspect"]["isolated_dips"]:
        country, year, type_ = label.rsplit(" ", 2)
        assert f"{country} {year} {type_}" in text
