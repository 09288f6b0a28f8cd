"""Tests of llmonkeys.datasets: fetching, verification and tidy data.

Everything above the "Real data" section runs on a tiny fake mirror built
in ``tmp_path`` (no network, no real data files). The "Real data" section
runs only when ``LLMONKEYS_DATA_MIRROR`` names an existing folder holding
the upstream release's ``data/`` folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pooch
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from llmonkeys import datasets
from llmonkeys.datasets import (
    BON_MODELS,
    PYTHIA_MODELS,
    DataFileError,
    cache_dir,
    fetch,
    fetch_all,
    registry,
)
from llmonkeys.estimators import pass_at_k

ROOT = Path(__file__).resolve().parents[1]
SHARED_README = Path("/work/shared/data/README.md")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry below ``folder``: kind, bytes, mtime and mode."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.stat()
        content = path.read_bytes() if path.is_file() else None
        out[str(path.relative_to(folder))] = (content, st.st_mtime_ns, st.st_mode)
    return out


def cached_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


class FakeData:
    """A fake mirror folder, cache folder and registry in ``tmp_path``."""

    def __init__(self, root: Path):
        self.mirror = root / "mirror"
        self.cache = root / "cache"
        self.registry_file = root / "registry.txt"
        self.mirror.mkdir()
        self.lines = [
            "# fake registry: <path> sha256:<hex>",
            "",
        ]
        self.registry_file.write_text("\n".join(self.lines) + "\n")

    def add(
        self,
        path: str,
        content: bytes,
        *,
        registered: bytes | None = None,
        in_mirror: bool = True,
    ) -> str:
        """Register ``path`` (hash of ``registered``, default ``content``)."""
        if in_mirror:
            target = self.mirror / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        digest = sha256(content if registered is None else registered)
        self.lines.append(f"{path} sha256:{digest}")
        self.registry_file.write_text("\n".join(self.lines) + "\n")
        registry.cache_clear()
        return digest


GOOD = {
    "processed_data/alpha.parquet": b"alpha bytes\x00\x01\x02",
    "raw_data/sub/beta.jsonl": b'{"i": 0, "flagged": true}\n',
}


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Point llmonkeys.datasets at a fake registry, mirror and cache."""
    data = FakeData(tmp_path)
    monkeypatch.setattr(datasets, "_REGISTRY_FILE", data.registry_file)
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", str(data.mirror))
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", str(data.cache))
    registry.cache_clear()
    for path, content in GOOD.items():
        data.add(path, content)
    yield data
    # registry() is functools.cache'd: forget the fake before monkeypatch
    # restores the real registry file.
    registry.cache_clear()


@pytest.fixture
def real_registry():
    registry.cache_clear()
    yield registry()
    registry.cache_clear()


# --------------------------------------------------------------------------
# Registry and cache folder
# --------------------------------------------------------------------------


def test_registry_file_parses_to_16_pinned_entries(real_registry):
    assert len(real_registry) == 16
    for path, digest in real_registry.items():
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), path
        assert path.startswith(("processed_data/", "raw_data/"))
    for name in (datasets._PYTHIA_FILE, datasets._BON_FILE, datasets._LLAMA_FILE):
        assert name in real_registry


def test_registry_matches_shared_readme(real_registry):
    if not SHARED_README.is_file():
        pytest.skip(f"{SHARED_README} not present")
    listed = dict(
        (path, digest)
        for digest, path in re.findall(
            r"^([0-9a-f]{64})  (\S+)$", SHARED_README.read_text(), flags=re.M
        )
    )
    assert len(listed) == 16
    assert {p: d.split(":", 1)[1] for p, d in real_registry.items()} == listed


def test_fake_registry_skips_comments_and_blank_lines(fake):
    reg = registry()
    assert list(reg) == list(GOOD)
    assert reg["processed_data/alpha.parquet"] == "sha256:" + sha256(
        GOOD["processed_data/alpha.parquet"]
    )


def test_missing_registry_file(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "_REGISTRY_FILE", tmp_path / "nope.txt")
    registry.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"data registry not found at .*nope"):
            registry()
    finally:
        registry.cache_clear()


def test_cache_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.setenv("LLMONKEYS_DATA_DIR", "~/somewhere")
    assert cache_dir() == Path("~/somewhere").expanduser()
    monkeypatch.delenv("LLMONKEYS_DATA_DIR")
    assert cache_dir() == Path(pooch.os_cache("llmonkeys"))


# --------------------------------------------------------------------------
# fetch from a local mirror folder
# --------------------------------------------------------------------------


def test_fetch_copies_into_cache_and_verifies(fake):
    for path, content in GOOD.items():
        local = fetch(path)
        assert local == fake.cache / path
        assert local.read_bytes() == content
        assert pooch.file_hash(str(local), alg="sha256") == sha256(content)
    assert sorted(cached_files(fake.cache)) == sorted(fake.cache / p for p in GOOD)


def test_second_fetch_uses_cached_copy(fake):
    path = "processed_data/alpha.parquet"
    first = fetch(path)
    mtime = first.stat().st_mtime_ns
    (fake.mirror / path).unlink()  # a re-fetch would now fail
    second = fetch(path)
    assert second == first
    assert second.read_bytes() == GOOD[path]
    assert second.stat().st_mtime_ns == mtime


def test_fetch_all_in_registry_order(fake):
    paths = fetch_all()
    assert paths == [fake.cache / p for p in GOOD]


def test_corrupted_cached_copy_is_reported_and_left_alone(fake):
    path = "raw_data/sub/beta.jsonl"
    local = fetch(path)
    corrupted = b'{"i": 0, "flagged": false}\n'
    local.write_bytes(corrupted)
    mtime = local.stat().st_mtime_ns
    with pytest.raises(DataFileError) as info:
        fetch(path)
    msg = str(info.value)
    assert str(local) in msg
    assert sha256(GOOD[path]) in msg  # expected
    assert sha256(corrupted) in msg  # actual
    assert "corrupted" in msg and "not loaded" in msg
    assert "Fix: delete it" in msg and f"rm '{local}'" in msg
    # Never replaced, although the mirror holds a good copy.
    assert local.read_bytes() == corrupted
    assert local.stat().st_mtime_ns == mtime
    # After the documented fix, a fresh copy is fetched.
    local.unlink()
    assert fetch(path).read_bytes() == GOOD[path]


def test_mirror_file_with_wrong_content(fake):
    path = "processed_data/gamma.parquet"
    expected = fake.add(path, b"tampered", registered=b"original")
    with pytest.raises(DataFileError) as info:
        fetch(path)
    msg = str(info.value)
    assert path in msg and expected in msg
    assert "does not match its pinned SHA-256" in msg
    assert "LLMONKEYS_DATA_MIRROR" in msg
    assert str(fake.mirror) in msg
    assert cached_files(fake.cache) == []


def test_missing_mirror_file(fake):
    path = "raw_data/missing.csv"
    fake.add(path, b"a,b\n1,2\n", in_mirror=False)
    with pytest.raises(DataFileError, match=r"could not fetch data file "
                       r"raw_data/missing\.csv from the mirror folder") as info:
        fetch(path)
    assert "does not exist in the mirror" in str(info.value)
    assert "LLMONKEYS_DATA_MIRROR" in str(info.value)
    assert cached_files(fake.cache) == []


@pytest.mark.parametrize("kind", ["missing", "file", "unsupported-scheme"])
def test_mirror_that_is_neither_folder_nor_url(fake, monkeypatch, tmp_path, kind):
    if kind == "missing":
        value = str(tmp_path / "no-such-folder")
    elif kind == "file":
        value = str(fake.registry_file)
    else:
        value = "file:/not/a/supported/scheme"
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", value)
    with pytest.raises(DataFileError, match=r"is neither a URL nor an existing folder"):
        fetch("processed_data/alpha.parquet")
    assert cached_files(fake.cache) == []


def test_unknown_path(fake):
    with pytest.raises(ValueError, match=r"unknown data file 'nope\.csv'; known "
                       r"files: processed_data/alpha\.parquet, raw_data/sub"):
        fetch("nope.csv")


def test_url_mirror_and_upstream_base(fake, monkeypatch):
    # No download here: only where a fetch would go.
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", "https://example.invalid/data")
    source = datasets._source()
    assert source.base_url == "https://example.invalid/data/"
    assert source.folder is None
    assert "https://example.invalid/data" in source.description
    assert source.locate("a/b.csv") == "https://example.invalid/data/a/b.csv"
    monkeypatch.setenv("LLMONKEYS_DATA_MIRROR", "  ")
    source = datasets._source()
    assert source.base_url == datasets.UPSTREAM_BASE_URL
    assert datasets.UPSTREAM_COMMIT in source.base_url
    assert source.folder is None


def test_mirror_folder_is_never_written_to(fake):
    fake.add("processed_data/bad.parquet", b"tampered", registered=b"original")
    fake.add("raw_data/absent.csv", b"x", in_mirror=False)
    before = snapshot(fake.mirror)
    fetch_paths = list(GOOD)
    for path in fetch_paths:
        fetch(path)
        fetch(path)
    (fake.cache / fetch_paths[0]).write_bytes(b"corrupt")
    for path in (fetch_paths[0], "processed_data/bad.parquet", "raw_data/absent.csv"):
        with pytest.raises(DataFileError):
            fetch(path)
    assert snapshot(fake.mirror) == before


# --------------------------------------------------------------------------
# Tidy-data validation on hand-made frames
# --------------------------------------------------------------------------

MODELS = ("small", "large")


def raw_frame(rows, n_col="N", c_col="C"):
    return pd.DataFrame(rows, columns=["Model", "Problem Idx", n_col, c_col])


def good_raw():
    # Repeated rows per (model, problem), one per k upstream; float32 counts.
    rows = []
    for model, c_values in (("large", [5.0, 9.0]), ("small", [0.0, 2.0])):
        for problem, c in zip((1, 0), c_values, strict=True):
            for _ in range(3):
                rows.append((model, problem, 10.0, c))
    raw = raw_frame(rows)
    return raw.astype({"N": np.float32, "C": np.float32})


def test_tidy_counts_happy_path():
    df = datasets._tidy_counts(good_raw(), "N", "C", MODELS)
    assert list(df.columns) == ["model", "problem", "n", "c"]
    assert isinstance(df["model"].dtype, pd.CategoricalDtype)
    assert df["model"].cat.ordered
    assert tuple(df["model"].cat.categories) == MODELS
    for col in ("problem", "n", "c"):
        assert df[col].dtype == np.int64
    # sorted by model order (small < large), then problem
    assert list(df["model"]) == ["small", "small", "large", "large"]
    assert list(df["problem"]) == [0, 1, 0, 1]
    assert list(df["c"]) == [2, 0, 9, 5]
    datasets._check_tidy(df, MODELS, 2)  # passes


def test_tidy_counts_varying_counts():
    raw = good_raw()
    raw.loc[0, "C"] = 4.0
    with pytest.raises(DataFileError, match=r"counts vary within a \(model, problem\)"):
        datasets._tidy_counts(raw, "N", "C", MODELS)


@pytest.mark.parametrize("bad", [2.5, np.nan])
def test_tidy_counts_non_integer(bad):
    raw = raw_frame([("small", 0, 10.0, bad), ("large", 0, 10.0, 1.0)])
    with pytest.raises(DataFileError, match=r"column 'C' holds non-integer counts"):
        datasets._tidy_counts(raw, "N", "C", MODELS)


def test_tidy_counts_unknown_model():
    raw = raw_frame([("small", 0, 10, 1), ("huge", 0, 10, 1)])
    with pytest.raises(DataFileError, match=r"unexpected models \['huge'\]"):
        datasets._tidy_counts(raw, "N", "C", MODELS)


def tidy(models, problems, n, c):
    return pd.DataFrame(
        {
            "model": pd.Categorical(models, categories=MODELS, ordered=True),
            "problem": np.asarray(problems, dtype=np.int64),
            "n": np.asarray(n, dtype=np.int64),
            "c": np.asarray(c, dtype=np.int64),
        }
    )


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (tidy(["small", "small", "large", "large"], [0, 0, 0, 1], 10, [1, 1, 1, 1]),
         r"duplicate \(model, problem\) rows"),
        (tidy(["small", "small", "large", "large"], [0, 1, 0, 1], 10, [1, 11, 1, 1]),
         r"counts outside 0 <= c <= n"),
        (tidy(["small", "small", "large", "large"], [0, 1, 0, 1], 10, [1, -1, 1, 1]),
         r"counts outside"),
        (tidy(["small", "small", "large", "large"], [0, 1, 0, 1], [10, 0, 10, 10], 0),
         r"counts outside"),
        (tidy(["small", "small"], [0, 1], 10, 1),
         r"expected 2 problems for each of \('small', 'large'\)"),
        (tidy(["small", "small", "large"], [0, 1, 0], 10, 1), r"expected 2 problems"),
        (tidy(["large", "large", "large", "small"], [0, 1, 2, 0], 10, 1),
         r"expected 2 problems"),
    ],
)
def test_check_tidy_errors(frame, match):
    with pytest.raises(DataFileError, match=r"loaded data is not what the book "
                       r"assumes: " + match):
        datasets._check_tidy(frame, MODELS, 2)


# --------------------------------------------------------------------------
# Real data (only with LLMONKEYS_DATA_MIRROR set to an existing folder)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    mirror = os.environ.get("LLMONKEYS_DATA_MIRROR", "").strip()
    if not mirror or not Path(mirror).expanduser().is_dir():
        pytest.skip("real data unavailable: set LLMONKEYS_DATA_MIRROR to a folder")
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get("LLMONKEYS_DATA_DIR"):
            mp.setenv("LLMONKEYS_DATA_DIR", str(tmp_path_factory.mktemp("cache")))
        registry.cache_clear()
        yield {
            "pythia": datasets.load_pythia_math(),
            "pythia_pass_at_k": datasets.load_pythia_math_pass_at_k(),
            "bon": datasets.load_bon_jailbreaking(),
            "llama": datasets.load_llama3_jailbreaking_attempts(),
        }


def _check_counts_frame(df, models, n_problems):
    assert list(df.columns) == ["model", "problem", "n", "c"]
    assert len(df) == len(models) * n_problems
    for col in ("problem", "n", "c"):
        assert df[col].dtype == np.int64, col
    assert isinstance(df["model"].dtype, pd.CategoricalDtype)
    assert df["model"].cat.ordered
    assert tuple(df["model"].cat.categories) == models
    sizes = df.groupby("model", observed=True).size()
    assert tuple(sizes.index) == models and (sizes == n_problems).all()
    assert not df.duplicated(["model", "problem"]).any()
    assert ((df["c"] >= 0) & (df["c"] <= df["n"])).all()
    assert df.equals(df.sort_values(["model", "problem"], ignore_index=True))


def test_real_pythia_math(real_data):
    df = real_data["pythia"]
    _check_counts_frame(df, PYTHIA_MODELS, 128)
    assert (df["n"] == 10_000).all()
    # a copy each call: callers cannot corrupt the cached frame
    mine = datasets.load_pythia_math()
    mine.loc[0, "c"] = -5
    assert datasets.load_pythia_math().loc[0, "c"] >= 0


def test_real_bon_jailbreaking(real_data):
    df = real_data["bon"]
    _check_counts_frame(df, BON_MODELS, 159)
    assert df["n"].between(60, 10_020).all()
    assert (df["n"].min(), df["n"].max()) == (60, 10_020)
    stopped = df["n"] < df.groupby("model", observed=True)["n"].transform("max")
    assert stopped.any()
    assert (df.loc[stopped, "c"] >= 1).all()


def test_real_llama3_attempts(real_data):
    att = real_data["llama"]
    assert list(att.columns) == ["problem", "attempt", "success", "behavior_id"]
    assert len(att) == 29_880
    assert att["success"].dtype == bool
    assert att["problem"].nunique() == 159
    assert not att.duplicated(["problem", "attempt"]).any()
    per = att.groupby("problem").agg(
        n=("attempt", "size"), c=("success", "sum"), last=("attempt", "max")
    )
    assert (per["last"] + 1 == per["n"]).all()  # attempts 0..n-1, no gaps
    # Same counts as the processed Best-of-N data for this model.
    bon = real_data["bon"]
    llama = bon[bon["model"] == "Llama 3 8B IT"].set_index("problem")
    assert_array_equal(per["n"], llama.loc[per.index, "n"])
    assert_array_equal(per["c"], llama.loc[per.index, "c"])


def test_real_pass_at_k_matches_upstream_scores(real_data):
    up = real_data["pythia_pass_at_k"]
    assert up["k"].nunique() == 101
    assert (up["k"].min(), up["k"].max()) == (1, 10_000)
    merged = up.merge(real_data["pythia"], on=["model", "problem"], validate="m:1")
    assert len(merged) == len(up) == 7 * 128 * 101
    ours = pass_at_k(merged["n"], merged["c"], merged["k"])
    assert_allclose(ours, merged["pass_at_k"], rtol=0, atol=1e-12)


def test_real_upstream_k_grid(real_data):
    grid = datasets.upstream_k_grid()
    assert grid.dtype == np.int64 and grid.shape == (101,)
    assert grid[0] == 1 and grid[-1] == 10_000
    assert np.all(np.diff(grid) > 0)
    assert_array_equal(grid, np.sort(real_data["pythia_pass_at_k"]["k"].unique()))


# Pythia checkpoints (72 on MATH, 81 on GSM8K) ------------------------------


def test_load_pythia_checkpoints_rejects_unknown_benchmark():
    with pytest.raises(ValueError, match="benchmark must be one of"):
        datasets.load_pythia_checkpoints("HumanEval")


@pytest.fixture(scope="module")
def checkpoints(real_data):
    return {b: datasets.load_pythia_checkpoints(b) for b in ("MATH", "GSM8K")}


@pytest.mark.parametrize("bench, n_ckpt, n_max", [("MATH", 72, 3_720_320),
                                                  ("GSM8K", 81, 2_980_608)])
def test_real_pythia_checkpoints(checkpoints, bench, n_ckpt, n_max):
    df = checkpoints[bench]
    assert list(df.columns) == ["model", "parameters", "non_embedding_parameters",
                                "tokens", "problem", "level", "n", "c"]
    assert df["model"].nunique() == n_ckpt
    assert df["parameters"].nunique() == 9
    for col in ("parameters", "non_embedding_parameters", "tokens", "problem", "n",
                "c"):
        assert df[col].dtype == np.int64, col
    assert not df.duplicated(["model", "problem"]).any()
    assert ((df["c"] >= 0) & (df["c"] <= df["n"])).all()
    assert (df["n"].min(), df["n"].max()) == (128, n_max)
    assert df.equals(df.sort_values(["parameters", "tokens", "problem"],
                                    ignore_index=True))
    # Metadata joined by nickname: "Pythia_<size>_<tokens>".
    size = df["model"].str.split("_").str[1]
    sizes = df.groupby(size)["parameters"].nunique()
    assert (sizes == 1).all()
    assert (df["non_embedding_parameters"] < df["parameters"]).all()
    # Incomplete checkpoints are reported, not dropped.
    per = df.groupby("model").size()
    assert df.attrs["problems_per_checkpoint"] == 128
    assert df.attrs["incomplete_checkpoints"] == {
        m: int(v) for m, v in per.items() if v != 128}
    assert "Pythia_12B_2M" in df.attrs["incomplete_checkpoints"]
    if bench == "MATH":
        assert set(df["level"].dropna()) == {1, 2, 3, 4, 5}
        assert df.attrs["incomplete_checkpoints"] == {"Pythia_12B_2M": 9}
    else:
        assert df["level"].isna().all()


def test_real_pythia_checkpoints_match_upstream_pass_at_k(checkpoints):
    # The file's pass@k grid is derived from (n, c): recompute it where k <= n.
    raw = pd.read_parquet(fetch(datasets._CHECKPOINT_FILES["MATH"]),
                          columns=["Model Nickname", "prompt_idx", "k", "pass@k"])
    merged = raw.rename(columns={"Model Nickname": "model", "prompt_idx": "problem"}
                        ).merge(checkpoints["MATH"], on=["model", "problem"],
                                validate="m:1")
    assert len(merged) == len(raw)
    ok = merged["k"] <= merged["n"]
    ours = pass_at_k(merged.loc[ok, "n"], merged.loc[ok, "c"], merged.loc[ok, "k"])
    assert_allclose(ours, merged.loc[ok, "pass@k"], rtol=0, atol=1e-6)


def test_real_pythia_checkpoints_copy_is_independent(checkpoints):
    df = datasets.load_pythia_checkpoints("MATH")
    df.loc[0, "c"] = -1
    df.attrs["incomplete_checkpoints"]["x"] = 1
    again = datasets.load_pythia_checkpoints("MATH")
    assert again.loc[0, "c"] >= 0 and "x" not in again.attrs["incomplete_checkpoints"]
