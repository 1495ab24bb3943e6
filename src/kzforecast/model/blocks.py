r"""One pure function per model block (DESIGN.md section 3).

Each function advances one year for all paths at once: arguments are arrays of
shape ``(n_paths,)`` (or scalars for fixed parameters) and the function returns
new arrays. Nothing here draws random numbers: shocks come in as arguments,
which is what makes common random numbers and the scalar reference test work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[np.float64]
ArrOrFloat = Any  # ndarray of shape (n_paths,) or a Python float

__all__ = [
    "exchange_rate_step",
    "market_step",
    "partial_adjustment_step",
    "ration_output",
]


def exchange_rate_step(
    mu_z: ArrOrFloat,
    s_z: ArrOrFloat,
    p_dev: ArrOrFloat,
    jump_mean: ArrOrFloat,
    jump_sd: ArrOrFloat,
    b_r: ArrOrFloat,
    mu_r: ArrOrFloat,
    s_r: ArrOrFloat,
    e_z: Arr,
    e_j: Arr,
    e_r: Arr,
    u_dev: Arr,
) -> tuple[Arr, Arr, Arr]:
    r"""Log changes of USD/KZT and RUB/KZT in one year, and the devaluation jump.

    .. math::

        D_t = 1[u_t < p_{dev}], \quad J_t = \max(0, \bar J + s_J \eta_t), \quad
        dz_t = \mu_z + s_z e_t + J_t D_t, \quad dr_t = b_r dz_t + \mu_r + s_r e^r_t

    Returns ``(dz, dr, jump)`` where ``jump = J_t D_t``.
    """
    jump = jump_sd * e_j
    jump += jump_mean
    # max(J, 0) * D as one mask (NumPy's maximum against a scalar is slow)
    jump *= (u_dev < p_dev) & (jump > 0.0)
    dz = s_z * e_z
    dz += mu_z
    dz += jump
    dr = b_r * dz
    dr += mu_r
    dr += s_r * e_r
    return dz, dr, jump


def market_step(
    log_m: Arr, mu_m: ArrOrFloat, b_m: ArrOrFloat, s_m: ArrOrFloat, dz: Arr, e: Arr
) -> Arr:
    r""":math:`\log M_t = \log M_{t-1} + \mu_M - b_M dz_t + s_M e_t`."""
    return np.asarray(log_m + mu_m - b_m * dz + s_m * e, dtype=np.float64)


def partial_adjustment_step(
    level: Arr, k: ArrOrFloat, ceiling: ArrOrFloat, s: ArrOrFloat, e: Arr
) -> Arr:
    r"""Partial adjustment towards a ceiling with noise on the logit scale.

    .. math::

        m_t = L_{t-1} + k (L_{max} - L_{t-1}), \quad
        L_t = L_{max}\, \operatorname{expit}(\operatorname{logit}(m_t / L_{max}) + s e_t)

    Keeps ``0 <= L_t <= L_max``; with ``s = 0`` it is exactly ``m_t``.
    """
    m = level + k * (ceiling - level)
    if np.ndim(ceiling) == 0 and float(ceiling) > 0.0:
        ratio = m / float(ceiling)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ceiling > 0, m / ceiling, 0.0)
    np.clip(ratio, 0.0, 1.0, out=ratio)
    if np.ndim(s) == 0 and float(s) == 0.0:
        # no noise: the deterministic partial adjustment, exactly
        return np.asarray(ceiling * ratio, dtype=np.float64)
    # expit(logit(r) + x) = r / (r + (1 - r) exp(-x)), exact at r = 0 and r = 1;
    # the exponent is capped so that (1 - r) * w never becomes 0 * inf
    w = s * e
    np.negative(w, out=w)
    if w.max() > 700.0:
        np.minimum(w, 700.0, out=w)
    np.exp(w, out=w)
    w *= 1.0 - ratio
    w += ratio
    out = ceiling * ratio
    # exp(-x) underflows to 0 for x > ~745: then r = 0 gives 0 / 0, whose value is 0
    np.divide(out, w, out=out, where=w > 0.0)
    return np.asarray(out, dtype=np.float64)


def ration_output(
    capacity: Arr, u_max: ArrOrFloat, domestic_demand: Arr, export_demand: Arr
) -> tuple[Arr, Arr, Arr]:
    r"""Output under a capacity limit, rationing domestic supply and exports in proportion.

    .. math::

        Q_t = \min(u_{max} K_t, S_t M_t + X^*_t), \quad
        \rho_t = Q_t / (S_t M_t + X^*_t), \quad X_t = \rho_t X^*_t

    Returns ``(output, domestic_supply, exports)``.
    """
    demand = domestic_demand + export_demand
    q = np.minimum(u_max * capacity, demand)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = q / demand
    if not demand.all():
        rho[demand <= 0] = 1.0
    if rho.max() > 1.0:  # only by rounding: q <= demand
        np.minimum(rho, 1.0, out=rho)
    exports = export_demand * rho
    np.minimum(exports, q, out=exports)
    return q, domestic_demand * rho, exports
