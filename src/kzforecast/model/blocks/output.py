"""Capacity, and output under the capacity limit with rationing in proportion."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kzforecast.model.params import Arr, ArrOrFloat, CapacityParams, OutputParams

__all__ = ["OutputStep", "capacity_step", "output_step", "ration_output"]


def capacity_step(p: CapacityParams, year: int, n: int, *, out: Arr | None = None) -> Arr:
    r"""Stated capacity in one year.

    .. math::

        K_t = K_0 + \sum_p c_p\, 1[t \ge y_p + \lceil \delta_p \rceil]

    Parameters
    ----------
    p : CapacityParams
        ``existing`` (:math:`K_0`) and the plants: capacity :math:`c_p` and first operating
        year :math:`y_p + \lceil \delta_p \rceil`, per path.
    year : int
        The calendar year :math:`t`.
    n : int
        Number of paths.
    out : ndarray, optional
        Receives :math:`K_t`.

    Returns
    -------
    ndarray
        :math:`K_t`.
    """
    cap = np.empty(n, dtype=np.float64) if out is None else out
    cap[:] = p.existing
    for c_p, y_p in zip(p.plants.capacity, p.plants.first_year):
        cap += c_p * (year >= y_p)
    return cap


def ration_output(
    capacity: Arr, u_max: ArrOrFloat, domestic_demand: Arr, export_demand: Arr
) -> tuple[Arr, Arr, Arr]:
    r"""Output under a capacity limit, rationing domestic supply and exports in proportion.

    .. math::

        Q_t = \min(u_{max} K_t, S_t M_t + X^*_t), \quad
        \rho_t = Q_t / (S_t M_t + X^*_t), \quad D_t = \rho_t S_t M_t, \quad X_t = \rho_t X^*_t

    Parameters
    ----------
    capacity : ndarray
        :math:`K_t`.
    u_max : ndarray or float
        Maximum utilisation of capacity.
    domestic_demand : ndarray
        :math:`S_t M_t`.
    export_demand : ndarray
        :math:`X^*_t`.

    Returns
    -------
    tuple of ndarray
        ``(output, domestic_supply, exports)`` = :math:`(Q_t, D_t, X_t)`;
        :math:`\rho_t = 1` when demand is 0, and :math:`X_t \le Q_t` exactly.
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


class OutputStep(NamedTuple):
    """One year of output and its split."""

    output: Arr
    """:math:`Q_t`."""
    domestic_supply: Arr
    """:math:`D_t`."""
    exports: Arr
    """:math:`X_t`."""
    supplied_share: Arr
    """:math:`\\min(D_t / M_t, 1)` (0 where :math:`M_t = 0`)."""


def output_step(
    capacity: Arr,
    p: OutputParams,
    sales: Arr,
    share: Arr,
    export_demand: Arr,
    *,
    out_share: Arr | None = None,
) -> OutputStep:
    r"""Output, domestic supply, exports and the supplied share of sales in one year.

    :func:`ration_output` of the domestic demand :math:`S_t M_t` and the export demand
    :math:`X^*_t`; the supplied share of sales is :math:`D_t / M_t` (below :math:`S_t` when
    capacity binds).

    Parameters
    ----------
    capacity : ndarray
        :math:`K_t` (``capacity_step``).
    p : OutputParams
        The block's parameters (``u_max``).
    sales : ndarray
        :math:`M_t`.
    share : ndarray
        :math:`S_t`.
    export_demand : ndarray
        :math:`X^*_t`.
    out_share : ndarray, optional
        Receives the supplied share.

    Returns
    -------
    OutputStep
        ``(output, domestic_supply, exports, supplied_share)``.
    """
    q, d, x = ration_output(capacity, p.u_max, share * sales, export_demand)
    ds = np.empty_like(d) if out_share is None else out_share
    if sales.all():
        np.divide(d, sales, out=ds)
    else:
        ds[:] = 0.0
        np.divide(d, sales, out=ds, where=sales > 0)
    if ds.max() > 1.0:
        np.minimum(ds, 1.0, out=ds)
    return OutputStep(q, d, x, ds)
