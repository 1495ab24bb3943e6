"""Export demand and its split over destinations."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kzforecast.model.blocks.logcap import cap_log
from kzforecast.model.params import Arr, ExportParams

__all__ = ["ExportStep", "export_demand_step", "export_destinations"]


class ExportStep(NamedTuple):
    """One year of export demand."""

    log_demand: Arr
    """:math:`\\log X^*_t` (unchanged before the start year)."""
    started: bool
    """Whether exports have started (so that the next year grows from this one)."""
    demand: Arr
    """:math:`X^*_t`."""


def export_demand_step(
    log_x: Arr,
    started: bool,
    p: ExportParams,
    dr: Arr,
    e: Arr,
    year: int,
    *,
    out: Arr | None = None,
) -> ExportStep:
    r"""Export demand in one year.

    .. math::

        X^*_t = 0 \ (t < \text{start\_year}), \qquad
        X^*_t = x_{start} \ (\text{the first year } t \ge \text{start\_year},
        \text{ unless exports had started}),

        \log X^*_t = \log X^*_{t-1} + \mu_X + b_X dr_t + s_X e^X_t \ \text{(afterwards)}

    Parameters
    ----------
    log_x : ndarray
        :math:`\log X^*_{t-1}` (``-inf`` for no demand).
    started : bool
        Whether ``log_x`` is a running export demand (true from the start year on, and at
        the as-of year if exports had started by then with a positive initial figure).
    p : ExportParams
        The block's parameters (``start_year``, ``x_start``, ``mu_X``, ``b_X``, ``s_X``).
    dr : ndarray
        :math:`dr_t`, the change of log RUB/KZT (``exchange_rate_step``).
    e : ndarray
        Standard normal shock :math:`e^X_t`.
    year : int
        The calendar year :math:`t`.
    out : ndarray, optional
        Receives :math:`X^*_t`.

    Returns
    -------
    ExportStep
        ``(log_demand, started, demand)``; the log capped at ``LOG_CAP``.
    """
    if year < p.start_year:
        if out is None:
            return ExportStep(log_x, started, np.zeros_like(log_x))
        out[:] = 0.0
        return ExportStep(log_x, started, out)
    if not started:
        x_start = np.broadcast_to(p.x_start, log_x.shape).astype(np.float64)
        with np.errstate(divide="ignore"):
            log_x = np.log(x_start)
    else:
        log_x = log_x + p.mu_X
        log_x += p.b_X * dr
        log_x += p.s_X * e
        cap_log(log_x)
    return ExportStep(log_x, True, np.exp(log_x, out=out))


def export_destinations(exports: Arr, shares: Arr, *, out: Arr | None = None) -> Arr:
    r"""Exports by destination, :math:`w_k X_t`.

    Parameters
    ----------
    exports : ndarray, shape (n,)
        Exports :math:`X_t` (after rationing, ``output_step``).
    shares : ndarray, shape (5, n)
        Destination shares :math:`w_k` per path (drawn once per path from a Dirichlet).
    out : ndarray, shape (5, n), optional
        Receives the result.

    Returns
    -------
    ndarray, shape (5, n)
        Exports to Russia, Uzbekistan, Kyrgyzstan, Tajikistan and other destinations.
    """
    return np.multiply(exports, shares, out=out)
