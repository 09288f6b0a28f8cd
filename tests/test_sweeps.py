"""Tests of llmonkeys.sweeps: the seeded, cached runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llmonkeys import sweeps


def test_cache_dir(monkeypatch, tmp_path):
    assert sweeps.sweep_cache_dir() == tmp_path / "cache"
    monkeypatch.delenv(sweeps.SWEEP_CACHE_ENV)
    root = Path(sweeps.__file__).resolve().parents[2]
    assert sweeps.sweep_cache_dir() == root / "_build" / ".llmonkeys-cache"


def test_code_version_is_stable_hex():
    v = sweeps.code_version()
    assert v == sweeps.code_version() and len(v) == 16
    int(v, 16)


def test_code_version_covers_every_module(monkeypatch, tmp_path):
    # A copy of the package: editing any file, private ones and study
    # modules included, changes the hash (the old hand-kept list left out
    # _special.py, so edits there kept stale cached sweeps).
    package = Path(sweeps.__file__).resolve().parent
    copy = tmp_path / "llmonkeys"
    for path in package.rglob("*.py"):
        target = copy / path.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    monkeypatch.setattr(sweeps, "_PACKAGE", copy)
    base = sweeps.code_version()
    assert base == sweeps.code_version()
    seen = {base}
    for name in ("_special.py", "studies/forecasting.py", "plotting.py"):
        path = copy / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        seen.add(sweeps.code_version())
        path.write_bytes(original)
    assert len(seen) == 4
    assert sweeps.code_version() == base
    (copy / "new_module.py").write_text("x = 1\n")
    assert sweeps.code_version() != base


def _square(seed, x):
    rng = np.random.default_rng(sweeps.task_seed(seed, x))
    return pd.DataFrame({"x": [x], "draw": [rng.random()]})


def test_run_tasks_in_order_seeded_and_cached():
    tasks = [(3, x) for x in range(4)]
    one = sweeps.run_tasks(_square, tasks)
    assert one["x"].tolist() == [0, 1, 2, 3]
    cached = sweeps.run_tasks(_square, tasks, cache=True)
    pd.testing.assert_frame_equal(one, cached)
    pd.testing.assert_frame_equal(one, sweeps.run_tasks(_square, tasks, cache=True))
    assert any(sweeps.sweep_cache_dir().iterdir())
    # A task's stream depends on its own key only.
    alone = sweeps.run_tasks(_square, [(3, 2)])
    assert alone["draw"].iloc[0] == one["draw"].iloc[2]
    with pytest.raises(ValueError, match="n_jobs"):
        sweeps.run_tasks(_square, tasks, n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs"):
        sweeps.run_tasks(_square, tasks, n_jobs=1.5)
