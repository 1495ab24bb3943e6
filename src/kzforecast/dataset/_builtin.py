"""The shipped datasets: Kazakhstan (sourced history and registry) and OICA producers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kzforecast.data import (
    load_devaluations,
    load_observations,
    load_oica,
    load_plants,
    oica_countries,
    oica_sources,
    sources,
)
from kzforecast.dataset._observations import SUSPECT
from kzforecast.dataset._types import Currencies, Currency, Parts
from kzforecast.errors import DataError
from kzforecast.targets import DESTINATION_SERIES, Target, load_targets

__all__ = ["OICA_SERIES", "kazakhstan", "oica"]

OICA_SERIES: dict[tuple[str, str], str] = {
    ("production", "total"): "vehicle_output",
    ("production", "passenger"): "passenger_car_output",
    ("production", "commercial"): "commercial_vehicle_output",
    ("sales", "total"): "new_vehicle_sales",
}
"""(panel, type) -> the dataset series it becomes."""


def kazakhstan() -> Parts:
    """Today's shipped data and the whole target registry (arguments of ``from_frames``)."""
    return {
        "name": "kazakhstan",
        "observations": load_observations(),
        "sources": sources(),
        "country": "Kazakhstan",
        "targets": tuple(load_targets()),
        "plants": load_plants(),
        "devaluations": load_devaluations(),
        "currencies": Currencies(Currency("KZT", "usd_kzt"), Currency("RUB", "rub_kzt")),
        "destinations": tuple(DESTINATION_SERIES),
        "metadata": {
            "origin": "kzforecast shipped data (src/kzforecast/data, targets/registry.csv)",
            "notes": "Kazakhstan's motor-vehicle and processing industries; see docs/data.md.",
        },
        "files": {
            "observations": ("history.csv", 2),
            "sources": ("sources.csv", 2),
            "plants": ("plants.csv", 2),
            "devaluations": ("devaluations.csv", 2),
            "targets": ("registry.csv", 2),
        },
    }


def _rows(kind: str, country: str) -> pd.DataFrame:
    panel = load_oica(kind, countries=country)  # type: ignore[arg-type]
    parts = []
    for (k, type_), series in OICA_SERIES.items():
        if k != kind:
            continue
        rows = panel[panel["type"] == type_]
        suspect = rows["qualifier"] == SUSPECT
        parts.append(
            pd.DataFrame(
                {
                    "series": series,
                    "year": rows["year"].to_numpy(),
                    "value": rows["value"].to_numpy(dtype="float64"),
                    "qualifier": rows["qualifier"].to_numpy(),
                    "preferred": (~suspect).to_numpy(),
                    "confidence": "",
                    "source_ids": rows["source_id"].to_numpy(),
                    "note": rows["note"].to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def oica(country: str, targets: Sequence[Target]) -> Parts:
    """One OICA producer's output (total, passenger, commercial) and sales (arguments of
    ``from_frames``)."""
    if country not in oica_countries("production") or country == "Others":
        # load_oica lists close matches
        load_oica("production", countries=country)
        raise DataError(
            "is OICA's residual row, not a country",
            source="Dataset.oica",
            location="country",
            allowed="a country of kzforecast.data.oica_countries()",
        )
    frames = [_rows("production", country)]
    if country in oica_countries("sales"):
        frames.append(_rows("sales", country))
    observations = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return {
        "name": f"oica-{country.lower().replace(' ', '-')}",
        "observations": observations,
        "sources": oica_sources(),
        "country": country,
        "targets": targets,
        "metadata": {
            "origin": "OICA production and sales panel (kzforecast.data.panel)",
            "notes": "Output and sales only: enough for the trend model, not the structural one.",
        },
    }
