"""A user's history file: every schema rule gives one DataError naming file, line and column."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzforecast.data import load_history, load_observations
from kzforecast.errors import DataError

HEADER = "series,year,value,qualifier,preferred\n"
GOOD = [
    ["vehicle_output", "2019", "50000", "lower_bound", "true"],
    ["vehicle_output", "2020", "74831", "exact", "true"],
    ["vehicle_output", "2021", "92417", "exact", "true"],
    ["domestic_share_of_sales", "2019", "0.59", "exact", "true"],
    ["domestic_share_of_sales", "2020", "0.73", "exact", "true"],
]


def write(tmp_path: Path, body: str, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def fails(path: Path | pd.DataFrame, *parts: str) -> DataError:
    """Load, expect a DataError, and check that every part appears in its message."""
    with pytest.raises(DataError) as info:
        load_observations(path)
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)
    return info.value


def test_valid_file_loads(tmp_path: Path) -> None:
    body = HEADER + "".join(",".join(r) + "\n" for r in GOOD)
    assert len(load_observations(write(tmp_path, body))) == 5


def test_file_not_found(tmp_path: Path) -> None:
    err = fails(tmp_path / "nowhere.csv", "nowhere.csv", "file not found")
    assert err.source is not None
    assert err.source.endswith("nowhere.csv")
    with pytest.raises(DataError, match=r"nowhere\.csv: file not found"):
        load_history(tmp_path / "nowhere.csv")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    fails(tmp_path, str(tmp_path), "directory")


def test_empty_file(tmp_path: Path) -> None:
    fails(write(tmp_path, "", "empty.csv"), "empty.csv", "empty")
    fails(write(tmp_path, "series,year,value\n", "header.csv"), "header.csv", "no data rows")


def test_missing_required_column(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year\nvehicle_output,2019\n", "noval.csv")
    err = fails(path, "noval.csv", "line 1", "column value", "missing required column")
    assert err.allowed is not None
    assert "series, year, value" in err.allowed


def test_unknown_column(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value,unit\nvehicle_output,2019,5,cars\n", "extra.csv")
    fails(path, "extra.csv", "line 1", "column unit", "unknown column")


def test_duplicate_column(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value,value\nvehicle_output,2019,5,6\n", "dup.csv")
    fails(path, "dup.csv", "line 1", "column value", "appears twice")


def test_wrong_number_of_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value\nvehicle_output,2019,171,442\n", "fields.csv")
    fails(path, "fields.csv", "line 2", "4 fields")


def test_non_numeric_value(tmp_path: Path) -> None:
    path = write(
        tmp_path, "series,year,value\nvehicle_output,2019,50000\nusd_kzt,2019,abc\n", "v.csv"
    )
    with pytest.raises(
        DataError, match=r"v\.csv: line 3, column value: value 'abc' is not a number"
    ):
        load_observations(path)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_literal_nan_or_inf(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, f"series,year,value\nusd_kzt,2019,{text}\n", "nan.csv")
    fails(path, "nan.csv", "line 2", "column value", "not a finite number")


def test_overflowing_number_is_not_finite(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value\nusd_kzt,2019,1e999\n", "big.csv")
    fails(path, "big.csv", "line 2", "column value", "not a finite number")


@pytest.mark.parametrize("year", ["2019.5", "twenty", "", "20l9"])
def test_non_integer_year(tmp_path: Path, year: str) -> None:
    path = write(tmp_path, f"series,year,value\nusd_kzt,{year},400\n", "year.csv")
    fails(path, "year.csv", "line 2", "column year")


def test_integral_float_year_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value\nusd_kzt,2019.0,400\n", "y.csv")
    assert load_observations(path)["year"].tolist() == [2019]


def test_year_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value\nusd_kzt,19,400\n", "range.csv")
    fails(path, "range.csv", "line 2", "column year", "out of range")


@pytest.mark.parametrize(
    ("series", "value"),
    [("vehicle_output", "-1"), ("export_value_usd_m", "-0.5"), ("usd_kzt", "-400")],
)
def test_negative_count_level_or_price(tmp_path: Path, series: str, value: str) -> None:
    path = write(tmp_path, f"series,year,value\n{series},2019,{value}\n", "neg.csv")
    fails(path, "neg.csv", "line 2", "column value", "negative value")


@pytest.mark.parametrize("value", ["1.2", "59", "-0.01"])
def test_share_outside_unit_interval(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"series,year,value\nckd_share,2024,{value}\n", "share.csv")
    err = fails(path, "share.csv", "line 2", "column value", "outside [0, 1]")
    assert err.allowed is not None
    assert "0.5, not 50" in err.allowed


def test_growth_rate_may_be_negative_but_not_below_minus_one(tmp_path: Path) -> None:
    ok = write(tmp_path, "series,year,value\nprocessing_real_growth,2009,-0.029\n", "g.csv")
    assert load_observations(ok)["value"].tolist() == [-0.029]
    bad = write(tmp_path, "series,year,value\nprocessing_real_growth,2009,-1.5\n", "g2.csv")
    fails(bad, "g2.csv", "line 2", "column value")


def test_unknown_qualifier(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value,qualifier\nusd_kzt,2019,400,roughly\n", "q.csv")
    err = fails(path, "q.csv", "line 2", "column qualifier", "unknown qualifier 'roughly'")
    assert err.allowed is not None
    assert "lower_bound" in err.allowed


def test_unknown_series_lists_the_allowed_names(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value\ncar_output,2019,5\n", "s.csv")
    err = fails(path, "s.csv", "line 2", "column series", "unknown series 'car_output'")
    assert err.allowed is not None
    assert "vehicle_output" in err.allowed
    assert "processing_output_index" in err.allowed


def test_duplicate_preferred_year(tmp_path: Path) -> None:
    body = "series,year,value\nusd_kzt,2019,400\nusd_kzt,2020,410\nusd_kzt,2020,411\n"
    fails(write(tmp_path, body, "dup.csv"), "dup.csv", "line 4", "column year", "line 3")


def test_alternative_rows_are_allowed(tmp_path: Path) -> None:
    body = "series,year,value,preferred\nusd_kzt,2020,410,true\nusd_kzt,2020,411,false\n"
    assert load_observations(write(tmp_path, body))["preferred"].tolist() == [True, False]


def test_no_preferred_row(tmp_path: Path) -> None:
    body = "series,year,value,preferred\nusd_kzt,2020,410,false\n"
    fails(write(tmp_path, body, "np.csv"), "np.csv", "line 2", "column preferred")


def test_unsorted_years(tmp_path: Path) -> None:
    body = "series,year,value\nusd_kzt,2020,410\nrub_kzt,2019,5.9\nusd_kzt,2019,383\n"
    fails(write(tmp_path, body, "order.csv"), "order.csv", "line 4", "column year", "ascending")


def test_empty_value_needs_qualifier_missing(tmp_path: Path) -> None:
    bad = write(tmp_path, "series,year,value,qualifier\nexport_units,2018,,exact\n", "e.csv")
    fails(bad, "e.csv", "line 2", "column value", "empty")
    bad2 = write(tmp_path, "series,year,value\nexport_units,2018,\n", "e2.csv")
    fails(bad2, "e2.csv", "line 2", "column value")
    ok = write(tmp_path, "series,year,value,qualifier\nexport_units,2018,,missing\n", "ok.csv")
    assert np.isnan(load_observations(ok)["value"].iloc[0])


def test_missing_qualifier_with_a_value(tmp_path: Path) -> None:
    path = write(tmp_path, "series,year,value,qualifier\nexport_units,2018,5,missing\n", "m.csv")
    fails(path, "m.csv", "line 2", "column value")


def test_bad_preferred_and_confidence(tmp_path: Path) -> None:
    p = write(tmp_path, "series,year,value,preferred\nusd_kzt,2019,400,maybe\n", "p.csv")
    fails(p, "p.csv", "line 2", "column preferred")
    c = write(tmp_path, "series,year,value,confidence\nusd_kzt,2019,400,sure\n", "c.csv")
    fails(c, "c.csv", "line 2", "column confidence")


def test_line_numbers_count_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    body = 'series,year,value,note\nusd_kzt,2019,400,"two\nlines"\n\nusd_kzt,2020,x,\n'
    fails(write(tmp_path, body, "lines.csv"), "lines.csv", "line 5", "column value")


def test_dataframe_errors_name_the_dataframe_and_row() -> None:
    frame = pd.DataFrame(
        {"series": ["usd_kzt", "usd_kzt"], "year": [2019, 2020], "value": [400, -1]}
    )
    fails(frame, "<DataFrame>", "row 1", "column value", "negative")
    frame = pd.DataFrame({"series": ["usd_kzt"], "year": [2019], "value": [np.inf]})
    fails(frame, "<DataFrame>", "row 0", "not a finite number")
    frame = pd.DataFrame({"series": ["usd_kzt"], "year": [2019.5], "value": [1.0]})
    fails(frame, "<DataFrame>", "row 0", "column year")
    frame = pd.DataFrame({"series": ["usd_kzt"], "year": [2019], "value": [1.0], "x": [1]})
    fails(frame, "<DataFrame>", "column x", "unknown column")
    frame = pd.DataFrame({"series": ["usd_kzt"], "year": [2019], "value": ["nan"]})
    fails(frame, "<DataFrame>", "row 0", "not a finite number")
    with pytest.raises(DataError, match="<DataFrame>: row 0, column value"):
        load_history(pd.DataFrame({"series": ["usd_kzt"], "year": [2019], "value": [np.nan]}))


def test_unsupported_argument_type() -> None:
    with pytest.raises(DataError, match="cannot read history from a int"):
        load_observations(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- property test

CORRUPTIONS = (
    "non_numeric",
    "negative_count",
    "share_above_one",
    "duplicate_year",
    "swapped_years",
    "unknown_column",
    "dropped_column",
)
NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    kind = draw(st.sampled_from(CORRUPTIONS))
    header = HEADER.strip().split(",")
    rows = [list(r) for r in GOOD]
    if kind == "non_numeric":
        i = draw(st.integers(0, len(rows) - 1))
        rows[i][2] = draw(
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1).filter(
                lambda s: s.strip() != "" and not NUMBER.fullmatch(s) and "\x00" not in s
            )
        )
    elif kind == "negative_count":
        i = draw(st.integers(0, 2))
        rows[i][2] = repr(-draw(st.floats(1e-6, 1e9)))
    elif kind == "share_above_one":
        i = draw(st.integers(3, 4))
        rows[i][2] = repr(1.0 + draw(st.floats(1e-6, 1e3)))
    elif kind == "duplicate_year":
        i = draw(st.sampled_from([1, 2, 4]))
        rows[i][1] = rows[i - 1][1]
    elif kind == "swapped_years":
        i = draw(st.sampled_from([0, 1, 3]))
        rows[i][1], rows[i + 1][1] = rows[i + 1][1], rows[i][1]
    elif kind == "unknown_column":
        name = draw(st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True))
        if name in header:
            name += "_x"
        header.append(name)
        for r in rows:
            r.append(draw(st.sampled_from(["", "1", "x"])))
    else:  # dropped_column
        j = draw(st.sampled_from([0, 1, 2]))
        del header[j]
        for r in rows:
            del r[j]
    return kind, header, rows


@given(case=corrupted(), stem=st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True))
def test_any_corruption_gives_one_error_naming_the_file(
    case: tuple[str, list[str], list[list[str]]], stem: str
) -> None:
    kind, header, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        with pytest.raises(DataError) as info:
            load_observations(path)
    message = str(info.value)
    assert f"{stem}.csv" in message, (kind, message)
    assert re.search(r"line \d+|column \w+", message), (kind, message)
    assert "\n" not in message  # one line


def test_loader_rejects_a_growth_rate_typed_as_a_percentage() -> None:
    from kzforecast import DataError, load_observations

    df = pd.DataFrame({"series": ["processing_real_growth"], "year": [2019], "value": [4.4]})
    with pytest.raises(DataError, match="not 4.4"):
        load_observations(df)


def test_loader_accepts_float_preferred_flags() -> None:
    from kzforecast import load_observations

    df = pd.DataFrame(
        {"series": ["vehicle_output"] * 2, "year": [2024, 2024], "value": [1.0, 2.0],
         "preferred": [1.0, 0.0]}
    )  # fmt: skip
    obs = load_observations(df)
    assert obs["preferred"].tolist() == [True, False]
