"""Speed and accuracy of llmonkeys.pass_at_k against the reference loop.

Run with ``python benchmarks/bench_pass_at_k.py``. The reference is the
per-problem product of the pass@k pseudocode the paper reproduces in its
Figure 8 (after Chen et al. 2021), looped over problems and budgets k; the
grid is 128 problems x 101 budgets with n = 10,000, as in the Pythia MATH
data. Counts c are the real Pythia 12B counts when the data is available
(``LLMONKEYS_DATA_MIRROR`` or a filled cache), else a seeded simulation.
Prints the speed ratio (target >= 100x), the largest absolute difference
between the two, and the worst relative error against mpmath over a
seeded sample of (n <= 1e6, c, k).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from llmonkeys import SEED, datasets, pass_at_k
from llmonkeys.datasets import DataFileError, cache_dir
from timing import best_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference import mpmath_pass_at_k  # noqa: E402

N_ATTEMPTS = 10_000
N_PROBLEMS = 128
N_BUDGETS = 101


def pass_at_k_reference(n: int, c: int, k: int) -> float:
    """Unbiased pass@k as a product of c factors (the paper's Figure 8)."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def reference_grid(n: np.ndarray, c: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The reference looped over problems and budgets."""
    out = np.empty((n.size, k.size))
    for i in range(n.size):
        for j in range(k.size):
            out[i, j] = pass_at_k_reference(int(n[i]), int(c[i]), int(k[j]))
    return out


def load_grid(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, str]:
    """Counts c of 128 problems and 101 budgets k: real if possible."""
    # Never reach for the network here: only a mirror or a filled cache.
    cached = (cache_dir() / datasets._PYTHIA_FILE).is_file()
    if os.environ.get(datasets.MIRROR_ENV, "").strip() or cached:
        try:
            df = datasets.load_pythia_math()
            c = df.loc[df["model"] == "Pythia 12B", "c"].to_numpy()
            return c, datasets.upstream_k_grid(), "real Pythia 12B MATH counts"
        except DataFileError as err:
            print(f"(real data unavailable: {str(err)[:120]}...)")
    # Seeded stand-in: success rates from Beta(0.3, 5), as skewed to zero
    # as the real data; c ~ Binomial(n, p).
    p = rng.beta(0.3, 5.0, size=N_PROBLEMS)
    c = rng.binomial(N_ATTEMPTS, p)
    num = N_BUDGETS
    k = np.unique(np.round(np.geomspace(1, N_ATTEMPTS, num)).astype(np.int64))
    while k.size < N_BUDGETS:  # rounding merges small k; add points
        num += 1
        k = np.unique(np.round(np.geomspace(1, N_ATTEMPTS, num)).astype(np.int64))
    return c, k, "seeded simulation (Beta(0.3, 5) success rates)"


def accuracy_sample(rng: np.random.Generator, size: int = 2000):
    """Seeded (n, c, k) with n log-uniform up to 1e6, c and k mixed scales."""
    n = np.floor(10 ** rng.uniform(0, 6, size)).astype(np.int64)
    small = rng.random(size) < 0.5
    c = np.where(small, np.minimum(n, rng.integers(0, 30, size)),
                 np.floor(rng.random(size) * (n + 1)).astype(np.int64))
    small = rng.random(size) < 0.5
    k = np.where(small, np.minimum(n, rng.integers(1, 30, size)),
                 1 + np.floor(rng.random(size) * n).astype(np.int64))
    return n, c, k


def main() -> None:
    rng = np.random.default_rng(SEED)
    c, k, source = load_grid(rng)
    n = np.full(c.shape, N_ATTEMPTS)
    print(f"grid: {c.size} problems x {k.size} budgets, n = {N_ATTEMPTS}, "
          f"c from {source}")

    fast = pass_at_k(n[:, None], c[:, None], k[None, :])
    slow = reference_grid(n, c, k)
    t_fast = best_time(lambda: pass_at_k(n[:, None], c[:, None], k[None, :]), 30)
    t_slow = best_time(lambda: reference_grid(n, c, k), 3)
    print(f"llmonkeys.pass_at_k : {t_fast * 1e3:9.3f} ms (min of 30)")
    print(f"reference loop      : {t_slow * 1e3:9.3f} ms (min of 3)")
    print(f"speed ratio: {t_slow / t_fast:.0f} x (target >= 100 x)")
    print(f"max abs difference vs reference loop: {np.max(np.abs(fast - slow)):.3e}")

    # Accuracy against mpmath (50 digits) on a seeded sample.
    ns, cs, ks = accuracy_sample(np.random.default_rng(SEED + 1))
    got = pass_at_k(ns, cs, ks)
    worst, worst_case = 0.0, None
    exact_ok = True
    for i in range(ns.size):
        ref = mpmath_pass_at_k(int(ns[i]), int(cs[i]), int(ks[i]))
        if ref in (0.0, 1.0) and (cs[i] == 0 or ns[i] - cs[i] < ks[i]):
            exact_ok &= bool(got[i] == ref)
            continue
        rel = abs(got[i] - ref) / abs(ref)
        if rel > worst:
            worst, worst_case = rel, (int(ns[i]), int(cs[i]), int(ks[i]))
    print(f"worst relative error vs mpmath (dps=50) over {ns.size} seeded cases "
          f"(n <= 1e6): {worst:.2e} at (n, c, k) = {worst_case}; exact cases "
          f"(c = 0 or n - c < k) {'all exact' if exact_ok else 'NOT exact'}")


if __name__ == "__main__":
    main()
