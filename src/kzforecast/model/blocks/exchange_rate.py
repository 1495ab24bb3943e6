"""The exchange-rate block: USD/KZT and RUB/KZT with devaluation jumps."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kzforecast.model.blocks.logcap import cap_log
from kzforecast.model.params import Arr, ExchangeRateParams

__all__ = ["ExchangeRateStep", "exchange_rate_step"]


class ExchangeRateStep(NamedTuple):
    """One year of the exchange-rate block: new log rates, their changes, the jump."""

    z: Arr
    """log USD/KZT, :math:`z_t` (capped)."""
    r: Arr
    """log RUB/KZT, :math:`r_t` (capped)."""
    dz: Arr
    """:math:`dz_t`."""
    dr: Arr
    """:math:`dr_t`."""
    jump: Arr
    """:math:`J_t D_t` (0 outside devaluation years)."""


def exchange_rate_step(
    z: Arr,
    r: Arr,
    p: ExchangeRateParams,
    e_z: Arr,
    e_j: Arr,
    e_r: Arr,
    u_dev: Arr,
    *,
    out: tuple[Arr, Arr] | None = None,
) -> ExchangeRateStep:
    r"""Log changes of USD/KZT and RUB/KZT in one year, with the devaluation jump.

    .. math::

        D_t = 1[u_t < p_{dev}], \quad J_t = \max(0, \bar J + s_J \eta_t), \quad
        dz_t = \mu_z + s_z e^z_t + J_t D_t, \quad dr_t = b_r dz_t + \mu_r + s_r e^r_t,

        z_t = z_{t-1} + dz_t, \quad r_t = r_{t-1} + dr_t

    with :math:`\bar J` = ``jump_mean`` and :math:`s_J` = ``jump_sd``.

    Parameters
    ----------
    z, r : ndarray
        :math:`z_{t-1}` = log USD/KZT and :math:`r_{t-1}` = log RUB/KZT.
    p : ExchangeRateParams
        The block's parameters.
    e_z, e_j, e_r : ndarray
        Standard normal shocks :math:`e^z_t`, :math:`\eta_t`, :math:`e^r_t`.
    u_dev : ndarray
        Uniform :math:`u_t` that decides a devaluation year.
    out : tuple of two ndarrays, optional
        Receive :math:`(z_t, r_t)`; may be ``(z, r)`` themselves, to advance in place.

    Returns
    -------
    ExchangeRateStep
        ``(z, r, dz, dr, jump)``; the log rates capped at ``LOG_CAP``.
    """
    jump = p.jump_sd * e_j
    jump += p.jump_mean
    # max(J, 0) * D as one mask (NumPy's maximum against a scalar is slow)
    jump *= (u_dev < p.p_dev) & (jump > 0.0)
    dz = p.s_z * e_z
    dz += p.mu_z
    dz += jump
    dr = p.b_r * dz
    dr += p.mu_r
    dr += p.s_r * e_r
    z_new = np.add(z, dz, out=None if out is None else out[0])
    r_new = np.add(r, dr, out=None if out is None else out[1])
    return ExchangeRateStep(cap_log(z_new), cap_log(r_new), dz, dr, jump)
