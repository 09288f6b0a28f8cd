"""Tests of llmonkeys.report: interval tables and paired differences."""

from __future__ import annotations

import pandas as pd
import pytest

from llmonkeys import report


def test_exponent_summary():
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
