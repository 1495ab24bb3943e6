"""Cross-country panel of motor-vehicle production and sales (OICA), suspect values flagged.

The OICA (Organisation Internationale des Constructeurs d'Automobiles) publishes each
producing country's output of passenger cars and commercial vehicles, and each country's new
vehicle registrations or sales. The package ships them as compiled by J. P. Helveston's R data
package ``oica`` (MIT licence, commit 098bb08; see ``oica/README.md`` beside this module): OICA
is the source of every figure, the compilation is the route.

* :func:`load_oica` - the long table, one row per (country, year, type), with derived totals;
* :func:`flag_suspect` - the one rule that marks values the compilation most likely corrupted;
* :func:`suspect_report` - the flagged rows with the rule and the reason;
* :func:`oica_countries`, :func:`oica_sources`.

Values are never repaired: a flagged value stays as published, with qualifier ``suspect`` and
a note saying which part of the rule flagged it and why. A missing cell is a gap (no row),
never a zero. See ``docs/panel.md``.

Examples
--------
>>> from kzforecast.data.panel import load_oica
>>> kz = load_oica(countries="Kazakhstan").set_index(["type", "year"])
>>> int(kz.loc[("total", 2021), "value"]), kz.loc[("total", 2021), "qualifier"]
(92417, 'derived')
>>> kz.loc[("total", 2023), "qualifier"]
'suspect'
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from importlib import resources
from typing import Final, Literal

import numpy as np
import pandas as pd

from kzforecast.errors import ArgumentError, ArgumentTypeError, DataError

__all__ = [
    "COLLAPSE_RATIO",
    "NEIGHBOUR_RATIO",
    "PANEL_COLUMNS",
    "PANEL_MIN_SERIES",
    "PANEL_QUALIFIERS",
    "PANEL_TYPES",
    "PanelKind",
    "flag_suspect",
    "load_oica",
    "oica_countries",
    "oica_sources",
    "suspect_report",
]

PanelKind = Literal["production", "sales"]

COLLAPSE_RATIO: Final[float] = 0.1
"""A value below this fraction of its reference is a collapse (see :func:`flag_suspect`)."""

NEIGHBOUR_RATIO: Final[float] = 0.25
"""An isolated dip's two neighbours must agree within this ratio (smaller / larger)."""

PANEL_MIN_SERIES: Final[int] = 5
"""Fewest series with values in two consecutive years for a panel-wide median to count."""

PANEL_QUALIFIERS: Final[tuple[str, ...]] = ("exact", "derived", "suspect")
"""``exact``: an OICA figure as compiled; ``derived``: a total computed from two figures;
``suspect``: flagged by :func:`flag_suspect` (or a total with a suspect component)."""

PANEL_TYPES: Final[tuple[str, ...]] = ("passenger", "commercial", "total")
"""Vehicle types: OICA's passenger cars, commercial vehicles, and their sum."""

PANEL_COLUMNS: Final[tuple[str, ...]] = (
    "country",
    "iso3",
    "year",
    "type",
    "value",
    "qualifier",
    "source_id",
    "note",
)
"""Columns of :func:`load_oica`."""

_FILES: Final = {"production": "production.csv", "sales": "sales_country.csv"}
_TYPE_CODES: Final = {
    "production": {"pv": "passenger", "cv": "commercial"},
    "sales": {"pc": "passenger", "cv": "commercial"},
}
_OTHERS: Final = "Others"
_OTHERS_NOTE: Final = (
    "OICA's residual row (producers not listed separately); which countries it holds changes "
    "from year to year, so it is not one country's series"
)


def _check_kind(kind: object, function: str) -> PanelKind:
    if kind == "production":
        return "production"
    if kind == "sales":
        return "sales"
    raise ArgumentError(
        f"unknown panel {kind!r}", source=function, location="kind", allowed="'production', 'sales'"
    )


def _read_csv(name: str) -> pd.DataFrame:
    """Read a CSV of the ``oica`` package-data folder, every cell as text."""
    path = resources.files("kzforecast.data").joinpath("oica").joinpath(name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)


@functools.cache
def _figures(kind: PanelKind) -> pd.DataFrame:
    """Read the shipped compilation: one ``exact`` row per published figure."""
    raw = _read_csv(_FILES[kind])
    # A gap is no row: the compilation writes NA where OICA printed no figure, and its
    # production file ends with four empty 2023 rows (no country, no value).
    raw = raw[(raw["country"] != "") & (raw["n"] != "NA")]
    values = pd.to_numeric(raw["n"])
    types = raw["type"].map(_TYPE_CODES[kind])
    if types.isna().any() or (values < 0).any():
        raise DataError("unexpected vehicle type or value", source=f"oica/{_FILES[kind]}")
    # A few sales cells are spreadsheet results with float noise (Liberia 2013 CV
    # 220.00000000000003; Bulgaria 2023 CV 9232.9967): counts are rounded, the raw text noted.
    fractional = values % 1 != 0
    notes = np.where(fractional, "compiled as " + raw["n"] + ", rounded to a count", "")
    years = raw["year"].astype("int64")
    frame = pd.DataFrame(
        {
            "country": raw["country"].astype(str),
            "iso3": raw["code_iso_alpha3"].replace("NA", "").astype(str),
            "year": years,
            "type": types.astype(str),
            "value": values.round().astype("int64"),
            "qualifier": "exact",
            "source_id": "OICA-P" + raw["year"] if kind == "production" else "OICA-S",
            "note": notes,
        }
    ).reset_index(drop=True)
    if frame.duplicated(["country", "type", "year"]).any():
        raise DataError("duplicated (country, type, year)", source=f"oica/{_FILES[kind]}")
    return frame


def _derive_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Total = passenger + commercial where both are present (else a gap); inherits suspicion."""
    keys = ["country", "year"]
    passenger = figures[figures["type"] == "passenger"]
    commercial = figures[figures["type"] == "commercial"][[*keys, "value", "qualifier"]]
    both = passenger.merge(commercial, on=keys, suffixes=("", "_c"), validate="one_to_one")
    suspect_parts = [
        [name for name, q in (("passenger", qp), ("commercial", qc)) if q == "suspect"]
        for qp, qc in zip(both["qualifier"], both["qualifier_c"])
    ]
    sums = [f"passenger {p:,} + commercial {c:,}" for p, c in zip(both["value"], both["value_c"])]
    verb = {1: "is", 2: "are"}
    notes = [
        f"suspect (inherited): {' and '.join(ps)} {y} {verb[len(ps)]} suspect; {text}"
        if ps
        else text
        for ps, y, text in zip(suspect_parts, both["year"], sums)
    ]
    return pd.DataFrame(
        {
            "country": both["country"],
            "iso3": both["iso3"],
            "year": both["year"],
            "type": "total",
            "value": both["value"] + both["value_c"],
            "qualifier": ["suspect" if parts else "derived" for parts in suspect_parts],
            "source_id": both["source_id"],
            "note": notes,
        }
    )


def flag_suspect(frame: pd.DataFrame) -> pd.DataFrame:
    """Flag values that collapse without cause: the panel's one rule for suspect figures.

    The rule is evaluated separately for each ``type`` (passenger, commercial, total), on
    values that are not already ``suspect``; zero counts as a value, a missing year does not.

    (a) **Panel-wide collapse.** For each year ``y``, take the ratio ``value(y) / value(y-1)``
        of every series (country) with positive values in both years. If at least
        :data:`PANEL_MIN_SERIES` ratios exist and their median is below
        :data:`COLLAPSE_RATIO`, every value of that type in year ``y`` is flagged: a whole
        year does not fall tenfold in every country at once.
    (b) **Isolated dip that reverts.** A value is flagged if both neighbouring years exist,
        are positive and unflagged by (a), the value is below :data:`COLLAPSE_RATIO` times the
        smaller neighbour, and the neighbours agree (smaller / larger >= :data:`NEIGHBOUR_RATIO`):
        the series falls tenfold for one year and returns to the level it left.

    A fall that does not revert is kept (Russia 2022 production: 2023 is flagged by (a), so
    it has no usable right neighbour; Ukraine 2022), and so is the first or last year of a
    series: with no neighbour on one side, nothing shows that the series came back.

    Derivation of the parameters, on the shipped panel (2006-2023 production, 2005-2023 sales;
    ratios of a value to the smaller neighbour for (b)):

    * panel medians of ``value(y) / value(y-1)``: the lowest in a real year is 0.62
      (commercial-vehicle production, 2009), 0.77-0.85 otherwise (2009, 2020); the corrupt
      2023 production column (figures that lost their thousands: China 30, Germany 4) gives
      0.001 for both types;
    * dips that revert, neighbours within a factor 4: the deepest the rule keeps are
      Hungary's 2019 commercial-vehicle sales (4,759 between 23,053 and 25,947: 0.21, not
      explained, see ``docs/panel.md``), Finland's 2009 commercial-vehicle production (64
      between 376 and 280: 0.23) and Georgia's 2009 car sales (0.25); the values it flags lie
      at 0.04 or below (Dominican Republic 2017 commercial-vehicle sales, 228 between 19,820
      and 5,960), all production ones at 0.002 or below (Czech Republic 2021: 1 car between
      1,152,901 and 1,217,787) or at zero.

    ``COLLAPSE_RATIO = 0.1`` lies a factor 2 below the deepest kept dip, 2.5 above the
    highest flagged one and 6 below the lowest real panel median. ``NEIGHBOUR_RATIO = 0.25``
    (neighbours within a factor 4) keeps a collapse that recovers only partly, while
    admitting a dip whose neighbours moved with a reclassification between the two types
    (Dominican Republic 2017 sales: passenger 24 between 4,204 and 15,340). Five series are
    the fewest for a median that one odd country cannot set.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table with columns ``country, type, year, value`` (one row per country, type and
        year; NaN values are ignored), and optionally ``qualifier`` (default ``"exact"``) and
        ``note`` (default ``""``). Evaluate it on the whole panel: (a) needs many countries.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` in which every flagged row has ``qualifier="suspect"`` and a note
        starting ``suspect (panel_collapse): ...`` or ``suspect (isolated_dip): ...`` with the
        numbers behind it (any previous note follows). Values are unchanged.

    Raises
    ------
    kzforecast.errors.DataError
        If a required column is missing, a (country, type, year) repeats or a value is < 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzforecast.data.panel import flag_suspect
    >>> rows = [("A", 2019, 100.0), ("A", 2020, 3.0), ("A", 2021, 110.0), ("A", 2022, 120.0)]
    >>> frame = pd.DataFrame(rows, columns=["country", "year", "value"]).assign(type="total")
    >>> flag_suspect(frame)["qualifier"].tolist()
    ['exact', 'suspect', 'exact', 'exact']
    """
    missing = sorted({"country", "type", "year", "value"} - set(frame.columns))
    if missing:
        raise DataError(f"missing columns {missing}", source="flag_suspect")
    out = frame.copy()
    if "qualifier" not in out.columns:
        out["qualifier"] = "exact"
    if "note" not in out.columns:
        out["note"] = ""
    if out.duplicated(["country", "type", "year"]).any():
        raise DataError("a (country, type, year) appears more than once", source="flag_suspect")
    if (out["value"] < 0).any():
        raise DataError("values are counts and must be >= 0", source="flag_suspect")
    index = out.index
    out = out.reset_index(drop=True)  # positions, whatever the caller's index
    reasons = pd.Series("", index=out.index, dtype=object)
    usable = out["value"].notna() & (out["qualifier"] != "suspect")
    for type_, rows in out[usable].groupby("type", sort=False):
        reasons[rows.index] = np.array(_reasons_for_type(rows, str(type_)), dtype=object)
    hit = reasons != ""
    out.loc[hit, "qualifier"] = "suspect"
    old = out.loc[hit, "note"].astype(str)
    out.loc[hit, "note"] = reasons[hit] + old.where(old == "", "; " + old)
    out.index = index
    return out


def _reasons_for_type(rows: pd.DataFrame, type_: str) -> list[str]:
    """Rule (a) and (b) of :func:`flag_suspect` for one type's usable rows, row by row."""
    first = int(rows["year"].min())
    years = range(first, int(rows["year"].max()) + 1)
    wide = rows.pivot(index="country", columns="year", values="value").reindex(columns=years)
    grid = wide.to_numpy(dtype="float64")  # countries x consecutive years, NaN = no value
    before = np.full_like(grid, np.nan)
    before[:, 1:] = grid[:, :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where((grid > 0) & (before > 0), grid / before, np.nan)
    counts = np.sum(~np.isnan(ratios), axis=0)
    collapsed: dict[int, str] = {}
    for j, year in enumerate(years):
        if counts[j] >= PANEL_MIN_SERIES:
            median = float(np.nanmedian(ratios[:, j]))
            if median < COLLAPSE_RATIO:
                collapsed[year] = (
                    f"suspect (panel_collapse): the median over {counts[j]} countries of "
                    f"{type_} value({year}) / value({year - 1}) is {median:.4f} < {COLLAPSE_RATIO}"
                )
    ref = grid.copy()
    ref[:, [year - first for year in collapsed]] = np.nan
    prev, nxt = np.full_like(ref, np.nan), np.full_like(ref, np.nan)
    prev[:, 1:], nxt[:, :-1] = ref[:, :-1], ref[:, 1:]
    low, high = np.minimum(prev, nxt), np.maximum(prev, nxt)  # NaN if a neighbour is missing
    dip = (low > 0) & (ref < COLLAPSE_RATIO * low) & (low >= NEIGHBOUR_RATIO * high)
    reasons = []
    positions = zip(
        wide.index.get_indexer(pd.Index(rows["country"])), rows["year"].to_numpy() - first
    )
    for i, j in positions:
        year = first + int(j)
        if year in collapsed:
            reasons.append(collapsed[year])
        elif dip[i, j]:
            p, n = float(prev[i, j]), float(nxt[i, j])
            reasons.append(
                f"suspect (isolated_dip): {ref[i, j]:,.0f} is below {COLLAPSE_RATIO} x both "
                f"neighbours ({year - 1}: {p:,.0f}; {year + 1}: {n:,.0f}), which agree within "
                f"a factor {max(p, n) / min(p, n):.2f}: a one-year collapse that reverts"
            )
        else:
            reasons.append("")
    return reasons


@functools.cache
def _panel(kind: PanelKind) -> pd.DataFrame:
    """The whole flagged panel of one kind (cached; callers get copies)."""
    figures = flag_suspect(_figures(kind))
    totals = flag_suspect(_derive_totals(figures))
    frame = pd.concat([figures, totals], ignore_index=True)
    others = frame["country"] == _OTHERS
    frame.loc[others, "note"] = [
        f"{note}; {_OTHERS_NOTE}" if note else _OTHERS_NOTE for note in frame.loc[others, "note"]
    ]
    order = frame["type"].map({t: i for i, t in enumerate(PANEL_TYPES)})
    frame = frame.assign(_order=order).sort_values(["country", "_order", "year"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)[list(PANEL_COLUMNS)]


def oica_countries(kind: PanelKind = "production") -> list[str]:
    """Return the names accepted by :func:`load_oica`, sorted.

    Parameters
    ----------
    kind : {"production", "sales"}
        Which panel.

    Returns
    -------
    list of str
        OICA's English country names ("Czech Republic", "South Korea", "USA", "Turkey");
        production also has ``"Others"``, OICA's residual row.

    Examples
    --------
    >>> from kzforecast.data.panel import oica_countries
    >>> len(oica_countries()), len(oica_countries("sales"))
    (43, 142)
    >>> "Kazakhstan" in oica_countries()
    True
    """
    return sorted(set(_figures(_check_kind(kind, "oica_countries"))["country"]))


def _select_countries(kind: PanelKind, countries: str | Iterable[str] | None) -> list[str] | None:
    if countries is None:
        return None
    names = [countries] if isinstance(countries, str) else list(countries)
    if not all(isinstance(name, str) for name in names):
        raise ArgumentTypeError(
            "must be a country name or an iterable of names",
            source="load_oica",
            location="countries",
        )
    known = oica_countries(kind)
    unknown = [name for name in names if name not in known]
    if unknown:
        by_lower = {name.lower(): name for name in known}
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
            matches = ", ".join(repr(by_lower[c]) for c in close) or "none"
            hints.append(f"{name!r} (close matches: {matches})")
        raise DataError(
            f"not in the OICA {kind} panel: {'; '.join(hints)}",
            source="load_oica",
            location="countries",
            allowed=f"the names of kzforecast.data.panel.oica_countries({kind!r})",
        )
    return names


def load_oica(
    kind: PanelKind = "production", countries: str | Iterable[str] | None = None
) -> pd.DataFrame:
    """Return OICA's production or sales panel as a long table, suspect values flagged.

    Parameters
    ----------
    kind : {"production", "sales"}
        ``"production"``: vehicles produced, 43 rows of OICA's table (42 countries and
        ``"Others"``), 2006-2023. ``"sales"``: new vehicles registered or sold, 142 countries,
        2005-2023 (58 of them after 2019).
    countries : str or iterable of str, optional
        OICA names (see :func:`oica_countries`); default: all.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PANEL_COLUMNS`: ``country``, ``iso3`` (ISO 3166 alpha-3, ``""`` for
        ``"Others"``), ``year`` (int), ``type`` (``passenger``, ``commercial``, ``total``),
        ``value`` (int, vehicles), ``qualifier`` (``exact`` for an OICA figure, ``derived``
        for a total = passenger + commercial, ``suspect`` where :func:`flag_suspect` flags it
        or a total has a suspect part), ``source_id`` (see :func:`oica_sources`), ``note``.
        Sorted by country, type, year. A total is computed only where both types are present;
        a missing figure is a gap (no row). Flags are computed on the whole panel, then rows
        are selected. ``frame.attrs["suspect"]`` summarises what was flagged in the returned
        rows: ``rows`` (count), ``by_rule`` (count per rule: ``panel_collapse``,
        ``isolated_dip``, ``inherited``), ``collapsed_years`` (type -> years flagged by rule
        (a)) and ``isolated_dips`` (``"<country> <year> <type>"`` labels); the full list with
        reasons is :func:`suspect_report`.

    Raises
    ------
    kzforecast.errors.ArgumentError
        If ``kind`` is unknown.
    kzforecast.errors.DataError
        If a country is not in the panel (the message lists close matches).

    Examples
    --------
    >>> from kzforecast.data.panel import load_oica
    >>> cz = load_oica(countries=["Czech Republic"]).set_index(["type", "year"])
    >>> int(cz.loc[("passenger", 2021), "value"]), cz.loc[("passenger", 2021), "qualifier"]
    (1, 'suspect')
    >>> load_oica(countries="Kazakhstan").attrs["suspect"]["by_rule"]
    {'inherited': 1, 'panel_collapse': 2}
    """
    kind = _check_kind(kind, "load_oica")
    names = _select_countries(kind, countries)
    frame = _panel(kind).copy()
    if names is not None:
        frame = frame[frame["country"].isin(names)].reset_index(drop=True)
    frame.attrs["suspect"] = _summary(frame)
    return frame


def _rules(frame: pd.DataFrame) -> pd.Series:
    """The rule named at the start of each suspect row's note."""
    return frame["note"].str.extract(r"^suspect \((\w+)\)", expand=False).fillna("")


def _summary(frame: pd.DataFrame) -> dict[str, object]:
    flagged = frame[frame["qualifier"] == "suspect"]
    rules = _rules(flagged)
    collapse = flagged[rules == "panel_collapse"]
    dips = flagged[rules == "isolated_dip"]
    return {
        "rows": len(flagged),
        "by_rule": {str(k): int(v) for k, v in rules.value_counts().sort_index().items()},
        "collapsed_years": {
            str(t): sorted({int(y) for y in g["year"]}) for t, g in collapse.groupby("type")
        },
        "isolated_dips": [f"{c} {y} {t}" for c, y, t in zip(dips.country, dips.year, dips.type)],
    }


def suspect_report(kind: PanelKind = "production") -> pd.DataFrame:
    """Return every flagged row of a panel with the rule and the reason.

    Parameters
    ----------
    kind : {"production", "sales"}
        Which panel.

    Returns
    -------
    pandas.DataFrame
        Columns ``country, iso3, year, type, value, rule, reason``; ``rule`` is
        ``panel_collapse`` or ``isolated_dip`` (:func:`flag_suspect`) or ``inherited`` (a total
        with a suspect part); ``reason`` is the row's note.

    Examples
    --------
    >>> from kzforecast.data.panel import suspect_report
    >>> report = suspect_report("production")
    >>> sorted(set(report[report.rule == "panel_collapse"].year))
    [2023]
    """
    frame = _panel(_check_kind(kind, "suspect_report"))
    flagged = frame[frame["qualifier"] == "suspect"]
    report = flagged[["country", "iso3", "year", "type", "value"]].assign(
        rule=_rules(flagged), reason=flagged["note"]
    )
    return report.reset_index(drop=True)


def oica_sources() -> pd.DataFrame:
    """Return the sources of the panel: OICA's tables and the compilation they were read from.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_id, outlet, title, url, date, notes`` (all str, ``""`` where
        unknown), like :func:`kzforecast.data.sources`. ``OICA-P<year>``: OICA's production
        table of that year; ``OICA-S``: OICA's sales workbooks; ``HELVESTON-OICA``: the
        compilation (the route, not the source).

    Examples
    --------
    >>> from kzforecast.data.panel import oica_sources
    >>> src = oica_sources().set_index("source_id")
    >>> src.loc["OICA-P2021", "url"]
    'https://www.oica.net/category/production-statistics/2021-statistics/'
    """
    return _read_csv("sources.csv").astype(str)
