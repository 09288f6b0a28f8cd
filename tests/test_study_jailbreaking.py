"""Tests of llmonkeys.studies.jailbreaking: first-success times, early stopping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llmonkeys.distributions import ScaledBeta
from llmonkeys.simulation import simulate_early_stopping
from llmonkeys.studies import jailbreaking as study
from synthetic import K


def test_first_success_times_small_frame():
    df = pd.DataFrame({
        "problem": [1, 1, 0, 0, 0, 1],
        "attempt": [1, 0, 0, 1, 2, 2],
        "success": [False, False, False, True, True, True],
    })
    out = study.first_success_times(df)
    assert out.to_dict("list") == {"problem": [0, 1], "n": [3, 3], "c": [2, 1],
                                   "first_success": [2, 3]}


def test_first_success_times_errors():
    with pytest.raises(ValueError, match="missing"):
        study.first_success_times(pd.DataFrame({"problem": [0], "attempt": [0]}))
    gap = pd.DataFrame({"problem": [0, 0], "attempt": [0, 2], "success": [0, 1]})
    with pytest.raises(ValueError, match="numbered"):
        study.first_success_times(gap)


def test_first_success_curve_is_unbiased_under_stopping():
    # Geometric first-success times: P(T <= k) = 1 - (1 - p)^k exactly.
    rng = np.random.default_rng(0)
    p = rng.beta(0.5, 5.0, 40_000)
    _, _, first = simulate_early_stopping(p, 10, 500, rng)
    k = np.array([1, 5, 20, 100, 500])
    est = np.exp(-study.first_success_curve(first, k, 500))
    truth = 1 - ((1 - p[:, None]) ** k[None, :]).mean(axis=0)
    se = np.sqrt(truth * (1 - truth) / p.size)
    assert np.all(np.abs(est - truth) < 4 * se)


def test_first_success_curve_edges_and_errors():
    y = study.first_success_curve([0, 0, 2], [1, 2], 3)
    assert y[0] == np.inf and y[1] == pytest.approx(np.log(3))
    with pytest.raises(ValueError, match="max_attempts"):
        study.first_success_curve([1, 2], [4], 3)
    with pytest.raises(ValueError, match="<= max_attempts"):
        study.first_success_curve([1, 5], [1], 3)
    with pytest.raises(ValueError, match="non-empty"):
        study.first_success_curve([], [1], 3)


def test_early_stopping_study_recovers_the_law():
    law = ScaledBeta(0.35, 2.0, scale=0.5)
    res = study.early_stopping_study(law, 4000, K, rng=7, batch_size=20,
                                  max_attempts=1000)
    assert (res.n % 20 == 0).all() and ((res.c == 0) <= (res.n == 1000)).all()
    se = np.sqrt(np.diag(res.covariance))
    z = np.abs(np.log([res.fit.alpha / 0.35, res.fit.beta / 2.0])) / se
    assert z.max() < 4
    err = res.errors["max_rel_error"]
    assert err["true"] == 0.0
    assert err["estimator"] > 3 * err["maximum likelihood"]
    assert set(res.curves["curve"]) == {"true", "estimator", "plug-in",
                                          "first success", "maximum likelihood"}


def test_early_stopping_study_errors():
    with pytest.raises(ValueError, match="ScaledBeta"):
        study.early_stopping_study(object(), 10, [1], rng=0)
    with pytest.raises(ValueError, match="max_attempts"):
        study.early_stopping_study(ScaledBeta(0.5, 1.0), 10, [2000], rng=0,
                                batch_size=10, max_attempts=100)
