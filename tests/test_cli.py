"""The ``llmonkeys fit`` command, end to end on every input layout."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import llmonkeys as lm
from llmonkeys import cli
from llmonkeys.readers import Columns, ResultsFileError, write_attempts

N_BOOT = 20


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    """60 problems x 200 attempts from a scaled Beta law (seeded)."""
    rng = np.random.default_rng(7)
    p = lm.ScaledBeta(0.4, 3.0).sample(60, rng)
    return pd.DataFrame({"problem": np.arange(60), "n": 200,
                         "c": rng.binomial(200, p)})


@pytest.fixture(scope="module")
def files(counts, tmp_path_factory) -> dict[str, Path]:
    """The same counts in every layout, all with file stem 'bench'."""
    out = {}
    for layout in ("csv", "parquet", "jsonl", "attempts_csv"):
        folder = tmp_path_factory.mktemp(layout)
        if layout == "csv":
            path = folder / "bench.csv"
            counts.to_csv(path, index=False)
        elif layout == "parquet":
            path = folder / "bench.parquet"
            counts.to_parquet(path)
        else:
            path = write_attempts(counts, folder / "bench.jsonl",
                                  np.random.default_rng(0))
            if layout == "attempts_csv":
                rows = [json.loads(line) for line in path.read_text().splitlines()]
                path = folder / "bench.csv"
                pd.DataFrame(rows).to_csv(path, index=False)
        out[layout] = path
    return out


@pytest.fixture(scope="module")
def report(files) -> cli.FitReport:
    return cli.fit(files["csv"], n_boot=N_BOOT, seed=1)


def test_fit_numbers_are_the_library_numbers(report, counts):
    assert report.layout == "counts" and len(report.models) == 1
    m = report.report("bench")
    n, c = counts["n"].to_numpy(), counts["c"].to_numpy()
    assert m.design.kind == "fixed" and m.n_problems == 60
    assert m.n_solved == int((c > 0).sum()) and m.n_attempts == 12_000
    assert m.pass_at_k["k"].tolist() == [1, 10, 100, 200]
    np.testing.assert_allclose(
        m.pass_at_k["pass_at_k"],
        lm.estimators.pass_at_k_curve(n, c, [1, 10, 100, 200]),
        rtol=1e-15,
    )
    ex = m.exponents.set_index("method")
    for method in ("least-squares", "distributional"):
        full = lm.estimate_exponent(n, c, method)
        assert ex.loc[method, "estimate"] == pytest.approx(full.exponent, rel=1e-12)
        assert ex.loc[method, "low"] < ex.loc[method, "estimate"] < ex.loc[
            method, "high"]
    # a sample from a scaled Beta law passes the checklist
    assert m.checklist is not None and m.checklist["passes"]
    assert m.verdict.startswith("PASS")
    # forecast at 10x and 100x by least squares (n = 200 < 1,000)
    f = m.forecast
    assert f["k"].tolist() == [2_000, 20_000]
    assert set(f["method"]) == {"least-squares"}
    np.testing.assert_allclose(
        f["neg_log"], lm.forecast.forecast_neg_log_pass_at_k(n, c, [2_000, 20_000],
                                                    "least-squares"), rtol=1e-12)
    assert (f["neg_log_low"] < f["neg_log"]).all()
    assert (f["neg_log"] < f["neg_log_high"]).all()
    np.testing.assert_allclose(f["pass_at_k"], np.exp(-f["neg_log"]))
    assert (f["pass_low"] < f["pass_at_k"]).all()
    assert f["neg_log"].is_monotonic_decreasing


def test_text_report(report):
    text = str(report)
    assert "read as counts, 1 model(s)\n95% intervals from 20 bootstrap" in text
    assert "  interval: 95% percentile bootstrap over problems, 20 of 20" in text
    assert "== bench: 60 problems, 12,000 attempts" in text
    assert "least-squares   b = " in text and "distributional  b = " in text
    assert "power-law checklist: PASS" in text
    assert "forecast: method least-squares" in text and "k = 20,000" in text


@pytest.mark.parametrize("layout", ["parquet", "jsonl", "attempts_csv"])
def test_every_layout_gives_the_same_numbers(files, report, layout):
    other = cli.fit(files[layout], n_boot=N_BOOT, seed=1)
    assert other.layout == ("counts" if layout == "parquet" else "attempts")
    pd.testing.assert_frame_equal(other.table(), report.table())


@pytest.mark.parametrize("layout", ["csv", "parquet", "jsonl", "attempts_csv"])
def test_command_end_to_end(files, layout, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["fit", str(files[layout]), "--n-boot", "5", "--k", "1", "50",
            "--no-progress"]
    code = cli.main(argv + (["--out", str(out)] if layout == "csv" else []))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert "== bench: 60 problems" in captured.out
    assert "k = 50 " in captured.out
    if layout != "csv":
        return
    table = pd.read_csv(out / "fit_results.csv")
    assert set(table["quantity"]) == {"pass_at_k", "exponent", "checklist",
                                      "forecast_neg_log_pass_at_k",
                                      "forecast_pass_at_k"}
    assert table.loc[table["quantity"] == "pass_at_k", "k"].tolist() == [1, 50]
    png = (out / "fit_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "fit_curves.svg").read_text().lstrip().startswith("<?xml")


def test_progress_bar_on_stderr(files, capsys):
    assert cli.main(["fit", str(files["csv"]), "--n-boot", "4", "--k", "1",
                     "--progress"]) == 0
    assert "bench: forecast bootstrap" in capsys.readouterr().err


def test_human_eval_c0_n_below_k(tmp_path):
    # two problems never solved in 5 attempts: pass@10 is not estimable,
    # human-eval's formula would give them 1.0
    rows = []
    for task, n, c in [("t/0", 20, 4), ("t/1", 20, 0), ("t/2", 5, 0), ("t/3", 5, 0),
                       ("t/4", 20, 20), ("t/5", 20, 1)]:
        rows += [{"task_id": task, "passed": i < c} for i in range(n)]
    path = tmp_path / "samples.jsonl_results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = cli.fit(path, k=[1, 5, 10], n_boot=5)
    m = report.models[0]
    assert m.design.kind == "unequal"
    table = m.pass_at_k.set_index("k")
    n = np.array([20, 20, 5, 5, 20, 20])
    c = np.array([4, 0, 0, 0, 20, 1])
    assert table.loc[5, "pass_at_k"] == pytest.approx(
        float(np.mean(lm.pass_at_k(n, c, 5))), rel=1e-14)
    assert math.isnan(table.loc[10, "pass_at_k"])
    assert "k > n for 2 of 6 problems" in table.loc[10, "note"]
    assert "not run" in m.verdict and "equal n" in m.verdict
    assert "k = 10         not estimable" in str(report)


def test_stopped_sampling_is_recognised(tmp_path):
    # batches of 10 attempts until the batch with the first success, at most 200
    rng = np.random.default_rng(3)
    p = lm.ScaledBeta(0.4, 2.0).sample(80, rng)
    rows = []
    for i, pi in enumerate(p):
        outcomes = rng.random(200) < pi
        first = int(np.argmax(outcomes)) + 1 if outcomes.any() else 0
        n = 200 if first == 0 else 10 * math.ceil(first / 10)
        rows += [{"task_id": i, "passed": bool(x)} for x in outcomes[:n]]
    path = tmp_path / "bon.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    m = cli.fit(path, k=[1, 10, 200], n_boot=N_BOOT).models[0]
    assert m.design.kind == "stopped" and m.design.batch_size == 10
    assert m.design.k_above_n == "success-seen"
    assert m.pass_at_k["pass_at_k"].notna().all()
    assert "not made" in m.forecast_note and m.forecast.empty
    assert m.checklist is not None and m.verdict.split(":")[0] in (
        "PASS", "DOUBTFUL", "FAIL")


def test_sampling_design_and_recommended_method():
    fixed = pd.DataFrame({"n": [10, 10], "c": [1, 0]})
    assert cli.sampling_design(fixed).kind == "fixed"
    unequal = pd.DataFrame({"n": [10, 6], "c": [1, 0]})
    assert cli.sampling_design(unequal).kind == "unequal"
    # stopped before its first success: not a stopping rule
    early = unequal.assign(first_success=[1, 0])
    assert cli.sampling_design(early).kind == "unequal"
    stopped = pd.DataFrame({"n": [10, 6], "c": [0, 2], "first_success": [0, 5]})
    design = cli.sampling_design(stopped)
    assert (design.kind, design.batch_size, design.max_attempts) == ("stopped", 2, 10)
    assert cli.recommended_method(999) == "least-squares"
    assert cli.recommended_method(1_000) == "ensemble"


def test_forecast_interval_seeded(counts):
    n, c = counts["n"].to_numpy(), counts["c"].to_numpy()
    a = cli.forecast_interval(n, c, [1e3, 1e4], "least-squares", seed=5, n_boot=30)
    b = cli.forecast_interval(n, c, [1e3, 1e4], "least-squares", seed=5, n_boot=30)
    d = cli.forecast_interval(n, c, [1e3, 1e4], "least-squares", seed=6, n_boot=30)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], d[0])
    assert a[2] == 0 and (a[0] < a[1]).all()
    with pytest.raises(ValueError, match="every bootstrap replicate failed"):
        cli.forecast_interval([10, 10], [0, 0], [100], "least-squares", seed=0,
                              n_boot=5)


def test_model_selection_and_seeds_per_model(counts, tmp_path, report):
    two = pd.concat([counts.assign(model="bench"),
                     counts.assign(model="other", c=counts["c"] // 2)])
    path = tmp_path / "two.csv"
    two.to_csv(path, index=False)
    both = cli.fit(path, n_boot=N_BOOT, seed=1)
    assert [m.model for m in both.models] == ["bench", "other"]
    # a model's numbers depend on its own data, name and the seed only
    alone = both.table().query("model == 'bench'").reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, report.table())
    only = cli.fit(path, models=["other"], n_boot=2, seed=1)
    assert [m.model for m in only.models] == ["other"]
    with pytest.raises(ResultsFileError, match="no model 'gpt' in the file"):
        cli.fit(path, models=["gpt"])


def test_columns_and_layout_options(counts, tmp_path, capsys):
    path = tmp_path / "renamed.csv"
    counts.rename(columns={"problem": "id", "n": "tries", "c": "wins"}).to_csv(
        path, index=False)
    code = cli.main(["fit", str(path), "--problem-column", "id", "--n-column",
                     "tries", "--c-column", "wins", "--layout", "counts",
                     "--n-boot", "5", "--k", "1"])
    assert code == 0 and "== renamed: 60 problems" in capsys.readouterr().out
    m = cli.fit(path, columns=Columns(problem="id", n="tries", c="wins"),
                n_boot=2).models[0]
    assert m.n_problems == 60


def test_failures_are_reported_not_raised(tmp_path):
    path = tmp_path / "unsolved.csv"
    pd.DataFrame({"problem": range(5), "n": 10, "c": 0}).to_csv(path, index=False)
    report = cli.fit(path, n_boot=5)
    m = report.models[0]
    assert m.exponents["estimate"].isna().all()
    assert m.exponents["note"].str.contains("every c is 0").all()
    assert m.verdict.startswith("not run") and m.forecast_note.startswith("not made")
    assert "not available: every c is 0" in str(report)


@pytest.mark.parametrize(
    "argv",
    [[], ["fit"], ["frobnicate"], ["fit", "x.csv", "--k", "0"],
     ["fit", "x.csv", "--n-boot", "many"], ["fit", "x.csv", "--layout", "tidy"],
     ["fit", "x.csv", "--n-jobs", "0"], ["fetch", "extra"]],
)
def test_usage_errors_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_data_errors_exit_1_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("problem,n,c\na,10,11\n")
    for argv in (["fit", str(bad)], ["fit", str(tmp_path / "none.csv")],
                 ["fit", str(bad), "--model", "x"]):
        assert cli.main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert str(tmp_path) in err


def test_python_m_exit_codes_without_traceback(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "a", "passed": "maybe"}\n')
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = subprocess.run([sys.executable, "-m", "llmonkeys", "fit", str(bad)],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 1
    assert run.stderr == (f"error: {bad}: line 1, field 'passed': expected "
                          "true/false (or 1/0); got 'maybe'\n")


def test_fetch_subcommand_still_works(capsys):
    assert cli.main(["fetch"]) == 0
    assert "data files verified" in capsys.readouterr().out


def test_fit_validates_settings(files):
    with pytest.raises(ValueError, match="n_boot"):
        cli.fit(files["csv"], n_boot=0)
    with pytest.raises(ValueError, match="confidence"):
        cli.fit(files["csv"], confidence=1.5)
    with pytest.raises(ValueError, match="k must be budgets"):
        cli.fit(files["csv"], k=[0])
