r"""Closed forms of the model, derived from its equations (docs/model.md), not from the kernel.

Two kinds, both for fixed parameters (floats):

* **Deterministic paths at zero volatility**, one function per block: with every ``s_*`` = 0
  (and no random devaluations) each block's recursion solves in closed form,
  e.g. :math:`M_t = M_0 e^{t(\mu_M - b_M dz)}`.
* **The trend model's terminal distribution** without devaluation jumps: :math:`\log Q_T` is
  normal (:func:`trend_log_output_moments`), so :math:`P(Q_T \ge c)` is a normal tail
  (:func:`trend_prob_output_at_least`).

``steps`` is the number of years since the as-of year, :math:`t = 1, 2, \dots` (an int or an
array of them). The kernel's cap of log-levels at 300 is ignored here. The contract tests
compare the Monte Carlo kernel to these functions.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from kzforecast.model.params import (
    ArrOrFloat,
    CapacityParams,
    CKDShareParams,
    DomesticShareParams,
    ExchangeRateParams,
    ExportParams,
    LocalContentParams,
    MarketParams,
    OutputParams,
    ProcessingParams,
    TrendParams,
)

__all__ = [
    "ExchangeRatePath",
    "ProcessingPath",
    "capacity_path",
    "ckd_share_path",
    "domestic_share_path",
    "exchange_rate_path",
    "export_demand_path",
    "local_content_path",
    "market_path",
    "output_path",
    "partial_adjustment_path",
    "processing_path",
    "trend_log_output_moments",
    "trend_path",
    "trend_prob_output_at_least",
]

Steps = int | NDArray[np.int64]
"""Years since the as-of year (1 is the first simulated year)."""

Arr = NDArray[np.float64]


def _fixed(value: ArrOrFloat, name: str) -> float:
    """A parameter's value as a float; a closed form needs one value, not per-path draws."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(f"{name}: a closed form needs one fixed value, got {arr.size} values")
    return float(arr.reshape(()))


def _quiet(value: ArrOrFloat, name: str) -> None:
    """Check that a volatility is zero (the deterministic path needs it)."""
    if _fixed(value, name) != 0.0:
        raise ValueError(f"{name}: the deterministic path needs zero volatility, got {value}")


def _t(steps: Steps) -> Arr:
    return np.asarray(steps, dtype=np.float64)


# ----------------------------------------------------------------------------- exchange rate


class ExchangeRatePath(NamedTuple):
    """Deterministic exchange rates and their (constant) yearly log changes."""

    usd_kzt: Arr
    rub_kzt: Arr
    dz: float
    dr: float


def exchange_rate_path(
    usd_kzt0: float, rub_kzt0: float, p: ExchangeRateParams, steps: Steps
) -> ExchangeRatePath:
    r"""USD/KZT and RUB/KZT at zero volatility (``s_z = s_r = 0``).

    Devaluations must be deterministic too: ``p_dev = 0`` (never, :math:`J = 0`) or
    ``p_dev = 1`` with ``jump_sd = 0`` (every year, :math:`J = \max(0, \bar J)`). Then

    .. math::

        dz = \mu_z + J, \quad dr = b_r dz + \mu_r, \quad
        e^{z_t} = e^{z_0} e^{t\, dz}, \quad e^{r_t} = e^{r_0} e^{t\, dr}
    """
    _quiet(p.s_z, "s_z")
    _quiet(p.s_r, "s_r")
    p_dev = _fixed(p.p_dev, "p_dev")
    if p_dev == 0.0:
        jump = 0.0
    elif p_dev == 1.0:
        _quiet(p.jump_sd, "jump_sd")
        jump = max(0.0, _fixed(p.jump_mean, "jump_mean"))
    else:
        raise ValueError(f"p_dev: the deterministic path needs p_dev = 0 or 1, got {p_dev}")
    dz = _fixed(p.mu_z, "mu_z") + jump
    dr = _fixed(p.b_r, "b_r") * dz + _fixed(p.mu_r, "mu_r")
    t = _t(steps)
    return ExchangeRatePath(usd_kzt0 * np.exp(t * dz), rub_kzt0 * np.exp(t * dr), dz, dr)


# ------------------------------------------------------------------- market, domestic share


def market_path(sales0: float, p: MarketParams, dz: float, steps: Steps) -> Arr:
    r"""New-vehicle sales at ``s_M = 0``: :math:`M_t = M_0 e^{t(\mu_M - b_M dz)}`."""
    _quiet(p.s_M, "s_M")
    growth = _fixed(p.mu_M, "mu_M") - _fixed(p.b_M, "b_M") * dz
    return sales0 * np.exp(_t(steps) * growth)


def domestic_share_path(share0: float, p: DomesticShareParams, steps: Steps) -> Arr:
    r"""Domestic share at ``s_S = 0``:
    :math:`S_t = \operatorname{expit}(\operatorname{logit} S_0 + t k_S)`."""
    _quiet(p.s_S, "s_S")
    logit = math.log(share0 / (1.0 - share0)) + _t(steps) * _fixed(p.k_S, "k_S")
    return np.asarray(1.0 / (1.0 + np.exp(-logit)), dtype=np.float64)


# --------------------------------------------------------------------------- export demand


def export_demand_path(
    demand0: float, p: ExportParams, dr: float, steps: Steps, *, as_of: int
) -> Arr:
    r"""Export demand at ``s_X = 0``, with :math:`g_X = \mu_X + b_X dr`.

    If exports had started by the as-of year (``as_of >= start_year`` and ``demand0 > 0``),
    :math:`X^*_t = X^*_0 e^{t g_X}`. Otherwise :math:`X^*_t = 0` before the first year
    :math:`y_0 = \max(\text{start\_year}, \text{as\_of} + 1)` and
    :math:`X^*_t = x_{start} e^{(t - y_0) g_X}` from it on (:math:`t` as a calendar year).
    """
    _quiet(p.s_X, "s_X")
    growth = _fixed(p.mu_X, "mu_X") + _fixed(p.b_X, "b_X") * dr
    t = _t(steps)
    if as_of >= p.start_year and demand0 > 0:
        return demand0 * np.exp(t * growth)
    first = max(p.start_year, as_of + 1) - as_of  # in steps
    running = _fixed(p.x_start, "x_start") * np.exp((t - first) * growth)
    return np.where(t >= first, running, 0.0)


# ---------------------------------------------------------------------- capacity and output


def capacity_path(p: CapacityParams, years: NDArray[np.int64]) -> Arr:
    r"""Capacity (no volatility; fixed delays):
    :math:`K_t = K_0 + \sum_p c_p 1[t \ge y_p + \lceil\delta_p\rceil]`.

    ``years`` are calendar years; ``p.plants.first_year`` holds
    :math:`y_p + \lceil\delta_p\rceil`.
    """
    cap = np.full(len(years), _fixed(p.existing, "existing"))
    for c_p, y_p in zip(p.plants.capacity, p.plants.first_year):
        cap += _fixed(c_p, "plant capacity") * (years >= _fixed(y_p, "plant first year"))
    return cap


def output_path(
    capacity: ArrOrFloat, p: OutputParams, domestic_demand: ArrOrFloat, export_demand: ArrOrFloat
) -> tuple[Arr, Arr, Arr]:
    r"""Output, domestic supply and exports for given capacity and (positive) demand.

    .. math::

        Q = \min(u_{max} K, S M + X^*), \quad D = S M\, Q / (S M + X^*), \quad
        X = X^* Q / (S M + X^*)
    """
    demand = np.asarray(domestic_demand, dtype=np.float64) + export_demand
    q = np.minimum(_fixed(p.u_max, "u_max") * np.asarray(capacity, dtype=np.float64), demand)
    return q, domestic_demand * q / demand, export_demand * q / demand


# ----------------------------------------------------------------------------- localization


def partial_adjustment_path(level0: float, k: float, ceiling: float, steps: Steps) -> Arr:
    r"""Partial adjustment at zero noise: :math:`L_t = L_{max} - (L_{max} - L_0)(1 - k)^t`.

    For :math:`0 \le L_0 \le L_{max}`; a start above the ceiling is at the ceiling from the
    first year on (the kernel keeps :math:`L_t \le L_{max}`).
    """
    path = ceiling - (ceiling - level0) * (1.0 - k) ** _t(steps)
    return np.minimum(path, ceiling)


def local_content_path(level0: float, p: LocalContentParams, steps: Steps) -> Arr:
    r"""Local content at ``s_L = 0``: :math:`L_t = L_{max} - (L_{max} - L_0)(1 - k_L)^t`."""
    _quiet(p.s_L, "s_L")
    return partial_adjustment_path(level0, _fixed(p.k_L, "k_L"), _fixed(p.L_max, "L_max"), steps)


def ckd_share_path(level0: float, p: CKDShareParams, steps: Steps) -> Arr:
    r"""CKD share at ``s_C = 0``: :math:`C_t = C_{max} - (C_{max} - C_0)(1 - k_C)^t`."""
    _quiet(p.s_C, "s_C")
    return partial_adjustment_path(level0, _fixed(p.k_C, "k_C"), _fixed(p.C_max, "C_max"), steps)


# ------------------------------------------------------------------------------- processing


class ProcessingPath(NamedTuple):
    """Deterministic processing industry."""

    output_index: Arr
    exports: Arr
    investment: Arr
    state_investment: Arr
    private_investment: Arr


def processing_path(
    output0: float, exports0: float, investment0: float, p: ProcessingParams, steps: Steps
) -> ProcessingPath:
    r"""Processing industry at ``s_P = s_E = s_I = 0``.

    .. math::

        I_t = I_0 e^{t g_P}, \quad E_t = E_0 e^{t g_E}, \quad V_t = V_0 e^{t g_I}, \quad
        \text{state} = \theta V_t, \quad \text{private} = (1 - \theta) V_t
    """
    for name in ("s_P", "s_E", "s_I"):
        _quiet(getattr(p, name), name)
    t = _t(steps)
    inv = investment0 * np.exp(t * _fixed(p.g_I, "g_I"))
    theta = _fixed(p.theta, "theta")
    return ProcessingPath(
        output0 * np.exp(t * _fixed(p.g_P, "g_P")),
        exports0 * np.exp(t * _fixed(p.g_E, "g_E")),
        inv,
        theta * inv,
        (1.0 - theta) * inv,
    )


# ------------------------------------------------------------------------------------ trend


def _phi_sums(phi: float, steps: int) -> tuple[float, float]:
    r""":math:`\sum_{i=1}^T \phi^i` and :math:`\sum_{k=1}^T a_k^2`,
    :math:`a_k = \sum_{i=0}^{k-1} \phi^i` (by plain loops: exact for any :math:`\phi`)."""
    power_sum = 0.0
    square_sum = 0.0
    a_k = 0.0
    power = 1.0
    for _ in range(steps):
        a_k += power  # a_k = 1 + phi + ... + phi^(k-1)
        power *= phi
        power_sum += power
        square_sum += a_k * a_k
    return power_sum, square_sum


def trend_path(output0: float, growth0: float, p: TrendParams, steps: Steps) -> Arr:
    r"""Trend-model output at ``s_q = 0`` without devaluation jumps.

    .. math::

        \log Q_t = \log Q_0 + t \mu_q + (g_0 - \mu_q) \sum_{i=1}^t \phi^i

    where :math:`g_0` is the initial ``output_growth``.
    """
    _quiet(p.s_q, "s_q")
    t = np.atleast_1d(np.asarray(steps, dtype=np.int64))
    mean = [trend_log_output_moments(output0, growth0, p, int(k))[0] for k in t.ravel()]
    return np.exp(np.asarray(mean, dtype=np.float64)).reshape(np.shape(steps))


def trend_log_output_moments(
    output0: float, growth0: float, p: TrendParams, steps: int
) -> tuple[float, float]:
    r"""Mean and sd of :math:`\log Q_T` in the trend model without devaluation jumps.

    With :math:`h_t = \Delta\log Q_t - \mu_q = \phi h_{t-1} + s_q e_t`,
    :math:`\log Q_T = \log Q_0 + T\mu_q + \sum_{t=1}^T h_t` is normal with

    .. math::

        E = \log Q_0 + T \mu_q + (g_0 - \mu_q) \sum_{i=1}^T \phi^i, \qquad
        \mathrm{sd} = s_q \Bigl(\sum_{k=1}^T a_k^2\Bigr)^{1/2}, \quad
        a_k = \sum_{i=0}^{k-1} \phi^i

    (:math:`\phi = 0`: :math:`E = \log Q_0 + T\mu_q`, :math:`\mathrm{sd} = s_q\sqrt T`).
    ``b_q`` plays no part: no jumps means ``p_dev = 0`` (or ``b_q = 0``).

    Returns
    -------
    tuple of float
        ``(mean, sd)`` of :math:`\log Q_T`, ``T = steps``.
    """
    mu, phi = _fixed(p.mu_q, "mu_q"), _fixed(p.phi, "phi")
    power_sum, square_sum = _phi_sums(phi, steps)
    mean = math.log(output0) + steps * mu + (growth0 - mu) * power_sum
    return mean, _fixed(p.s_q, "s_q") * math.sqrt(square_sum)


def trend_prob_output_at_least(
    threshold: float, output0: float, growth0: float, p: TrendParams, steps: int
) -> float:
    r""":math:`P(Q_T \ge c)` in the trend model without devaluation jumps.

    :math:`\log Q_T` is normal (:func:`trend_log_output_moments`), so
    :math:`P(Q_T \ge c) = 1 - \Phi((\log c - E) / \mathrm{sd})`; with ``s_q = 0`` it is 1 or 0.
    """
    mean, sd = trend_log_output_moments(output0, growth0, p, steps)
    if sd == 0.0:
        return 1.0 if mean >= math.log(threshold) else 0.0
    return 0.5 * math.erfc((math.log(threshold) - mean) / (sd * math.sqrt(2.0)))
