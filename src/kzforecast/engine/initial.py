"""The initial state of a run: the scenario's ``[initial]`` table, gaps filled from history."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kzforecast.errors import ScenarioError
from kzforecast.model.kernel import Initial
from kzforecast.scenario import Scenario

__all__ = ["resolve_initial", "with_initial_state"]


def resolve_initial(
    scenario: Scenario, history: pd.DataFrame | None = None
) -> tuple[Initial, dict[str, str]]:
    """Fill the scenario's missing initial state from history at (or before) ``as_of``.

    Parameters
    ----------
    scenario : Scenario
        Its ``[initial]`` table gives values; the missing ones come from history.
    history : DataFrame, optional
        Wide history (:func:`kzforecast.load_history`); default the shipped data
        (loaded only when a value is missing).

    Returns
    -------
    (Initial, dict)
        The resolved state and, per field, where its value came from.

    Raises
    ------
    ScenarioError
        When a value is neither given nor in history, or is out of its range.
    """
    init = scenario.initial
    if init.missing() and history is None:
        from kzforecast.data import load_history

        history = load_history()
    if init.missing():
        from kzforecast.scenario.plausible import check_initial_state_covered

        assert history is not None
        check_initial_state_covered(
            scenario.as_of, init.missing(), int(history.index.max()), source=scenario.name
        )
    provenance: dict[str, str] = {}
    values: dict[str, float] = {}
    for name in type(init).model_fields:
        given = getattr(init, name)
        if given is not None:
            values[name], provenance[name] = float(given), "scenario"
        else:
            assert history is not None
            values[name], provenance[name] = _from_history(scenario, history, name)
    _check_values(scenario, values, provenance)
    return Initial(**values), provenance


_FALLBACK: dict[str, tuple[str, float | None]] = {
    # fields with a natural value when history has nothing up to as_of
    "output_growth": ("trend drift mu_q (no growth history)", None),
    "export_demand": ("0: no export figure up to as_of (exports start at x_start)", 0.0),
    "ckd_share": ("no history: 0", 0.0),
}


def _from_history(scenario: Scenario, hist: pd.DataFrame, name: str) -> tuple[float, str]:
    """One missing initial value, and where it came from: history up to ``as_of`` or a fallback."""
    series = "export_units" if name == "export_demand" else name
    if name == "output_growth":
        col = hist.get("vehicle_output")
        if col is not None:
            col = col.loc[: scenario.as_of].dropna()
        if col is not None and len(col) >= 2 and col.index[-1] - col.index[-2] == 1:
            return (
                float(np.log(col.iloc[-1] / col.iloc[-2])),
                f"history {col.index[-2]}-{col.index[-1]}",
            )
        return float(scenario.blocks.trend.mu_q.mean()), _FALLBACK[name][0]
    col = hist[series].loc[: scenario.as_of].dropna() if series in hist else None
    if col is not None and len(col):
        return float(col.iloc[-1]), f"history {series} {int(col.index[-1])}"
    if name in _FALLBACK:
        text, value = _FALLBACK[name]
        if value is not None:
            return float(value), text
    raise ScenarioError(
        f"no value given and none in history up to {scenario.as_of}",
        source=scenario.name,
        location=f"initial.{name}",
        allowed="a number in the scenario's [initial] table",
    )


def _check_values(scenario: Scenario, values: dict[str, float], provenance: dict[str, str]) -> None:
    """The resolved values must pass the scenario's own checks of an initial state."""
    from pydantic import ValidationError

    from kzforecast.scenario import InitialState

    try:
        InitialState.model_validate(values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = str(err["loc"][0])
        raise ScenarioError(
            f"{err['msg'].lower()}, got {values.get(name)!r} from {provenance.get(name)}",
            source=scenario.name,
            location=f"initial.{name}",
            allowed="fix the history, or give the value in the scenario's [initial] table",
        ) from None
    if values["domestic_share_of_sales"] >= 1.0 or values["domestic_share_of_sales"] <= 0.0:
        raise ScenarioError(
            f"must lie strictly between 0 and 1, got {values['domestic_share_of_sales']!r} from "
            f"{provenance.get('domestic_share_of_sales')}",
            source=scenario.name,
            location="initial.domestic_share_of_sales",
        )


def with_initial_state(history: pd.DataFrame, as_of: int, init: Initial) -> pd.DataFrame:
    """History with its as-of-year gaps filled from the scenario's initial state.

    The initial state *is* the scenario's value for the as-of year, so targets
    that reach back to it (cumulative sums, growth from the as-of year) use it
    where the history has no figure.

    Parameters
    ----------
    history : DataFrame
        Wide history indexed by year (not modified).
    as_of : int
        The scenario's last observed year.
    init : Initial
        The resolved initial state (:func:`resolve_initial`).

    Returns
    -------
    DataFrame
        A copy with the as-of year's missing values filled.
    """
    out = history.copy()
    if as_of not in out.index:
        out.loc[as_of] = np.nan
        out = out.sort_index()
    for name in init.__dataclass_fields__:
        if name in ("output_growth", "export_demand"):
            continue
        if name not in out.columns:
            out[name] = np.nan
        cell: Any = out.loc[as_of, name]  # one value: the index holds each year once
        if pd.isna(cell):
            out.loc[as_of, name] = getattr(init, name)
    return out
