"""The one table of target metrics: what each measures, how it is simulated and observed.

Every target reading names a :data:`Metric`. :data:`METRIC_TABLE` says, for each
metric, its canonical unit, which model variables a simulation computes it from
(and how), which history series an ex-post verdict reads, and which export
destinations a target on it may name. Everything else is derived from it:
:data:`METRICS`, :data:`MODELLED_METRICS`, :data:`SHARE_METRICS`,
:data:`HISTORY_INPUTS`, :data:`HISTORY_SERIES`; the ex-ante evaluator
(:mod:`kzforecast.results.evaluate`), the ex-post verdicts
(:func:`kzforecast.targets.verdicts`) and the table in ``docs/targets.md``
(:func:`metrics_markdown`) all read it.

The targets layer sits below the model layer, so model variables are plain
strings here; whether a given model (structural or trend) simulates a metric
is decided in :mod:`kzforecast.results.evaluate` (``metric_models``).

Examples
--------
>>> from kzforecast.targets.metrics import METRIC_SPECS, MODELLED_METRICS
>>> METRIC_SPECS["ckd_output"].formula
'ckd_share x vehicle_output'
>>> "ckd_output" in MODELLED_METRICS, "passenger_car_output" in MODELLED_METRICS
(True, False)
>>> METRIC_SPECS["export_value_usd"].history_series, "export_value_usd" in MODELLED_METRICS
(('export_value_usd_m',), False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "CENTRAL_ASIA",
    "DESTINATION_SERIES",
    "HISTORY_INPUTS",
    "HISTORY_SERIES",
    "METRICS",
    "METRIC_COLUMNS",
    "METRIC_SPECS",
    "METRIC_TABLE",
    "MODELLED_METRICS",
    "SHARE_METRICS",
    "Combine",
    "Metric",
    "MetricSpec",
    "destination_series",
    "metric_rows",
    "metrics_markdown",
]

Metric = Literal[
    "vehicle_output",
    "passenger_car_output",
    "export_units",
    "export_share_of_output",
    "export_value_usd",
    "local_content_share",
    "ckd_share",
    "domestic_share_of_sales",
    "processing_output_index",
    "processing_exports_usd_bn",
    "processing_investment_kzt_trn",
    "private_per_state_investment",
    "assembly_capacity",
    "ckd_output",
    "labour_productivity",
    "noncommodity_export_share",
    "machine_building_exports",
    "machine_building_output",
    "other",
]
"""What a target measures. ``other`` covers rules and goals no series measures."""

Combine = Literal["value", "share", "product", "second_per_first"]
"""How a simulation combines a metric's model variables (``MetricSpec.simulated``).

``value``
    the one variable itself;
``share``
    first / second, 0 where the second is not positive (a share of output);
``product``
    first x second;
``second_per_first``
    second / first, ``+inf`` where the first is 0 and NaN where either is NaN;
    a cumulative reading divides the sums over its years (private per state
    investment).
"""

CENTRAL_ASIA: tuple[str, ...] = ("uzbekistan", "kyrgyzstan", "tajikistan")
"""The countries a target's ``central_asia`` destination stands for."""

DESTINATION_SERIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "russia": ("exports_to_russia",),
        "uzbekistan": ("exports_to_uzbekistan",),
        "kyrgyzstan": ("exports_to_kyrgyzstan",),
        "tajikistan": ("exports_to_tajikistan",),
        "other": ("exports_to_other",),
        "central_asia": tuple(f"exports_to_{c}" for c in CENTRAL_ASIA),
        "belarus": (),
    }
)
"""Export destinations a target may name, and the series that count them.

The names are both history series and model variables. ``belarus`` has none:
it is inside ``exports_to_other`` together with other countries, so the
history can only bound it by the total and no simulation can evaluate it."""


@dataclass(frozen=True)
class MetricSpec:
    """What one target metric is, ex ante (simulated) and ex post (observed).

    Attributes
    ----------
    name : Metric
        The metric, as a target's ``metric`` field names it.
    unit : str
        Canonical unit of a level threshold on it.
    description : str
        What it measures, in one sentence.
    simulated : tuple of str
        Model variables a simulation computes it from, in the order the
        evaluator reads them (empty: no model produces it).
    formula : str
        How the simulated variables combine, readably (empty when not modelled).
    combine : Combine
        The same as a rule the evaluator applies (see :data:`Combine`).
    history_series : tuple of str
        History series an ex-post verdict reads, the main one first (empty: no
        series measures it, verdicts say ``not_measurable``).
    history_formula : str
        How the history series combine, readably (empty when not measurable).
    destinations : tuple of str
        Export destinations a target on it may name (keys of
        :data:`DESTINATION_SERIES`); a named destination replaces
        ``export_units`` by the destinations' series, in history and simulation.
    share : bool
        Whether it is a fraction in [0, 1] (a level threshold must be too).
    """

    name: Metric
    unit: str
    description: str
    simulated: tuple[str, ...] = ()
    formula: str = ""
    combine: Combine = "value"
    history_series: tuple[str, ...] = ()
    history_formula: str = ""
    destinations: tuple[str, ...] = ()
    share: bool = False

    @property
    def modelled(self) -> bool:
        """Whether some model variable produces it (``simulated`` is not empty)."""
        return bool(self.simulated)

    @property
    def measurable(self) -> bool:
        """Whether a history series measures it (``history_series`` is not empty)."""
        return bool(self.history_series)


def _same(name: Metric, unit: str, description: str, *, share: bool = False) -> MetricSpec:
    """A metric that is one model variable and one history series of its own name."""
    return MetricSpec(
        name,
        unit,
        description,
        simulated=(name,),
        formula=name,
        history_series=(name,),
        history_formula=name,
        share=share,
    )


METRIC_TABLE: tuple[MetricSpec, ...] = (
    _same("vehicle_output", "vehicles per year", "Motor vehicles assembled in Kazakhstan."),
    MetricSpec(
        "passenger_car_output",
        "vehicles per year",
        "The passenger-car line of the output statistics (the model has no car/truck split).",
        history_series=("passenger_car_output",),
        history_formula="passenger_car_output",
    ),
    MetricSpec(
        "export_units",
        "vehicles per year",
        "Vehicles assembled in Kazakhstan and exported, to the named destinations if any.",
        simulated=("export_units",),
        formula="export_units",
        history_series=("export_units",),
        history_formula="export_units",
        destinations=tuple(DESTINATION_SERIES),
    ),
    MetricSpec(
        "export_share_of_output",
        "fraction",
        "Share of the vehicles assembled that are exported (to the named destinations if any).",
        simulated=("export_units", "vehicle_output"),
        formula="export_units / vehicle_output",
        combine="share",
        history_series=("export_units", "vehicle_output"),
        history_formula="export_units / vehicle_output",
        destinations=tuple(DESTINATION_SERIES),
        share=True,
    ),
    MetricSpec(
        "export_value_usd",
        "USD million per year",
        "Value of the vehicles exported, in US dollars (observed; the model has no prices).",
        history_series=("export_value_usd_m",),
        history_formula="export_value_usd_m",
    ),
    _same(
        "local_content_share",
        "fraction",
        "Industry-wide localization (local content) share.",
        share=True,
    ),
    _same("ckd_share", "fraction", "Share of vehicle output assembled by CKD.", share=True),
    _same(
        "domestic_share_of_sales",
        "fraction",
        "Share of new-vehicle sales made in Kazakhstan.",
        share=True,
    ),
    _same(
        "processing_output_index",
        "real index (2015 = 1)",
        "Real output of the processing industries.",
    ),
    _same("processing_exports_usd_bn", "USD bn", "Exports of the processing industries."),
    _same(
        "processing_investment_kzt_trn",
        "trillion KZT (nominal)",
        "Fixed investment in the processing industries.",
    ),
    MetricSpec(
        "private_per_state_investment",
        "tenge per tenge",
        "Private fixed investment in processing per tenge of state-budget investment.",
        simulated=("processing_state_investment_kzt_trn", "processing_private_investment_kzt_trn"),
        formula="processing_private_investment_kzt_trn / processing_state_investment_kzt_trn",
        combine="second_per_first",
        history_series=("processing_state_budget_share", "processing_investment_kzt_trn"),
        history_formula=(
            "(1 - s) / s in a year, sum(V x (1 - s)) / sum(V x s) over years; "
            "s = processing_state_budget_share, V = processing_investment_kzt_trn"
        ),
    ),
    MetricSpec(
        "assembly_capacity",
        "vehicles per year",
        "Assembly capacity of the plants (a model input, not an observed series).",
        simulated=("capacity",),
        formula="capacity",
    ),
    MetricSpec(
        "ckd_output",
        "vehicles per year",
        "Vehicles assembled by CKD.",
        simulated=("ckd_share", "vehicle_output"),
        formula="ckd_share x vehicle_output",
        combine="product",
        history_series=("ckd_share", "vehicle_output"),
        history_formula="ckd_share x vehicle_output",
    ),
    MetricSpec(
        "labour_productivity",
        "ratio to a base year",
        "Labour productivity in manufacturing (neither modelled nor observed).",
    ),
    MetricSpec(
        "noncommodity_export_share",
        "fraction",
        "Share of non-commodity goods in total exports (neither modelled nor observed).",
        share=True,
    ),
    MetricSpec(
        "machine_building_exports",
        "ratio to a base year",
        "Machine-building exports (neither modelled nor observed).",
    ),
    MetricSpec(
        "machine_building_output",
        "ratio to a base year",
        "Machine-building output (neither modelled nor observed).",
    ),
    MetricSpec(
        "other",
        "as stated",
        "Rules and goals about plants or brands that no industry-wide series measures.",
    ),
)
"""One :class:`MetricSpec` per :data:`Metric`, in the order of the literal."""

METRIC_SPECS: Mapping[Metric, MetricSpec] = MappingProxyType({s.name: s for s in METRIC_TABLE})
""":data:`METRIC_TABLE` keyed by metric name."""

METRICS: tuple[Metric, ...] = tuple(s.name for s in METRIC_TABLE)
"""Every metric, in the order of the table (that of the :data:`Metric` literal)."""

if get_args(Metric) != METRICS:  # pragma: no cover - a guard on editing the two together
    raise RuntimeError("METRIC_TABLE must list every Metric once, in the literal's order")

MODELLED_METRICS: tuple[Metric, ...] = tuple(s.name for s in METRIC_TABLE if s.modelled)
"""Metrics a simulation can produce (those with model variables in the table).

Whether a particular model produces one depends on its variables: the trend
model simulates output alone (see ``kzforecast.results.evaluate.metric_models``)."""

SHARE_METRICS: frozenset[Metric] = frozenset(s.name for s in METRIC_TABLE if s.share)
"""Metrics that are fractions in [0, 1]; their level thresholds must be too."""

HISTORY_INPUTS: Mapping[Metric, tuple[str, ...]] = MappingProxyType(
    {s.name: s.history_series for s in METRIC_TABLE}
)
"""Every history series a metric's verdict needs (empty: not measurable).

Computed metrics (see ``MetricSpec.history_formula``):

* ``export_share_of_output`` = ``export_units / vehicle_output`` (same year);
* ``private_per_state_investment`` = private / state fixed investment in the
  processing industries, where state = ``processing_state_budget_share`` x
  ``processing_investment_kzt_trn`` and private = the rest; over several years
  the two parts are summed before dividing;
* ``ckd_output`` = ``ckd_share`` x ``vehicle_output``.
"""

HISTORY_SERIES: Mapping[Metric, str | None] = MappingProxyType(
    {s.name: (s.history_series[0] if s.history_series else None) for s in METRIC_TABLE}
)
"""The main history series of each metric, or ``None`` if no series measures it
(for a computed metric, the first of :data:`HISTORY_INPUTS`)."""


def destination_series(destinations: Sequence[str]) -> list[str]:
    """The series counting exports to some destinations, each once, in order.

    Parameters
    ----------
    destinations : sequence of str
        Keys of :data:`DESTINATION_SERIES`.

    Returns
    -------
    list of str
        The destinations' series, first occurrence first.

    Examples
    --------
    >>> destination_series(["russia", "central_asia", "uzbekistan"])
    ['exports_to_russia', 'exports_to_uzbekistan', 'exports_to_kyrgyzstan', 'exports_to_tajikistan']
    """
    out: list[str] = []
    for d in destinations:
        for name in DESTINATION_SERIES[d]:
            if name not in out:
                out.append(name)
    return out


METRIC_COLUMNS: tuple[str, ...] = (
    "metric",
    "unit",
    "simulated as",
    "simulated by",
    "history used by verdicts",
    "destinations",
)
"""Columns of :func:`metric_rows` and of the table in ``docs/targets.md``."""


def _code(text: str) -> str:
    return f"`{text}`" if text else "-"


def metric_rows(simulated_by: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """The metric table as text cells, one row per metric (columns :data:`METRIC_COLUMNS`).

    Parameters
    ----------
    simulated_by : mapping of str to sequence of str
        Metric -> the models that simulate it (the targets layer does not know
        the models: ``kzforecast.results.evaluate.simulated_by`` builds this
        from the model layer). A metric absent from the mapping is simulated
        by no model.

    Returns
    -------
    list of tuple of str
        ``(metric, unit, simulated as, simulated by, history used by verdicts,
        destinations)``; ``-`` for an empty cell, names joined by ``, ``.
    """
    return [
        (
            _code(s.name),
            s.unit,
            _code(s.formula),
            ", ".join(simulated_by.get(s.name, ())) or "-",
            _code(s.history_formula),
            ", ".join(s.destinations) or "-",
        )
        for s in METRIC_TABLE
    ]


def metrics_markdown(simulated_by: Mapping[str, Sequence[str]]) -> str:
    """The metric table as a Markdown table (the one in ``docs/targets.md``).

    Parameters
    ----------
    simulated_by : mapping of str to sequence of str
        Metric -> the models that simulate it (see :func:`metric_rows`).

    Returns
    -------
    str
        Header, separator and one line per metric, ending with a newline.
    """
    lines = ["| " + " | ".join(METRIC_COLUMNS) + " |", "|" + "---|" * len(METRIC_COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in metric_rows(simulated_by)]
    return "\n".join(lines) + "\n"
