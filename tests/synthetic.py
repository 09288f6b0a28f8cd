"""Synthetic benchmarks and constants shared by several test modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from llmonkeys.distributions import ScaledBeta
from llmonkeys.simulation import simulate_early_stopping


def _counts(n_models=2, n_problems=60, n=400, seed=0, alphas=(0.3, 0.5)):
    rng = np.random.default_rng(seed)
    frames = []
    for j in range(n_models):
        p = ScaledBeta(alphas[j % len(alphas)], 3.0, scale=0.6).sample(n_problems, rng)
        frames.append(pd.DataFrame({
            "model": f"M{j}", "problem": np.arange(n_problems),
            "n": n, "c": rng.binomial(n, p),
        }))
    df = pd.concat(frames, ignore_index=True)
    names = [f"M{j}" for j in range(n_models)]
    df["model"] = pd.Categorical(df["model"], categories=names, ordered=True)
    return df


K = np.unique(np.geomspace(1, 1000, 40).astype(int))


def _stopped_counts(law, n_problems, rng, name="M", batch=20, cap=1000):
    p = law.sample(n_problems, rng)
    n, c, _ = simulate_early_stopping(p, batch, cap, rng)
    return pd.DataFrame({"model": name, "problem": np.arange(n_problems),
                         "n": n, "c": c})


# Well-specified simulated benchmark: P problems, n attempts each.
P, N = 500, 1000


ALPHA, BETA, SCALE = 0.3, 3.0, 0.5


# Sampling spread of the MLE at these settings, from 60 seeded
# replicates (seeds 1000-1059) fitted with the true scale fixed:
# sd(alpha_hat) = 0.016, sd(beta_hat) = 0.25. Tolerances are ~4 sd.
ALPHA_TOL, BETA_TOL = 0.07, 1.0


def _simulate(law, n_problems=P, n=N, seed=0):
    rng = np.random.default_rng(seed)
    p = law.sample(n_problems, rng)
    return np.full(n_problems, n), rng.binomial(n, p)
