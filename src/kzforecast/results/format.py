"""How numbers are written for people: one set of rules for the report, the terminal and charts.

Probabilities: one decimal (``42.5%``), never rounded to 0% or 100% when they are
not (``<0.05%``, ``>99.95%``); counts and levels with thousands separators
(``209,000``); shares as percentages; ratios with ``×`` and their base; years as
integers; thresholds with their unit; verdict codes in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kzforecast.targets import Target

__all__ = [
    "MONTHS",
    "is_missing",
    "label_lookup",
    "number",
    "p_text",
    "pct",
    "pp",
    "short_unit",
    "sig",
    "target_label",
    "threshold_text",
    "verdict_words",
    "with_unit",
    "year",
]

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_VERDICTS = {"no_data": "no data", "not_yet_due": "not yet due", "no_deadline": "no deadline"}
_COMPARISON = {">=": "At least", "<=": "At most", "==": "Exactly"}
_METRIC_NOUN = {
    "vehicle_output": "vehicles",
    "passenger_car_output": "passenger cars",
    "export_units": "vehicles exported",
    "ckd_output": "vehicles made by CKD",
    "assembly_capacity": "vehicles of assembly capacity",
    "local_content_share": "local content",
    "ckd_share": "of output assembled by CKD",
    "export_share_of_output": "of output exported",
    "domestic_share_of_sales": "of sales from local plants",
    "noncommodity_export_share": "non-commodity share of exports",
    "processing_output_index": "manufacturing output",
    "processing_exports_usd_bn": "manufacturing exports",
    "labour_productivity": "labour productivity",
    "machine_building_exports": "machine-building exports",
    "machine_building_output": "machine-building output",
    "processing_investment_kzt_trn": "investment in manufacturing",
    "private_per_state_investment": "private investment per tenge of state investment",
}


def is_missing(x: object) -> bool:
    """True for None, NaN, NA and the empty string."""
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, str) and not x):
        return True
    return isinstance(x, float | np.floating) and math.isnan(x)


def pct(p: object, digits: int = 1) -> str:
    """A probability or share as a percentage: ``42.5%``, ``<0.05%``, ``>99.95%``, ``0%``.

    Values strictly between 0 and 1 are never written as 0% or 100%.
    """
    if is_missing(p):
        return ""
    x = float(p)  # type: ignore[arg-type]
    if x == 0.0:
        return "0%"
    if x == 1.0:
        return "100%"
    tiny = 0.5 * 10.0 ** (-digits) / 100.0
    if 0.0 < x < tiny:
        return f"<{tiny * 100:g}%"
    if 1.0 - tiny < x < 1.0:
        return f">{100 - tiny * 100:g}%"
    return f"{x:.{digits}%}"


def pp(se: object) -> str:
    """A standard error of a probability in percentage points: ``0.3 pp``, ``<0.05 pp``."""
    if is_missing(se):
        return ""
    x = float(se) * 100.0  # type: ignore[arg-type]
    if 0.0 < x < 0.05:
        return "<0.05 pp"
    return f"{x:.1f} pp"


def p_text(p: object, se: object, n: int) -> str:
    """P(met) with its standard error (if known); at exactly 0 or 1 the path count says more."""
    if is_missing(p):
        return ""
    x = float(p)  # type: ignore[arg-type]
    if n and x == 0.0:
        return f"0 of {n:,} paths"
    if n and x == 1.0:
        return f"all {n:,} paths"
    return pct(x) if is_missing(se) else f"{pct(x)} ± {pp(se)}"


def sig(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant figures."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def year(y: object) -> str:
    """A year as an integer (``2025``, never ``2025.0``); empty when missing."""
    return "" if is_missing(y) else str(int(float(y)))  # type: ignore[arg-type]


def _kind(unit: str) -> str:
    u = unit.lower()
    if u.startswith("ratio"):
        return "ratio"
    if "fraction" in u or u.startswith("share") or u == "%":
        return "share"
    return "level"


def short_unit(unit: str) -> str:
    """The unit without parenthesis or 'per year' (``vehicles in the year`` -> ``vehicles``)."""
    u = unit.split(" (")[0]
    for cut in (" in the year", " per year", " a year"):
        u = u.replace(cut, "")
    return u.strip()


def number(x: object, unit: str = "", *, rounded: bool = False) -> str:
    """A metric value written for its unit: ``199,167``, ``18.1%``, ``1.17×``, ``4.5``.

    ``rounded=True`` keeps three significant figures (``199,000``).
    """
    if is_missing(x):
        return ""
    v = float(x)  # type: ignore[arg-type]
    kind = _kind(unit)
    if kind == "share":
        return pct(v) if abs(v) <= 1.5 else f"{v:,.3g}"
    if kind == "ratio":
        return f"{v:.2f}×"
    if rounded:
        v = sig(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def with_unit(text: str, unit: str) -> str:
    """A formatted level followed by its short unit (shares and ratios carry their own)."""
    if not text or _kind(unit) != "level" or not unit:
        return text
    return f"{text} {short_unit(unit)}"


def threshold_text(threshold: object, unit: str, *, metric: str = "") -> str:
    """A threshold with its unit: ``209,000 vehicles``, ``50%``, ``1.22× the 2015 level``."""
    if is_missing(threshold):
        return ""
    v = float(threshold)  # type: ignore[arg-type]
    kind = _kind(unit)
    if kind == "share":
        text = f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-9 else f"{v:.1%}"
        noun = _METRIC_NOUN.get(metric, "")
        return f"{text} {noun}".strip() if noun else text
    if kind == "ratio":
        base = unit.split("ratio to ", 1)[-1].split(" (")[0] if "ratio to" in unit else "base"
        noun = _METRIC_NOUN.get(metric, "")
        return f"{v:g}× {base}" + (f" ({noun})" if noun else "")
    amount = f"{v:,.0f}" if abs(v) >= 1000 or v == int(v) else f"{v:g}"
    return f"{amount} {short_unit(unit)}".strip()


def verdict_words(code: object) -> str:
    """An ex-post verdict code in words (``no_data`` -> ``no data``)."""
    if is_missing(code):
        return ""
    return _VERDICTS.get(str(code), str(code).replace("_", " "))


def _who(t: Target) -> str:
    parts = t.id.split("-")
    code = parts[1] if len(parts) >= 3 and parts[0].startswith("KZ") else parts[0]
    when = (
        f"{MONTHS[t.stated_on.month - 1]} {t.stated_on.year}"
        if t.stated_on is not None
        else (str(t.stated_year) if t.stated_year else "undated")
    )
    return f"{code}, {when}"


def _when(t: Target) -> str:
    if t.timing == "none" or t.due_year is None:
        return "(no deadline)"
    if t.transform == "cumulative":
        return f"in total {t.window_start or ''}-{t.due_year}".replace(" -", " ")
    if t.timing == "by_year":
        return f"in some year by {t.due_year}"
    if t.timing == "window":
        span = f"{t.window_start}-{t.due_year}"
        return {
            "first": f"in {t.window_start} (first year of {span})",
            "last": f"in {t.due_year} (last year of {span})",
        }.get(str(t.window_rule), f"in some year of {span}")
    return f"in {t.due_year}"


def target_label(t: Target) -> str:
    """A target reading in plain English.

    Example: ``At least 209,000 vehicles in 2026 (KAU, February 2026)``.
    """
    what = threshold_text(t.threshold, t.unit, metric=t.metric)
    places = [d.replace("_", " ").title() for d in t.destinations]
    if t.metric == "export_units" and places and not any(p in t.unit for p in places):
        what += " to " + " and ".join(places)
    return f"{_COMPARISON.get(t.comparison, t.comparison)} {what} {_when(t)} ({_who(t)})"


def label_lookup(
    table: pd.DataFrame, targets: Sequence[Target] | None = None
) -> Mapping[tuple[str, str], str]:
    """Plain-English label per ``(id, reading)`` of a check table.

    Readings absent from ``targets`` (default: the shipped registry) keep their
    interpretation sentence.
    """
    if targets is None:
        from kzforecast.targets import load_targets

        targets = load_targets()
    known = {(t.id, t.reading): target_label(t) for t in targets}
    return {
        (str(i), str(r)): known.get((str(i), str(r)), str(s).rstrip("."))
        for i, r, s in zip(table["id"], table["reading"], table["interpretation"])
    }
