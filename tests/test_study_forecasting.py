"""Tests of llmonkeys.studies.forecasting: the chapter's sweeps and their CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from llmonkeys import exponents, report, sweeps
from llmonkeys.estimators import (
    neg_log_pass_at_k,
)
from llmonkeys.studies import forecasting as study

SYN = {"alphas": (0.3,), "beta": 3.0, "scale": 0.3, "n_problems": (64,),
       "n_attempts": (50,), "horizons": (10, 100), "n_seeds": 2,
       "methods": ("least-squares", "distributional", "empirical-bayes")}


BT_METHODS = ("least-squares", "empirical-bayes", "ensemble")


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    """Two fake models of 40 problems with 400 attempts each."""
    rng = np.random.default_rng(0)
    frames = []
    for model, a in (("small", 0.2), ("large", 0.5)):
        p = rng.beta(a, 3.0, 40)
        frames.append(pd.DataFrame({"model": model, "problem": np.arange(40),
                                    "n": 400, "c": rng.binomial(400, p)}))
    return pd.concat(frames, ignore_index=True)


def _backtest(counts, **kw):
    args = {"seed": 3, "n_subsamples": 2, "budgets": (20, 100), "n_horizons": 4,
            "methods": BT_METHODS, "cache": False}
    args.update(kw)
    return study.backtest(counts, **args)


def test_horizon_grid():
    g = study.horizon_grid(100, num=20)
    assert g[-1] == 10_000 and g[0] > 100 and np.all(np.diff(g) > 0)
    assert study.horizon_grid(9_999, num=5).tolist() == [10_000]
    with pytest.raises(ValueError, match="budget must be < k_max"):
        study.horizon_grid(10_000)
    with pytest.raises(ValueError, match="num must be >= 1"):
        study.horizon_grid(10, num=0)


def test_synthetic_study_is_deterministic_across_n_jobs():
    one = study.synthetic_study(seed=1, cache=False, n_jobs=1, **SYN)
    two = study.synthetic_study(seed=1, cache=False, n_jobs=2, **SYN)
    assert_frame_equal(one.exponents, two.exponents)
    assert_frame_equal(one.forecasts, two.forecasts)
    f = one.forecasts
    assert len(f) == 2 * 3 * 2 and set(f["k"]) == {500.0, 5000.0}
    assert np.all(f["rel_error"] >= 0)
    assert_frame_equal(study.synthetic_study(seed=2, cache=False, **SYN).forecasts[
        ["alpha", "k"]], f[["alpha", "k"]])
    assert not np.allclose(study.synthetic_study(seed=2, cache=False, **SYN)
                           .forecasts["forecast"], f["forecast"])
    e = one.exponents
    assert set(e["method"]) == set(exponents.METHODS)
    assert np.all(e["truth"] == 0.3)


def test_synthetic_seeds_do_not_depend_on_other_cells():
    a = study.synthetic_study(seed=1, cache=False, **{**SYN, "n_seeds": 1})
    b = study.synthetic_study(seed=1, cache=False, **{**SYN, "alphas": (0.3, 0.6)})
    keep = (b.forecasts["alpha"] == 0.3) & (b.forecasts["seed"] == 0)
    assert_frame_equal(a.forecasts, b.forecasts[keep].reset_index(drop=True))


def test_summarize_synthetic():
    res = study.synthetic_study(seed=1, cache=False, **SYN)
    exps, fcs = study.summarize_synthetic(res)
    assert set(exps.columns) >= {"n_attempts", "method", "median", "q25", "q75",
                                 "mean", "failed"}
    assert len(fcs) == len(SYN["methods"]) * len(SYN["horizons"])
    assert np.all(fcs["q25"] <= fcs["median"]) and np.all(fcs["median"] <= fcs["q75"])


def test_backtest_is_deterministic_across_n_jobs(counts):
    one = _backtest(counts, n_jobs=1)
    two = _backtest(counts, n_jobs=2)
    assert_frame_equal(one, two)


def test_backtest_rows_and_truth(counts):
    bt = _backtest(counts)
    per_unit = bt.groupby(["model", "budget", "replicate", "method"],
                          observed=True).size()
    assert len(per_unit) == 2 * 2 * 2 * len(BT_METHODS)
    g = counts[counts["model"] == "small"]
    sub = bt[(bt["model"] == "small") & (bt["budget"] == 20)]
    k = np.unique(sub["k"])
    assert k.min() > 20 and k.max() == 400
    truth = sub.groupby("k")["truth"].first().to_numpy()
    np.testing.assert_allclose(truth, neg_log_pass_at_k(g["n"], g["c"], k),
                               rtol=1e-12)
    ok = sub.dropna(subset=["forecast"])
    np.testing.assert_allclose(ok["rel_error"],
                               np.abs(ok["forecast"] - ok["truth"]) / ok["truth"])
    assert list(bt["method"].cat.categories) == list(BT_METHODS)


def test_backtest_cache_reuses_results(counts, tmp_path):
    first = _backtest(counts, cache=True)
    stored = list((tmp_path / "cache").rglob("output.pkl"))
    assert len(stored) == 2 * 2 * 2
    second = _backtest(counts, cache=True)
    assert_frame_equal(first, second)
    assert len(list((tmp_path / "cache").rglob("output.pkl"))) == len(stored)


def test_backtest_subsamples_do_not_depend_on_other_budgets(counts):
    both = _backtest(counts)
    only = _backtest(counts, budgets=(100,))
    assert_frame_equal(only, both[both["budget"] == 100].reset_index(drop=True))


def test_summaries(counts):
    bt = _backtest(counts)
    table = study.summarize_backtest(bt, n_boot=200)
    assert len(table) == 2 * len(BT_METHODS)
    assert np.all((table["low"] <= table["mean"]) & (table["mean"] <= table["high"]))
    assert np.all(table["failed"] == 0)
    paired = study.compare_to_baseline(bt, n_boot=200)
    assert set(paired["method"]) == {"empirical-bayes", "ensemble"}
    assert np.all(paired["low"] <= paired["diff"])
    assert np.all(paired["diff"] <= paired["high"])
    assert paired["win_rate"].between(0, 1).all()
    units = study.unit_scores(bt)
    assert units["complete"].all() and len(units) == 2 * 2 * 2 * len(BT_METHODS)
    text = report.interval_table(table, value="mean")
    assert text.shape == (len(BT_METHODS), 2)
    assert text.iloc[0, 0].count("[") == 1


def test_failures_are_reported_not_raised(counts):
    zero = counts.assign(c=0)
    bt = _backtest(zero, budgets=(20,))
    assert bt["forecast"].isna().all()
    table = study.summarize_backtest(bt, n_boot=50)
    assert np.all(table["failed"] == 1) and np.all(table["n_units"] == 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"budgets": (400,)}, "budgets must be non-empty and < k_max"),
        ({"k_max": 500}, "k_max must be <= min"),
        ({"n_subsamples": 0}, "n_subsamples must be >= 1"),
        ({"n_jobs": 0}, "n_jobs must be >= 1"),
        ({"methods": ("least-squares", "magic")}, "methods must be"),
        ({"scale_method": "rule"}, "scale_method must be"),
        ({"seed": -1}, "seed must be >= 0"),
    ],
)
def test_backtest_errors(counts, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _backtest(counts, **kwargs)


def test_backtest_needs_columns(counts):
    with pytest.raises(ValueError, match="missing"):
        study.backtest(counts.drop(columns="c"), seed=0, n_subsamples=1,
                       budgets=(20,))


def test_synthetic_errors():
    with pytest.raises(ValueError, match="n_seeds must be >= 1"):
        study.synthetic_study(seed=0, **{**SYN, "n_seeds": 0})
    with pytest.raises(ValueError, match="grid is empty"):
        study.synthetic_study(seed=0, **{**SYN, "alphas": ()})
    with pytest.raises(ValueError, match="scale_method"):
        study.synthetic_study(seed=0, scale_method=2.0, **SYN)
    with pytest.raises(TypeError, match="n_jobs"):
        study.synthetic_study(seed=0, n_jobs=1.5, **SYN)


def test_summary_errors(counts):
    bt = _backtest(counts, budgets=(100,))
    with pytest.raises(ValueError, match="confidence"):
        study.summarize_backtest(bt, confidence=1.0)
    with pytest.raises(ValueError, match="baseline"):
        study.compare_to_baseline(bt, baseline="tail-index")


def test_cli_backtest(counts, monkeypatch, capsys, tmp_path):
    import llmonkeys.datasets

    monkeypatch.setattr(llmonkeys.datasets, "load_pythia_math", lambda: counts)
    out = tmp_path / "bt.csv"
    code = study.main(["backtest", "--seeds", "2", "--budgets", "50",
                    "--methods", "least-squares", "empirical-bayes",
                    "--no-progress", "--output", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Mean relative error" in printed and "least-squares" in printed
    assert len(pd.read_csv(out)) > 0


def test_cli_synthetic_subprocess(tmp_path):
    cmd = [sys.executable, "-m", "llmonkeys.studies.forecasting", "synthetic",
           "--seeds", "1", "--budgets", "20", "--alphas", "0.3", "--problems", "32",
           "--methods", "least-squares", "distributional", "--n-jobs", "1",
           "--scale", "paper", "--output", str(tmp_path / "syn.csv")]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False,
                         env={**__import__("os").environ,
                              sweeps.SWEEP_CACHE_ENV: str(tmp_path / "c")})
    assert run.returncode == 0, run.stderr
    assert "Absolute exponent error" in run.stdout
    assert "synthetic: 100%" in run.stderr  # the progress bar
    assert (tmp_path / "syn.csv").exists()


def test_cli_rejects_unknown_study():
    with pytest.raises(SystemExit):
        study.main(["nothing"])
