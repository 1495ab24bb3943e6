"""A dataset folder on disk: reading, writing and the commented template.

Layout (``docs/datasets.md``)::

    my-country/
        dataset.toml       name, country, notes, destinations, [currencies], [metadata]
        history.csv        series, year, value[, qualifier, preferred, confidence, source_ids, note]
        sources.csv        source_id[, outlet, title, url, date, notes]
        targets.csv        id, metric, comparison, threshold, due[, kind, reading, base, start, ...]
        plants.csv         optional: plant[, capacity_units_per_year, opened_year, ...]
        devaluations.csv   optional: date[, event, <rate>_before, <rate>_after, source_ids, ...]
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from kzforecast._io import atomic_write_text
from kzforecast.dataset._targets_csv import read_targets, targets_csv
from kzforecast.dataset._types import Currencies, Currency, Parts
from kzforecast.errors import DataError

__all__ = ["read_dir", "write_dir", "write_template"]

_FILES = {
    "observations": "history.csv",
    "sources": "sources.csv",
    "plants": "plants.csv",
    "devaluations": "devaluations.csv",
    "targets": "targets.csv",
    "metadata": "dataset.toml",
}
_KEYS = {"name", "country", "notes", "destinations", "currencies", "metadata"}


def _csv(path: Path, required: bool) -> pd.DataFrame | None:
    """A CSV file as text cells, comment lines (``#``) skipped; None if optional and absent."""
    if not path.exists():
        if required:
            raise DataError("file not found", source=str(path), allowed="see docs/datasets.md")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot be read ({exc})", source=path.name) from None
    if any(line.startswith("#") for line in text.splitlines()):
        raise DataError(
            "comment lines are not allowed in a data file",
            source=path.name,
            allowed="the template's comments live in README.md",
        )
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"is not valid CSV ({exc})", source=path.name) from None


def _meta(path: Path) -> dict[str, Any]:
    file = path / "dataset.toml"
    if not file.exists():
        raise DataError("file not found", source=str(file), allowed="see docs/datasets.md")
    try:
        doc = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"is not valid TOML ({exc})", source="dataset.toml") from None
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise DataError(
            f"unknown key {unknown[0]!r}",
            source="dataset.toml",
            location=unknown[0],
            allowed=", ".join(sorted(_KEYS)),
        )
    if not isinstance(doc.get("name"), str) or not doc["name"].strip():
        raise DataError("name is missing or empty", source="dataset.toml", location="name")
    return doc


def _currencies(doc: dict[str, Any]) -> Currencies:
    table = doc.get("currencies", {})
    roles: dict[str, Currency | None] = {"home": None, "partner": None}
    for role, spec in table.items():
        if role not in roles or not isinstance(spec, dict) or "code" not in spec:
            raise DataError(
                f"bad currency entry {role!r}",
                source="dataset.toml",
                location=f"currencies.{role}",
                allowed='[currencies.home] / [currencies.partner] with code = "..." and '
                'optionally series = "..."',
            )
        roles[role] = Currency(str(spec["code"]), spec.get("series"))
    return Currencies(roles["home"], roles["partner"])


def read_dir(path: str | os.PathLike[str]) -> Parts:
    """Read a dataset folder into the arguments of ``Dataset.from_frames``.

    Errors (there, and in ``from_frames`` through ``files``) name the file, line, column
    and rule.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError("is not a folder", source=str(folder), allowed="a dataset folder")
    doc = _meta(folder)
    observations = _csv(folder / "history.csv", True)
    sources = _csv(folder / "sources.csv", True)
    assert observations is not None
    assert sources is not None
    targets, lines = read_targets(folder / "targets.csv")
    metadata = {str(k): str(v) for k, v in doc.get("metadata", {}).items()}
    if "notes" in doc:
        metadata["notes"] = str(doc["notes"])
    return {
        "name": str(doc["name"]),
        "observations": observations,
        "sources": sources,
        "country": str(doc.get("country", doc["name"])),
        "targets": targets,
        "plants": _csv(folder / "plants.csv", False),
        "devaluations": _csv(folder / "devaluations.csv", False),
        "currencies": _currencies(doc),
        "destinations": tuple(str(d) for d in doc.get("destinations", ())),
        "metadata": metadata,
        "files": {k: (v, 2) for k, v in _FILES.items()},
        "target_lines": lines,
    }


def _frame_csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n")


def write_dir(parts: Parts, path: str | os.PathLike[str]) -> None:
    """Write a dataset's parts as a folder :func:`read_dir` reads back to an equal dataset."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    meta = dict(parts.get("metadata") or {})
    doc: dict[str, Any] = {"name": parts["name"], "country": parts.get("country")}
    if "notes" in meta:
        doc["notes"] = meta.pop("notes")
    doc["destinations"] = list(parts.get("destinations", ()))
    currencies = parts.get("currencies") or Currencies()
    if currencies.as_dict():
        doc["currencies"] = currencies.as_dict()
    if meta:
        doc["metadata"] = meta
    atomic_write_text(folder / "dataset.toml", tomli_w.dumps(doc))
    obs = parts["observations"].copy()
    obs["value"] = [("" if pd.isna(v) else repr(float(v))) for v in obs["value"]]
    obs["preferred"] = ["true" if p else "false" for p in obs["preferred"]]
    atomic_write_text(folder / "history.csv", obs.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(folder / "sources.csv", _frame_csv(parts["sources"]))
    atomic_write_text(folder / "targets.csv", targets_csv(parts.get("targets", ())))
    for key, name in (("plants", "plants.csv"), ("devaluations", "devaluations.csv")):
        table = parts.get(key)
        if isinstance(table, pd.DataFrame) and len(table):
            atomic_write_text(folder / name, _frame_csv(table))


_TEMPLATE_TOML = """\
# A kzforecast dataset: one country's industry (see docs/datasets.md).
# Every run reads this folder through kzforecast.dataset.Dataset.from_dir(...).

name = "my-country"           # short name, recorded by the scenarios calibrated on it
country = "My Country"
notes = "Where the figures come from, what they cover."

# Export destinations your targets may name (keys of the metric table's destinations).
destinations = []

# The home currency and the main trading partner's, with the history series of their
# exchange rates (leave a role out if you have no such series).
# [currencies.home]
# code = "KZT"
# series = "usd_kzt"
# [currencies.partner]
# code = "RUB"
# series = "rub_kzt"

[metadata]
maintainer = ""
"""

_TEMPLATE_README = """\
# Template dataset

Fill the CSV files (they may hold no comment lines), then check the folder with

    python -c "from kzforecast.dataset import Dataset; print(Dataset.from_dir('.'))"

* history.csv - one row per observation: series (a name of kzforecast.data.SERIES, e.g.
  vehicle_output, passenger_car_output, new_vehicle_sales, export_value_usd_m), year, value.
  Optional: qualifier (exact, lower_bound, upper_bound, derived, approximate, missing, suspect),
  preferred (true/false: one preferred row per series and year), confidence, source_ids, note.
* sources.csv - source_id plus outlet, title, url, date (ISO), notes. Every id cited in
  history.csv, plants.csv or devaluations.csv must be here.
* targets.csv - one row per target: id, metric, comparison (>=, <=, ==), threshold, due, and
  kind (level, growth, cumulative, share; default level), reading (in, by), base (growth),
  start (cumulative, by), destinations (;-separated), source_url, speaker, stated_on, quote.
* plants.csv, devaluations.csv - optional.
"""


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write a template dataset folder (files with an example row each, and a README).

    Parameters
    ----------
    path : str or os.PathLike
        The folder; created if absent. Existing files are not overwritten.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    kzforecast.errors.DataError
        If a file of the template already exists there.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [
            ["series", "year", "value", "qualifier", "source_ids", "note"],
            ["vehicle_output", "2023", "100000", "exact", "S1", "replace with your figures"],
            ["vehicle_output", "2024", "110000", "exact", "S1", ""],
        ]
    )
    files = {
        "dataset.toml": _TEMPLATE_TOML,
        "README.md": _TEMPLATE_README,
        "history.csv": buf.getvalue(),
        "sources.csv": "source_id,outlet,title,url,date,notes\n"
        "S1,Statistics office,Annual industry bulletin,https://example.org/bulletin,2025-03-01,\n",
        "targets.csv": "id,metric,comparison,threshold,due,kind,reading,source_url\n"
        "MY-500K,vehicle_output,>=,500000,2030,level,in,https://example.org/strategy\n",
    }
    existing = [name for name in files if (folder / name).exists()]
    if existing:
        raise DataError(
            "already exists; not overwritten",
            source=str(folder / existing[0]),
            allowed="an empty or new folder",
        )
    for name, text in files.items():
        atomic_write_text(folder / name, text)
    return folder
