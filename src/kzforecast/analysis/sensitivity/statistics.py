"""The outputs a sensitivity analysis reads: a statistic of one variable in one year, a target.

A statistic is written ``"mean:VARIABLE:YEAR"``, ``"sd:VARIABLE:YEAR"`` or
``"pNN:VARIABLE:YEAR"`` (a quantile, e.g. ``"p50:vehicle_output:2030"``);
``"VARIABLE:YEAR"`` is short for the mean.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kzforecast.errors import ArgumentError
from kzforecast.model.kernel import VARIABLES, model_variables
from kzforecast.results.simulation import Simulation
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = ["Statistic", "parse_statistic", "target_label"]

_STAT = re.compile(r"^(mean|sd|p(?:100|\d{1,2}(?:\.\d+)?))$")


@dataclass(frozen=True)
class Statistic:
    """A statistic of one simulated variable in one year (parsed from ``"p50:var:2030"``)."""

    kind: Literal["mean", "sd", "quantile"]
    q: float  # the quantile's level in [0, 1]; NaN for "mean" and "sd"
    variable: str
    year: int
    label: str

    def check_against(self, scenario: Scenario) -> None:
        """Raise ``ValueError`` unless ``scenario`` simulates this variable in this year."""
        simulated = model_variables(scenario.model)
        if self.variable not in simulated:
            raise ArgumentError(
                f"statistic {self.label!r}: a {scenario.model} scenario does not simulate "
                f"{self.variable!r}; it simulates {', '.join(simulated)}"
            )
        if self.year not in {int(y) for y in scenario.years}:
            raise ArgumentError(
                f"statistic {self.label!r}: year {self.year} is not simulated; the scenario "
                f"covers {scenario.as_of + 1}-{scenario.horizon}"
            )

    def of(self, sim: Simulation) -> float:
        """The statistic of a simulation (a quantile from the sketch unless it kept paths)."""
        i = sim.variables.index(self.variable)
        t = self.year - int(sim.years[0])
        if self.kind == "mean":
            return float(sim.moments.mean[i][t])
        if self.kind == "sd":
            return float(np.sqrt(sim.moments.var[i][t]))
        if sim.paths is not None:
            col = sim.paths[i][:, t]
            return float(np.quantile(col, self.q, method="inverted_cdf"))
        return float(sim.sketch_quantiles(self.variable, [self.q])[t, 0])


def parse_statistic(spec: str) -> Statistic:
    """Parse ``"mean:VARIABLE:YEAR"``, ``"sd:..."``, ``"pNN:..."`` or ``"VARIABLE:YEAR"``.

    Raises ``ValueError`` naming what is wrong (form, statistic, variable or year).
    """
    parts = spec.split(":")
    if len(parts) == 2:
        parts = ["mean", *parts]
    form = "'mean:VARIABLE:YEAR', 'sd:VARIABLE:YEAR' or 'pNN:VARIABLE:YEAR' (e.g. p50)"
    if len(parts) != 3:
        raise ArgumentError(f"statistic {spec!r} is not of the form {form}")
    kind, variable, year_text = (p.strip() for p in parts)
    if not _STAT.match(kind):
        raise ArgumentError(f"statistic {spec!r}: unknown statistic {kind!r}; use {form}")
    if variable not in VARIABLES:
        raise ArgumentError(
            f"statistic {spec!r}: unknown variable {variable!r}; available: {', '.join(VARIABLES)}"
        )
    try:
        year = int(year_text)
    except ValueError:
        raise ArgumentError(
            f"statistic {spec!r}: year {year_text!r} is not a whole number"
        ) from None
    label = f"{kind}:{variable}:{year}"
    if kind == "mean":
        return Statistic("mean", math.nan, variable, year, label)
    if kind == "sd":
        return Statistic("sd", math.nan, variable, year, label)
    return Statistic("quantile", float(kind[1:]) / 100.0, variable, year, label)


def target_label(target: Target) -> str:
    """The output label of a target's P(met): ``"P(met) ID:READING"``."""
    return f"P(met) {target.id}:{target.reading}"
