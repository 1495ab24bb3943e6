"""The uncertain parameters a sensitivity analysis varies, and how they are sampled.

:func:`choose_parameters` checks the user's choice of dotted parameter paths.
For the model's Sobol indices, :func:`input_groups` joins rank-correlated
parameters into one input (the Saltelli design needs independent inputs) and
:func:`group_values` maps the design's uniforms to parameter values, a
correlated group through the scenario's Gaussian copula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from kzforecast.analysis.sensitivity.saltelli import Arr, inverse_cdf
from kzforecast.errors import ArgumentError
from kzforecast.scenario import Correlation, Distribution, Scenario

__all__ = ["InputGroup", "choose_parameters", "group_values", "input_groups"]


def choose_parameters(
    scenario: Scenario, parameters: Sequence[str] | str | None, *, allow_fixed: bool
) -> list[str]:
    """The dotted paths to vary: ``parameters`` checked, or every uncertain parameter.

    ``allow_fixed=False`` refuses point masses (they have no variance to attribute).
    """
    all_params = scenario.parameters()
    if parameters is None:
        chosen = list(scenario.uncertain_parameters())
        if not chosen:
            raise ArgumentError(f"scenario {scenario.name!r} has no uncertain parameters")
        return chosen
    if isinstance(parameters, str):
        parameters = [parameters]
    chosen = list(parameters)
    if not chosen:
        raise ArgumentError("parameters is empty; give dotted paths or None for all uncertain ones")
    if len(set(chosen)) != len(chosen):
        raise ArgumentError(f"parameters must be distinct, got {chosen}")
    unknown = [p for p in chosen if p not in all_params]
    if unknown:
        raise ArgumentError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; uncertain ones: "
            + ", ".join(scenario.uncertain_parameters())
        )
    if not allow_fixed:
        fixed = [p for p in chosen if all_params[p].is_fixed]
        if fixed:
            raise ArgumentError(
                f"parameter(s) {', '.join(map(repr, fixed))} are fixed (point masses): they "
                "have no variance to attribute; uncertain ones: "
                + ", ".join(scenario.uncertain_parameters())
            )
    return chosen


@dataclass(frozen=True)
class InputGroup:
    """One input of the model analysis: a parameter, or a rank-correlated set of them."""

    label: str
    members: tuple[str, ...]
    factor: Arr | None  # symmetric square root of the copula correlation (correlated sets)


def _correlated_sets(corr: Correlation) -> dict[str, tuple[str, ...]]:
    """Each parameter of a connected set (non-zero rank correlations) -> the whole set."""
    m = np.asarray(corr.matrix, dtype=float)
    names = list(corr.parameters)
    comp: dict[str, tuple[str, ...]] = {}
    seen: set[int] = set()
    for s in range(len(names)):
        if s in seen:
            continue
        stack, found = [s], []
        seen.add(s)
        while stack:
            a = stack.pop()
            found.append(a)
            for b in range(len(names)):
                if b not in seen and m[a, b] != 0.0:
                    seen.add(b)
                    stack.append(b)
        if len(found) > 1:
            tup = tuple(names[i] for i in sorted(found))
            for i in found:
                comp[names[i]] = tup
    return comp


def input_groups(scenario: Scenario, chosen: Sequence[str]) -> list[InputGroup]:
    """The inputs for the chosen parameters: a correlated parameter brings its whole set."""
    corr = scenario.correlation
    comp = _correlated_sets(corr) if corr is not None else {}
    groups: list[InputGroup] = []
    done: set[str] = set()
    for p in chosen:
        if p in done:
            continue
        members = comp.get(p, (p,))
        done.update(members)
        factor = None
        if len(members) > 1:
            assert corr is not None  # a set of several members comes from the correlation
            pearson = 2.0 * np.sin(np.pi * np.asarray(corr.matrix, dtype=float) / 6.0)
            idx = [corr.parameters.index(q) for q in members]
            sub = pearson[np.ix_(idx, idx)]
            w, v = np.linalg.eigh(sub)
            factor = np.asarray((v * np.sqrt(np.clip(w, 0.0, None))) @ v.T, dtype=np.float64)
        groups.append(InputGroup(" + ".join(members), members, factor))
    return groups


def group_values(
    groups: Sequence[InputGroup], params: Mapping[str, Distribution], u: Arr
) -> dict[str, Arr]:
    """Parameter values (n,) by dotted path from the uniforms u (n, total members)."""
    out: dict[str, Arr] = {}
    col = 0
    for g in groups:
        k = len(g.members)
        block = u[:, col : col + k]
        col += k
        if g.factor is None:
            out[g.members[0]] = inverse_cdf(g.members[0], params[g.members[0]], block[:, 0])
        else:
            z = special.ndtri(block) @ g.factor.T
            for j, p in enumerate(g.members):
                out[p] = np.asarray(params[p].ppf_from_normal(z[:, j]), dtype=np.float64)
    return out
