"""Test configuration: deterministic property-based tests.

Shared fixtures: synthetic benchmarks and their fits (computed once per
session), and a private sweep cache for every test.

Hypothesis draws its examples from a fixed seed (``derandomize``) and keeps
no example database, so every run, on every machine, checks the same cases
and a failure reproduces exactly.
"""

import numpy as np
import pytest
from hypothesis import settings

from llmonkeys import fits, sweeps
from llmonkeys.distributions import ScaledBeta
from synthetic import ALPHA, BETA, SCALE, _counts, _simulate

settings.register_profile("llmonkeys", derandomize=True, database=None)
settings.load_profile("llmonkeys")


@pytest.fixture(scope="session")
def counts():
    return _counts()


@pytest.fixture(scope="session")
def fitted(counts):
    return fits.fit_families_by_model(counts)


@pytest.fixture(scope="session")
def beta_sample():
    rng = np.random.default_rng(3)
    law = ScaledBeta(0.4, 3.0, scale=0.5)
    c = rng.binomial(800, law.sample(300, rng))
    return law, np.full(300, 800), c, fits.fit_scaled_beta_binomial(800, c,
                                                                    scale=0.5)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(sweeps.SWEEP_CACHE_ENV, str(tmp_path / "cache"))


@pytest.fixture(scope="session")
def beta_data():
    return _simulate(ScaledBeta(ALPHA, BETA, scale=SCALE), seed=11)


@pytest.fixture(scope="session")
def beta_fit(beta_data):
    n, c = beta_data
    return fits.fit_scaled_beta_binomial(n, c, scale=SCALE)


# The browser page test needs a built site and Chromium: `make pagetest` runs
# it (LLMONKEYS_PAGETEST=1), `make test` and a bare `pytest tests` do not.
import os  # noqa: E402

if os.environ.get("LLMONKEYS_PAGETEST") != "1":
    collect_ignore = ["browser"]
