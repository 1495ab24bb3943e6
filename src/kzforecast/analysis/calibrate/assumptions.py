"""The blocks no series estimates: capacity, utilisation, exports, localization, CKD share.

They keep the built-in ``baseline`` scenario's distributions, each with the reason
in the report and in the scenario's notes. (Each block is one entry of a table
here, not a module: nothing is fitted, only the reason differs.)
"""

from __future__ import annotations

from kzforecast.analysis.calibrate.estimates import ScenarioBuilder

__all__ = ["BASELINE_REASONS", "keep_baseline"]

BASELINE_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("blocks.capacity",),
        "no capacity series: baseline's plant list (capacity at end-2025 and the pipeline "
        "from 2026); for an earlier as_of it is not ex ante and rarely binds",
    ),
    (
        ("blocks.exports",),
        "export counts exist for 2017 and 2019 only: baseline's assumption",
    ),
    (
        ("blocks.local_content", "blocks.ckd_share"),
        "no localization / CKD series to estimate from: baseline's assumption",
    ),
)
"""``(path prefixes, reason)`` of the blocks kept from the baseline, first match wins."""


def keep_baseline(b: ScenarioBuilder) -> None:
    """Record every parameter not yet estimated or assumed as the baseline's, with why.

    Parameters
    ----------
    b : ScenarioBuilder
        Every scenario parameter without a row gets an assumption row.
    """
    for path in b.draft().parameters():
        if path in b.rows:
            continue
        b.assume(path, _reason(path))


def _reason(path: str) -> str:
    for prefixes, reason in BASELINE_REASONS:
        if path.startswith(prefixes):
            return reason
    if path == "blocks.output.u_max":
        return "no utilisation data: baseline's assumption"
    return "baseline's value"
