"""Fetch, verify and tidy the public data of Schaeffer et al. (2025).

The files are those of the authors' code release (repository
``RylanSchaeffer/KoyejoLab-Large-How-Do-Language-Monkey-Power-Get-Their-Power``
at a pinned commit, folder ``data/``). They are never shipped with the book:
:func:`fetch` downloads each by its upstream URL into a cache folder and
verifies its pinned SHA-256 (registry in ``data/registry.txt``).

Environment variables
---------------------
``LLMONKEYS_DATA_MIRROR``
    A local folder or a base URL that replaces the upstream base, e.g. a
    read-only copy of the release's ``data/`` folder. Never written to.
``LLMONKEYS_DATA_DIR``
    The cache folder; by default the user's cache folder
    (``pooch.os_cache("llmonkeys")``).

A file already in the cache whose hash does not match is never loaded and
never silently replaced: :class:`DataFileError` names the file, both hashes
and the fix.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns on stderr in a Jupyter kernel
    # without ipywidgets; we never show pooch's progress bars.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

__all__ = [
    "UPSTREAM_REPOSITORY",
    "UPSTREAM_COMMIT",
    "UPSTREAM_BASE_URL",
    "PYTHIA_MODELS",
    "BON_MODELS",
    "DataFileError",
    "registry",
    "cache_dir",
    "fetch",
    "fetch_all",
    "load_pythia_math",
    "load_pythia_math_pass_at_k",
    "load_bon_jailbreaking",
    "load_llama3_jailbreaking_attempts",
    "load_gemini_flash_jailbreaking_attempts",
    "upstream_k_grid",
]

UPSTREAM_REPOSITORY = (
    "RylanSchaeffer/KoyejoLab-Large-How-Do-Language-Monkey-Power-Get-Their-Power"
)
UPSTREAM_COMMIT = "cd078aef2a13e4310fab204860b99c4c39c25d40"
UPSTREAM_BASE_URL = (
    f"https://raw.githubusercontent.com/{UPSTREAM_REPOSITORY}/{UPSTREAM_COMMIT}/data/"
)
MIRROR_ENV = "LLMONKEYS_DATA_MIRROR"
CACHE_ENV = "LLMONKEYS_DATA_DIR"

#: Pythia models of the Large Language Monkeys MATH data, by size.
PYTHIA_MODELS: tuple[str, ...] = (
    "Pythia 70M",
    "Pythia 160M",
    "Pythia 410M",
    "Pythia 1B",
    "Pythia 2.8B",
    "Pythia 6.9B",
    "Pythia 12B",
)
#: Parameter counts of the Pythia models (Biderman et al. 2023 name them
#: by rounded size; these are the rounded sizes).
PYTHIA_PARAMETERS: dict[str, float] = {
    "Pythia 70M": 70e6,
    "Pythia 160M": 160e6,
    "Pythia 410M": 410e6,
    "Pythia 1B": 1e9,
    "Pythia 2.8B": 2.8e9,
    "Pythia 6.9B": 6.9e9,
    "Pythia 12B": 12e9,
}
#: Models of the Best-of-N jailbreaking data (upstream labels, including
#: upstream's "Claude 3.5 Opus").
BON_MODELS: tuple[str, ...] = (
    "Claude 3.5 Opus",
    "Claude 3.5 Sonnet",
    "GPT4o",
    "GPT4o Mini",
    "Gemini 1.5 Flash",
    "Gemini 1.5 Pro",
    "Llama 3 8B IT",
)

_PYTHIA_FILE = "processed_data/large_language_monkeys_original_pass_at_k.parquet"
_BON_FILE = "processed_data/bon_jailbreaking_pass_at_k.parquet"
_LLAMA_FILE = (
    "raw_data/best_of_n_jailbreaking/"
    "meta-llama-Meta-Llama-3-8B-Instruct_text_t1.0_n10000.jsonl"
)
_GEMINI_ATTEMPTS_FILE = "processed_data/best_of_n_jailbreaking.parquet"
_REGISTRY_FILE = Path(__file__).resolve().parents[2] / "data" / "registry.txt"


class DataFileError(RuntimeError):
    """A data file is missing, corrupted or not what the book expects."""


@functools.cache
def registry() -> dict[str, str]:
    """Return the pinned registry: path below ``data/`` -> ``sha256:<hex>``.

    Returns
    -------
    dict of str to str
        One entry per upstream file.

    Raises
    ------
    DataFileError
        If ``data/registry.txt`` cannot be found (the package must be
        installed editable from a checkout of the book).
    """
    if not _REGISTRY_FILE.is_file():
        raise DataFileError(
            f"data registry not found at {_REGISTRY_FILE}; install llmonkeys "
            "editable from a checkout of the book (pip install -e .)"
        )
    entries: dict[str, str] = {}
    for line in _REGISTRY_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path, digest = line.split()
            entries[path] = digest
    return entries


def cache_dir() -> Path:
    """Return the cache folder (``LLMONKEYS_DATA_DIR`` or the user cache).

    Returns
    -------
    pathlib.Path
        The folder files are fetched into.
    """
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path(pooch.os_cache("llmonkeys"))


def _mirror() -> str | None:
    value = os.environ.get(MIRROR_ENV, "").strip()
    return value or None


def _is_url(location: str) -> bool:
    return location.split("://", 1)[0] in ("http", "https", "ftp", "sftp")


def _copy_from_folder(folder: Path):
    """Return a pooch downloader that copies a file from a local mirror."""

    def download(url: str, output_file: Any, pup: pooch.Pooch) -> None:
        relative = url[len(pup.base_url) :]
        source = folder / relative
        if not source.is_file():
            raise FileNotFoundError(f"{source} does not exist in the mirror")
        with open(source, "rb") as src:
            if isinstance(output_file, str | os.PathLike):
                with open(output_file, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                shutil.copyfileobj(src, output_file)

    return download


def _pooch() -> tuple[pooch.Pooch, Any, str]:
    mirror = _mirror()
    downloader = None
    if mirror is None:
        base, source = UPSTREAM_BASE_URL, f"upstream {UPSTREAM_BASE_URL}"
    elif _is_url(mirror):
        base, source = mirror.rstrip("/") + "/", f"mirror {mirror}"
    else:
        folder = Path(mirror).expanduser().resolve()
        if not folder.is_dir():
            raise DataFileError(
                f"{MIRROR_ENV}={mirror!r} is neither a URL nor an existing "
                "folder; point it at a copy of the release's data/ folder, "
                "or unset it to fetch from upstream"
            )
        base, source = "mirror://", f"mirror folder {folder}"
        downloader = _copy_from_folder(folder)
    pup = pooch.create(path=cache_dir(), base_url=base, registry=registry())
    pooch.get_logger().setLevel("WARNING")
    return pup, downloader, source


def fetch(path: str) -> Path:
    """Return the local path of a verified data file, fetching it if needed.

    Parameters
    ----------
    path : str
        Path below the release's ``data/`` folder, as in the registry.

    Returns
    -------
    pathlib.Path
        The verified file in the cache folder.

    Raises
    ------
    ValueError
        If ``path`` is not in the registry.
    DataFileError
        If the file cannot be fetched, or a cached copy or a fetched file
        does not match its pinned SHA-256. A corrupted cached copy is left
        in place for inspection, never loaded, never replaced.
    """
    reg = registry()
    if path not in reg:
        raise ValueError(
            f"unknown data file {path!r}; known files: {', '.join(sorted(reg))}"
        )
    expected = reg[path].split(":", 1)[1]
    pup, downloader, source = _pooch()
    target = Path(pup.abspath) / path
    if target.exists():
        actual = pooch.file_hash(str(target), alg="sha256")
        if actual != expected:
            raise DataFileError(
                f"cached data file {target} is corrupted: its SHA-256 is "
                f"{actual}, expected {expected}. It was not loaded. Fix: delete "
                f"it (rm '{target}') and run again to fetch a fresh copy from "
                f"the {source}."
            )
        return target
    try:
        local = pup.fetch(path, downloader=downloader, progressbar=False)
    except ValueError as err:  # pooch: hash mismatch of the download
        raise DataFileError(
            f"fetched data file {path} from the {source} does not match its "
            f"pinned SHA-256 {expected} ({err}). The download was discarded. "
            f"Fix: point {MIRROR_ENV} at an unmodified copy of the release."
        ) from None
    except Exception as err:  # network errors, missing mirror file
        raise DataFileError(
            f"could not fetch data file {path} from the {source}: {err}. Fix: "
            f"check the network, or set {MIRROR_ENV} to a local folder or URL "
            "holding the release's data/ folder."
        ) from err
    return Path(local)


def fetch_all() -> list[Path]:
    """Fetch and verify every file of the registry.

    Returns
    -------
    list of pathlib.Path
        Local paths, in registry order.
    """
    return [fetch(path) for path in registry()]


def _fail(what: str) -> DataFileError:
    return DataFileError(f"loaded data is not what the book assumes: {what}")


def _check_tidy(df: pd.DataFrame, models: tuple[str, ...], n_problems: int) -> None:
    sizes = df.groupby("model", observed=True).size()
    if tuple(sizes.index) != models or not (sizes == n_problems).all():
        raise _fail(f"expected {n_problems} problems for each of {models}; "
                    f"got {sizes.to_dict()}")
    if df.duplicated(["model", "problem"]).any():
        raise _fail("duplicate (model, problem) rows")
    if (df["n"] < 1).any() or (df["c"] < 0).any() or (df["c"] > df["n"]).any():
        raise _fail("counts outside 0 <= c <= n, n >= 1")


def _tidy_counts(
    raw: pd.DataFrame, n_col: str, c_col: str, models: tuple[str, ...]
) -> pd.DataFrame:
    per_problem = raw.groupby(["Model", "Problem Idx"], observed=True)[[n_col, c_col]]
    if (per_problem.nunique() > 1).any().any():
        raise _fail("counts vary within a (model, problem) pair")
    counts = per_problem.first().reset_index()
    for col in (n_col, c_col):
        values = counts[col].to_numpy(dtype=np.float64)
        if not np.array_equal(values, np.round(values)):
            raise _fail(f"column {col!r} holds non-integer counts")
    unknown = set(counts["Model"]) - set(models)
    if unknown:
        raise _fail(f"unexpected models {sorted(unknown)}")
    df = pd.DataFrame(
        {
            "model": pd.Categorical(counts["Model"], categories=models, ordered=True),
            "problem": counts["Problem Idx"].astype(np.int64),
            "n": counts[n_col].astype(np.int64),
            "c": counts[c_col].astype(np.int64),
        }
    )
    return df.sort_values(["model", "problem"], ignore_index=True)


@functools.cache
def _load_pythia_math() -> pd.DataFrame:
    raw = pd.read_parquet(
        fetch(_PYTHIA_FILE),
        columns=["Model", "Benchmark", "Problem Idx", "Num. Samples Total",
                 "Num. Samples Correct"],
    )
    if set(raw["Benchmark"]) != {"MATH"}:
        raise _fail(f"expected only MATH rows; got {sorted(set(raw['Benchmark']))}")
    df = _tidy_counts(raw, "Num. Samples Total", "Num. Samples Correct", PYTHIA_MODELS)
    _check_tidy(df, PYTHIA_MODELS, 128)
    if not (df["n"] == 10_000).all():
        raise _fail("expected n = 10,000 attempts for every Pythia problem")
    return df


def load_pythia_math() -> pd.DataFrame:
    """Per-problem counts of seven Pythia models on 128 MATH problems.

    The Large Language Monkeys data of :cite:t:`brown2024monkeys` as
    released by :cite:t:`schaeffer2025monkeys`.

    Returns
    -------
    pandas.DataFrame
        One row per (model, problem): ``model`` (ordered categorical, by
        size), ``problem`` (int), ``n`` (attempts, 10,000), ``c``
        (successes), sorted by model then problem.

    Raises
    ------
    DataFileError
        If the file is missing, corrupted, or not as expected (7 models x
        128 problems, ``n = 10,000``, ``0 <= c <= n``, no duplicates).
    """
    return _load_pythia_math().copy()


@functools.cache
def _load_pythia_math_pass_at_k() -> pd.DataFrame:
    raw = pd.read_parquet(
        fetch(_PYTHIA_FILE), columns=["Model", "Problem Idx", "Scaling Parameter",
                                      "Score"]
    )
    return pd.DataFrame(
        {
            "model": pd.Categorical(raw["Model"], categories=PYTHIA_MODELS,
                                    ordered=True),
            "problem": raw["Problem Idx"].astype(np.int64),
            "k": raw["Scaling Parameter"].astype(np.int64),
            "pass_at_k": raw["Score"].astype(np.float64),
        }
    ).sort_values(["model", "problem", "k"], ignore_index=True)


def load_pythia_math_pass_at_k() -> pd.DataFrame:
    """Upstream's own per-problem pass@k values for the Pythia MATH data.

    For comparison with :func:`llmonkeys.pass_at_k`, which recomputes them
    from the counts of :func:`load_pythia_math`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``problem``, ``k`` (101 budgets from 1 to
        10,000) and ``pass_at_k`` (upstream's ``Score``).
    """
    return _load_pythia_math_pass_at_k().copy()


@functools.cache
def _load_bon() -> pd.DataFrame:
    raw = pd.read_parquet(
        fetch(_BON_FILE),
        columns=["Model", "Modality", "Problem Idx", "Num. Samples",
                 "Num. Samples Correct"],
    )
    if set(raw["Modality"]) != {"Text"}:
        raise _fail(f"expected only text modality; got {sorted(set(raw['Modality']))}")
    df = _tidy_counts(raw, "Num. Samples", "Num. Samples Correct", BON_MODELS)
    _check_tidy(df, BON_MODELS, 159)
    stopped = df["n"] < df.groupby("model", observed=True)["n"].transform("max")
    if (df.loc[stopped, "c"] < 1).any():
        raise _fail("a prompt stopped early without a success")
    return df


def load_bon_jailbreaking() -> pd.DataFrame:
    """Per-prompt counts of Best-of-N text jailbreaking, 7 models x 159 prompts.

    The data of :cite:t:`hughes2024bestofn` as released by
    :cite:t:`schaeffer2025monkeys`. Attempts were drawn in batches and
    sampling stopped once a prompt was jailbroken, so ``n`` varies per
    prompt (60 to 10,020) and depends on the outcomes.

    Returns
    -------
    pandas.DataFrame
        One row per (model, prompt): ``model`` (ordered categorical),
        ``problem`` (int), ``n`` (attempts made), ``c`` (successful
        jailbreaks), sorted by model then problem.

    Raises
    ------
    DataFileError
        If the file is missing, corrupted, or not as expected (7 models x
        159 prompts, ``0 <= c <= n``, no duplicates, every prompt that
        stopped early has a success).
    """
    return _load_bon().copy()


@functools.cache
def _load_llama_attempts() -> pd.DataFrame:
    rows = [json.loads(line) for line in fetch(_LLAMA_FILE).read_text().splitlines()
            if line.strip()]
    df = pd.DataFrame(rows).rename(
        columns={"i": "problem", "n": "attempt", "flagged": "success"}
    )
    df = df[["problem", "attempt", "success", "behavior_id"]].sort_values(
        ["problem", "attempt"], ignore_index=True
    )
    if df.duplicated(["problem", "attempt"]).any():
        raise _fail("duplicate (prompt, attempt) rows in the Llama 3 attempts")
    df["success"] = df["success"].astype(bool)
    return df


def load_llama3_jailbreaking_attempts() -> pd.DataFrame:
    """Attempt-by-attempt jailbreaking outcomes of Llama 3 8B Instruct.

    Returns
    -------
    pandas.DataFrame
        Columns ``problem`` (prompt index), ``attempt`` (0-based attempt
        index), ``success`` (bool: the attempt was flagged as a jailbreak)
        and ``behavior_id`` (HarmBench behaviour).
    """
    return _load_llama_attempts().copy()


@functools.cache
def _load_gemini_attempts() -> pd.DataFrame:
    raw = pd.read_parquet(
        fetch(_GEMINI_ATTEMPTS_FILE),
        columns=["Model", "Problem Idx", "Scaling Parameter", "Score"],
    )
    if set(raw["Model"]) != {"gemini-1.5-flash-001"}:
        raise _fail("expected only gemini-1.5-flash-001; got "
                    f"{sorted(set(raw['Model']))}")
    df = pd.DataFrame(
        {
            "problem": raw["Problem Idx"].astype(np.int64),
            "attempt": raw["Scaling Parameter"].astype(np.int64),
            "success": raw["Score"].astype(bool),
        }
    ).sort_values(["problem", "attempt"], ignore_index=True)
    if df.duplicated(["problem", "attempt"]).any():
        raise _fail("duplicate (prompt, attempt) rows in the Gemini attempts")
    return df


def load_gemini_flash_jailbreaking_attempts() -> pd.DataFrame:
    """Attempt-by-attempt jailbreaking outcomes of Gemini 1.5 Flash.

    Returns
    -------
    pandas.DataFrame
        Columns ``problem`` (prompt index), ``attempt`` (0-based attempt
        index) and ``success`` (bool: the attempt was a jailbreak),
        sorted by prompt then attempt.

    Raises
    ------
    DataFileError
        If the file is missing, corrupted, holds another model or
        duplicate attempts.
    """
    return _load_gemini_attempts().copy()


def upstream_k_grid() -> np.ndarray:
    """Return the 101 attempt budgets ``k`` (1 to 10,000) of upstream's curves.

    Returns
    -------
    numpy.ndarray
        Sorted int64 budgets at which :cite:t:`schaeffer2025monkeys`
        evaluate pass@k (and fit their power laws).
    """
    return np.sort(_load_pythia_math_pass_at_k()["k"].unique()).astype(np.int64)
