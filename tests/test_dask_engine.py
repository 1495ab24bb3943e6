"""The Dask engine gives results bit-identical to the local engine, even when a worker dies."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kzforecast import Scenario, compare, simulate
from kzforecast.sensitivity import tornado

distributed = pytest.importorskip("distributed")

PATHS = 6 * 4096 + 777


# Each test starts a local Dask cluster (seconds each): run by .ci/run, skipped by -m "not slow".
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.builtin("baseline")


@pytest.fixture(scope="module")
def local(scenario: Scenario) -> Any:
    return simulate(scenario, paths=PATHS, seed=21, keep_paths=True, block_size=8192)


def _same(a: Any, b: Any) -> None:
    assert np.array_equal(a.paths, b.paths)
    assert np.array_equal(a.moments.mean, b.moments.mean)
    assert np.array_equal(a.moments.m2, b.moments.m2)
    assert np.array_equal(a.sketch.counts, b.sketch.counts)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_dask_engine_is_bit_identical_to_local(
    scenario: Scenario, local: Any, workers: int
) -> None:
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = simulate(scenario, paths=PATHS, seed=21, keep_paths=True, block_size=8192,
                          engine="dask", client=client)  # fmt: skip
    _same(local, remote)


def test_dask_engine_with_scheduler_address(scenario: Scenario, local: Any) -> None:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        remote = simulate(scenario, paths=PATHS, seed=21, keep_paths=True, block_size=8192,
                          engine="dask", client=cluster.scheduler_address)  # fmt: skip
    _same(local, remote)


def test_compare_sweep_is_identical_on_dask(scenario: Scenario) -> None:
    from kzforecast.targets import load_targets

    targets = load_targets(in_force=scenario.as_of)
    scenarios = {"baseline": scenario, "export-push": Scenario.builtin("export-push")}
    a = compare(scenarios, targets, paths=8192, seed=4)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        b = compare(scenarios, targets, paths=8192, seed=4, engine="dask", client=client)
        params = ["blocks.market.mu_M", "blocks.processing.g_P"]
        stat = "mean:vehicle_output:2030"
        t_dask = tornado(scenario, stat, paths=8192, seed=4, parameters=params,
                         engine="dask", client=client)  # fmt: skip
    assert a.equals(b)
    t_local = tornado(scenario, stat, paths=8192, seed=4, parameters=params)
    pd.testing.assert_frame_equal(t_local, t_dask)


def test_lost_worker_is_recomputed_and_result_unchanged(scenario: Scenario) -> None:
    paths = 48 * 4096
    expected = simulate(scenario, paths=paths, seed=33, block_size=4096)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        before = set(client.scheduler_info()["workers"])
        box: dict[str, Any] = {}

        def run() -> None:
            box["sim"] = simulate(scenario, paths=paths, seed=33, block_size=4096,
                                  engine="dask", client=client)  # fmt: skip

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 60
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.005)
        victim = next(w for w, tasks in client.processing().items() if tasks)
        assert thread.is_alive(), "the run finished before a worker could be killed"
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=300)
        after = set(client.scheduler_info()["workers"])
    assert victim not in after
    assert before != after
    sim = box["sim"]
    assert np.array_equal(sim.moments.mean, expected.moments.mean)
    assert np.array_equal(sim.moments.m2, expected.moments.m2)
    assert np.array_equal(sim.sketch.counts, expected.sketch.counts)


def test_missing_extra_says_what_to_install(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'kzforecast\[dask\]'"):
        simulate(scenario, paths=4096, seed=1, engine="dask")
