"""Direct tests of the input-validation helpers of llmonkeys._validation."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from llmonkeys._validation import (
    as_count_array,
    as_float_array,
    as_generator,
    broadcast,
    check_choice,
    check_confidence,
    check_counts,
    check_int,
    check_positive_scalar,
    check_probability_scalar,
)

# --------------------------------------------------------------------------
# as_float_array
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x",
    [3, 2.5, [1, 2, 3], np.arange(4, dtype=np.int32), np.float32([0.5, -1.0]),
     np.array([], dtype=np.float64), np.uint8([7])],
)
def test_as_float_array_happy(x):
    out = as_float_array(x, "x")
    assert out.dtype == np.float64
    assert out.shape == np.shape(x)
    assert_array_equal(out, np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize(
    ("x", "dtype"),
    [
        (True, "bool"),
        (np.array([True, False]), "bool"),
        ("3", "<U1"),
        (["1", "2"], "<U1"),
        ([1 + 2j], "complex128"),
        ([1, None], "object"),
        (np.array([1, 2], dtype=object), "object"),
    ],
)
def test_as_float_array_type_errors(x, dtype):
    with pytest.raises(TypeError, match=rf"arg must be real numbers .*dtype {dtype}"):
        as_float_array(x, "arg")


@pytest.mark.parametrize(
    ("x", "match"),
    [
        ([1.0, np.nan], r"arg must be finite \(no NaN or inf\); got nan$"),
        (np.inf, r"got inf$"),
        ([-np.inf, 1.0], r"got -inf$"),
        ([np.nan, np.inf, np.nan], r"got nan, inf, nan$"),
        ([np.nan] * 5, r"got nan, nan, nan \(and 2 more\)$"),
    ],
)
def test_as_float_array_value_errors(x, match):
    with pytest.raises(ValueError, match=match):
        as_float_array(x, "arg")


# --------------------------------------------------------------------------
# as_count_array
# --------------------------------------------------------------------------


def test_as_count_array_happy():
    out = as_count_array(np.float32([0.0, 3.0, 10_000.0]), "c")
    assert out.dtype == np.int64
    assert_array_equal(out, [0, 3, 10_000])
    assert as_count_array(5, "n", minimum=1).shape == ()
    assert as_count_array(2.0**53, "n").item() == 2**53
    assert as_count_array(-3, "x", minimum=-5).item() == -3
    assert as_count_array([], "k").shape == (0,)


@pytest.mark.parametrize(
    ("x", "minimum", "exc", "match"),
    [
        ([1, 2.5], 0, ValueError, r"c must be whole numbers; got 2.5$"),
        ([0.1, 0.2, 0.3, 0.4], 0, ValueError, r"got 0.1, 0.2, 0.3 \(and 1 more\)"),
        ([1, -1], 0, ValueError, r"c must be >= 0; got -1(\.0)?$"),
        ([0, 1], 1, ValueError, r"c must be >= 1; got 0(\.0)?$"),
        (2.0**54, 0, ValueError, r"c must be below 2\*\*53 in absolute value"),
        (-(2.0**54), -(2**60), ValueError, r"below 2\*\*53"),
        (np.nan, 0, ValueError, r"c must be finite"),
        (np.inf, 0, ValueError, r"c must be finite"),
        (True, 0, TypeError, r"c must be real numbers"),
        ("1", 0, TypeError, r"c must be real numbers"),
    ],
)
def test_as_count_array_errors(x, minimum, exc, match):
    with pytest.raises(exc, match=match):
        as_count_array(x, "c", minimum=minimum)


# --------------------------------------------------------------------------
# broadcast
# --------------------------------------------------------------------------


def test_broadcast_happy():
    a, b, c = broadcast(a=np.zeros((3, 1)), b=np.ones(4), c=np.array(2.0))
    assert a.shape == b.shape == c.shape == (3, 4)
    assert_array_equal(c, 2.0)
    (only,) = broadcast(x=np.arange(3))
    assert_array_equal(only, [0, 1, 2])


def test_broadcast_error_names_every_shape():
    with pytest.raises(
        ValueError,
        match=r"shapes do not broadcast together: a \(3,\), b \(4,\), c \(\); "
        r"use equal shapes",
    ):
        broadcast(a=np.zeros(3), b=np.zeros(4), c=np.array(1.0))


# --------------------------------------------------------------------------
# check_counts
# --------------------------------------------------------------------------


def test_check_counts_happy():
    n, c = check_counts(10, [0, 5, 10])
    assert n.dtype == c.dtype == np.int64
    assert_array_equal(n, [10, 10, 10])
    assert_array_equal(c, [0, 5, 10])
    n, c = check_counts(np.float32([1, 2]), np.float32([1, 0]))
    assert_array_equal(n, [1, 2])


@pytest.mark.parametrize(
    ("n", "c", "match"),
    [
        (10, 11, r"c must satisfy 0 <= c <= n \(successes cannot exceed attempts\); "
                 r"got c=11 > n=10"),
        ([5, 3, 2], [5, 4, 3], r"got c=4 > n=3$"),
        (0, 0, r"n must be >= 1; got 0"),
        (10, -1, r"c must be >= 0; got -1"),
        (10.5, 1, r"n must be whole numbers"),
        ([10, 10], [1, 2, 3], r"shapes do not broadcast together: n \(2,\), c \(3,\)"),
        (np.nan, 1, r"n must be finite"),
    ],
)
def test_check_counts_errors(n, c, match):
    with pytest.raises(ValueError, match=match):
        check_counts(n, c)


def test_check_counts_type_error():
    with pytest.raises(TypeError, match=r"c must be real numbers"):
        check_counts(10, "3")


# --------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------


@pytest.mark.parametrize("x", [1, 0.5, 1e300, np.float32(2.0), np.int64(3)])
def test_check_positive_scalar_happy(x):
    out = check_positive_scalar(x, "alpha")
    assert isinstance(out, float)
    assert out == float(x)


def test_check_positive_scalar_upper():
    assert check_positive_scalar(2.0, "a", upper=2.0) == 2.0
    with pytest.raises(ValueError, match=r"a must be <= 2.0; got 2.5"):
        check_positive_scalar(2.5, "a", upper=2.0)


@pytest.mark.parametrize(
    ("x", "exc", "match"),
    [
        (0, ValueError, r"alpha must be a finite number > 0; got 0$"),
        (-1.5, ValueError, r"got -1.5$"),
        (float("nan"), ValueError, r"got nan$"),
        (float("inf"), ValueError, r"got inf$"),
        (True, TypeError, r"alpha must be a real number; got bool"),
        ("1", TypeError, r"got str"),
        (None, TypeError, r"got NoneType"),
        ([1.0], TypeError, r"got list"),
        (np.array(1.0), TypeError, r"got ndarray"),
        (1 + 0j, TypeError, r"got complex"),
    ],
)
def test_check_positive_scalar_errors(x, exc, match):
    with pytest.raises(exc, match=match):
        check_positive_scalar(x, "alpha")


@pytest.mark.parametrize("x", [1, 1.0, 0.25, 1e-300, np.float64(0.5)])
def test_check_probability_scalar_happy(x):
    assert check_probability_scalar(x, "p") == float(x)


@pytest.mark.parametrize(
    ("x", "exc", "match"),
    [
        (0.0, ValueError, r"p must be a finite number > 0; got 0.0"),
        (-0.1, ValueError, r"p must be a finite number > 0"),
        (1.0000001, ValueError, r"p must be <= 1.0; got 1.0000001"),
        (float("nan"), ValueError, r"p must be a finite number > 0"),
        (False, TypeError, r"p must be a real number; got bool"),
        ("0.5", TypeError, r"p must be a real number; got str"),
    ],
)
def test_check_probability_scalar_errors(x, exc, match):
    with pytest.raises(exc, match=match):
        check_probability_scalar(x, "p")


def test_as_generator():
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(3).integers(100) == np.random.default_rng(3).integers(100)
    for bad in (None, 1.5, True, "3"):
        with pytest.raises(TypeError, match="rng must be"):
            as_generator(bad)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        as_generator(-1)
    with pytest.raises(TypeError, match="seed must be"):
        as_generator("x", "seed")


def test_check_int():
    assert check_int(np.int64(3), "n") == 3
    for bad in (1.5, True, "3", None):
        with pytest.raises(TypeError, match="n must be an integer"):
            check_int(bad, "n")
    with pytest.raises(ValueError, match="n must be >= 2; got 1"):
        check_int(1, "n", minimum=2)


def test_check_confidence():
    assert check_confidence(0.9) == 0.9
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="confidence must be in"):
            check_confidence(bad)
    with pytest.raises(TypeError, match="confidence"):
        check_confidence("0.9")


def test_check_choice():
    assert check_choice("a", "m", ("a", "b")) == "a"
    with pytest.raises(ValueError, match="m must be one of 'a', 'b'; got 'c'"):
        check_choice("c", "m", ("a", "b"))
