"""Localization: local content and the CKD share, partial adjustment towards a ceiling."""

from __future__ import annotations

import numpy as np

from kzforecast.model.params import Arr, ArrOrFloat, CKDShareParams, LocalContentParams

__all__ = ["ckd_share_step", "local_content_step", "partial_adjustment_step"]


def partial_adjustment_step(
    level: Arr, k: ArrOrFloat, ceiling: ArrOrFloat, s: ArrOrFloat, e: Arr
) -> Arr:
    r"""Partial adjustment towards a ceiling with noise on the logit scale, in one year.

    .. math::

        m_t = L_{t-1} + k (L_{max} - L_{t-1}), \quad
        L_t = L_{max}\, \operatorname{expit}(\operatorname{logit}(m_t / L_{max}) + s e_t)

    Parameters
    ----------
    level : ndarray
        :math:`L_{t-1}`.
    k : ndarray or float
        Adjustment speed (share of the gap closed per year).
    ceiling : ndarray or float
        :math:`L_{max}`.
    s : ndarray or float
        Noise on the logit scale.
    e : ndarray
        Standard normal shock :math:`e_t`.

    Returns
    -------
    ndarray
        :math:`L_t`, with ``0 <= L_t <= L_max``; with ``s = 0`` exactly :math:`m_t`.
    """
    m = level + k * (ceiling - level)
    if isinstance(ceiling, float) and ceiling > 0.0:
        ratio = m / ceiling
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.greater(ceiling, 0.0), m / ceiling, 0.0)
    np.clip(ratio, 0.0, 1.0, out=ratio)
    if isinstance(s, float) and s == 0.0:
        # no noise: the deterministic partial adjustment, exactly
        return ceiling * ratio
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
    return out


def local_content_step(level: Arr, p: LocalContentParams, e: Arr) -> Arr:
    r"""Local content share in one year (:func:`partial_adjustment_step`).

    .. math::

        m_t = L_{t-1} + k_L (L_{max} - L_{t-1}), \quad
        L_t = L_{max}\, \operatorname{expit}(\operatorname{logit}(m_t / L_{max}) + s_L e^L_t)

    Parameters
    ----------
    level : ndarray
        :math:`L_{t-1}`.
    p : LocalContentParams
        The block's parameters (``k_L``, ``L_max``, ``s_L``).
    e : ndarray
        Standard normal shock :math:`e^L_t`.

    Returns
    -------
    ndarray
        :math:`L_t`.
    """
    return partial_adjustment_step(level, p.k_L, p.L_max, p.s_L, e)


def ckd_share_step(level: Arr, p: CKDShareParams, e: Arr) -> Arr:
    r"""CKD share of output in one year (:func:`partial_adjustment_step`).

    .. math::

        m_t = C_{t-1} + k_C (C_{max} - C_{t-1}), \quad
        C_t = C_{max}\, \operatorname{expit}(\operatorname{logit}(m_t / C_{max}) + s_C e^C_t)

    Parameters
    ----------
    level : ndarray
        :math:`C_{t-1}`.
    p : CKDShareParams
        The block's parameters (``k_C``, ``C_max``, ``s_C``).
    e : ndarray
        Standard normal shock :math:`e^C_t`.

    Returns
    -------
    ndarray
        :math:`C_t`.
    """
    return partial_adjustment_step(level, p.k_C, p.C_max, p.s_C, e)
