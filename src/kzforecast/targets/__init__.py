"""Official targets: the registry of who promised what, and ex-post verdicts.

The registry (:func:`load_targets`) ships every target for Kazakhstan's
motor-vehicle and processing industries stated 2010-2026, one
:class:`Target` per statement and explicit reading; :func:`verdicts` says, for
each reading, whether the history shows it met, missed or undecided, using the
qualifiers of the observations (a lower bound can prove a ">=" target met,
never missed). What each metric is, simulated and observed, is the one table
:data:`METRIC_TABLE` (:mod:`kzforecast.targets.metrics`).

A user's own targets are one line each: :meth:`Target.level`,
:meth:`Target.growth`, :meth:`Target.cumulative`, :meth:`Target.share`
(provenance optional, errors as :class:`~kzforecast.errors.TargetError`
naming the field; the shipped registry still requires provenance).
"""

from kzforecast.targets._interval import judge_interval
from kzforecast.targets._model import PROVENANCE_FIELDS, Target
from kzforecast.targets._registry import get_target, load_targets, read_registry, targets_frame
from kzforecast.targets._user import USER_CONTEXT, target_error
from kzforecast.targets._verdict import STATUSES, verdicts
from kzforecast.targets.metrics import (
    DESTINATION_SERIES,
    HISTORY_INPUTS,
    HISTORY_SERIES,
    METRIC_SPECS,
    METRIC_TABLE,
    METRICS,
    MODELLED_METRICS,
    SHARE_METRICS,
    Metric,
    MetricSpec,
)

__all__ = [
    "DESTINATION_SERIES",
    "HISTORY_INPUTS",
    "HISTORY_SERIES",
    "METRICS",
    "METRIC_SPECS",
    "METRIC_TABLE",
    "MODELLED_METRICS",
    "PROVENANCE_FIELDS",
    "SHARE_METRICS",
    "STATUSES",
    "USER_CONTEXT",
    "Metric",
    "MetricSpec",
    "Target",
    "get_target",
    "judge_interval",
    "load_targets",
    "read_registry",
    "target_error",
    "targets_frame",
    "verdicts",
]
