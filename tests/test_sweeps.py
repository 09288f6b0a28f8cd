"""Tests of llmonkeys.sweeps: the seeded, cached runner."""

from __future__ import annotations

from pathlib import Path

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
