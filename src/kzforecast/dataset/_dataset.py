"""The :class:`Dataset`: everything a run reads about one country's industry."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from kzforecast.data import SERIES
from kzforecast.dataset._builtin import kazakhstan, oica
from kzforecast.dataset._files import read_dir, write_dir
from kzforecast.dataset._observations import history, validate_observations
from kzforecast.dataset._tables import (
    check_citations,
    check_target_destinations,
    devaluations_table,
    plants_table,
    sources_table,
)
from kzforecast.dataset._types import Currencies, Parts
from kzforecast.errors import ArgumentTypeError, DataError
from kzforecast.targets import Target

__all__ = ["Dataset"]


def _frame_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")


@dataclass(frozen=True, eq=False)
class Dataset:
    """One country's industry: observations, sources, targets, plants, devaluations, currencies.

    Build one with :meth:`from_dir`, :meth:`from_frames`, :meth:`builtin` or
    :meth:`oica`; every constructor validates the tables and the links between
    them (cited sources exist, target destinations are the dataset's). The
    tables are read through methods that return copies (:meth:`observations`,
    :meth:`history`, :meth:`sources`, :meth:`plants`, :meth:`devaluations`),
    so a Dataset never changes. Two datasets are equal when their
    :attr:`content_hash` is.

    Attributes
    ----------
    name : str
        Short name (``"kazakhstan"``, ``"oica-turkey"``).
    country : str
        The country, in words.
    targets : tuple of Target
        The government's targets the dataset carries.
    currencies : Currencies
        Home and partner currency with their exchange-rate series.
    destinations : tuple of str
        Export destinations the dataset distinguishes.
    metadata : mapping of str to str
        Free-form facts (``notes``, ``origin``...).
    content_hash : str
        ``sha256:<hex>`` of a canonical serialisation of everything above and
        the tables; what a scenario records.

    Examples
    --------
    >>> from kzforecast.dataset import Dataset
    >>> kz = Dataset.builtin("kazakhstan")
    >>> int(kz.history().loc[2025, "vehicle_output"])
    171442
    >>> kz.content_hash.startswith("sha256:")
    True
    """

    name: str
    country: str
    _observations: pd.DataFrame = field(repr=False)
    _sources: pd.DataFrame = field(repr=False)
    targets: tuple[Target, ...] = field(repr=False)
    _plants: pd.DataFrame = field(repr=False)
    _devaluations: pd.DataFrame = field(repr=False)
    currencies: Currencies
    destinations: tuple[str, ...]
    metadata: Mapping[str, str] = field(repr=False)
    content_hash: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        object.__setattr__(
            self,
            "content_hash",
            "sha256:" + hashlib.sha256(self.canonical().encode("utf-8")).hexdigest(),
        )

    # ------------------------------------------------------------------ accessors
    def observations(self) -> pd.DataFrame:
        """The long observation table (a copy), as :func:`kzforecast.data.load_observations`.

        Rows with qualifier ``suspect`` are kept (never preferred).
        """
        return self._observations.copy()

    def history(self) -> pd.DataFrame:
        """The preferred values as a wide year x series table (suspect values excluded)."""
        return history(self._observations)

    def sources(self) -> pd.DataFrame:
        """Where each source id was published (columns as :func:`kzforecast.data.sources`)."""
        return self._sources.copy()

    def plants(self) -> pd.DataFrame:
        """The assembly plants (empty when the dataset has none)."""
        return self._plants.copy()

    def devaluations(self) -> pd.DataFrame:
        """The devaluation events (empty when the dataset has none)."""
        return self._devaluations.copy()

    def series(self) -> tuple[str, ...]:
        """The series with at least one preferred, non-suspect value."""
        return tuple(self.history().columns)

    def has(self, *series: str) -> bool:
        """Whether the history has a value of every one of ``series``."""
        hist = self.history()
        return all(s in hist.columns and bool(hist[s].notna().any()) for s in series)

    def target(self, id: str, reading: str | None = None) -> Target:
        """One of the dataset's targets by id (the default reading unless ``reading``).

        Raises
        ------
        KeyError
            If the dataset has no such target.
        """
        for t in self.targets:
            if t.id == id and (t.reading == reading if reading else t.default_reading):
                return t
        raise KeyError(f"{self.name} has no target {id!r}" + (f" ({reading})" if reading else ""))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.content_hash == other.content_hash

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def canonical(self) -> str:
        """The canonical serialisation the content hash is taken of (JSON text)."""
        doc = {
            "name": self.name,
            "country": self.country,
            "currencies": self.currencies.as_dict(),
            "destinations": list(self.destinations),
            "metadata": dict(sorted(self.metadata.items())),
            "observations": _frame_text(self._observations),
            "sources": _frame_text(self._sources),
            "plants": _frame_text(self._plants),
            "devaluations": _frame_text(self._devaluations),
            "targets": [t.model_dump(mode="json") for t in self.targets],
        }
        return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_frames(
        cls,
        name: str,
        observations: pd.DataFrame,
        sources: pd.DataFrame,
        *,
        country: str | None = None,
        targets: Sequence[Target] = (),
        plants: pd.DataFrame | None = None,
        devaluations: pd.DataFrame | None = None,
        currencies: Currencies | None = None,
        destinations: Sequence[str] = (),
        metadata: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, int | None]] | None = None,
        target_lines: Sequence[int] | None = None,
    ) -> Dataset:
        """Build a dataset from tables, validating each and the links between them.

        Parameters
        ----------
        name : str
            Short name of the dataset.
        observations : pandas.DataFrame
            At least ``series, year, value`` (see
            :func:`kzforecast.data.load_observations`); qualifier ``suspect`` allowed.
        sources : pandas.DataFrame
            ``source_id`` and optionally ``outlet, title, url, date, notes``.
        country : str, optional
            Default ``name``.
        targets : sequence of Target
            The government's targets (e.g. built with :meth:`Target.level`).
        plants, devaluations : pandas.DataFrame, optional
            As :func:`kzforecast.data.load_plants` / ``load_devaluations``.
        currencies : Currencies, optional
            Home and partner currency; their series must be canonical series.
        destinations : sequence of str
            Export destinations; every destination a target names must be one.
        metadata : mapping of str to str, optional
            Free-form facts.
        files, target_lines : optional
            Used by :meth:`from_dir`: table -> (file name, line of the first row)
            and the line of each target, so errors name the file and line.

        Returns
        -------
        Dataset

        Raises
        ------
        DataError
            Naming the file (or argument), the line (or row), the column and the
            rule broken.
        """
        where = dict(files or {})

        def loc(table: str) -> tuple[str, int | None]:
            return where.get(table, (table, None))

        obs = validate_observations(
            observations, loc("observations")[0], line_offset=loc("observations")[1]
        )
        src = sources_table(sources, *loc("sources"))
        pl = plants_table(plants, *loc("plants"))
        dev = devaluations_table(devaluations, *loc("devaluations"))
        check_citations(
            set(src["source_id"]),
            {
                "observations": (obs, *loc("observations")),
                "plants": (pl, *loc("plants")),
                "devaluations": (dev, *loc("devaluations")),
            },
        )
        chosen = tuple(targets)
        for i, t in enumerate(chosen):
            if not isinstance(t, Target):
                raise ArgumentTypeError(
                    f"targets[{i}] is a {type(t).__name__}, not a Target",
                    source="Dataset.from_frames",
                    location="targets",
                )
        check_target_destinations(chosen, tuple(destinations), loc("targets")[0], target_lines)
        cur = currencies if currencies is not None else Currencies()
        for role, c in (("home", cur.home), ("partner", cur.partner)):
            if c is not None and c.series is not None and c.series not in SERIES:
                raise DataError(
                    f"unknown series {c.series!r} for the {role} currency",
                    source=loc("metadata")[0],
                    location=f"currencies.{role}.series",
                    allowed=", ".join(s for s in SERIES if SERIES[s].kind == "price"),
                )
        return cls(
            name=name,
            country=country or name,
            _observations=obs,
            _sources=src,
            targets=chosen,
            _plants=pl,
            _devaluations=dev,
            currencies=cur,
            destinations=tuple(destinations),
            metadata=dict(metadata or {}),
        )

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> Dataset:
        """Read a dataset folder (layout in ``docs/datasets.md``; see :func:`write_template`).

        Raises
        ------
        DataError
            Naming the file, line, column and rule; TargetError for a bad target row.
        """
        return cls.from_frames(**read_dir(path))

    def to_dir(self, path: str | os.PathLike[str]) -> None:
        """Write the dataset as a folder :meth:`from_dir` reads back (equal content hash)."""
        parts: Parts = {
            "name": self.name,
            "country": self.country,
            "observations": self.observations(),
            "sources": self.sources(),
            "targets": self.targets,
            "plants": self.plants(),
            "devaluations": self.devaluations(),
            "currencies": self.currencies,
            "destinations": self.destinations,
            "metadata": self.metadata,
        }
        write_dir(parts, path)

    @classmethod
    def builtin(cls, name: str = "kazakhstan") -> Dataset:
        """A shipped dataset: ``"kazakhstan"`` (today's sourced history, plants,
        devaluations and the whole target registry).

        Raises
        ------
        DataError
            For an unknown name.
        """
        if name.lower() != "kazakhstan":
            raise DataError(
                f"no built-in dataset {name!r}",
                source="Dataset.builtin",
                location="name",
                allowed="kazakhstan (or Dataset.oica(country) for an OICA producer)",
            )
        return cls.from_frames(**kazakhstan())

    @classmethod
    def oica(cls, country: str, targets: Sequence[Target] = ()) -> Dataset:
        """A dataset of one OICA producer: output (total, passenger, commercial) and sales.

        Total output is ``vehicle_output``, passenger cars ``passenger_car_output``,
        commercial vehicles ``commercial_vehicle_output``, total sales
        ``new_vehicle_sales``; values the panel flags keep qualifier ``suspect`` and
        stay out of :meth:`history`. Sources are :func:`kzforecast.data.oica_sources`.

        Parameters
        ----------
        country : str
            An OICA name (:func:`kzforecast.data.oica_countries`), e.g. ``"Turkey"``.
        targets : sequence of Target
            The government's targets, if any.

        Raises
        ------
        DataError
            If the country is not in the production panel (close matches listed).
        """
        return cls.from_frames(**oica(country, targets))
