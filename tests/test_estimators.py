"""Tests of llmonkeys.estimators: accuracy, invariants and every error."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes
from numpy.testing import assert_allclose, assert_array_equal

from llmonkeys.estimators import (
    PowerLawFit,
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
from reference import exact_pass_at_k, mpmath_pass_at_k

SETTINGS = settings(max_examples=100, deadline=None)
RTOL = 1e-12


# --------------------------------------------------------------------------
# Reference values
# --------------------------------------------------------------------------


def product_pass_at_k(n: int, c: int, k: int) -> float:
    """Slow reference of the paper's Figure 8: a product of c factors."""
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


@st.composite
def nck(draw, n_max: int) -> tuple[int, int, int]:
    """(n, c, k) with 0 <= c <= n and 1 <= k <= n, log-uniform-ish n."""
    digits = draw(st.integers(0, len(str(n_max)) - 1))
    n = draw(st.integers(1, min(n_max, 10 ** (digits + 1))))
    c = draw(st.one_of(st.integers(0, n), st.integers(0, min(n, 20))))
    k = draw(st.one_of(st.integers(1, n), st.integers(1, min(n, 20))))
    return n, c, k


# --------------------------------------------------------------------------
# pass_at_k against exact references
# --------------------------------------------------------------------------


@SETTINGS
@given(nck(n_max=2000))
def test_pass_at_k_matches_exact_fraction(case):
    n, c, k = case
    assert_allclose(pass_at_k(n, c, k), exact_pass_at_k(n, c, k), rtol=RTOL, atol=0)


@SETTINGS
@given(nck(n_max=10**6))
def test_pass_at_k_matches_mpmath_random(case):
    n, c, k = case
    assert_allclose(pass_at_k(n, c, k), mpmath_pass_at_k(n, c, k), rtol=RTOL, atol=0)


def _edge_cases() -> list[tuple[int, int, int]]:
    cases = []
    for n in (1, 2, 9, 17, 18, 19, 20, 100, 10_000, 10**6):
        for c in {0, 1, 2, 7, 8, 9, 10, n // 2, n - 9, n - 8, n - 1, n}:
            for k in {1, 2, 7, 8, 9, 10, n // 3, n - c, n - c + 1, n - 8, n - 1, n}:
                if 0 <= c <= n and 1 <= k <= n:
                    cases.append((n, c, k))
    # min(c, k) on both sides of the internal switch (8 log1p terms / Stirling)
    for n in (20, 1000, 10**6):
        for m in (7, 8, 9, 10):
            for big in (m, n // 4, n - m):
                cases += [(n, m, big), (n, big, m)]
    return sorted(set(cases))


EDGE_CASES = _edge_cases()


def test_pass_at_k_matches_mpmath_edge_cases():
    n, c, k = (np.array(v) for v in zip(*EDGE_CASES, strict=True))
    expected = [mpmath_pass_at_k(*case) for case in EDGE_CASES]
    # One vectorised call over every case, mixing both internal paths.
    assert_allclose(pass_at_k(n, c, k), expected, rtol=RTOL, atol=0)


@pytest.mark.parametrize("n", [1, 10, 10_000, 10**6])
def test_exact_values_at_the_ends(n):
    k = np.unique([1, max(1, n // 2), n])
    # c = 0: never solved, exactly +0.0 (not -0.0, which prints as "-0.")
    assert_array_equal(pass_at_k(n, 0, k), 0.0)
    assert not np.signbit(pass_at_k(n, 0, k)).any()
    # c = n: always solved, exactly 1
    assert_array_equal(pass_at_k(n, n, k), 1.0)
    # n - c < k: every draw of k contains a success, exactly 1
    if n >= 2:
        assert pass_at_k(n, n - 1, 2) == 1.0
    # k = n with c >= 1: exactly 1
    assert pass_at_k(n, 1, n) == 1.0
    # k = 1: the success rate c / n
    assert_allclose(pass_at_k(n, 1, 1), 1 / n, rtol=RTOL)


def test_c_equals_one_is_k_over_n():
    n = 10**6
    k = np.array([1, 8, 9, 1000, 999_999, 10**6])
    assert_allclose(pass_at_k(n, 1, k), k / n, rtol=RTOL)


def test_docstring_examples_and_types():
    assert float(pass_at_k(10, 1, 1)) == pytest.approx(0.1, rel=RTOL)
    out = pass_at_k(100, [0, 1, 50], 10)
    assert out.dtype == np.float64 and out.shape == (3,)
    assert pass_at_k(10, 3, 2).shape == ()
    # whole-valued floats are accepted (upstream stores counts as float32)
    assert pass_at_k(np.float32(10.0), np.float32(3.0), 2.0) == pass_at_k(10, 3, 2)


def test_empty_input():
    out = pass_at_k(np.array([], dtype=np.int64), 1, 1)
    assert out.shape == (0,)


# --------------------------------------------------------------------------
# Properties (hypothesis.extra.numpy)
# --------------------------------------------------------------------------


@st.composite
def count_arrays(draw, n_max: int = 10**6, max_side: int = 6):
    """Equal-shape arrays n, c, k with 0 <= c <= n and 1 <= k <= n."""
    shape = draw(st.tuples(st.integers(1, max_side), st.integers(1, max_side)))
    n = draw(arrays(np.int64, shape, elements=st.integers(1, n_max)))
    u = draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
    v = draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
    c = np.floor(u * n).astype(np.int64)
    k = np.clip(np.ceil(v * n), 1, n).astype(np.int64)
    return n, c, k


@SETTINGS
@given(count_arrays())
def test_values_in_unit_interval(arrs):
    p = pass_at_k(*arrs)
    assert p.shape == arrs[0].shape
    assert np.all((p >= 0) & (p <= 1))


@SETTINGS
@given(
    st.integers(1, 10**6),
    st.floats(0, 1),
    arrays(np.float64, st.integers(2, 40), elements=st.floats(0, 1)),
)
def test_non_decreasing_in_k(n, u, v):
    c = int(u * n)
    k = np.unique(np.clip(np.ceil(v * n), 1, n).astype(np.int64))
    p = pass_at_k(n, c, k)
    # Non-decreasing up to a few rounding errors of the larger value.
    assert np.all(np.diff(p) >= -4e-16 * p[1:])


@SETTINGS
@given(
    st.integers(1, 10**6),
    st.floats(0, 1),
    arrays(np.float64, st.integers(2, 40), elements=st.floats(0, 1)),
)
def test_non_decreasing_in_c(n, v, u):
    k = max(1, math.ceil(v * n))
    c = np.unique(np.floor(u * n).astype(np.int64))
    p = pass_at_k(n, c, k)
    assert np.all(np.diff(p) >= -4e-16 * p[1:])


def test_non_decreasing_across_the_switch():
    # Every (c, k) of a small n, so each step crosses min(c, k) = 8 -> 9.
    n = 60
    c = np.arange(n + 1)[:, None]
    k = np.arange(1, n + 1)[None, :]
    p = pass_at_k(n, c, k)
    assert np.all(np.diff(p, axis=0) >= -4e-16 * p[1:])
    assert np.all(np.diff(p, axis=1) >= -4e-16 * p[:, 1:])


@SETTINGS
@given(mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4), st.data())
def test_broadcasting_shapes(shapes, data):
    n_shape, c_shape, k_shape = shapes.input_shapes
    # n >= 50 >= c, k, so every broadcast combination is valid.
    n = data.draw(arrays(np.int64, n_shape, elements=st.integers(50, 10**5)))
    c = data.draw(arrays(np.int64, c_shape, elements=st.integers(0, 50)))
    k = data.draw(arrays(np.int64, k_shape, elements=st.integers(1, 50)))
    p = pass_at_k(n, c, k)
    assert p.shape == shapes.result_shape
    nb, cb, kb = np.broadcast_arrays(n, c, k)
    flat = pass_at_k(nb.ravel(), cb.ravel(), kb.ravel())
    assert_array_equal(p.ravel(), flat)


@SETTINGS
@given(count_arrays(n_max=10_000, max_side=3))
def test_agrees_with_product_reference(arrs):
    n, c, k = arrs
    p = pass_at_k(n, c, k)
    ref = np.vectorize(product_pass_at_k)(n, c, k)
    # The product of c rounded factors carries up to ~c * eps absolute
    # error (c <= 1e4), so the tolerance is set by the reference, not by
    # pass_at_k (checked to 1e-12 above).
    assert_allclose(p, ref, rtol=1e-11, atol=1e-11)


@SETTINGS
@given(count_arrays())
def test_log_fail_ratio_is_log_of_failure(arrs):
    n, c, k = arrs
    lf = log_fail_ratio(n, c, k)
    assert np.all(lf <= 0)
    assert np.all(np.isneginf(lf) == (n - c < k))
    p = pass_at_k(n, c, k)
    assert_allclose(-np.expm1(lf), p, rtol=RTOL, atol=0)


def test_log_fail_ratio_values():
    # log(C(7, 3) / C(10, 3)) = log(35 / 120), exact fraction
    assert_allclose(log_fail_ratio(10, 3, 3), math.log(35 / 120), rtol=RTOL)
    assert log_fail_ratio(10, 0, 4) == 0.0
    assert log_fail_ratio(10, 8, 3) == -np.inf
    with pytest.raises(ValueError, match=r"k must satisfy 1 <= k <= n"):
        log_fail_ratio(10, 1, 11)


# --------------------------------------------------------------------------
# k_above_n
# --------------------------------------------------------------------------


def test_k_above_n_success_seen():
    p = pass_at_k([60, 60, 10_000], [1, 5, 3], [100, 10_000, 10_000],
                  k_above_n="success-seen")
    assert_array_equal(p, 1.0)
    # k <= n entries are unaffected by the option
    mixed = pass_at_k([60, 1000], [1, 1], [30, 2000], k_above_n="success-seen")
    assert_allclose(mixed, [0.5, 1.0], rtol=RTOL)


def test_k_above_n_success_seen_raises_without_success():
    with pytest.raises(ValueError, match=r"k=100 > n=60 with c = 0"):
        pass_at_k([60, 60], [1, 0], 100, k_above_n="success-seen")


def test_k_above_n_default_raises():
    with pytest.raises(ValueError, match=r"k must satisfy 1 <= k <= n.*k=11 > n=10"):
        pass_at_k(10, 5, 11)


def test_k_above_n_bad_option():
    with pytest.raises(ValueError,
                       match=r"k_above_n must be one of 'raise', 'success-seen'"):
        pass_at_k(10, 5, 2, k_above_n="clip")


# --------------------------------------------------------------------------
# naive_pass_at_k
# --------------------------------------------------------------------------


def test_naive_formula():
    n, c = np.array([10, 10, 10, 7]), np.array([0, 1, 10, 3])
    k = np.array([[1], [2], [50]])
    assert_allclose(naive_pass_at_k(n, c, k), 1 - (1 - c / n) ** k, rtol=RTOL)
    assert float(naive_pass_at_k(10, 1, 2)) == pytest.approx(0.19, rel=RTOL)
    # c = n is exactly 1 and warns about nothing (warnings are errors here)
    assert naive_pass_at_k(10, 10, 3) == 1.0
    # c = 0 is +0.0, not -0.0
    assert not np.signbit(naive_pass_at_k(10, 0, [1, 7])).any()


def test_naive_is_biased_low_and_pass_at_k_is_unbiased():
    rng = np.random.default_rng(20250226)
    n, k, p_true, reps = 20, 10, 0.05, 40_000
    truth = 1 - (1 - p_true) ** k
    c = rng.binomial(n, p_true, size=reps)
    unbiased = pass_at_k(n, c, k)
    naive = naive_pass_at_k(n, c, k)
    se_unbiased = unbiased.std(ddof=1) / math.sqrt(reps)
    se_naive = naive.std(ddof=1) / math.sqrt(reps)
    assert abs(unbiased.mean() - truth) < 4 * se_unbiased
    # Jensen: the plug-in's mean is below the truth, by far more than noise.
    assert naive.mean() < truth - 4 * se_naive


def test_naive_allows_k_above_n_but_validates():
    assert_allclose(naive_pass_at_k(10, 1, 20), 1 - 0.9**20, rtol=RTOL)
    with pytest.raises(ValueError, match=r"k must be >= 1"):
        naive_pass_at_k(10, 1, 0)
    with pytest.raises(ValueError, match=r"c must satisfy 0 <= c <= n"):
        naive_pass_at_k(10, 11, 1)


# --------------------------------------------------------------------------
# Benchmark curves
# --------------------------------------------------------------------------


@SETTINGS
@given(count_arrays(n_max=10**5, max_side=5))
def test_curve_is_mean_over_problems(arrs):
    n, c, _ = arrs
    n, c = n.ravel(), c.ravel()
    k = np.unique(np.clip([1, 2, 9, 50, n.min()], 1, n.min()))
    curve = pass_at_k_curve(n, c, k)
    expected = np.array([pass_at_k(n, c, kk).mean() for kk in k])
    assert curve.shape == k.shape
    assert_allclose(curve, expected, rtol=RTOL, atol=0)
    # -log(p) inherits an absolute error ~ eps from the rounding of p (the
    # mean is summed in another order here), hence atol on top of rtol;
    # near p = 1 that is a large relative error of the small -log(p).
    with np.errstate(divide="ignore"):
        assert_allclose(neg_log_pass_at_k(n, c, k), -np.log(expected), rtol=RTOL,
                        atol=1e-15)


def test_curve_scalar_k_and_docstring():
    assert pass_at_k_curve([10, 10], [0, 5], [1, 10]).tolist() == [0.25, 0.5]
    assert pass_at_k_curve([10, 10], [0, 5], 1).shape == (1,)
    assert_allclose(neg_log_pass_at_k([10, 10], [10, 0], 1), [math.log(2)], rtol=RTOL)


def test_neg_log_is_inf_when_nothing_solved():
    out = neg_log_pass_at_k([10, 10], [0, 0], [1, 5])
    assert np.all(np.isposinf(out))


def test_curve_k_above_n_passed_through():
    curve = pass_at_k_curve([60, 100], [2, 1], [100], k_above_n="success-seen")
    assert_allclose(curve, [1.0], rtol=RTOL)
    with pytest.raises(ValueError, match=r"k=100 > n=60"):
        pass_at_k_curve([60, 100], [2, 1], [100])


@pytest.mark.parametrize(
    ("n", "c", "k", "match"),
    [
        ([[10, 10]], [[1, 2]], 1, r"n and c must be 1-D.*shape \(1, 2\)"),
        (10, 1, 1, r"n and c must be 1-D.*shape \(\)"),
        (np.array([], dtype=int), np.array([], dtype=int), 1, r"at least one problem"),
        ([10, 10], [1, 2], [[1, 2]], r"k must be a scalar or 1-D array"),
    ],
)
@pytest.mark.parametrize("func", [pass_at_k_curve, neg_log_pass_at_k])
def test_curve_shape_errors(func, n, c, k, match):
    with pytest.raises(ValueError, match=match):
        func(n, c, k)


def test_curves_by_model_and_fits():
    counts = pd.DataFrame(
        {
            "model": pd.Categorical(["b", "b", "a", "a"], categories=["b", "a"],
                                    ordered=True),
            "problem": [0, 1, 0, 1],
            "n": [100, 100, 100, 100],
            "c": [1, 3, 0, 2],
        }
    )
    k = np.array([1, 2, 4, 8, 16])
    curves = curves_by_model(counts, k)
    for model in ("a", "b"):
        sub = counts[counts["model"] == model]
        row = curves[curves["model"] == model]
        assert_allclose(row["pass_at_k"], pass_at_k_curve(sub["n"], sub["c"], k),
                        rtol=RTOL)
        assert_allclose(row["y"], -np.log(row["pass_at_k"]), rtol=RTOL)
    table, fits = fit_power_laws_by_model(curves)
    assert set(fits) == {"a", "b"}
    assert list(table["model"]) == ["b", "a"]
    with pytest.raises(ValueError, match=r"missing \['c'\]"):
        curves_by_model(counts.drop(columns="c"), k)


# --------------------------------------------------------------------------
# Power-law fits
# --------------------------------------------------------------------------


def test_fit_recovers_noiseless_power_law():
    k = np.unique(np.round(np.logspace(0, 4, 40)))
    fit = fit_power_law(k, 2.5 * k**-0.37)
    assert isinstance(fit, PowerLawFit)
    assert_allclose([fit.prefactor, fit.exponent], [2.5, 0.37], rtol=1e-12)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)
    assert fit.log_residual_std == pytest.approx(0.0, abs=1e-12)
    assert (fit.k_min, fit.k_max, fit.n_points) == (1.0, 10_000.0, k.size)
    assert_allclose(fit.predict(k), 2.5 * k**-0.37, rtol=1e-12)
    assert_allclose(fit.predict(3.0), 2.5 * 3.0**-0.37, rtol=1e-12)


def test_fit_range_restriction():
    k = np.arange(1.0, 101.0)
    # A power law inside [10, 50]; garbage (even y <= 0) outside it.
    y = np.where((k >= 10) & (k <= 50), 0.8 * k**-1.2, -1.0)
    fit = fit_power_law(k, y, k_min=10, k_max=50)
    assert_allclose([fit.prefactor, fit.exponent], [0.8, 1.2], rtol=1e-12)
    assert (fit.k_min, fit.k_max, fit.n_points) == (10.0, 50.0, 41)
    only_min = fit_power_law(k, np.abs(y) * (k >= 10) + (k < 10), k_min=60)
    assert only_min.k_min == 60.0 and only_min.n_points == 41


def test_fit_noisy_r_squared_below_one():
    rng = np.random.default_rng(0)
    k = np.arange(1.0, 50.0)
    y = k**-0.5 * np.exp(rng.normal(0, 0.1, k.size))
    fit = fit_power_law(k, y)
    assert 0 < fit.r_squared < 1
    assert fit.log_residual_std > 0


def test_fit_drops_unusable_points_and_counts_them():
    k = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    y = 3.0 * k**-0.5
    full = fit_power_law(k, y)
    assert full.n_dropped == 0 and full.n_points == 5
    bad = y.copy()
    bad[[1, 4]] = [0.0, np.nan]
    fit = fit_power_law(k, bad)
    assert fit.n_points == 3 and fit.n_dropped == 2 and fit.k_max == 8.0
    assert fit.exponent == pytest.approx(0.5) and fit.prefactor == pytest.approx(3.0)
    # Points outside the k range are not counted as dropped.
    assert fit_power_law(k, bad, k_max=4.0).n_dropped == 1


@pytest.mark.parametrize(
    ("k", "y", "kwargs", "match"),
    [
        ([1.0], [1.0], {}, r"at least two distinct k.*got 1"),
        ([2.0, 2.0, 2.0], [1.0, 1.0, 1.0], {}, r"at least two distinct k"),
        ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], {"k_min": 2.5}, r"at least two distinct"),
        ([1.0, 2.0, 3.0], [1.0, 0.0, -1.0], {}, r"at least two.*\(2 points with y"),
        ([1.0, 2.0, 3.0], [np.inf, np.nan, 1.0], {}, r"positive, finite y"),
        ([1.0, np.inf, 3.0], [1.0, 1.0, 1.0], {}, r"k must be finite"),
        ([1.0, 2.0, 3.0], [1.0, 1.0], {}, r"1-D arrays of equal length.*\(3,\)"),
        ([[1.0, 2.0]], [[1.0, 1.0]], {}, r"1-D arrays of equal length"),
        ([0.0, 2.0, 3.0], [1.0, 1.0, 1.0], {}, r"k must be > 0"),
        ([-1.0, 2.0, 3.0], [1.0, 1.0, 1.0], {}, r"k must be > 0"),
        ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], {"k_min": 3, "k_max": 2},
         r"k_min must be <= k_max"),
        (["1", "2"], [1.0, 1.0], {}, None),
    ],
)
def test_fit_errors(k, y, kwargs, match):
    if match is None:
        with pytest.raises(TypeError, match=r"k must be real numbers"):
            fit_power_law(k, y, **kwargs)
    else:
        with pytest.raises(ValueError, match=match):
            fit_power_law(k, y, **kwargs)


def test_predict_errors():
    fit = fit_power_law([1.0, 10.0], [1.0, 0.1])
    with pytest.raises(ValueError, match=r"k must be > 0"):
        fit.predict([1.0, 0.0])
    with pytest.raises(ValueError, match=r"k must be finite"):
        fit.predict(np.nan)
    with pytest.raises(TypeError, match=r"k must be real numbers"):
        fit.predict("3")


# --------------------------------------------------------------------------
# Local log slope
# --------------------------------------------------------------------------


@SETTINGS
@given(
    arrays(np.int64, st.integers(2, 30), elements=st.integers(1, 10**6), unique=True),
    st.floats(-3, 3),
    st.floats(1e-3, 1e3),
)
def test_local_log_slope_constant_for_power_law(k, b, a):
    k = np.sort(k).astype(np.float64)
    slope = local_log_slope(k, a * k**-b)
    assert slope.shape == k.shape
    # A linear function of log k is differentiated exactly by np.gradient;
    # only rounding of log(y) remains, divided by log-steps >= 1e-6.
    assert_allclose(slope, b, rtol=1e-6, atol=1e-6)


def test_local_log_slope_docstring():
    k = np.array([1.0, 2.0, 4.0, 8.0])
    assert_allclose(local_log_slope(k, k**-0.3), 0.3, rtol=1e-12)


@pytest.mark.parametrize(
    ("k", "y", "match"),
    [
        ([1.0], [1.0], r"equal length >= 2"),
        ([1.0, 2.0], [1.0, 1.0, 1.0], r"equal length >= 2"),
        ([[1.0, 2.0]], [[1.0, 1.0]], r"equal length >= 2"),
        ([2.0, 1.0], [1.0, 1.0], r"strictly increasing"),
        ([1.0, 1.0], [1.0, 1.0], r"strictly increasing"),
        # increasing, but one ulp apart: equal logs, so no finite slope
        ([1e6, np.nextafter(1e6, 2e6)], [1.0, 1.0], r"with distinct logs"),
        ([0.0, 1.0], [1.0, 1.0], r"k must be positive"),
        ([1.0, 2.0], [1.0, 0.0], r"y must be > 0"),
        ([1.0, 2.0], [1.0, np.nan], r"y must be finite"),
    ],
)
def test_local_log_slope_errors(k, y, match):
    with pytest.raises(ValueError, match=match):
        local_log_slope(k, y)


# --------------------------------------------------------------------------
# Every validation error of the estimators
# --------------------------------------------------------------------------

COUNT_FUNCS = [pass_at_k, log_fail_ratio, naive_pass_at_k]


@pytest.mark.parametrize("func", COUNT_FUNCS)
@pytest.mark.parametrize(
    ("n", "c", "k", "match"),
    [
        (10, 11, 1, r"c must satisfy 0 <= c <= n.*got c=11 > n=10"),
        ([10, 5], [3, 6], 1, r"c=6 > n=5"),
        (-10, 0, 1, r"n must be >= 1; got -10"),
        (0, 0, 1, r"n must be >= 1; got 0"),
        (10, -1, 1, r"c must be >= 0; got -1"),
        (10, 1, -2, r"k must be >= 1; got -2"),
        (10, 1, 0, r"k must be >= 1; got 0"),
        (10.5, 1, 1, r"n must be whole numbers; got 10.5"),
        (10, 1.5, 1, r"c must be whole numbers; got 1.5"),
        (10, 1, 2.5, r"k must be whole numbers; got 2.5"),
        (np.nan, 1, 1, r"n must be finite \(no NaN or inf\); got nan"),
        (10, np.nan, 1, r"c must be finite"),
        (10, 1, np.nan, r"k must be finite"),
        (np.inf, 1, 1, r"n must be finite.*got inf"),
        (10, 1, -np.inf, r"k must be finite.*got -inf"),
        (2.0**60, 1, 1, r"n must be below 2\*\*53"),
        ([10, 10, 10], [1, 2], 1,
         r"shapes do not broadcast together: n \(3,\), c \(2,\)"),
        ([10, 10], [1, 2], [1, 2, 3], r"shapes do not broadcast.*k \(3,\)"),
    ],
)
def test_value_errors(func, n, c, k, match):
    with pytest.raises(ValueError, match=match):
        func(n, c, k)


@pytest.mark.parametrize("func", [pass_at_k, log_fail_ratio])
def test_k_above_n_value_error(func):
    with pytest.raises(ValueError, match=r"k must satisfy 1 <= k <= n.*k=3 > n=2"):
        func([5, 2], [1, 1], 3)


@pytest.mark.parametrize("func", COUNT_FUNCS + [pass_at_k_curve, neg_log_pass_at_k])
@pytest.mark.parametrize(
    ("n", "c", "k", "name"),
    [
        (np.array([True]), [0], 1, "n"),
        ([10], np.array([True]), 1, "c"),
        ([10], [1], True, "k"),
        (["10"], [1], 1, "n"),
        ([10], ["a"], 1, "c"),
        ([10], [1], "1", "k"),
        ([10], [1 + 0j], 1, "c"),
        ([10], [None], 1, "c"),
    ],
)
def test_type_errors(func, n, c, k, name):
    match = rf"{name} must be real numbers \(int or float\)"
    with pytest.raises(TypeError, match=match):
        func(n, c, k)


def test_neg_log_pass_at_k_keeps_relative_accuracy_near_zero():
    # pass_D@k close to 1: y = -log(1 - mean_fail) ~ mean_fail, tiny.
    # Reference: mpmath at 50 digits from exact binomial ratios.
    import mpmath as mp

    mp.mp.dps = 50
    n = np.array([1000, 1000, 1000])
    c = np.array([1000, 500, 3])
    k = np.array([20, 200])
    got = neg_log_pass_at_k(n, c, k)
    for j, kk in enumerate(k):
        fails = [mp.binomial(int(ni - ci), int(kk)) / mp.binomial(int(ni), int(kk))
                 for ni, ci in zip(n, c, strict=True)]
        ref = -mp.log1p(-mp.fsum(fails) / 3)
        np.testing.assert_allclose(got[j], float(ref), rtol=1e-12)


def test_data_power_law_window_from_noise():
    from llmonkeys.estimators import data_power_law_window, pass_at_k

    rng = np.random.default_rng(7)
    p = 0.5 * rng.beta(0.6, 1.0, size=3000)
    n = np.full(p.size, 10_000)
    c = rng.binomial(n, p)
    k = np.unique(np.geomspace(1, 10_000, 40).round().astype(int))
    lo, hi = data_power_law_window(n, c, k, noise=0.05)
    assert lo == hi / 10 and hi in k
    # The relative standard error crosses 5% just above k_hi (delta method).
    grid = pass_at_k(n[:, None], c[:, None], k[None, :])
    m = grid.mean(axis=0)
    rel = grid.std(axis=0, ddof=1) / np.sqrt(p.size) / (m * -np.log(m))
    assert rel[k <= hi].max() <= 0.05
    if hi < k[-1]:
        assert rel[np.searchsorted(k, hi) + 1] > 0.05
    lo2, hi2 = data_power_law_window(n, c, k, noise=0.2, decades=2)
    assert hi2 >= hi and lo2 == hi2 / 100


def test_data_power_law_window_errors():
    from llmonkeys.estimators import data_power_law_window

    with pytest.raises(ValueError, match="equal length"):
        data_power_law_window([10], [1], [1])
    with pytest.raises(ValueError, match="increasing"):
        data_power_law_window([10, 10], [1, 2], [5, 1])
    with pytest.raises(ValueError, match="noise"):
        data_power_law_window([10, 10], [1, 2], [1, 5], noise=0)
    with pytest.raises(ValueError, match="decades"):
        data_power_law_window([10, 10], [1, 2], [1, 5], decades=-1)
    with pytest.raises(ValueError, match="too noisy"):
        data_power_law_window([10, 10], [0, 10], [1, 5], noise=1e-9)
