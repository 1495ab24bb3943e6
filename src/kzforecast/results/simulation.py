"""The :class:`Simulation` result: summaries by variable and year, optional path arrays."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kzforecast.errors import ArgumentError, ArgumentTypeError
from kzforecast.results.evaluate import TargetPayload
from kzforecast.results.summary import ALPHA, Moments, Sketch
from kzforecast.scenario import Scenario
from kzforecast.targets import Target

__all__ = ["ClusterCounts", "Simulation"]

DEFAULT_QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


@dataclass(frozen=True)
class ClusterCounts:
    """Target counts by independent cluster of paths, for the Monte Carlo error of P(met).

    With antithetic sampling a cluster is a pair of mirrored paths; with Sobol
    sampling it is a grid block (an independently scrambled replicate). The
    paths of one cluster are dependent, those of different clusters independent,
    so the variance of P(met) is estimated from the spread of the clusters'
    counts (the ratio estimator's variance). Integer sums only: merging adds
    them, so the result does not depend on how the run was cut.

    Attributes
    ----------
    kind : {"pair", "block"}
        What a cluster is.
    clusters : int
        Number of clusters ``J``.
    size : int
        Paths in all, ``sum n_j``.
    size_sq : int
        ``sum n_j**2``.
    count : ndarray of int64, shape (targets,)
        Paths meeting each target, ``sum c_j``.
    count_sq : ndarray of int64, shape (targets,)
        ``sum c_j**2``.
    count_size : ndarray of int64, shape (targets,)
        ``sum c_j n_j``.
    """

    kind: str
    clusters: int
    size: int
    size_sq: int
    count: NDArray[np.int64]
    count_sq: NDArray[np.int64]
    count_size: NDArray[np.int64]

    @classmethod
    def of(cls, kind: str, met: NDArray[np.int64], sizes: NDArray[np.int64]) -> ClusterCounts:
        """Counts of clusters given per cluster: ``met`` (targets, clusters), ``sizes`` (clusters,).

        Parameters
        ----------
        kind : {"pair", "block"}
            What a cluster is.
        met : ndarray of int64, shape (targets, clusters)
            Paths of each cluster meeting each target.
        sizes : ndarray of int64, shape (clusters,)
            Paths of each cluster.

        Returns
        -------
        ClusterCounts
        """
        met = np.asarray(met, dtype=np.int64)
        sizes = np.asarray(sizes, dtype=np.int64)
        return cls(
            kind,
            int(sizes.size),
            int(sizes.sum()),
            int((sizes * sizes).sum()),
            met.sum(axis=1),
            (met * met).sum(axis=1),
            (met * sizes).sum(axis=1),
        )

    def merge(self, other: ClusterCounts) -> ClusterCounts:
        """The counts of both sets of clusters (of the same kind)."""
        if other.kind != self.kind:
            raise ArgumentError(
                f"clusters of kind {self.kind!r} and {other.kind!r} cannot be merged",
                source="ClusterCounts.merge",
                allowed="counts of runs with the same sampling",
            )
        return ClusterCounts(
            self.kind,
            self.clusters + other.clusters,
            self.size + other.size,
            self.size_sq + other.size_sq,
            self.count + other.count,
            self.count_sq + other.count_sq,
            self.count_size + other.count_size,
        )

    def variance(self, i: int) -> float:
        """The estimated variance of P(met) of the ``i``-th target (NaN with < 2 clusters).

        ``J / (J - 1) * sum_j (c_j - p n_j)**2 / N**2`` with ``p = sum c_j / N``.
        """
        if self.clusters < 2:
            return math.nan
        n = float(self.size)
        p = float(self.count[i]) / n
        ss = float(self.count_sq[i]) - 2 * p * float(self.count_size[i])
        ss += p * p * float(self.size_sq)
        return max(ss, 0.0) * self.clusters / (self.clusters - 1) / (n * n)


@dataclass(frozen=True, eq=False)
class Simulation:
    """Result of :func:`kzforecast.simulate`.

    Attributes
    ----------
    scenario : Scenario
        The scenario simulated.
    years : ndarray of int
        Simulated years.
    variables : tuple of str
        Variable names (see ``kzforecast.model.kernel.UNITS`` for units).
    n_paths : int
        Number of Monte Carlo paths.
    paths : ndarray, shape (variable, path, year), or None
        Every simulated value, when run with ``keep_paths=True``.
    attrs : dict
        Provenance: seed entropy, versions, sampling, initial state and its source,
        and the first grid block of the paths (``first_block``, 0 for
        :func:`kzforecast.simulate`).
    targets : tuple of Target
        The target readings counted during the run (``simulate(..., targets=...)``).
    target_status : dict
        Per ``(id, reading)``: None when counted, else why it cannot be evaluated.
    target_payload : TargetPayload or None
        The counts of the evaluable readings.
    target_clusters : ClusterCounts or None
        Their counts by antithetic pair or Sobol replicate (grid block), from which
        :func:`kzforecast.check` estimates the Monte Carlo error of such runs (None
        for plain random sampling: the binomial error is exact).
    history : DataFrame or None
        The history the run used for past years of targets.

    Notes
    -----
    Means and standard deviations are exact over all paths. Without kept paths,
    quantiles come from a mergeable log-bin sketch and are within 0.39% relative
    error of the exact order statistic (values between 1e-6 and 1e13; smaller
    values count as 0). With kept paths they are exact (``numpy.quantile``,
    "inverted_cdf" method).
    """

    scenario: Scenario
    years: NDArray[np.int64]
    variables: tuple[str, ...]
    n_paths: int
    moments: Moments
    sketch: Sketch
    paths: NDArray[np.float64] | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    target_status: dict[tuple[str, str], str | None] = field(default_factory=dict)
    target_payload: TargetPayload | None = None
    history: pd.DataFrame | None = None
    target_clusters: ClusterCounts | None = None

    # ----------------------------------------------------------------- access
    def _var_index(self, variable: str) -> int:
        try:
            return self.variables.index(variable)
        except ValueError:
            raise KeyError(
                f"unknown variable {variable!r}; available: {', '.join(self.variables)}"
            ) from None

    def values(self, variable: str) -> NDArray[np.float64]:
        """All paths of one variable, shape ``(path, year)`` (needs ``keep_paths=True``)."""
        if self.paths is None:
            raise ArgumentError(
                "this simulation kept summaries only; run simulate(..., keep_paths=True) "
                "to get every path"
            )
        return np.asarray(self.paths[self._var_index(variable)])

    @property
    def quantile_accuracy(self) -> str:
        """How accurate :meth:`summary` quantiles are for this result."""
        if self.paths is not None:
            return "exact (kept paths)"
        return f"within {ALPHA:.1%} relative error (log-bin sketch)"

    def summary(
        self, variable: str | None = None, *, quantiles: Sequence[float] = DEFAULT_QUANTILES
    ) -> pd.DataFrame:
        """Mean, standard deviation, quantiles, min and max by variable and year.

        Returns a DataFrame with a ``(variable, year)`` index (or ``year`` only
        when ``variable`` is given) and columns ``mean, sd, mc_se, min, p05, ...,
        max``. ``mc_se`` is the Monte Carlo standard error of the mean.
        """
        qs = [float(q) for q in quantiles]
        for q in qs:
            if not 0.0 <= q <= 1.0:
                raise ArgumentError(f"quantiles must lie in [0, 1], got {q}")
        names = [variable] if variable is not None else list(self.variables)
        frames = []
        for name in names:
            i = self._var_index(name)
            mean = self.moments.mean[i]
            sd = np.sqrt(self.moments.var[i])
            if self.paths is not None:
                qv = np.quantile(self.paths[i], qs, axis=0, method="inverted_cdf").T
            else:
                qv = self.sketch_quantiles(name, qs)
            data: dict[str, Any] = {
                "mean": mean,
                "sd": sd,
                "mc_se": sd / np.sqrt(self.n_paths),
                "min": self.moments.vmin[i],
            }
            for j, q in enumerate(qs):
                data[f"p{round(q * 100):02d}"] = qv[:, j]
            data["max"] = self.moments.vmax[i]
            df = pd.DataFrame(data, index=pd.Index(self.years, name="year"))
            df.insert(0, "variable", name)
            frames.append(df)
        out = pd.concat(frames).reset_index().set_index(["variable", "year"])
        if variable is not None:
            return pd.DataFrame(out.loc[variable])
        return out

    def sketch_quantiles(self, variable: str, quantiles: Sequence[float]) -> NDArray[np.float64]:
        """Sketch quantile estimates, shape ``(year, len(quantiles))``."""
        i = self._var_index(variable)
        est = Sketch(self.sketch.counts[i]).quantile(np.asarray(quantiles, dtype=np.float64))
        # the exact min and max are known: the estimate cannot lie outside them
        return np.clip(est, self.moments.vmin[i][:, None], self.moments.vmax[i][:, None])

    def to_frame(self, variables: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy long table ``variable, path, year, value`` (needs kept paths).

        Without kept paths, returns the tidy summary (``variable, year,
        statistic, value``) instead, and says so in ``attrs["kind"]``.
        """
        names = list(variables) if variables is not None else list(self.variables)
        if self.paths is None:
            s = self.summary().reset_index()
            s = s[s["variable"].isin(names)]
            long = s.melt(id_vars=["variable", "year"], var_name="statistic", value_name="value")
            long.attrs["kind"] = "summary"
            return long
        parts = []
        n_years = len(self.years)
        for name in names:
            v = self.values(name)
            parts.append(
                pd.DataFrame(
                    {
                        "variable": name,
                        "path": np.repeat(np.arange(self.n_paths), n_years),
                        "year": np.tile(self.years, self.n_paths),
                        "value": v.ravel(),
                    }
                )
            )
        out = pd.concat(parts, ignore_index=True)
        out.attrs["kind"] = "paths"
        return out

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` (needs the ``xarray`` extra and kept paths)."""
        try:
            import xarray as xr
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("to_xarray needs xarray: pip install 'kzforecast[xarray]'") from None
        if self.paths is None:
            raise ArgumentError("to_xarray needs simulate(..., keep_paths=True)")
        return xr.Dataset(
            {name: (("path", "year"), self.paths[i]) for i, name in enumerate(self.variables)},
            coords={"path": np.arange(self.n_paths), "year": self.years},
            attrs={"scenario": self.scenario.name, **{k: str(v) for k, v in self.attrs.items()}},
        )

    # ------------------------------------------------------------------ merge
    def merge(self, other: Simulation) -> Simulation:
        """The simulation of this run's paths followed by ``other``'s.

        Both must be runs of the same scenario, seed, sampling, initial state,
        history and targets on adjacent ranges of grid blocks: ``other`` starts
        at the grid block after this one's last, which must be full. The result
        then counts exactly the paths of a single run over both ranges (the same
        sketch and target counts; means and variances equal up to rounding, as
        they are merged in another order). Such runs come from
        :func:`kzforecast.engine.simulate.simulate_blocks`, as in
        :func:`kzforecast.check_until`.

        Parameters
        ----------
        other : Simulation
            The run of the next grid blocks.

        Returns
        -------
        Simulation
            A new result; ``attrs`` are this run's with ``paths`` updated
            (``first_block`` stays this run's).

        Raises
        ------
        ArgumentError
            When the two runs are not adjacent parts of one run (it says which
            attribute differs).
        """
        if not isinstance(other, Simulation):
            raise ArgumentTypeError(
                f"must be a Simulation, got {type(other).__name__}",
                source="Simulation.merge",
                location="other",
            )
        self._check_mergeable(other)
        payload = self.target_payload
        if payload is not None and other.target_payload is not None:
            payload = payload.merge(other.target_payload)
        clusters = self.target_clusters
        if clusters is not None and other.target_clusters is not None:
            clusters = clusters.merge(other.target_clusters)
        kept = None
        if self.paths is not None and other.paths is not None:
            kept = np.concatenate([self.paths, other.paths], axis=1)
        n_paths = self.n_paths + other.n_paths
        return replace(
            self,
            n_paths=n_paths,
            moments=self.moments.merge(other.moments),
            sketch=self.sketch.merge(other.sketch),
            target_payload=payload,
            target_clusters=clusters,
            paths=kept,
            attrs={**self.attrs, "paths": n_paths},
        )

    def _check_mergeable(self, other: Simulation) -> None:
        def refuse(problem: str, location: str, allowed: str) -> ArgumentError:
            return ArgumentError(
                problem, source="Simulation.merge", location=location, allowed=allowed
            )

        same_run = "parts of one run: simulate_blocks with the same scenario, seed and arguments"
        if self.scenario is not other.scenario and self.scenario != other.scenario:
            raise refuse(
                f"scenarios {self.scenario.name!r} and {other.scenario.name!r} differ",
                "other.scenario",
                same_run,
            )
        for key in ("seed", "sampling", "grid_block", "initial_state"):
            mine, theirs = self.attrs.get(key), other.attrs.get(key)
            if mine is None or mine != theirs:
                raise refuse(
                    f"{key} differs: {mine!r} and {theirs!r}", f"other.attrs.{key}", same_run
                )
        keys = [(t.id, t.reading) for t in self.targets]
        if keys != [(t.id, t.reading) for t in other.targets] or (
            self.target_status != other.target_status
        ):
            raise refuse("the target readings counted differ", "other.targets", same_run)
        mine_h, theirs_h = self.history, other.history
        if mine_h is not theirs_h and (
            mine_h is None or theirs_h is None or not mine_h.equals(theirs_h)
        ):
            raise refuse("the histories differ", "other.history", same_run)
        if (self.paths is None) != (other.paths is None):
            raise refuse(
                "one run kept its paths and the other did not", "other.paths", "keep_paths alike"
            )
        grid = int(self.attrs["grid_block"])
        first = int(self.attrs.get("first_block", 0))
        if self.n_paths % grid:
            raise refuse(
                f"this run ends in a partial grid block ({self.n_paths} paths, blocks of {grid})",
                "self.n_paths",
                "a first run whose path count is a multiple of the grid block",
            )
        after = first + self.n_paths // grid
        if int(other.attrs.get("first_block", 0)) != after:
            raise refuse(
                f"the runs are not adjacent: this one covers grid blocks {first}-{after - 1}, "
                f"the other starts at block {other.attrs.get('first_block', 0)}",
                "other.attrs.first_block",
                f"a run starting at grid block {after}",
            )

    def __repr__(self) -> str:
        from kzforecast.results.views import simulation_text

        return simulation_text(self)

    def _repr_html_(self) -> str:
        """The notebook view: scenario, paths, seed, variables and target counts."""
        from kzforecast.results.views import simulation_html

        return simulation_html(self)
