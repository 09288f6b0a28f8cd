r"""Seeded, parallel, cached runner of independent tasks.

* *Seeded*: every task draws from its own child of
  ``SeedSequence(seed)`` (:func:`task_seed`), named by the task's key, so
  results do not depend on ``n_jobs``, on the order tasks finish, or on
  which other tasks are run.
* *Parallel*: ``n_jobs`` local processes (``joblib``'s ``loky``
  backend); inside ``with joblib.parallel_config(backend="dask"):`` the
  same tasks run on Dask workers.
* *Cached*: with ``cache=True`` each task's result is stored by
  :class:`joblib.Memory` in :func:`sweep_cache_dir`, keyed by its
  arguments and by :func:`code_version`, a hash of every source file of
  the package, so any edit of the library re-runs the tasks.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Memory, Parallel, delayed

from llmonkeys._validation import check_n_jobs

__all__ = [
    "SWEEP_CACHE_ENV",
    "sweep_cache_dir",
    "code_version",
    "task_seed",
    "run_tasks",
]

#: Environment variable naming the folder of the sweep cache (not the data
#: cache of :mod:`llmonkeys.datasets`).
SWEEP_CACHE_ENV = "LLMONKEYS_CACHE_DIR"

_PACKAGE = Path(__file__).resolve().parent
_ROOT = _PACKAGE.parents[1]


def sweep_cache_dir() -> Path:
    """Return the folder of the sweep cache.

    Returns
    -------
    pathlib.Path
        ``$LLMONKEYS_CACHE_DIR`` if set, else ``_build/.llmonkeys-cache``
        under the book's root (kept by ``jb clean``, dropped with the rest
        of ``_build`` by ``jb clean --all``).
    """
    env = os.environ.get(SWEEP_CACHE_ENV, "").strip()
    return Path(env).expanduser() if env else _ROOT / "_build" / ".llmonkeys-cache"


def code_version() -> str:
    """Hash of the source of the whole package.

    Returns
    -------
    str
        The first 16 hex digits of the SHA-256 of every ``.py`` file of
        :mod:`llmonkeys` (subpackages included), each with its path
        relative to the package, in sorted order. Passed to every cached
        task, so that editing any module, private ones included,
        invalidates the cache (:class:`joblib.Memory` only tracks the
        task's own code).

    Notes
    -----
    An earlier version hashed a hand-kept list of modules that left out
    ``_special``, so an edit there did not invalidate cached sweeps.
    Hashing the whole package costs a few milliseconds and cannot miss a
    module added later.
    """
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_tasks(
    func: Callable[..., pd.DataFrame],
    tasks: list[tuple],
    *,
    n_jobs: int = 1,
    cache: bool = False,
    progress: bool = False,
    desc: str = "tasks",
) -> pd.DataFrame:
    """Run ``func(*task)`` for every task, in parallel, cached, in order.

    Parameters
    ----------
    func : callable
        A module-level function returning a data frame (picklable, so
        that worker processes can run it).
    tasks : list of tuple
        Arguments of each call; pass :func:`code_version` among them when
        caching, so that an edited library misses the cache.
    n_jobs : int, default 1
        Processes (``-1``: all cores).
    cache : bool, default False
        Store each result in :func:`sweep_cache_dir`.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr).
    desc : str, default "tasks"
        Label of the progress bar.

    Returns
    -------
    pandas.DataFrame
        The results concatenated in task order.

    Raises
    ------
    TypeError, ValueError
        If ``n_jobs`` is not an integer or is 0.
    """
    n_jobs = check_n_jobs(n_jobs)
    if cache:
        func = Memory(location=str(sweep_cache_dir()), verbose=0).cache(func)
    results: Iterable[pd.DataFrame]
    if n_jobs == 1:
        results = (func(*task) for task in tasks)
    else:
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(func)(*task) for task in tasks
        )
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(tasks), desc=desc, file=sys.stderr)
    return pd.concat(list(results), ignore_index=True)


def task_seed(seed: int, *key: int) -> np.random.SeedSequence:
    """Return the child ``key`` of ``SeedSequence(seed)``.

    Parameters
    ----------
    seed : int
        Root seed of the sweep.
    *key : int
        Position of the task (e.g. replicate, cell).

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(seed, spawn_key=key)``, the sequence that nested
        ``spawn`` calls return at those positions (``spawn_key=(i, j)``
        is ``root.spawn(i + 1)[i].spawn(j + 1)[j]``), named directly so
        that a task's stream depends only on its own key.
    """
    return np.random.SeedSequence(seed, spawn_key=tuple(int(v) for v in key))
