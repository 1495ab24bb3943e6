"""Parameter distributions: quantile functions against scipy, and the documented accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from kzforecast.scenario import Beta, Fixed, LogNormal, Normal, Triangular, TruncatedNormal, Uniform
from kzforecast.scenario.distributions import Dirichlet

Z = np.random.default_rng(7).standard_normal(200_000)
U = special.ndtr(Z)


@pytest.mark.parametrize(("a", "b"), [(2.0, 5.0), (0.5, 0.5), (0.7, 3.0), (10.0, 10.0)])
def test_tabulated_beta_within_documented_accuracy(a: float, b: float) -> None:
    got = Beta(dist="beta", a=a, b=b).ppf_from_normal(Z)
    exact = special.betaincinv(a, b, U)
    assert np.max(np.abs(got - exact)) < 1e-6


def test_tabulated_truncnormal_and_gamma() -> None:
    t = TruncatedNormal(dist="truncnormal", mean=0.1, sd=0.05, low=0.0, high=0.3)
    exact = stats.truncnorm((0 - 0.1) / 0.05, (0.3 - 0.1) / 0.05, loc=0.1, scale=0.05).ppf(U)
    assert np.max(np.abs(t.ppf_from_normal(Z) - exact)) < 1e-6
    d = Dirichlet(alpha={"a": 0.2, "b": 1.0, "c": 5.0})
    shares = d.draw(np.vstack([Z[:1000], Z[1000:2000], Z[2000:3000]]))
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    # the mean shares match alpha / sum(alpha) within Monte Carlo error
    z3 = np.random.default_rng(8).standard_normal((3, 100_000))
    m = d.draw(z3).mean(axis=1)
    exp = np.array([0.2, 1.0, 5.0]) / 6.2
    se = np.sqrt(exp * (1 - exp) / (6.2 + 1) / 100_000)
    assert np.all(np.abs(m - exp) < 4.5 * se)


@pytest.mark.parametrize(
    "dist",
    [
        Fixed(value=3.0),
        Normal(dist="normal", mean=1.0, sd=2.0),
        LogNormal(dist="lognormal", mu=0.5, sigma=0.3),
        Uniform(dist="uniform", low=-1.0, high=2.0),
        Triangular(dist="triangular", low=0.0, mode=1.0, high=4.0),
    ],
)
def test_closed_form_quantiles_agree_with_scipy(dist: object) -> None:
    got = dist.ppf_from_normal(Z[:1000])  # type: ignore[attr-defined]
    ref = {
        "fixed": lambda u: np.full_like(u, 3.0),
        "normal": stats.norm(1.0, 2.0).ppf,
        "lognormal": stats.lognorm(0.3, scale=np.exp(0.5)).ppf,
        "uniform": stats.uniform(-1.0, 3.0).ppf,
        "triangular": stats.triang(0.25, loc=0.0, scale=4.0).ppf,
    }[dist.dist](U[:1000])  # type: ignore[attr-defined]
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
