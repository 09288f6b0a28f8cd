"""Speed of the forecasting methods, and of the sweeps serial vs parallel.

Run with ``python benchmarks/bench_forecast.py``. Part 1 times
``llmonkeys.forecast.forecast_all`` method by method on 128 simulated
problems (the size of the Pythia MATH data) at budgets of 100 and 1,000
attempts, forecasting at 20 budgets up to 10,000, and checks the
empirical-Bayes posterior predictive against a Python loop over problems
and budgets of ``log_beta_integral`` (the slow reference). Part 2 times a
small synthetic study with ``n_jobs=1`` and ``n_jobs=2`` (no cache) and
checks that both give the same table.
"""

from __future__ import annotations

import time

import numpy as np
from pandas.testing import assert_frame_equal

import llmonkeys.distributions as dist
import llmonkeys.forecast as fc
import llmonkeys.studies.forecasting as ex
from llmonkeys import SEED


def reference_failure(n, c, k, a, b, s):
    """Posterior predictive failure rates, one scalar call at a time."""
    out = np.empty((len(c), len(k)))
    for i, ci in enumerate(c):
        den = float(dist.log_beta_integral(a + ci, b, n - ci, s))
        for j, kj in enumerate(k):
            num = float(dist.log_beta_integral(a + ci, b, n - ci + kj, s))
            out[i, j] = np.exp(num - den)
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    law = dist.ScaledBeta(0.25, 2.5, scale=0.3)
    k = ex.horizon_grid(100).astype(float)
    print("forecast_all on 128 problems, 20 budgets up to 10,000")
    for n in (100, 1000):
        c = rng.binomial(n, law.sample(128, rng))
        for method in fc.FORECAST_METHODS:
            start = time.perf_counter()
            fc.forecast_all(n, c, k, methods=(method,))
            print(f"  n = {n:>5}  {method:<16} {time.perf_counter() - start:7.3f} s")
    c = rng.binomial(100, law.sample(128, rng))
    start = time.perf_counter()
    fast = fc.posterior_failure_rate(100, c, k, 0.25, 2.5, 0.3)
    t_fast = time.perf_counter() - start
    start = time.perf_counter()
    slow = reference_failure(100, c, k, 0.25, 2.5, 0.3)
    t_slow = time.perf_counter() - start
    err = np.max(np.abs(fast / slow - 1))
    print(f"posterior predictive: vectorised {t_fast:.3f} s, loop {t_slow:.3f} s "
          f"(x{t_slow / t_fast:.0f}), max relative difference {err:.1e}")

    grid = {"alphas": (0.3,), "beta": 3.0, "scale": 0.3, "n_problems": (128,),
            "n_attempts": (100,), "horizons": (10, 100, 1000), "n_seeds": 8,
            "cache": False}
    times = {}
    results = {}
    for n_jobs in (1, 2):
        start = time.perf_counter()
        results[n_jobs] = ex.synthetic_study(seed=SEED, n_jobs=n_jobs, **grid)
        times[n_jobs] = time.perf_counter() - start
    assert_frame_equal(results[1].forecasts, results[2].forecasts)
    print(f"synthetic study, 8 tasks: n_jobs=1 {times[1]:.1f} s, n_jobs=2 "
          f"{times[2]:.1f} s (includes starting the workers); identical results")


if __name__ == "__main__":
    main()
