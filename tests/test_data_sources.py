"""Provenance table, plants and devaluations."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kzforecast.data import load_devaluations, load_observations, load_plants, sources

ID = re.compile(r"^[ABSP]\d{2}b?$")
CITED = re.compile(r"(?<![A-Za-z0-9])([ABSP]\d{2}b?)(?![A-Za-z0-9])")
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def src() -> pd.DataFrame:
    return sources()


def _used_ids() -> set[str]:
    used: set[str] = set()
    for frame, text_columns in (
        (load_observations(), ["note"]),
        (load_plants(), ["notes"]),
        (load_devaluations(), ["source", "notes"]),
    ):
        used.update(s for ids in frame["source_ids"] for s in ids.split(";") if s)
        for column in text_columns:
            used.update(m for text in frame[column] for m in CITED.findall(text))
    return used


def test_columns_and_ids(src: pd.DataFrame) -> None:
    assert src.columns.tolist() == ["source_id", "outlet", "title", "url", "date", "notes"]
    assert src.source_id.is_unique
    assert all(ID.match(s) for s in src.source_id)


def test_every_used_id_is_listed_and_every_listed_id_is_used(src: pd.DataFrame) -> None:
    used = _used_ids()
    assert used <= set(src.source_id), used - set(src.source_id)
    assert set(src.source_id) <= used, set(src.source_id) - used


def test_every_source_has_an_address_or_says_why_not(src: pd.DataFrame) -> None:
    for r in src.itertuples():
        assert r.url.startswith(("http://", "https://")) or "No address" in r.notes, r.source_id
        assert r.outlet, r.source_id


def test_dates_are_iso_or_empty_with_a_note(src: pd.DataFrame) -> None:
    for r in src.itertuples():
        assert r.date == "" or ISO.match(r.date), (r.source_id, r.date)
        if r.date == "":
            assert "Date as recorded" in r.notes, r.source_id


def test_known_sources(src: pd.DataFrame) -> None:
    s = src.set_index("source_id")
    # SOURCES.md: A14 = the PM's reply on Kazinform, 2022-07-07
    assert s.loc["A14", "date"] == "2022-07-07"
    assert "inform.kz" in s.loc["A14", "url"]
    # SOURCES_supplement.md: B01 = OICA production tables via the jhelvy/oica mirror
    assert "jhelvy/oica" in s.loc["B01", "url"]
    # the namespaces stay apart: one QazIndustry note is both A31 (vehicles) and S15
    # (manufacturing); both rows are kept and point at each other
    assert s.loc["S15", "url"] == s.loc["A31", "url"]
    assert "Same address as A31" in s.loc["S15", "notes"]


def test_history_cites_the_brief_s_anchor_sources(src: pd.DataFrame) -> None:
    obs = load_observations()
    r = obs[(obs.series == "vehicle_output") & (obs.year == 2025) & obs.preferred].iloc[0]
    url = src.set_index("source_id").loc[r.source_ids, "url"]
    assert "inform.kz" in url


def test_plants() -> None:
    plants = load_plants()
    assert len(plants) == 34
    assert plants["capacity_units_per_year"].dtype == "Int64"
    assert (plants.source_ids.str.len() > 0).all()
    assert set(plants.planned_or_actual) == {"actual", "planned", "announced"}
    kia = plants.set_index("plant").loc["Kia Qazaqstan plant"]
    assert (kia.capacity_units_per_year, kia.opened_year) == (70000, 2025)
    # the first source id is the row's own source_url
    urls = sources().set_index("source_id")["url"]

    def norm(u: str) -> str:
        return re.sub(r"^https?://(www\.)?|/?(amp)?/?$", "", u.lower())

    for r in plants.itertuples():
        first = r.source_ids.split(";")[0]
        assert norm(urls[first]).startswith(norm(r.source_url)) or norm(r.source_url).startswith(
            norm(urls[first])
        ), r.plant


def test_plants_capacity_sum_matches_sources_plants_md() -> None:
    # SOURCES_plants.md section 2, variant B, 2021: 141,200 units per year
    plants = load_plants()
    mask = (
        (plants.planned_or_actual == "actual")
        & plants.capacity_units_per_year.notna()
        & (plants.capacity_year <= 2021).fillna(False)
        & (plants.closed_year.isna() | (plants.closed_year >= 2021).fillna(False))
    )
    actual = plants[mask.astype(bool)]
    assert int(actual.capacity_units_per_year.sum()) == 141_200


def test_devaluations() -> None:
    dev = load_devaluations()
    assert pd.api.types.is_datetime64_any_dtype(dev["date"])
    assert [str(d.date()) for d in dev.date] == ["2009-02-04", "2014-02-11", "2015-08-20"]
    assert dev.source_ids.tolist() == ["A83;A84;A80", "A85;A86;A80", "A87;A80"]
    jump = dev.usd_kzt_after / dev.usd_kzt_before
    assert jump.iloc[1] == pytest.approx(184.50 / 155.56)
    assert (jump > 1.15).all()
