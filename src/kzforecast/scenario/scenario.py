"""The :class:`Scenario`: everything a simulation needs, written by hand or calibrated.

A scenario is plain data: the as-of year and horizon, the model kind, one
sub-model per block of the model (:mod:`kzforecast.scenario.blocks`, DESIGN.md
section 3), the initial state and an optional rank-correlation matrix between
uncertain parameters. Every parameter is a distribution
(:mod:`kzforecast.scenario.distributions`); a plain number is a point mass.
Scenarios are frozen and reject unknown keys; they are read from and written to
TOML or JSON with an exact round trip (:mod:`kzforecast.scenario.io`).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzforecast._io import atomic_write_text
from kzforecast.errors import ArgumentTypeError, ScenarioError
from kzforecast.scenario.blocks import Blocks, Correlation, InitialState, Year
from kzforecast.scenario.distributions import SCALAR_TYPES, Dirichlet, ScalarDistribution
from kzforecast.scenario.io import (
    as_path,
    json_text,
    parse_toml,
    read_json,
    read_toml,
    to_plain,
    toml_text,
    validation_to_scenario_error,
)
from kzforecast.scenario.plausible import implausible_values

__all__ = ["Scenario", "builtin_scenarios"]


class Scenario(BaseModel):
    """A complete, checkable description of one simulation scenario.

    Parameters
    ----------
    name : str
        Short name, used in tables and reports.
    as_of : int
        Last year of known data; the simulation covers ``as_of + 1 .. horizon``.
    horizon : int
        Last simulated year (``> as_of``, at most 100 years ahead).
    model : {"structural", "trend"}
        ``structural`` runs every block of DESIGN.md section 3 except ``trend``;
        ``trend`` is for output alone: the ARIMA(1,1,0)-with-drift trend of log
        output with the exchange-rate block's devaluation jump, and nothing else
        (its simulation has ``vehicle_output``, ``usd_kzt``, ``rub_kzt`` and
        ``devaluation``; the other blocks are kept but not used).
    blocks : Blocks
        One sub-model per block; see each block's docstring for its equation.
    initial : InitialState
        State at ``as_of``; missing fields come from history at run time.
    correlation : Correlation, optional
        Rank correlation between uncertain parameters (Gaussian copula).
    notes : dict of str to str, optional
        Free-text notes (data gaps, assumptions), printed by the report.
    allow_implausible : bool, optional
        Accept values outside their plausible range
        (:data:`~kzforecast.scenario.plausible.PLAUSIBLE_RANGES`); the report should say
        so. Default ``False``: such values are refused with the range in the message.

    Examples
    --------
    >>> from kzforecast import Scenario
    >>> s = Scenario.builtin("baseline")
    >>> s.as_of < s.horizon
    True
    >>> Scenario.model_validate({"name": "x", "as_of": 2025, "horizon": 2030,
    ...     "blocks": {"capacity": {"existing": 300000}, "market": {"mu_M": 0.05,
    ...     "s_M": {"dist": "lognormal", "mu": -2.5, "sigma": 0.2}}}}).blocks.market.mu_M.value
    0.05
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    description: str = ""
    as_of: Year = Field(ge=1900, le=2200)
    horizon: Year = Field(ge=1900, le=2300)
    model: Literal["structural", "trend"] = "structural"
    blocks: Blocks
    initial: InitialState = InitialState()
    correlation: Correlation | None = None
    notes: dict[str, str] = Field(default_factory=dict)
    allow_implausible: bool = Field(default=False, strict=True)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.horizon <= self.as_of:
            raise ValueError(
                f"@horizon: must be after as_of ({self.as_of}), got {self.horizon}: "
                "a simulation needs at least one future year"
            )
        if self.horizon - self.as_of > 100:
            raise ValueError(f"@horizon: may be at most 100 years after as_of, got {self.horizon}")
        if not self.allow_implausible:
            problem = implausible_values(iter(self._plausibility_values()))
            if problem is not None:
                raise ValueError(problem)
        if self.correlation is not None:
            params = self.parameters()
            for p in self.correlation.parameters:
                if p not in params:
                    raise ValueError(
                        f"@correlation.parameters: unknown parameter {p!r}; known: "
                        f"{', '.join(sorted(params))}"
                    )
                if params[p].is_fixed:
                    raise ValueError(
                        f"@correlation.parameters: {p!r} is fixed; only uncertain "
                        "parameters can be correlated"
                    )
        return self

    def _plausibility_values(self) -> list[tuple[str, float | ScalarDistribution | None]]:
        values: list[tuple[str, float | ScalarDistribution | None]] = [
            ("as_of", float(self.as_of)),
            ("blocks.exports.start_year", float(self.blocks.exports.start_year)),
        ]
        values += [
            (f"blocks.capacity.plants.{i}.planned_start", float(p.planned_start))
            for i, p in enumerate(self.blocks.capacity.plants)
        ]
        values += list(self.parameters().items())
        values += [(f"initial.{k}", v) for k, v in self.initial]
        return values

    # ------------------------------------------------------------------ years
    @property
    def years(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Simulated calendar years ``as_of + 1 .. horizon``."""
        return np.arange(self.as_of + 1, self.horizon + 1, dtype=np.int64)

    # ------------------------------------------------------------- parameters
    def parameters(self) -> dict[str, ScalarDistribution]:
        """All scalar parameter distributions by dotted path, in a fixed order.

        Examples
        --------
        >>> from kzforecast import Scenario
        >>> "blocks.market.mu_M" in Scenario.builtin("baseline").parameters()
        True
        """
        return dict(_walk(self.blocks, "blocks"))

    def uncertain_parameters(self) -> dict[str, ScalarDistribution]:
        """The parameters that are not point masses."""
        return {k: v for k, v in self.parameters().items() if not v.is_fixed}

    def with_parameter(
        self, path: str, value: float | ScalarDistribution | Mapping[str, Any]
    ) -> Scenario:
        """A copy with the parameter at dotted ``path`` replaced.

        ``value`` is a number (point mass), a distribution object or a dict. A
        parameter set to a known value is dropped from ``correlation``.
        """
        if not isinstance(path, str):
            raise ArgumentTypeError(
                f"path must be a dotted parameter path (a str), got {type(path).__name__}",
                source="with_parameter",
                location="path",
                allowed=", ".join(self.parameters()),
            )
        data = self.model_dump(mode="python", by_alias=True)
        keys = path.split(".")
        node: Any = data
        try:
            for k in keys[:-1]:
                node = node[int(k)] if isinstance(node, list | tuple) else node[k]
            last = keys[-1]
            if isinstance(node, list | tuple) or last not in node:
                raise KeyError(last)
        except (KeyError, IndexError, ValueError, TypeError):
            raise ScenarioError(
                "no such parameter",
                source="with_parameter",
                location=path,
                allowed=", ".join(self.parameters()),
            ) from None
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="python", by_alias=True)
        node[last] = value
        corr = data.get("correlation")
        if corr and path in corr["parameters"]:
            try:
                fixed = Scenario.from_dict(data | {"correlation": None}).parameters()[path].is_fixed
            except ScenarioError:
                fixed = False
            if fixed:
                # a known value has no uncertainty to correlate: drop its row and column
                keep = [i for i, p in enumerate(corr["parameters"]) if p != path]
                if len(keep) < 2:
                    data["correlation"] = None
                else:
                    data["correlation"] = {
                        "parameters": [corr["parameters"][i] for i in keep],
                        "matrix": [[corr["matrix"][i][j] for j in keep] for i in keep],
                    }
        return Scenario.from_dict(data, source="with_parameter")

    def stream_key(self, path: str) -> int:
        """Stable integer key of a parameter's random stream.

        The CRC-32 of its dotted path, with a plant's list position replaced by
        its name, so that adding or reordering plants leaves the other plants'
        draws unchanged.
        """
        parts = path.split(".")
        if len(parts) > 3 and parts[:3] == ["blocks", "capacity", "plants"]:
            parts[3] = "name=" + self.blocks.capacity.plants[int(parts[3])].name
        return zlib.crc32(".".join(parts).encode("utf-8"))

    # ----------------------------------------------------------------- I/O
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> Scenario:
        """Validate a mapping, turning errors into :class:`ScenarioError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise validation_to_scenario_error(exc, source) from None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a TOML file (data only: nothing in it is executed)."""
        data, source = read_toml(path)
        return cls.from_dict(data, source=source)

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario from a JSON file."""
        data, source = read_json(path)
        return cls.from_dict(data, source=source)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a ``.toml`` or ``.json`` scenario file (by extension)."""
        suffix = as_path(path, "Scenario.from_file").suffix.lower()
        if Path(path).is_dir():
            raise ScenarioError(
                "is a directory, not a file", source=str(path), allowed="a .toml or .json file"
            )
        if suffix == ".json":
            return cls.from_json(path)
        if suffix == ".toml":
            return cls.from_toml(path)
        raise ScenarioError(
            f"unknown scenario file type {suffix!r}", source=str(path), allowed=".toml, .json"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (numbers for point masses); ``from_dict`` inverts it exactly."""
        data = dict(to_plain(self.model_dump(mode="python", by_alias=True)))
        if not data.get("allow_implausible"):
            data.pop("allow_implausible", None)  # the default: written only when set
        return data

    def to_toml_string(self) -> str:
        """The scenario as TOML text."""
        return toml_text(self.to_dict(), self.name)

    def to_toml(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario to a TOML file (atomically: temp file + rename)."""
        atomic_write_text(path, self.to_toml_string())

    def to_json(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario to a JSON file (atomically)."""
        atomic_write_text(path, json_text(self.to_dict()))

    @classmethod
    def builtin(cls, name: str) -> Scenario:
        """Load a scenario shipped with kzforecast by name.

        See :func:`builtin_scenarios` for the names.
        """
        names = builtin_scenarios()
        if name not in names:
            raise ScenarioError(
                f"no built-in scenario named {name!r}",
                source="Scenario.builtin",
                allowed=", ".join(names),
            )
        text = (
            resources.files("kzforecast.scenario")
            .joinpath(f"builtin/{name}.toml")
            .read_text(encoding="utf-8")
        )
        return cls.from_dict(parse_toml(text, f"{name}.toml"), source=f"{name}.toml")


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with kzforecast.

    Examples
    --------
    >>> from kzforecast.scenario import builtin_scenarios
    >>> "baseline" in builtin_scenarios()
    True
    """
    folder = resources.files("kzforecast.scenario").joinpath("builtin")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def _walk(obj: object, prefix: str) -> Iterator[tuple[str, ScalarDistribution]]:
    if isinstance(obj, SCALAR_TYPES):
        yield prefix, obj
    elif isinstance(obj, Dirichlet):
        return
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{prefix}.{name}")
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{prefix}.{i}")
