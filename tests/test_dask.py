"""Scale-out on Dask: a LocalCluster gives the numbers of ``n_jobs=1``, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import llmonkeys as lm
from llmonkeys import cli

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=40,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frames = []
    for model, alpha in (("small", 0.3), ("large", 0.6)):
        p = lm.ScaledBeta(alpha, 3.0).sample(40, rng)
        frames.append(pd.DataFrame({"model": model, "problem": np.arange(40),
                                    "n": 300, "c": rng.binomial(300, p)}))
    return pd.concat(frames, ignore_index=True)


def test_backtest_sweep_on_dask_equals_serial(cluster, counts):
    sweep = {"seed": 3, "n_subsamples": 2, "budgets": (30, 100), "k_max": 300,
             "n_horizons": 4, "methods": ("least-squares", "empirical-bayes"),
             "cache": False}
    serial = lm.studies.forecasting.backtest(counts, n_jobs=1, **sweep)
    with distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream, \
                joblib.parallel_config(backend="dask"):
            on_dask = lm.studies.forecasting.backtest(counts, n_jobs=-1, **sweep)
        workers = set(client.scheduler_info()["workers"])
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
    ran_on = {task["worker"] for task in stream.data}
    assert stream.data and ran_on <= workers  # the sweep ran on the cluster
    assert len(serial) == 2 * 2 * 2 * 2 * 4  # models x budgets x reps x methods x k
    assert serial["forecast"].notna().all()
    pd.testing.assert_frame_equal(on_dask, serial, check_exact=True)


def test_fit_command_on_scheduler_equals_serial(cluster, counts, tmp_path, capsys):
    path = tmp_path / "two.csv"
    counts.to_csv(path, index=False)
    serial = cli.fit(path, n_boot=12, seed=2)
    with distributed.Client(cluster) as client, \
            distributed.get_task_stream(client) as stream:
        remote = cli.fit(path, n_boot=12, seed=2,
                         scheduler=cluster.scheduler_address)
    assert stream.data  # the forecast bootstraps ran on the cluster
    pd.testing.assert_frame_equal(remote.table(), serial.table(), check_exact=True)
    code = cli.main(["fit", str(path), "--n-boot", "12", "--seed", "2",
                     "--scheduler", cluster.scheduler_address, "--no-progress"])
    assert code == 0
    assert capsys.readouterr().out.strip() == str(serial)
