"""The domestic market and the share of it supplied by local plants."""

from __future__ import annotations

import numpy as np

from kzforecast.model.blocks.logcap import cap_log
from kzforecast.model.params import Arr, DomesticShareParams, MarketParams

__all__ = ["domestic_share_step", "market_step"]


def market_step(log_m: Arr, p: MarketParams, dz: Arr, e: Arr) -> Arr:
    r"""New-vehicle sales in one year.

    .. math::

        \log M_t = \log M_{t-1} + \mu_M - b_M dz_t + s_M e^M_t

    Parameters
    ----------
    log_m : ndarray
        :math:`\log M_{t-1}`.
    p : MarketParams
        The block's parameters.
    dz : ndarray
        :math:`dz_t`, the change of log USD/KZT (``exchange_rate_step``).
    e : ndarray
        Standard normal shock :math:`e^M_t`.

    Returns
    -------
    ndarray
        :math:`\log M_t`, capped at ``LOG_CAP``.
    """
    return cap_log(log_m + p.mu_M - p.b_M * dz + p.s_M * e)


def domestic_share_step(logit_s: Arr, p: DomesticShareParams, e: Arr) -> tuple[Arr, Arr]:
    r"""Share of new-vehicle sales demanded from local plants, in one year.

    .. math::

        \operatorname{logit} S_t = \operatorname{logit} S_{t-1} + k_S + s_S e^S_t

    Parameters
    ----------
    logit_s : ndarray
        :math:`\operatorname{logit} S_{t-1}`.
    p : DomesticShareParams
        The block's parameters.
    e : ndarray
        Standard normal shock :math:`e^S_t`.

    Returns
    -------
    tuple of ndarray
        :math:`(\operatorname{logit} S_t, S_t)`. A very negative logit gives a share of
        exactly 0 (``exp`` overflows to inf there, which is not an error).
    """
    lg = logit_s + p.k_S
    lg += p.s_S * e
    # expit(lg) = 1 / (1 + exp(-lg))
    share = np.negative(lg)
    with np.errstate(over="ignore"):
        np.exp(share, out=share)
    share += 1.0
    np.divide(1.0, share, out=share)
    return lg, share
