"""Readers of researchers' results files: every layout and every error."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from llmonkeys.readers import (
    Columns,
    ResultsFileError,
    counts_from_attempts,
    read_attempts,
    read_counts,
    read_results,
    write_attempts,
)

COUNTS_CSV = "model,problem,n,c\nA,p1,10,3\nA,p2,10,0\nB,p1,20,20\nB,p2,20,1\n"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def _jsonl(records):
    return "".join(json.dumps(r) + "\n" for r in records)


def _raises(path, where, *fragments):
    """Context: a ResultsFileError naming the file, the place and the fragments."""
    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(ResultsFileError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            msg = str(self.info.value)
            assert msg.startswith(f"{path}: {where}" if where else str(path)), msg
            for fragment in fragments:
                assert re.search(fragment, msg), (fragment, msg)
            assert "\n" not in msg
            return handled
    return _Check()


# --- counts ----------------------------------------------------------------


def test_read_counts_csv_with_models(tmp_path):
    df = read_counts(_write(tmp_path, "counts.csv", COUNTS_CSV))
    assert df.columns.tolist() == ["model", "problem", "n", "c"]
    assert df["model"].tolist() == ["A", "A", "B", "B"]
    assert df["problem"].tolist() == ["p1", "p2", "p1", "p2"]
    assert df["n"].tolist() == [10, 10, 20, 20]
    assert df["c"].tolist() == [3, 0, 20, 1]
    assert df["n"].dtype == np.int64 and df["c"].dtype == np.int64


def test_read_counts_without_model_is_named_after_file(tmp_path):
    df = read_counts(_write(tmp_path, "my_eval.csv", "problem,n,c\n1,5,2\n2,5,5\n"))
    assert set(df["model"]) == {"my_eval"}
    assert df["problem"].tolist() == ["1", "2"]


def test_read_counts_parquet_and_custom_columns(tmp_path):
    frame = pd.DataFrame({"Model": ["m", "m"], "Problem Idx": [0, 1],
                          "Num. Samples Total": [100, 100],
                          "Num. Samples Correct": [7.0, 0.0]})
    path = tmp_path / "counts.parquet"
    frame.to_parquet(path)
    cols = Columns(problem="Problem Idx", n="Num. Samples Total",
                   c="Num. Samples Correct", model="Model")
    df = read_counts(path, cols)
    assert df[["model", "problem", "n", "c"]].to_numpy().tolist() == [
        ["m", "0", 100, 7], ["m", "1", 100, 0]]


def test_read_counts_whole_valued_floats_are_counts(tmp_path):
    df = read_counts(_write(tmp_path, "f.csv", "problem,n,c\na,10.0,3.0\n"))
    assert df["c"].tolist() == [3]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("problem,n,c\na,10,3.5\n", "line 2, column 'c'", "whole number >= 0.*'3.5'"),
        ("problem,n,c\na,10,2\nb,ten,1\n", "line 3, column 'n'",
         "whole number >= 1.*'ten'"),
        ("problem,n,c\na,10,-1\n", "line 2, column 'c'", "whole number >= 0"),
        ("problem,n,c\na,0,0\n", "line 2, column 'n'", "whole number >= 1"),
        ("problem,n,c\na,10,\n", "line 2, column 'c'", "got ''"),
        ("problem,n,c\na,10,2\nb,10,11\n", "line 3", "c = 11 > n = 10"),
    ],
)
def test_read_counts_bad_values_name_line_and_column(tmp_path, text, where, fragment):
    path = _write(tmp_path, "bad.csv", text)
    with _raises(path, where, fragment):
        read_counts(path)


def test_read_counts_missing_columns(tmp_path):
    path = _write(tmp_path, "bad.csv", "task,attempts,c\na,10,3\n")
    with _raises(path, "header", r"missing column 'problem' \(problem id\), "
                 r"'n' \(attempts\)", "'task', 'attempts', 'c'", "--n-column"):
        read_counts(path)


def test_read_counts_missing_model_column_when_named(tmp_path):
    path = _write(tmp_path, "c.csv", "problem,n,c\na,10,3\n")
    with _raises(path, "header", "missing column 'llm'"):
        read_counts(path, Columns(model="llm"))


def test_read_counts_duplicate_problem(tmp_path):
    path = _write(tmp_path, "dup.csv", "problem,n,c\na,10,3\nb,10,1\na,10,2\n")
    with _raises(path, "line 2 and line 4", "problem .*a appears more than once",
                 "several models.*--model-column"):
        read_counts(path)


def test_read_counts_mixed_models_without_model_column(tmp_path):
    # two models' rows in one file and no model column: problems repeat
    path = _write(tmp_path, "two.csv", "problem,n,c\np1,10,3\np2,10,0\np1,10,9\n"
                  "p2,10,4\n")
    with _raises(path, "line 2 and line 4", "several models"):
        read_counts(path)


def test_read_counts_duplicates_within_a_model_column(tmp_path):
    path = _write(tmp_path, "dup.csv", "model,problem,n,c\nA,a,10,3\nB,a,10,1\n"
                  "B,a,10,2\n")
    with _raises(path, "line 3 and line 4", "B, a appears more than once") as info:
        read_counts(path)
    assert "several models" not in str(info.value)


@pytest.mark.parametrize("text", ["", "problem,n,c\n"])
def test_read_counts_empty(tmp_path, text):
    path = _write(tmp_path, "empty.csv", text)
    with _raises(path, "", "empty file"):
        read_counts(path)


def test_read_counts_empty_parquet(tmp_path):
    path = tmp_path / "empty.parquet"
    pd.DataFrame({"problem": pd.Series([], dtype=str), "n": pd.Series([], dtype=int),
                  "c": pd.Series([], dtype=int)}).to_parquet(path)
    with _raises(path, "", "empty file"):
        read_counts(path)


def test_read_counts_parquet_errors_name_rows(tmp_path):
    path = tmp_path / "bad.parquet"
    pd.DataFrame({"problem": ["a", "b"], "n": [10, 10], "c": [1, 12]}).to_parquet(path)
    with _raises(path, "row 2", "c = 12 > n = 10"):
        read_counts(path)


def test_read_counts_unreadable_parquet(tmp_path):
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"not parquet at all")
    with _raises(path, "", "not a readable Parquet file"):
        read_counts(path)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.csv"
    with _raises(path, "", "no such file"):
        read_counts(path)
    with _raises(path, "", "no such file"):
        read_attempts(path)


# --- attempts --------------------------------------------------------------

HUMAN_EVAL = [
    {"task_id": "HumanEval/0", "completion": "x", "result": "passed", "passed": True},
    {"task_id": "HumanEval/1", "completion": "y", "result": "failed", "passed": False},
    {"task_id": "HumanEval/0", "completion": "z", "result": "failed", "passed": False},
    {"task_id": "HumanEval/1", "completion": "w", "result": "passed", "passed": True},
    {"task_id": "HumanEval/1", "completion": "v", "result": "passed", "passed": True},
]


def test_read_attempts_human_eval_jsonl(tmp_path):
    path = _write(tmp_path, "samples.jsonl_results.jsonl", _jsonl(HUMAN_EVAL))
    df = read_attempts(path)
    assert df.columns.tolist() == ["model", "problem", "attempt", "success"]
    assert df["problem"].tolist() == ["HumanEval/0"] * 2 + ["HumanEval/1"] * 3
    assert df["attempt"].tolist() == [0, 1, 0, 1, 2]
    assert df["success"].tolist() == [True, False, False, True, True]
    counts = counts_from_attempts(df)
    assert counts[["problem", "n", "c", "first_success"]].to_numpy().tolist() == [
        ["HumanEval/0", 2, 1, 1], ["HumanEval/1", 3, 2, 2]]


def test_read_attempts_blank_lines_and_model_field(tmp_path):
    records = [{"model": "m1", "task_id": "t", "passed": 0},
               {"model": "m2", "task_id": "t", "passed": 1},
               {"model": "m1", "task_id": "t", "passed": 1}]
    path = _write(tmp_path, "r.jsonl", "\n" + _jsonl(records) + "\n\n")
    df = read_attempts(path)
    assert df[["model", "attempt", "success"]].to_numpy().tolist() == [
        ["m1", 0, False], ["m1", 1, True], ["m2", 0, True]]


def test_read_attempts_attempt_column_sets_order(tmp_path):
    records = [{"task_id": "t", "i": 2, "ok": False},
               {"task_id": "t", "i": 0, "ok": False},
               {"task_id": "t", "i": 1, "ok": True}]
    path = _write(tmp_path, "r.jsonl", _jsonl(records))
    df = read_attempts(path, Columns(passed="ok", attempt="i"))
    assert df["success"].tolist() == [False, True, False]
    assert counts_from_attempts(df)["first_success"].tolist() == [2]


def test_read_attempts_csv(tmp_path):
    path = _write(tmp_path, "att.csv", "task_id,passed\na,False\nb,1\na,TRUE\nb,0\n")
    df = read_attempts(path)
    assert df[["problem", "attempt", "success"]].to_numpy().tolist() == [
        ["a", 0, False], ["a", 1, True], ["b", 0, True], ["b", 1, False]]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('{"task_id": "a", "passed": true}\n{"task_id": "a", "passed": tru}\n',
         "line 2, column 28", "not valid JSON"),
        ('{"task_id": "a", "passed": true}\n\n[1, 2]\n', "line 3",
         "expected a JSON object; got list"),
        ('{"task_id": "a", "passed": true}\n{"task_id": "a", "pass": true}\n',
         "line 2", "no field 'passed' .*'task_id', 'pass'"),
        ('{"task_id": "a", "passed": true}\n{"task_id": "a", "passed": "yes"}\n',
         "line 2, field 'passed'", "true/false .*'yes'"),
        ('{"task_id": "a", "passed": 2}\n', "line 1, field 'passed'", "got 2"),
        ('{"task_id": "a", "passed": null}\n', "line 1, field 'passed'", "got None"),
    ],
)
def test_read_attempts_jsonl_errors(tmp_path, text, where, fragment):
    path = _write(tmp_path, "bad.jsonl", text)
    with _raises(path, where, fragment):
        read_attempts(path)


def test_read_attempts_model_field_on_some_lines_only(tmp_path):
    records = [{"model": "m1", "task_id": "t", "passed": True},
               {"task_id": "t", "passed": False}]
    path = _write(tmp_path, "r.jsonl", _jsonl(records))
    with _raises(path, "line 2", "no field 'model'"):
        read_attempts(path)


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_read_attempts_empty_jsonl(tmp_path, text):
    path = _write(tmp_path, "empty.jsonl", text)
    with _raises(path, "", "empty file"):
        read_attempts(path)


def test_read_attempts_csv_errors(tmp_path):
    path = _write(tmp_path, "bad.csv", "task_id,passed\na,true\na,maybe\n")
    with _raises(path, "line 3, field 'passed'", "'maybe'"):
        read_attempts(path)
    path = _write(tmp_path, "cols.csv", "id,passed\na,true\n")
    with _raises(path, "header", "missing column 'task_id'"):
        read_attempts(path)
    path = _write(tmp_path, "empty.csv", "task_id,passed\n")
    with _raises(path, "", "empty file"):
        read_attempts(path)


def test_read_attempts_attempt_index_errors(tmp_path):
    records = [{"task_id": "t", "i": 0, "passed": True},
               {"task_id": "t", "i": 0, "passed": False}]
    path = _write(tmp_path, "dup.jsonl", _jsonl(records))
    with _raises(path, "line 1 and line 2", "appears more than once",
                 "several models"):
        read_attempts(path, Columns(attempt="i"))
    records[1]["i"] = 0.5
    path = _write(tmp_path, "frac.jsonl", _jsonl(records))
    with _raises(path, "line 2, column 'i'", "whole number >= 0"):
        read_attempts(path, Columns(attempt="i"))


def test_read_attempts_unknown_suffix(tmp_path):
    path = _write(tmp_path, "r.txt", "x")
    with _raises(path, "", "unknown file type '.txt'"):
        read_attempts(path)


def test_counts_from_attempts_checks_indices():
    df = pd.DataFrame({"model": "m", "problem": "a", "attempt": [0, 2],
                       "success": [True, False]})
    with pytest.raises(ValueError, match="not 0, 1, ..., n - 1"):
        counts_from_attempts(df)
    with pytest.raises(ValueError, match="lack columns"):
        counts_from_attempts(df.drop(columns="success"))


# --- dispatch and writing --------------------------------------------------


def test_read_results_chooses_layout(tmp_path):
    counts, how = read_results(_write(tmp_path, "c.csv", COUNTS_CSV))
    assert how == "counts" and "first_success" not in counts
    counts, how = read_results(_write(tmp_path, "a.csv", "task_id,passed\nx,1\n"))
    assert how == "attempts" and counts["first_success"].tolist() == [1]
    counts, how = read_results(_write(tmp_path, "a.jsonl", _jsonl(HUMAN_EVAL)))
    assert how == "attempts" and counts["n"].tolist() == [2, 3]
    pq = tmp_path / "c.parquet"
    read_counts(tmp_path / "c.csv").to_parquet(pq)
    assert read_results(pq)[1] == "counts"
    counts, how = read_results(tmp_path / "c.csv", layout="counts")
    assert how == "counts"
    with pytest.raises(ValueError, match="layout must be"):
        read_results(tmp_path / "c.csv", layout="tidy")


@pytest.mark.parametrize(("header", "word"), [("problem,n,c,passed", "both"),
                                              ("problem,x", "neither")])
def test_read_results_ambiguous_csv(tmp_path, header, word):
    path = _write(tmp_path, "amb.csv", header + "\n" + ",".join("1" * 1) + "\n")
    with _raises(path, "header", f"cannot tell counts from attempts.*{word}"):
        read_results(path)


def test_read_results_unknown_suffix_and_empty_csv(tmp_path):
    path = _write(tmp_path, "r.xlsx", "x")
    with _raises(path, "", "unknown file type '.xlsx'"):
        read_results(path)
    path = _write(tmp_path, "e.csv", "")
    with _raises(path, "", "empty file"):
        read_results(path)


def test_write_attempts_round_trip(tmp_path):
    counts = pd.DataFrame({"model": ["m", "m", "m"], "problem": [3, 1, 2],
                           "n": [50, 40, 50], "c": [0, 40, 7]})
    path = write_attempts(counts, tmp_path / "w.jsonl", np.random.default_rng(1),
                          problem_prefix="MATH/")
    first = json.loads(path.read_text().splitlines()[0])
    assert set(first) == {"model", "task_id", "passed"}
    back = counts_from_attempts(read_attempts(path))
    assert back[["problem", "n", "c"]].to_numpy().tolist() == [
        ["MATH/1", 40, 40], ["MATH/2", 50, 7], ["MATH/3", 50, 0]]
    assert back["first_success"].tolist()[0] == 1
    assert 1 <= back["first_success"].tolist()[1] <= 44  # 7 of 50 placed at random
