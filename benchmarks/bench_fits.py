"""Benchmark of llmonkeys.fits: one Pythia-sized fit must take < 1 s.

Run with ``.venv/bin/python benchmarks/bench_fits.py``. Prints, for a
simulated Pythia-like benchmark (128 problems, n = 10,000 attempts each)
and, when the data are readable, for the seven real Pythia models and the
seven best-of-n jailbreaking models: the fitted parameters, NLL, AIC,
convergence, wall time per fit, least-squares vs distributional
exponents, and the time of a 200-replicate bootstrap.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from llmonkeys import exponents as exp_mod
from llmonkeys import fits
from llmonkeys.distributions import ScaledBeta

PYTHIA_FILE = "large_language_monkeys_original_pass_at_k.parquet"
BON_FILE = "bon_jailbreaking_pass_at_k.parquet"
LOCAL_DATA = Path("/work/shared/data/schaeffer2025/processed_data")


def timed(fn, *args, repeat=3, **kwargs):
    """Return (result, best wall time in seconds) over ``repeat`` calls."""
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best


def header(title):
    print(f"\n== {title} ==")
    print(
        f"{'model':<20}{'family':<20}{'alpha':>8}{'beta':>9}{'scale':>8}"
        f"{'nll':>10}{'aic':>10}{'conv':>6}{'evals':>7}{'time':>8}"
    )


def row(name, fit, seconds):
    print(
        f"{name:<20}{fit.family:<20}{fit.alpha:8.4f}{fit.beta:9.3f}"
        f"{fit.scale:8.4f}{fit.nll:10.2f}{fit.aic:10.2f}{fit.converged!s:>6}"
        f"{fit.n_evaluations:7d}{seconds:7.3f}s"
    )


def fit_both(name, n, c, **kwargs):
    fb, tb = timed(fits.fit_scaled_beta_binomial, n, c, **kwargs)
    row(name, fb, tb)
    fk, tk = timed(fits.fit_scaled_kumaraswamy_binomial, n, c, repeat=1, **kwargs)
    row("", fk, tk)
    return fb, tb


def exponents(groups, k_above_n="raise"):
    print(
        f"\n{'model':<20}{'least-sq':>9}{'distrib':>9}{'tail':>8}"
        f"{'mix tail':>9}{'AIC beta':>10}{'AIC kum':>9}{'AIC mix2':>10}"
    )
    for name, (n, c) in groups.items():
        ls = exp_mod.estimate_exponent(n, c, "least-squares", k_above_n=k_above_n)
        di = exp_mod.estimate_exponent(n, c, "distributional", k_above_n=k_above_n)
        kum = fits.fit_scaled_kumaraswamy_binomial(n, c)
        mix = fits.fit_beta_binomial_mixture(n, c)
        print(
            f"{name:<20}{ls.exponent:9.4f}{di.exponent:9.4f}"
            f"{di.fit.alpha:8.4f}{mix.exponent:9.4f}{di.fit.aic:10.1f}"
            f"{kum.aic:9.1f}{mix.aic:10.1f}"
        )


def load_real():
    """Per-problem (n, c) of the real data, or None if not readable."""
    try:
        import pandas as pd
    except ImportError:
        return None
    mirror = os.environ.get("LLMONKEYS_DATA_MIRROR")
    roots = [Path(mirror)] if mirror else []
    roots.append(LOCAL_DATA)
    for root in roots:
        candidates = [root, root / "processed_data"]
        for base in candidates:
            if (base / PYTHIA_FILE).is_file():
                pythia = pd.read_parquet(base / PYTHIA_FILE).drop_duplicates(
                    ["Model", "Problem Idx"]
                )
                bon = None
                if (base / BON_FILE).is_file():
                    bon = pd.read_parquet(base / BON_FILE).drop_duplicates(
                        ["Model", "Problem Idx"]
                    )
                return pythia, bon
    return None


def main():
    rng = np.random.default_rng(20250226)
    print("Simulated Pythia-like benchmark: 128 problems, n = 10,000")
    header("simulated, truth scaled Beta(0.25, 3.5, scale 0.3)")
    n = np.full(128, 10_000)
    c = rng.binomial(10_000, ScaledBeta(0.25, 3.5, scale=0.3).sample(128, rng))
    fit, seconds = fit_both("simulated", n, c)
    print(f"one fit: {seconds:.3f} s (target < 1 s)")

    for method in ("least-squares", "tail-index", "distributional"):
        _, t = timed(
            exp_mod.bootstrap_exponent, n, c, method, n_boot=200, seed=0, repeat=1
        )
        print(f"bootstrap {method:<15} 200 replicates: {t:7.2f} s")

    real = load_real()
    if real is None:
        print("\nreal data not readable; set LLMONKEYS_DATA_MIRROR")
        return
    pythia, bon = real
    order = [
        "Pythia 70M",
        "Pythia 160M",
        "Pythia 410M",
        "Pythia 1B",
        "Pythia 2.8B",
        "Pythia 6.9B",
        "Pythia 12B",
    ]
    header("Pythia on MATH (real data)")
    groups = {}
    for name in order:
        g = pythia[pythia["Model"] == name]
        n = g["Num. Samples Total"].to_numpy()
        c = g["Num. Samples Correct"].to_numpy()
        groups[name] = (n, c)
        fit_both(name, n, c)
    exponents(groups)

    name = "Pythia 12B"
    _, t = timed(
        exp_mod.bootstrap_exponent,
        *groups[name],
        "distributional",
        n_boot=200,
        seed=0,
        repeat=1,
    )
    print(f"\nbootstrap distributional, {name}, 200 replicates: {t:.2f} s")

    if bon is None:
        return
    header("best-of-n jailbreaking (real data)")
    groups = {}
    for name in sorted(bon["Model"].unique()):
        g = bon[bon["Model"] == name]
        n = g["Num. Samples"].to_numpy()
        c = g["Num. Samples Correct"].to_numpy()
        groups[name] = (n, c)
        fit_both(name, n, c)
    exponents(groups, k_above_n="success-seen")


if __name__ == "__main__":
    main()
