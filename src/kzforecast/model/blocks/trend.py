"""The trend model of output (``model = "trend"``)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kzforecast.model.blocks.logcap import cap_log
from kzforecast.model.params import Arr, TrendParams

__all__ = ["TrendStep", "trend_step"]


class TrendStep(NamedTuple):
    """One year of the trend model."""

    log_output: Arr
    """:math:`\\log Q_t` (capped)."""
    growth: Arr
    """:math:`\\Delta \\log Q_t`."""


def trend_step(
    log_q: Arr,
    growth: Arr,
    p: TrendParams,
    e: Arr,
    jump: Arr,
    *,
    out: tuple[Arr, Arr] | None = None,
) -> TrendStep:
    r"""Output in one year: an ARIMA(1,1,0) with drift less the devaluation jump.

    .. math::

        \Delta\log Q_t = \mu_q + \phi(\Delta\log Q_{t-1} - \mu_q) + s_q e^q_t - b_q J_t D_t,
        \qquad \log Q_t = \log Q_{t-1} + \Delta\log Q_t

    Parameters
    ----------
    log_q : ndarray
        :math:`\log Q_{t-1}`.
    growth : ndarray
        :math:`\Delta\log Q_{t-1}`.
    p : TrendParams
        The block's parameters.
    e : ndarray
        Standard normal shock :math:`e^q_t`.
    jump : ndarray
        :math:`J_t D_t` (``exchange_rate_step``).
    out : tuple of two ndarrays, optional
        Receive :math:`(\log Q_t, \Delta\log Q_t)`; may be ``(log_q, growth)`` themselves,
        to advance in place.

    Returns
    -------
    TrendStep
        ``(log_output, growth)``; the log capped at ``LOG_CAP``.
    """
    g = np.subtract(growth, p.mu_q, out=None if out is None else out[1])
    g *= p.phi
    g += p.mu_q
    g += p.s_q * e
    g -= p.b_q * jump
    log_q_new = np.add(log_q, g, out=None if out is None else out[0])
    return TrendStep(cap_log(log_q_new), g)
