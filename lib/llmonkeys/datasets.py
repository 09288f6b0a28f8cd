"""Fetch, verify and tidy the public data of Schaeffer et al. (2025).

The files are those of the authors' code release (repository
``RylanSchaeffer/KoyejoLab-Large-How-Do-Language-Monkey-Power-Get-Their-Power``
at a pinned commit, folder ``data/``). They are never shipped with the book:
:func:`fetch` downloads each by its upstream URL into a cache folder and
verifies its pinned SHA-256 (registry in ``data/registry.txt``).

Environment variables
---------------------
``LLMONKEYS_DATA_MIRROR``
    A local folder or an ``http(s)://`` base URL (scheme in any case) that
    replaces the upstream base, e.g. a read-only copy of the release's
    ``data/`` folder. Never written to. Unset or blank: upstream.
``LLMONKEYS_DATA_DIR``
    The cache folder. Unset or blank (whitespace only): the user's cache
    folder (``pooch.os_cache("llmonkeys")``).
``LLMONKEYS_DATA_TIMEOUT``
    Deadline of one file's fetch in seconds (default 300), for the whole
    fetch: a mirror that never answers, or sends a byte now and then,
    fails after this long with :class:`DataTimeoutError`.

A file already in the cache whose hash does not match is never loaded and
never silently replaced: :class:`DataHashError` names the file, both hashes
and the fix. Fetches are safe from several threads and processes at once:
each writes a private temporary file, verifies it and renames it into
place atomically; no temporary file outlives a failed fetch.

Every error raised on purpose is a :class:`DataFileError` whose message
names what failed and the fix; its subclasses say which part failed
(:class:`DataConfigError`, :class:`DataCacheError`,
:class:`DataFetchError`, :class:`DataTimeoutError`, :class:`DataHashError`,
:class:`DataContentError`). pooch supplies the hashing and the default
cache folder; the transfer itself is done here, because
``pooch.Pooch.fetch`` creates sub-folders racily and has no overall
deadline.
"""

from __future__ import annotations

import errno
import functools
import json
import math
import os
import re
import tempfile
import threading
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
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
    "DEFAULT_TIMEOUT",
    "DataFileError",
    "DataConfigError",
    "DataCacheError",
    "DataFetchError",
    "DataTimeoutError",
    "DataHashError",
    "DataContentError",
    "registry",
    "cache_dir",
    "fetch_timeout",
    "fetch",
    "fetch_all",
    "load_pythia_math",
    "load_pythia_math_pass_at_k",
    "load_bon_jailbreaking",
    "load_llama3_jailbreaking_attempts",
    "load_pythia_checkpoints",
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
TIMEOUT_ENV = "LLMONKEYS_DATA_TIMEOUT"
#: Default deadline of one file's fetch, in seconds (the largest file is
#: about 3 MB).
DEFAULT_TIMEOUT = 300.0
_CHUNK = 1 << 16

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
_CHECKPOINT_FILES = {
    "MATH": "raw_data/large_language_monkeys/math_pass_at_k.parquet",
    "GSM8K": "raw_data/large_language_monkeys/gsm8k_pass_at_k.parquet",
}
#: Checkpoints in each file (9 sizes x 8 or 9 training-token counts).
_CHECKPOINT_COUNTS = {"MATH": 72, "GSM8K": 81}
_CHECKPOINT_METADATA = "raw_data/gpt4_gsm8k/models_pythia.csv"
_GEMINI_ATTEMPTS_FILE = "processed_data/best_of_n_jailbreaking.parquet"
_REGISTRY_FILE = Path(__file__).resolve().parents[2] / "data" / "registry.txt"


class DataFileError(RuntimeError):
    """A data file is missing, corrupted or not what the book expects.

    The base of every error the data layer raises on purpose; its message
    is one paragraph that names the file or setting at fault and the fix,
    so a command line can print it on one line. Subclasses say which part
    failed.
    """


class DataConfigError(DataFileError):
    """An environment variable of the data layer has an unusable value."""


class DataCacheError(DataFileError):
    """The cache folder or a cached file cannot be created, read or written.

    Raised for permission problems, a folder where a file should be (or
    the reverse) and a full disk; never a network problem.
    """


class DataFetchError(DataFileError):
    """A file could not be obtained from the mirror or from upstream."""


class DataTimeoutError(DataFetchError):
    """A fetch did not finish within the deadline (``LLMONKEYS_DATA_TIMEOUT``)."""


class DataHashError(DataFileError):
    """A cached or fetched file does not match its pinned SHA-256."""


class DataContentError(DataFileError):
    """A verified file does not hold what the book assumes."""


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
        If ``data/registry.txt`` cannot be found or read (the package must
        be installed editable from a checkout of the book).
    """
    try:
        text = _REGISTRY_FILE.read_text()
    except OSError as err:
        why = "not found" if isinstance(err, FileNotFoundError) else _why(err)
        raise DataFileError(
            f"data registry {why} at {_REGISTRY_FILE}; install llmonkeys "
            "editable from a checkout of the book (pip install -e .)"
        ) from None
    entries: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            path, digest = line.split()
            entries[path] = digest
    return entries


def cache_dir() -> Path:
    """Return the cache folder (``LLMONKEYS_DATA_DIR`` or the user cache).

    An unset or blank (whitespace-only) ``LLMONKEYS_DATA_DIR`` means the
    user cache folder, ``pooch.os_cache("llmonkeys")``; a blank value never
    names a folder.

    Returns
    -------
    pathlib.Path
        The folder files are fetched into.
    """
    env = os.environ.get(CACHE_ENV, "")
    if not env.strip():
        return Path(pooch.os_cache("llmonkeys"))
    return Path(env).expanduser()


def fetch_timeout() -> float:
    """Return the deadline of one file's fetch, in seconds.

    ``LLMONKEYS_DATA_TIMEOUT`` if set (a number of seconds > 0), else
    :data:`DEFAULT_TIMEOUT`. The deadline bounds the whole fetch of a file
    (connecting, waiting and reading), so a mirror that never answers or
    sends a byte now and then fails after this long instead of hanging.

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    DataConfigError
        If ``LLMONKEYS_DATA_TIMEOUT`` is not a finite number > 0.
    """
    raw = os.environ.get(TIMEOUT_ENV, "")
    if not raw.strip():
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise DataConfigError(
            f"{TIMEOUT_ENV}={raw!r} is not a number of seconds > 0; set it to "
            f"e.g. 300, or unset it for the default {DEFAULT_TIMEOUT:g} s"
        )
    return value


def _mirror() -> str | None:
    value = os.environ.get(MIRROR_ENV, "").strip()
    return value or None


def _url_scheme(location: str) -> str | None:
    """Lower-cased scheme of ``scheme://...``, else None."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", location)
    return match.group(1).lower() if match else None


@dataclass(frozen=True)
class _Source:
    """Where files come from: a base URL, or a local mirror folder."""

    base_url: str | None
    folder: Path | None
    description: str

    def locate(self, path: str) -> str:
        if self.folder is not None:
            return str(self.folder / path)
        return f"{self.base_url}{path}"


def _source() -> _Source:
    mirror = _mirror()
    if mirror is None:
        return _Source(UPSTREAM_BASE_URL, None, f"upstream {UPSTREAM_BASE_URL}")
    scheme = _url_scheme(mirror)
    if scheme in ("http", "https"):
        base = scheme + mirror[len(scheme):].rstrip("/") + "/"
        return _Source(base, None, f"mirror {mirror}")
    if scheme is not None:
        raise DataConfigError(
            f"{MIRROR_ENV}={mirror!r} uses the unsupported scheme {scheme!r}; "
            "use an http:// or https:// URL or a local folder holding a copy "
            "of the release's data/ folder, or unset it to fetch from upstream"
        )
    folder = Path(mirror).expanduser()
    try:
        is_folder = folder.is_dir()
    except OSError as err:
        raise DataConfigError(
            f"{MIRROR_ENV}={mirror!r} cannot be inspected ({_why(err)}); "
            "point it at a readable copy of the release's data/ folder, or "
            "unset it to fetch from upstream"
        ) from None
    if not is_folder:
        raise DataConfigError(
            f"{MIRROR_ENV}={mirror!r} is neither a URL nor an existing "
            "folder; point it at a copy of the release's data/ folder (or "
            "an http(s) URL of one), or unset it to fetch from upstream"
        )
    folder = folder.resolve()
    return _Source(None, folder, f"mirror folder {folder}")


def _why(err: OSError) -> str:
    """Return a short reason for an OS error, e.g. "permission denied"."""
    if isinstance(err, PermissionError):
        return "permission denied"
    if err.errno == errno.ENOSPC:
        return "no space left on the disk"
    if err.errno == errno.EROFS:
        return "read-only file system"
    return (err.strerror or str(err) or type(err).__name__).lower()


def _cache_error(err: OSError, what: str, where: Path) -> DataCacheError:
    """Build a :class:`DataCacheError` for an OS error on the cache."""
    if isinstance(err, IsADirectoryError):
        why = f"a folder is in the way at {err.filename or where}"
        fix = f"remove that folder, or set {CACHE_ENV} to another folder"
    elif isinstance(err, NotADirectoryError | FileExistsError):
        why = "a file is in the way where a folder belongs"
        fix = f"remove that file, or set {CACHE_ENV} to another folder"
    elif isinstance(err, PermissionError):
        why = "permission denied"
        fix = (f"make it readable and writable by you, or set {CACHE_ENV} to "
               "a folder you own")
    else:
        why = _why(err)
        fix = f"set {CACHE_ENV} to a writable folder with free space"
    return DataCacheError(f"cannot {what} {where}: {why}. Fix: {fix}.")


def _cached_copy_is_good(target: Path, path: str, expected: str, source: _Source
                         ) -> bool:
    """Return True for a verified cached copy, False for none (else raise)."""
    try:
        actual = pooch.file_hash(str(target), alg="sha256")
    except FileNotFoundError:
        return False
    except NotADirectoryError as err:
        raise _cache_error(err, f"look for data file {path} in", target.parent
                           ) from None
    except OSError as err:
        raise _cache_error(err, "read the cached data file", target) from None
    if actual != expected:
        raise DataHashError(
            f"cached data file {target} is corrupted: its SHA-256 is "
            f"{actual}, expected {expected}. It was not loaded. Fix: delete "
            f"it (rm '{target}') and run again to fetch a fresh copy from "
            f"the {source.description}."
        )
    return True


def _open_source(source: _Source, path: str, timeout: float) -> Any:
    """Open the file at the source for reading (a stream with read1)."""
    location = source.locate(path)
    if source.folder is not None:
        return open(location, "rb")  # noqa: SIM115 (closed by the caller)
    request = urllib.request.Request(location, headers={"User-Agent": "llmonkeys"})
    return urllib.request.urlopen(request, timeout=timeout)


class _WriteFailed(Exception):
    """Writing the temporary file failed; the OSError is the cause."""


def _transfer(source: _Source, path: str, out: Any, timeout: float) -> None:
    """Copy the source's file into ``out`` within ``timeout`` seconds.

    The copy runs in a worker thread that the caller waits for at most
    ``timeout`` seconds; every socket operation of the worker has the same
    bound, and the worker stops at its next read once abandoned.

    Raises
    ------
    TimeoutError
        If the copy did not finish in time.
    _WriteFailed
        If writing ``out`` failed (the OSError is its ``__cause__``).
    OSError, urllib.error.URLError, http.client.HTTPException
        As raised by opening or reading the source.
    """
    abandoned = threading.Event()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            with _open_source(source, path, timeout) as src:
                while not abandoned.is_set():
                    chunk = src.read1(_CHUNK)
                    if not chunk:
                        break
                    try:
                        out.write(chunk)
                    except OSError as err:
                        raise _WriteFailed(err) from err
        except BaseException as err:  # handed to the caller below
            failure.append(err)

    worker = threading.Thread(target=work, name=f"llmonkeys fetch {path}",
                              daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        abandoned.set()
        raise TimeoutError(f"no complete answer within {timeout:g} s")
    if failure:
        raise failure[0]


def _fetch_error(err: BaseException, path: str, source: _Source,
                 timeout: float) -> DataFileError:
    """Translate an error of reading the source into a DataFileError."""
    location = source.locate(path)
    prefix = f"could not fetch data file {path} from the {source.description}"
    if isinstance(err, TimeoutError) or (
        isinstance(err, urllib.error.URLError)
        and isinstance(err.reason, TimeoutError)
    ):
        return DataTimeoutError(
            f"{prefix}: it did not finish within {timeout:g} s ({TIMEOUT_ENV}); "
            "the partial download was removed. Fix: check that "
            f"{location} answers, raise {TIMEOUT_ENV} (seconds) for a slow "
            f"connection, or set {MIRROR_ENV} to a local folder holding the "
            "release's data/ folder."
        )
    if source.folder is not None and isinstance(err, OSError):
        if isinstance(err, FileNotFoundError):
            why = f"{location} does not exist in the mirror"
        elif isinstance(err, IsADirectoryError):
            why = f"{location} is a folder in the mirror, not a file"
        else:
            why = f"{location} cannot be read ({_why(err)})"
        return DataFetchError(
            f"{prefix}: {why}. Fix: point {MIRROR_ENV} at a complete, readable "
            "copy of the release's data/ folder, or unset it to fetch from "
            "upstream."
        )
    if isinstance(err, urllib.error.HTTPError):
        err.close()  # it holds the connection
        why = f"the server answered HTTP {err.code} {err.reason} for {location}"
        fix = (f"check that {MIRROR_ENV} points at a copy of the release's "
               "data/ folder, or unset it to fetch from upstream"
               if source.base_url != UPSTREAM_BASE_URL else
               f"set {MIRROR_ENV} to a local copy of the release's data/ folder")
        return DataFetchError(f"{prefix}: {why}. Fix: {fix}.")
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    return DataFetchError(
        f"{prefix}: {reason or type(err).__name__}. Fix: check the network, or "
        f"set {MIRROR_ENV} to a local folder or URL holding the release's "
        "data/ folder."
    )


def _download(path: str, target: Path, expected: str, source: _Source,
              timeout: float) -> None:
    """Fetch into a private temporary file, verify, rename into place.

    The temporary file sits next to the target under a unique name, so
    concurrent fetches (threads or processes) never share one; the rename
    is atomic, so a reader sees no file or a complete verified one. The
    temporary file is removed on every path out.
    """
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent,
                                        prefix=f".{target.name}.", suffix=".part")
    except OSError as err:
        raise _cache_error(err, "write to the cache folder", target.parent
                           ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                _transfer(source, path, out, timeout)
            except _WriteFailed as err:
                raise _cache_error(err.__cause__, "write to the cache folder",
                                   target.parent) from None
            except Exception as err:
                raise _fetch_error(err, path, source, timeout) from None
        actual = pooch.file_hash(tmp_name, alg="sha256")
        if actual != expected:
            raise DataHashError(
                f"fetched data file {path} from the {source.description} does "
                f"not match its pinned SHA-256 {expected} (its SHA-256 is "
                f"{actual}). The download was discarded. Fix: point "
                f"{MIRROR_ENV} at an unmodified copy of the release."
            )
        try:
            os.replace(tmp, target)
        except OSError as err:
            # Windows refuses to replace a file another process holds open;
            # that file is then a verified copy from a concurrent fetch.
            if not _cached_copy_is_good(target, path, expected, source):
                raise _cache_error(err, "write the data file", target) from None
    except OSError as err:  # closing or hashing the temporary file
        raise _cache_error(err, "write to the cache folder", target.parent
                           ) from None
    finally:
        tmp.unlink(missing_ok=True)


def fetch(path: str) -> Path:
    """Return the local path of a verified data file, fetching it if needed.

    Safe to call from several threads and processes at once, on an empty
    cache too: each fetch writes a private temporary file and renames it
    into place atomically, so every caller gets a complete verified file.

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
    DataConfigError
        If ``LLMONKEYS_DATA_MIRROR`` or ``LLMONKEYS_DATA_TIMEOUT`` is
        unusable.
    DataCacheError
        If the cache folder or the cached file cannot be created, read or
        written (permissions, a folder or file in the way, a full disk).
    DataHashError
        If a cached copy or a fetched file does not match its pinned
        SHA-256. A corrupted cached copy is left in place for inspection,
        never loaded, never replaced.
    DataTimeoutError
        If the fetch did not finish within :func:`fetch_timeout` seconds;
        no partial file is left behind.
    DataFetchError
        If the file cannot be obtained otherwise (network, HTTP error, a
        file missing from the mirror). All are :class:`DataFileError`.
    """
    reg = registry()
    if path not in reg:
        raise ValueError(
            f"unknown data file {path!r}; known files: {', '.join(sorted(reg))}"
        )
    expected = reg[path].split(":", 1)[1]
    source = _source()
    timeout = fetch_timeout()
    target = cache_dir() / path
    if _cached_copy_is_good(target, path, expected, source):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _cache_error(err, "create the cache folder", target.parent
                           ) from None
    _download(path, target, expected, source, timeout)
    return target


def fetch_all() -> list[Path]:
    """Fetch and verify every file of the registry.

    Returns
    -------
    list of pathlib.Path
        Local paths, in registry order.

    Raises
    ------
    DataFileError
        As :func:`fetch`, for the first file that fails.
    """
    return [fetch(path) for path in registry()]


def _fail(what: str) -> DataContentError:
    return DataContentError(f"loaded data is not what the book assumes: {what}")


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


@functools.cache
def _load_pythia_checkpoints(benchmark: str) -> pd.DataFrame:
    raw = pd.read_parquet(fetch(_CHECKPOINT_FILES[benchmark]))
    level = "Level" in raw.columns
    cols = ["Model Nickname", "prompt_idx", "Num. Samples", "Num. Samples Correct"]
    per_problem = raw.groupby(cols[:2])[cols[2:] + (["Level"] if level else [])]
    if (per_problem.nunique() > 1).any().any():
        raise _fail("counts vary within a (checkpoint, problem) pair")
    counts = per_problem.first().reset_index()
    for col in cols[2:]:
        values = counts[col].to_numpy(dtype=np.float64)
        if not np.array_equal(values, np.round(values)):
            raise _fail(f"column {col!r} holds non-integer counts")
    meta = pd.read_csv(fetch(_CHECKPOINT_METADATA))
    meta = meta[meta["Model Family"] == "Pythia"]
    unknown = set(counts["Model Nickname"]) - set(meta["Model Nickname"])
    if unknown:
        raise _fail(f"checkpoints without metadata: {sorted(unknown)}")
    df = counts.merge(meta, on="Model Nickname", how="left", validate="many_to_one")
    out = pd.DataFrame(
        {
            "model": df["Model Nickname"].astype(str),
            "parameters": df["Parameters"].astype(np.int64),
            "non_embedding_parameters": df["Parameters Excluding Embeddings"].astype(
                np.int64),
            "tokens": df["Tokens"].astype(np.int64),
            "problem": df["prompt_idx"].astype(np.int64),
            "level": (df["Level"].str.removeprefix("Level ").astype("Int64")
                      if level else pd.array([pd.NA] * len(df), dtype="Int64")),
            "n": df["Num. Samples"].astype(np.int64),
            "c": df["Num. Samples Correct"].astype(np.int64),
        }
    ).sort_values(["parameters", "tokens", "problem"], ignore_index=True)
    if out.duplicated(["model", "problem"]).any():
        raise _fail("duplicate (checkpoint, problem) rows")
    if (out["n"] < 1).any() or (out["c"] < 0).any() or (out["c"] > out["n"]).any():
        raise _fail("counts outside 0 <= c <= n, n >= 1")
    expected = _CHECKPOINT_COUNTS[benchmark]
    if out["model"].nunique() != expected:
        raise _fail(f"expected {expected} {benchmark} checkpoints; got "
                    f"{out['model'].nunique()}")
    sizes = out.groupby("model", sort=False).size()
    full = int(sizes.mode().iloc[0])
    out.attrs["problems_per_checkpoint"] = full
    out.attrs["incomplete_checkpoints"] = {
        str(m): int(v) for m, v in sizes.items() if v != full}
    return out


def load_pythia_checkpoints(benchmark: str = "MATH") -> pd.DataFrame:
    """Per-problem counts of Pythia checkpoints on MATH or GSM8K.

    The Large Language Monkeys scaling data of :cite:t:`brown2024monkeys`
    as released by :cite:t:`schaeffer2025monkeys`: nine Pythia sizes
    (14M to 12B parameters) times eight (MATH: 72 checkpoints) or nine
    (GSM8K: 81) training-token counts from 2M to 300B, with per-problem
    attempt counts from 128 up to millions. Metadata
    (parameters, tokens) are joined from the
    release's ``models_pythia.csv``. The file's pass@k grid is derived
    from the counts and is not returned.

    Parameters
    ----------
    benchmark : {"MATH", "GSM8K"}, default "MATH"
        Which benchmark.

    Returns
    -------
    pandas.DataFrame
        One row per (checkpoint, problem): ``model`` (nickname such as
        ``Pythia_1.4B_200B``), ``parameters``,
        ``non_embedding_parameters``, ``tokens`` (training tokens),
        ``problem``, ``level`` (MATH difficulty 1 to 5; missing for
        GSM8K), ``n`` (attempts), ``c`` (successes), sorted by
        parameters, tokens and problem. Checkpoints that lack some
        problems (or have extra ones) are kept, not dropped, and listed
        in ``df.attrs["incomplete_checkpoints"]`` (nickname -> number of
        problems; the usual number is
        ``df.attrs["problems_per_checkpoint"]``).

    Raises
    ------
    ValueError
        If ``benchmark`` is not "MATH" or "GSM8K".
    DataFileError
        If a file is missing or corrupted, or the data are not as
        expected (counts constant per pair, whole, ``0 <= c <= n``,
        ``n >= 1``, 72 (MATH) or 81 (GSM8K) checkpoints, all with
        metadata, no duplicates).
    """
    if benchmark not in _CHECKPOINT_FILES:
        raise ValueError(
            f"benchmark must be one of {sorted(_CHECKPOINT_FILES)}; got {benchmark!r}"
        )
    df = _load_pythia_checkpoints(benchmark)
    out = df.copy()
    out.attrs = {k: (dict(v) if isinstance(v, dict) else v)
                 for k, v in df.attrs.items()}
    return out
