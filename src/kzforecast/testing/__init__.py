"""Property-based testing for users: hypothesis strategies and invariant checks.

An analyst who edits a scenario, adds a model block or brings another country's data can
check that nothing broke with the same pieces the project's own contract tests use
(``docs/testing.md``):

* strategies (:mod:`~kzforecast.testing.strategies`, :mod:`~kzforecast.testing.data`):
  :func:`scenarios` (new valid scenarios, or perturbations of a given one),
  :func:`parameters` (one distribution of any family), :func:`targets` (valid synthetic
  :class:`~kzforecast.targets.Target` readings), :func:`histories` (user history frames
  with gaps and qualifiers), :func:`seeds`;
* invariant checks (:mod:`~kzforecast.testing.invariants`), usable in any test:
  :func:`assert_invariants` (bounds of every kept value), :func:`assert_reproducible`
  (bit-identical across block sizes and threads), :func:`assert_monotone` (common random
  numbers: raising a lever never lowers P(met)).

hypothesis is an optional dependency: ``pip install "kzforecast[test]"``.

Examples
--------
>>> from hypothesis import given, settings
>>> from kzforecast import simulate
>>> from kzforecast.testing import assert_invariants, scenarios, seeds
>>> @settings(max_examples=3, deadline=None)
... @given(scenario=scenarios(model="trend"), seed=seeds())
... def test_bounds(scenario, seed):
...     assert_invariants(simulate(scenario, paths=1000, seed=seed, keep_paths=True))
>>> test_bounds()
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by a test that hides hypothesis
    raise ImportError(
        "kzforecast.testing needs hypothesis, an optional dependency: "
        'pip install "kzforecast[test]"'
    ) from exc

from kzforecast.testing.data import READINGS, Reading, histories, targets
from kzforecast.testing.invariants import (
    SHARES,
    assert_invariants,
    assert_monotone,
    assert_reproducible,
    drawn_parameters,
    raise_parameter,
)
from kzforecast.testing.strategies import (
    FAMILIES,
    PARAMETER_RANGES,
    Family,
    Support,
    parameters,
    perturbed,
    scenario_dicts,
    scenarios,
    seeds,
)

__all__ = [
    "FAMILIES",
    "PARAMETER_RANGES",
    "READINGS",
    "SHARES",
    "Family",
    "Reading",
    "Support",
    "assert_invariants",
    "assert_monotone",
    "assert_reproducible",
    "drawn_parameters",
    "histories",
    "parameters",
    "perturbed",
    "raise_parameter",
    "scenario_dicts",
    "scenarios",
    "seeds",
    "targets",
]
