"""Tests of llmonkeys.report: interval tables and paired differences."""

from __future__ import annotations

import pandas as pd
import pytest

from llmonkeys import report


def test_interval_table_of_exponents_with_reference():
    table = pd.DataFrame({
        "model": ["A", "A", "B", "B"],
        "method": ["least-squares", "tail-index"] * 2,
        "estimate": [0.2, 0.1, 0.3, 0.25], "low": [0.15, 0.05, 0.2, 0.2],
        "high": [0.25, 0.2, 0.4, 0.3],
    })
    out = report.interval_table(table, value="estimate", index="model",
                                columns="method", reference={"B": 0.37},
                                reference_name="paper", digits=2)
    assert list(out.columns) == ["least-squares", "tail-index", "paper"]
    assert out.loc["A", "least-squares"] == "0.20 [0.15, 0.25]"
    assert out.loc["A", "paper"] == "\u2014"
    assert out.loc["B", "paper"] == "0.37"
    with pytest.raises(ValueError, match="columns"):
        report.interval_table(table.drop(columns="low"), value="estimate",
                              index="model", columns="method")


def test_interval_table_layout():
    s = pd.DataFrame({"method": ["b", "a", "b", "a"], "budget": [10, 10, 30, 30],
                      "mean": [0.5, 0.25, 0.125, 1.0], "low": [0.4, 0.2, 0.1, 0.9],
                      "high": [0.6, 0.3, 0.2, 1.1]})
    t = report.interval_table(s, value="mean", digits=1)
    assert list(t.columns) == [10, 30] and t.index.name == "method"
    assert t.loc["b", 30] == "0.1 [0.1, 0.2]"
    with pytest.raises(TypeError, match="digits"):
        report.interval_table(s, value="mean", digits=1.5)
    with pytest.raises(ValueError, match="digits"):
        report.interval_table(s, value="mean", digits=-1)


def test_paired_differences():
    f = pd.DataFrame({
        "model": ["m"] * 6, "replicate": [0, 0, 0, 1, 1, 1],
        "method": ["ref", "x", "y"] * 2,
        "v": [1.0, 1.5, 0.5, 2.0, 2.0, float("nan")],
    })
    d = report.paired_differences(f, value="v", reference="ref",
                                  units=["model", "replicate"])
    assert d.columns.tolist() == ["model", "replicate", "method", "difference"]
    assert d["method"].tolist() == ["x", "x", "y", "y"]
    assert d["difference"].tolist()[:3] == [0.5, 0.0, -0.5]
    assert pd.isna(d["difference"].iloc[3])
    with pytest.raises(ValueError, match="not among the methods"):
        report.paired_differences(f, value="v", reference="z", units=["model"])
    with pytest.raises(ValueError, match="no columns"):
        report.paired_differences(f, value="w", reference="ref", units=["model"])


def test_markdown_table_formats_like_pandas():
    from llmonkeys.report import markdown_table

    frame = pd.DataFrame({"b": [0.25, 1.5], "note": ["x|y", "z"]},
                         index=pd.Index(["m1", "m2"], name="method"))
    lines = markdown_table(frame).splitlines()
    assert lines[0] == "| method | b | note |"
    assert lines[1] == "|---|---|---|"
    assert lines[2] == r"| m1 | 0.25 | x\|y |"
    styled = markdown_table(frame.style.format({"b": "{:.3f}"}).hide(axis="index"))
    assert styled.splitlines()[0] == "| b | note |"
    assert styled.splitlines()[3] == "| 1.500 | z |"
    multi = markdown_table(frame.set_index("note", append=True))
    assert multi.splitlines()[0] == "| method note | b |"
    assert multi.splitlines()[2] == r"| m1 x\|y | 0.25 |"
    with pytest.raises(TypeError, match="DataFrame or Styler"):
        markdown_table([1, 2])
