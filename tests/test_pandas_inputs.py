"""Pandas inputs to the estimators (issue 11, item 4) and ragged lists.

numpy pairs entries by position, so pandas objects with different indexes
are refused (never paired silently wrongly); curves_by_model refuses rows
without a model and duplicate (model, problem) rows, naming them; the
per-model functions name the model whose data are bad.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from llmonkeys._validation import as_float_array, check_aligned, check_tidy_frame
from llmonkeys.estimators import (
    curves_by_model,
    fit_power_law,
    fit_power_laws_by_model,
    local_log_slope,
    log_fail_ratio,
    naive_pass_at_k,
    neg_log_pass_at_k,
    pass_at_k,
    pass_at_k_curve,
)

PAIRED = [pass_at_k, log_fail_ratio, naive_pass_at_k]
CURVES = [pass_at_k_curve, neg_log_pass_at_k]


@st.composite
def labelled_counts(draw):
    size = draw(st.integers(2, 12))
    n = draw(st.lists(st.integers(1, 50), min_size=size, max_size=size))
    c = [draw(st.integers(0, m)) for m in n]
    labels = draw(st.lists(st.integers(-1000, 1000), min_size=size,
                           max_size=size, unique=True))
    perm = draw(st.permutations(range(size)))
    return (pd.Series(n, index=labels), pd.Series(c, index=labels),
            list(perm))


@settings(max_examples=60, deadline=None)
@given(labelled_counts())
def test_permuted_series_refused_or_right(data):
    n, c, perm = data
    right = pass_at_k(n.to_numpy(), c.to_numpy(), 1)
    moved = c.iloc[perm]
    if perm == sorted(perm):
        assert_allclose(pass_at_k(n, moved, 1), right, rtol=1e-14)
    else:
        with pytest.raises(ValueError, match=r"n and c are pandas objects with "
                           r"the same labels in a different order"):
            pass_at_k(n, moved, 1)
    # Realigning by index always gives the right answer.
    assert_allclose(pass_at_k(n, moved.reindex(n.index), 1), right, rtol=1e-14)
    assert_allclose(pass_at_k_curve(n, moved.reindex(n.index), [1]),
                    [right.mean()], rtol=1e-14)


@pytest.mark.parametrize("func", PAIRED + CURVES)
def test_every_counts_function_refuses_misaligned_series(func):
    n = pd.Series([10, 10, 10], index=["x", "y", "z"])
    c = pd.Series([0, 5, 10], index=["x", "y", "w"])
    with pytest.raises(ValueError, match=r"different labels \(e\.g\. \['z'\]\)"
                       r".*reindex"):
        func(n, c, 1)
    # Positional inputs mixed with a Series are numpy's business: accepted.
    plain = func(n.to_numpy(), c.to_numpy(), 1)
    assert_allclose(func(n, c.to_numpy(), 1), plain, rtol=0)
    assert_allclose(func(n.to_numpy(), c, 1), plain, rtol=0)


def test_k_series_misaligned_with_counts():
    n = pd.Series([10, 10], index=[0, 1])
    c = pd.Series([1, 2], index=[0, 1])
    k = pd.Series([1, 5], index=[1, 0])
    with pytest.raises(ValueError, match=r"c and k are pandas objects"):
        pass_at_k(n, c, k)
    assert_allclose(pass_at_k(n, c, k.sort_index()), pass_at_k([10, 10], [1, 2],
                                                                [5, 1]))


@pytest.mark.parametrize("func", [fit_power_law, local_log_slope])
def test_power_law_inputs_refuse_misaligned_series(func):
    k = pd.Series([1.0, 2.0, 4.0], index=[0, 1, 2])
    y = pd.Series([1.0, 0.7, 0.5], index=[2, 1, 0])
    with pytest.raises(ValueError, match=r"k and y are pandas objects"):
        func(k, y)


def test_check_aligned_passes_equal_indexes_and_non_pandas():
    s = pd.Series([1, 2], index=["a", "b"])
    check_aligned(a=s, b=s * 2, c=np.array([1, 2]), d=3, e=[1, 2])
    check_aligned(a=s.to_frame(), b=s)


# --------------------------------------------------------------------------
# curves_by_model and fit_power_laws_by_model
# --------------------------------------------------------------------------


def counts_frame():
    return pd.DataFrame({"model": ["a", "a", "b", "b"], "problem": [0, 1, 0, 1],
                         "n": [100, 100, 100, 100], "c": [0, 63, 10, 20]})


def test_curves_by_model_value():
    # pass@1 of model "a" is (0 + 0.63) / 2; the bug gave 0.30 for a
    # similar frame by dropping a row whose model was NaN.
    out = curves_by_model(counts_frame(), [1])
    assert_allclose(out["pass_at_k"], [0.315, 0.15], rtol=1e-14)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_curves_by_model_refuses_missing_model(missing):
    counts = counts_frame().astype({"model": object})
    counts.loc[2, "model"] = missing
    with pytest.raises(ValueError, match=r"counts\['model'\] is missing \(NaN or "
                       r"None\) in rows with index \[2\]"):
        curves_by_model(counts, [1])


def test_curves_by_model_refuses_missing_problem():
    counts = counts_frame().astype({"problem": float})
    counts.loc[3, "problem"] = np.nan
    with pytest.raises(ValueError, match=r"counts\['problem'\] is missing"):
        curves_by_model(counts, [1])


def test_curves_by_model_names_duplicates():
    counts = pd.concat([counts_frame(), counts_frame().iloc[[3, 3]]])
    with pytest.raises(ValueError, match=r"duplicate \(model, problem\) rows: "
                       r"\[\('b', 1\)\], 3 rows in all"):
        curves_by_model(counts, [1])


def test_curves_by_model_refuses_non_frames_and_missing_columns():
    with pytest.raises(TypeError, match=r"counts must be a pandas DataFrame; got"
                       r" dict"):
        curves_by_model(counts_frame().to_dict(), [1])
    with pytest.raises(ValueError, match=r"missing \['problem'\]"):
        curves_by_model(counts_frame().drop(columns="problem"), [1])


@pytest.mark.parametrize(("column", "value", "match"), [
    ("c", 101, r"model 'b': c must satisfy 0 <= c <= n"),
    ("n", 0, r"model 'b': n must be >= 1"),
    ("c", 2.5, r"model 'b': c must be whole numbers"),
    ("c", np.nan, r"model 'b': c must be finite"),
])
def test_curves_by_model_names_the_model_with_bad_counts(column, value, match):
    counts = counts_frame().astype({column: float})
    counts.loc[3, column] = value
    with pytest.raises(ValueError, match=match):
        curves_by_model(counts, [1])


def test_curves_by_model_ignores_the_frame_index():
    counts = counts_frame()
    shuffled = counts.sample(frac=1.0, random_state=0)
    shuffled.index = [7, 3, 9, 1]
    assert_allclose(curves_by_model(shuffled, [1, 10])["y"],
                    curves_by_model(counts, [1, 10])["y"], rtol=1e-14)


def test_fit_power_laws_by_model_names_the_failing_model():
    k = np.array([1, 2, 4, 8])
    curves = pd.DataFrame({"model": ["a"] * 4 + ["b"] * 4,
                           "k": np.concatenate([k, k]),
                           "y": np.concatenate([k**-0.5, [1.0, 0, 0, 0]])})
    with pytest.raises(ValueError, match=r"model 'b': need at least two "
                       r"distinct k"):
        fit_power_laws_by_model(curves)
    curves.loc[5, "y"] = np.nan  # left out (n_dropped): one usable point
    with pytest.raises(ValueError, match=r"model 'b': need at least two"):
        fit_power_laws_by_model(curves)
    with pytest.raises(ValueError, match=r"duplicate \(model, k\) rows"):
        fit_power_laws_by_model(pd.concat([curves, curves.iloc[:1]]))
    curves.loc[0, "model"] = None
    with pytest.raises(ValueError, match=r"curves\['model'\] is missing"):
        fit_power_laws_by_model(curves)


def test_check_tidy_frame_shows_at_most_three_keys():
    frame = pd.DataFrame({"m": list("aabbccdd"), "p": [0] * 8})
    with pytest.raises(ValueError, match=r"\(and 1 more\), 8 rows in all"):
        check_tidy_frame(frame, "f", ("m", "p"), key=("m", "p"))


# --------------------------------------------------------------------------
# Ragged lists and object arrays
# --------------------------------------------------------------------------


@pytest.mark.parametrize("x", [[[1, 2], [3]], [1, [2, 3]], [[1], [2, 3], []]])
def test_ragged_lists(x):
    with pytest.raises(ValueError, match=r"x must be a rectangular array of "
                       r"numbers; got a ragged nested sequence"):
        as_float_array(x, "x")


@pytest.mark.parametrize(("func", "args"), [
    (pass_at_k, ([[10, 10], [10]], 1, 1)),
    (pass_at_k_curve, ([10, 10], [[1], [1, 2]], 1)),
    (fit_power_law, ([1, 2, 3], [[1], 2, 3])),
])
def test_ragged_lists_at_the_public_boundary(func, args):
    with pytest.raises(ValueError, match=r"ragged nested sequence"):
        func(*args)


@pytest.mark.parametrize(("x", "match"), [
    ([1, None], r"missing value \(None\)"),
    (pd.Series([1, pd.NA], dtype=object), r"missing value \(<NA>\)"),
    (np.array([1, "a"], dtype=object), r"holds 'a' of type str"),
    (np.array([1, 2], dtype=object), r"convert it with numpy\.asarray"),
])
def test_object_arrays_name_the_offending_entry(x, match):
    with pytest.raises(TypeError, match=r"x must be real numbers .*dtype object: .*"
                       + match):
        as_float_array(x, "x")
