"""The canonical history series and observation qualifiers."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

import pandas as pd

__all__ = ["KINDS", "QUALIFIERS", "SERIES", "SeriesInfo", "series_catalogue"]

Kind = Literal["count", "share", "rate", "price", "level", "index"]

KINDS: tuple[Kind, ...] = ("count", "share", "rate", "price", "level", "index")
"""Kinds of series; they decide which values are valid.

``count``, ``level``, ``price`` and ``index`` must be >= 0, ``share`` must lie
in [0, 1] and ``rate`` (a growth rate as a fraction) must be > -1.
"""

QUALIFIERS: tuple[str, ...] = (
    "exact",
    "lower_bound",
    "upper_bound",
    "derived",
    "approximate",
    "missing",
)
"""How an observation's value relates to the true value.

``exact``
    the figure as published for that year and concept;
``lower_bound`` / ``upper_bound``
    the true value is at least / at most this ("over 50,000");
``derived``
    computed from published figures (a stated growth rate, a sum, a
    back-calculation, a mean); the note gives the formula;
``approximate``
    a rounded or verbal figure ("about 11 thousand", "every third");
``missing``
    a gap the sources leave open; the value is empty.
"""


class SeriesInfo(NamedTuple):
    """Definition of one canonical history series.

    Attributes
    ----------
    name : str
        Canonical series name, e.g. ``"vehicle_output"``.
    unit : str
        Unit of the values.
    kind : {"count", "share", "rate", "price", "level", "index"}
        Decides the valid range (see :data:`KINDS`).
    description : str
        What the series measures, with the main definitional caveats.

    Examples
    --------
    >>> from kzforecast.data import SERIES
    >>> SERIES["vehicle_output"].unit
    'vehicles per year'
    >>> SERIES["ckd_share"].kind
    'share'
    """

    name: str
    unit: str
    kind: Kind
    description: str


def _info(name: str, unit: str, kind: Kind, description: str) -> tuple[str, SeriesInfo]:
    return name, SeriesInfo(name, unit, kind, description)


SERIES: Mapping[str, SeriesInfo] = MappingProxyType(
    dict(
        [
            _info(
                "vehicle_output",
                "vehicles per year",
                "count",
                "Motor vehicles assembled in Kazakhstan: passenger cars (incl. light commercial "
                "vehicles where the source counts them so) + trucks + buses; trailers, "
                "semi-trailers and special-purpose vehicles excluded.",
            ),
            _info(
                "passenger_car_output",
                "vehicles per year",
                "count",
                "The 'passenger cars' line of the source (AKAB includes LCVs).",
            ),
            _info("truck_output", "vehicles per year", "count", "Trucks (cargo vehicles)."),
            _info("bus_output", "vehicles per year", "count", "Buses and minibuses."),
            _info(
                "export_units",
                "vehicles per year",
                "count",
                "Vehicles assembled in Kazakhstan and shipped abroad (association or ministry "
                "counts).",
            ),
            _info(
                "export_value_usd_m",
                "USD million per year",
                "level",
                "Value of the vehicle exports in export_units.",
            ),
            _info("exports_to_russia", "vehicles per year", "count", "Exports to Russia."),
            _info("exports_to_uzbekistan", "vehicles per year", "count", "Exports to Uzbekistan."),
            _info("exports_to_kyrgyzstan", "vehicles per year", "count", "Exports to Kyrgyzstan."),
            _info("exports_to_tajikistan", "vehicles per year", "count", "Exports to Tajikistan."),
            _info(
                "exports_to_other",
                "vehicles per year",
                "count",
                "Exports to all other destinations (e.g. Belarus, Azerbaijan, China).",
            ),
            _info(
                "new_vehicle_sales",
                "vehicles per year",
                "count",
                "New vehicles sold in Kazakhstan (official-dealer sales, AKAB definition; OICA "
                "'registrations or sales of new vehicles' where AKAB totals are missing).",
            ),
            _info(
                "domestic_share_of_sales",
                "fraction (0-1)",
                "share",
                "Share of new-vehicle sales made in Kazakhstan.",
            ),
            _info(
                "local_content_share",
                "fraction (0-1)",
                "share",
                "Industry-wide localization / local content (the concept of the 30% of 2014 and "
                "the 50% targets; value basis never defined by the sources). Plant- or model-"
                "level claims are not this series.",
            ),
            _info(
                "ckd_share",
                "fraction (0-1)",
                "share",
                "Share of vehicle output assembled by CKD (body welding and painting done "
                "locally); a process-depth indicator, not value-based local content.",
            ),
            _info(
                "usd_kzt",
                "KZT per USD",
                "price",
                "Annual mean of the National Bank's official daily USD rate.",
            ),
            _info(
                "rub_kzt",
                "KZT per RUB",
                "price",
                "Annual mean of the National Bank's official daily rouble rate.",
            ),
            _info(
                "processing_real_growth",
                "fraction per year",
                "rate",
                "Real growth of manufacturing (processing industries) output: BNS physical-"
                "volume index minus 1 (0.056 = +5.6% on the previous year).",
            ),
            _info(
                "processing_output_index",
                "index, 2015 = 1.0",
                "index",
                "Real manufacturing output index chained from processing_real_growth; only "
                "for years where the chain is unbroken.",
            ),
            _info(
                "processing_output_kzt_trn",
                "trillion KZT per year (nominal)",
                "level",
                "Manufacturing gross output at current prices.",
            ),
            _info(
                "processing_exports_usd_bn",
                "USD billion per year",
                "level",
                "Manufacturing (processed-goods) exports as reported by the industry ministry; "
                "includes metallurgy, oil products and uranium products.",
            ),
            _info(
                "processing_investment_kzt_trn",
                "trillion KZT per year (nominal)",
                "level",
                "Fixed-capital investment in manufacturing (BNS enterprise survey).",
            ),
            _info(
                "processing_state_budget_share",
                "fraction (0-1)",
                "share",
                "Share of processing_investment_kzt_trn financed from the state budget.",
            ),
        ]
    )
)
"""Every canonical series: name -> :class:`SeriesInfo` (read-only mapping)."""


def series_catalogue() -> pd.DataFrame:
    """Return the canonical series as a table.

    Returns
    -------
    pandas.DataFrame
        One row per series in canonical order, columns ``name, unit, kind,
        description``.

    Examples
    --------
    >>> from kzforecast.data import series_catalogue
    >>> cat = series_catalogue()
    >>> cat.columns.tolist()
    ['name', 'unit', 'kind', 'description']
    >>> cat.set_index("name").loc["usd_kzt", "unit"]
    'KZT per USD'
    """
    return pd.DataFrame(
        [tuple(info) for info in SERIES.values()], columns=list(SeriesInfo._fields)
    ).astype(str)
