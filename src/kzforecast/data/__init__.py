"""Sourced history of Kazakhstan's motor-vehicle and processing industries.

Every figure is traceable: each observation carries a qualifier (exact, lower
or upper bound, derived, approximate, missing), a confidence and the ids of
its sources, and :func:`sources` gives each id's outlet, URL and date.

* :func:`load_observations` - the long table, one row per observation,
  including non-preferred alternatives where sources conflict;
* :func:`load_history` - the preferred values as a wide year x series table;
* :func:`sources`, :func:`load_plants`, :func:`load_devaluations`,
  :func:`series_catalogue`, :data:`SERIES`, :data:`QUALIFIERS`;
* :func:`load_oica` - the OICA panel of producing countries (production
  2006-2023, new-vehicle sales 2005-2023), with suspect values flagged by
  :func:`flag_suspect` (see ``docs/panel.md``).

Where sources conflict, one row per (series, year) is preferred by this rule,
applied in order: (1) scope: the row that measures what the series defines
(full year, whole industry, outcome not forecast, same inclusions) wins;
(2) precision: exact or derived > approximate > lower/upper bound; (3) source
rank: official statistics (latest vintage first) > industry association >
government or ministry statement > international compilation (OICA) >
secondary relay without a named source; (4) higher confidence. The other rows
are kept with ``preferred=False``. See ``docs/data.md``.

Examples
--------
>>> import kzforecast.data as data
>>> history = data.load_history()
>>> int(history.loc[2025, "vehicle_output"])
171442
>>> sorted(data.QUALIFIERS)
['approximate', 'derived', 'exact', 'lower_bound', 'missing', 'upper_bound']
"""

from __future__ import annotations

from kzforecast.data._history import load_history, load_observations
from kzforecast.data._series import QUALIFIERS, SERIES, series_catalogue
from kzforecast.data._series import SeriesInfo as SeriesInfo  # for type hints; not in __all__
from kzforecast.data._tables import load_devaluations, load_plants, sources
from kzforecast.data.panel import (
    flag_suspect,
    load_oica,
    oica_countries,
    oica_sources,
    suspect_report,
)

__all__ = [
    "QUALIFIERS",
    "SERIES",
    "flag_suspect",
    "load_devaluations",
    "load_history",
    "load_observations",
    "load_oica",
    "load_plants",
    "oica_countries",
    "oica_sources",
    "series_catalogue",
    "sources",
    "suspect_report",
]
