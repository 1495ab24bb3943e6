"""The processing (manufacturing) industry: output, exports and investment."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kzforecast.model.blocks.logcap import cap_log
from kzforecast.model.params import Arr, ArrOrFloat, ProcessingParams

__all__ = ["ProcessingStep", "investment_split", "processing_step"]


class ProcessingStep(NamedTuple):
    """One year of the processing industry, on the log scale (capped)."""

    log_output: Arr
    """:math:`\\log I_t`."""
    log_exports: Arr
    """:math:`\\log E_t`."""
    log_investment: Arr
    """:math:`\\log V_t`."""


def processing_step(
    log_i: Arr, log_e: Arr, log_v: Arr, p: ProcessingParams, e_i: Arr, e_e: Arr, e_v: Arr
) -> ProcessingStep:
    r"""Processing industry in one year: three independent random walks with drift.

    .. math::

        \log I_t = \log I_{t-1} + g_P + s_P e^P_t, \quad
        \log E_t = \log E_{t-1} + g_E + s_E e^E_t, \quad
        \log V_t = \log V_{t-1} + g_I + s_I e^I_t

    Parameters
    ----------
    log_i, log_e, log_v : ndarray
        :math:`\log I_{t-1}` (real output index), :math:`\log E_{t-1}` (exports, USD bn),
        :math:`\log V_{t-1}` (investment, trillion KZT).
    p : ProcessingParams
        The block's parameters.
    e_i, e_e, e_v : ndarray
        Standard normal shocks :math:`e^P_t`, :math:`e^E_t`, :math:`e^I_t`.

    Returns
    -------
    ProcessingStep
        :math:`(\log I_t, \log E_t, \log V_t)`, each capped at ``LOG_CAP``.
    """
    return ProcessingStep(
        _walk(log_i, p.g_P, p.s_P, e_i),
        _walk(log_e, p.g_E, p.s_E, e_e),
        _walk(log_v, p.g_I, p.s_I, e_v),
    )


def _walk(log_level: Arr, g: ArrOrFloat, s: ArrOrFloat, e: Arr) -> Arr:
    """``log_level + g + s e``, capped."""
    new = log_level + g
    new += s * e
    return cap_log(new)


def investment_split(
    investment: Arr, p: ProcessingParams, *, out: tuple[Arr, Arr] | None = None
) -> tuple[Arr, Arr]:
    r"""State and private investment: :math:`(\theta V_t,\ V_t - \theta V_t)`.

    Parameters
    ----------
    investment : ndarray
        :math:`V_t`.
    p : ProcessingParams
        The block's parameters (``theta``, the state's share).
    out : tuple of two ndarrays, optional
        Receive ``(state, private)``.

    Returns
    -------
    tuple of ndarray
        ``(state, private)``.
    """
    state = np.multiply(investment, p.theta, out=None if out is None else out[0])
    private = np.subtract(investment, state, out=None if out is None else out[1])
    return state, private
