"""The Dataset: one country's industry as one object, from a folder, tables, the shipped data
or the OICA panel; cross-file checks; a stable content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzforecast.data import (
    load_devaluations,
    load_history,
    load_observations,
    load_oica,
    load_plants,
    oica_sources,
    sources,
)
from kzforecast.dataset import (
    Currencies,
    Currency,
    Dataset,
    as_dataset,
    write_template,
)
from kzforecast.errors import ArgumentTypeError, DataError, TargetError
from kzforecast.targets import Target, load_targets

# --------------------------------------------------------------------------- a synthetic country
# every value differs from Kazakhstan's (output, sales, rates, years, sources, plants)

SYN_OUTPUT = {2017: 210_011.0, 2018: 220_013.0, 2019: 231_017.0, 2020: 190_019.0, 2021: 240_023.0}


def _synthetic_observations() -> pd.DataFrame:
    rows = [
        {"series": "vehicle_output", "year": y, "value": v, "source_ids": "U1"}
        for y, v in SYN_OUTPUT.items()
    ]
    rows.append(
        {
            "series": "vehicle_output",
            "year": 2021,
            "value": 250_000.0,
            "qualifier": "approximate",
            "preferred": False,
            "source_ids": "U2",
        }
    )
    rows += [
        {"series": "passenger_car_output", "year": 2020, "value": 150_007.0, "source_ids": "U1"},
        {"series": "new_vehicle_sales", "year": 2020, "value": 333_331.0, "source_ids": "U2"},
        {"series": "export_value_usd_m", "year": 2020, "value": 777.5, "source_ids": "U2"},
        {"series": "usd_kzt", "year": 2020, "value": 10_500.25, "source_ids": "U1"},
        {"series": "commercial_vehicle_output", "year": 2020, "value": 40_012.0},
        {
            "series": "new_vehicle_sales",
            "year": 2021,
            "value": 5.0,
            "qualifier": "suspect",
            "source_ids": "U2",
            "note": "a collapse",
        },
    ]
    frame = pd.DataFrame(rows)
    frame["qualifier"] = frame["qualifier"].fillna("exact")
    frame["preferred"] = frame["preferred"].fillna(True).astype(bool)
    return frame.fillna("")


def _synthetic_sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["U1", "U2"],
            "outlet": ["Statistics Agency", "Automotive association"],
            "title": ["Industry 2021", "Market 2021"],
            "url": ["https://stat.example.uz/2021", "https://assoc.example.uz/2021"],
            "date": ["2022-02-01", "2022-03"],
            "notes": ["", ""],
        }
    )


def synthetic() -> Dataset:
    return Dataset.from_frames(
        "synthetica",
        _synthetic_observations(),
        _synthetic_sources(),
        country="Synthetica",
        targets=[
            Target.level(
                "SY-1M",
                "vehicle_output",
                ">=",
                1_000_000,
                due=2030,
                reading="by",
                start=2022,
                source_url="https://gov.example.uz/plan",
            ),
            Target.growth("SY-X2", "vehicle_output", 2.0, base=2021, due=2028),
            Target.level(
                "SY-EXP", "export_units", ">=", 50_000, due=2027, destinations=("russia",)
            ),
        ],
        plants=pd.DataFrame(
            {
                "plant": ["Andijan line 3"],
                "capacity_units_per_year": ["123457"],
                "opened_year": ["2019"],
                "source_ids": ["U1"],
            }
        ),
        devaluations=pd.DataFrame(
            {
                "date": ["2017-09-05"],
                "event": ["float"],
                "usd_uzs_before": ["4210"],
                "usd_uzs_after": ["8100"],
                "source_ids": ["U2"],
            }
        ),
        currencies=Currencies(Currency("UZS", "usd_kzt"), Currency("RUB", "rub_kzt")),
        destinations=("russia", "kyrgyzstan"),
        metadata={"notes": "synthetic", "maintainer": "tests"},
    )


def test_synthetic_dataset_reads_its_own_values_not_kazakhstans() -> None:
    ds = synthetic()
    hist = ds.history()
    assert hist["vehicle_output"].to_dict() == SYN_OUTPUT
    kz = load_history()
    for year, value in SYN_OUTPUT.items():
        assert value != kz.loc[year, "vehicle_output"]
    # the suspect value is kept in the observations, never preferred, not in the history
    obs = ds.observations()
    suspect = obs[obs["qualifier"] == "suspect"]
    assert len(suspect) == 1
    assert not suspect["preferred"].any()
    assert np.isnan(hist.loc[2021, "new_vehicle_sales"])
    assert hist.loc[2020, "commercial_vehicle_output"] == 40_012.0
    assert ds.currencies.home == Currency("UZS", "usd_kzt")
    assert ds.has("vehicle_output", "new_vehicle_sales")
    assert not ds.has("ckd_share")
    assert ds.target("SY-1M").window_start == 2022


def test_round_trip_through_a_folder_and_frames(tmp_path: Path) -> None:
    ds = synthetic()
    ds.to_dir(tmp_path / "syn")
    back = Dataset.from_dir(tmp_path / "syn")
    assert back == ds
    assert back.content_hash == ds.content_hash
    pd.testing.assert_frame_equal(back.observations(), ds.observations())
    pd.testing.assert_frame_equal(back.history(), ds.history())
    assert back.targets == ds.targets
    again = Dataset.from_frames(
        back.name,
        back.observations(),
        back.sources(),
        country=back.country,
        targets=back.targets,
        plants=back.plants(),
        devaluations=back.devaluations(),
        currencies=back.currencies,
        destinations=back.destinations,
        metadata=back.metadata,
    )
    assert again.content_hash == ds.content_hash
    assert as_dataset(tmp_path / "syn") == ds
    assert as_dataset(str(tmp_path / "syn")) == ds
    assert as_dataset(ds) is ds


def test_as_dataset_rejects_other_types() -> None:
    with pytest.raises(ArgumentTypeError, match="Dataset or the path"):
        as_dataset(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- shipped data
def test_builtin_equals_todays_loaders() -> None:
    kz = Dataset.builtin("kazakhstan")
    pd.testing.assert_frame_equal(kz.observations(), load_observations())
    pd.testing.assert_frame_equal(kz.history(), load_history())
    pd.testing.assert_frame_equal(kz.sources(), sources(), check_dtype=False)
    pd.testing.assert_frame_equal(kz.plants(), load_plants(), check_dtype=False)
    pd.testing.assert_frame_equal(kz.devaluations(), load_devaluations(), check_dtype=False)
    assert kz.targets == tuple(load_targets())
    assert kz.currencies == Currencies(Currency("KZT", "usd_kzt"), Currency("RUB", "rub_kzt"))
    assert "russia" in kz.destinations


def test_builtin_round_trips_through_a_folder(tmp_path: Path) -> None:
    kz = Dataset.builtin("kazakhstan")
    kz.to_dir(tmp_path / "kz")
    assert Dataset.from_dir(tmp_path / "kz").content_hash == kz.content_hash


def test_unknown_builtin_is_an_error() -> None:
    with pytest.raises(DataError, match="no built-in dataset 'uzbekistan'"):
        Dataset.builtin("uzbekistan")


def test_oica_turkey_has_output_by_type_and_sales_with_sources() -> None:
    tr = Dataset.oica("Turkey")
    hist = tr.history()
    for series in (
        "vehicle_output",
        "passenger_car_output",
        "commercial_vehicle_output",
        "new_vehicle_sales",
    ):
        assert hist[series].notna().sum() >= 15, series
    assert hist.loc[2019, "vehicle_output"] == (
        hist.loc[2019, "passenger_car_output"] + hist.loc[2019, "commercial_vehicle_output"]
    )
    panel = load_oica(countries="Turkey").set_index(["type", "year"])
    assert hist.loc[2019, "vehicle_output"] == panel.loc[("total", 2019), "value"]
    # every cited source exists, and the panel's suspect values stay out of the history
    obs = tr.observations()
    cited = {s for cell in obs["source_ids"] for s in cell.split(";") if s}
    assert cited <= set(oica_sources()["source_id"])
    suspect = obs[obs["qualifier"] == "suspect"]
    assert len(suspect) > 0
    assert not suspect["preferred"].any()
    for _, row in suspect.iterrows():
        assert row["year"] not in hist.index or np.isnan(hist.loc[row["year"], row["series"]])
    assert tr.targets == ()
    assert tr.country == "Turkey"


def test_oica_unknown_country_lists_close_matches() -> None:
    with pytest.raises(DataError, match="Turkey"):
        Dataset.oica("Turkei")


# --------------------------------------------------------------------------- cross-file checks
def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "syn"
    synthetic().to_dir(folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_source_id_names_file_line_and_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    lines = (folder / "history.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "210011" in text)
    _edit(folder / "history.csv", ",U1,", ",U9,")
    with pytest.raises(DataError) as err:
        Dataset.from_dir(folder)
    assert err.value.source == "history.csv"
    assert err.value.location == f"line {line}, column source_ids"
    assert "'U9' is not in the dataset's sources" in str(err.value)


def test_bad_history_cell_names_file_and_line(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "history.csv", "210011.0", "lots")
    with pytest.raises(DataError) as err:
        Dataset.from_dir(folder)
    assert err.value.source == "history.csv"
    assert err.value.location == "line 2, column value"


def test_target_destination_outside_the_dataset(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "dataset.toml", '    "russia",\n', "")
    with pytest.raises(DataError) as err:
        Dataset.from_dir(folder)
    assert err.value.source == "targets.csv"
    assert err.value.location == "line 4, column destinations"


def test_unknown_target_metric_names_line_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    write_template(folder)
    (folder / "targets.csv").write_text(
        "id,metric,comparison,threshold,due\nA,vehicle_output,>=,1,2030\nB,car_output,>=,1,2030\n",
        encoding="utf-8",
    )
    with pytest.raises(TargetError) as err:
        Dataset.from_dir(folder)
    assert err.value.source == "targets.csv"
    assert err.value.location == "line 3, field metric"


def test_duplicate_source_and_missing_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "sources.csv", "U2,", "U1,")
    with pytest.raises(DataError, match="appears twice") as err:
        Dataset.from_dir(folder)
    assert err.value.location == "line 3, column source_id"
    (folder / "history.csv").unlink()
    with pytest.raises(DataError, match="file not found"):
        Dataset.from_dir(folder)


def test_unknown_toml_key_and_currency_series(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "dataset.toml", "name =", 'colour = "red"\nname =')
    with pytest.raises(DataError, match="unknown key 'colour'"):
        Dataset.from_dir(folder)
    with pytest.raises(DataError, match="unknown series 'usd_uzs'"):
        Dataset.from_frames(
            "x",
            _synthetic_observations(),
            _synthetic_sources(),
            currencies=Currencies(Currency("UZS", "usd_uzs")),
        )


def test_template_is_a_valid_dataset(tmp_path: Path) -> None:
    folder = write_template(tmp_path / "new")
    ds = Dataset.from_dir(folder)
    assert ds.name == "my-country"
    assert ds.targets[0].id == "MY-500K"
    assert "#" in (folder / "dataset.toml").read_text(encoding="utf-8")
    with pytest.raises(DataError, match="already exists"):
        write_template(folder)


# --------------------------------------------------------------------------- the content hash
def test_content_hash_is_sha256_of_the_canonical_text_and_stable() -> None:
    a, b = synthetic(), synthetic()
    assert a.content_hash == b.content_hash
    digest = hashlib.sha256(a.canonical().encode("utf-8")).hexdigest()
    assert a.content_hash == f"sha256:{digest}"
    assert Dataset.builtin("kazakhstan").content_hash == Dataset.builtin("kazakhstan").content_hash


def test_content_hash_changes_with_any_value() -> None:
    base = synthetic()
    obs = _synthetic_observations()
    obs.loc[0, "value"] = 210_012.0
    changed = Dataset.from_frames("synthetica", obs, _synthetic_sources(), country="Synthetica")
    plain = Dataset.from_frames(
        "synthetica", _synthetic_observations(), _synthetic_sources(), country="Synthetica"
    )
    assert len({base.content_hash, changed.content_hash, plain.content_hash}) == 3


def test_dataset_is_frozen_and_accessors_return_copies() -> None:
    ds = synthetic()
    with pytest.raises(AttributeError):
        ds.name = "other"  # type: ignore[misc]
    obs, hist = ds.observations(), ds.history()
    obs.loc[0, "value"] = -1.0
    hist.loc[2017, "vehicle_output"] = -1.0
    assert ds.history().loc[2017, "vehicle_output"] == SYN_OUTPUT[2017]
    assert ds == synthetic()
