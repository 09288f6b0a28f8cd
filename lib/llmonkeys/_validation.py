"""Input validation shared by the public functions of :mod:`llmonkeys`.

Every public function validates at its boundary with these helpers, so that
bad input raises a :class:`ValueError` (or :class:`TypeError`) that names the
argument, says what was wrong and what is allowed, instead of returning NaN
or a wrong answer.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "check_aligned",
    "check_tidy_frame",
    "as_float_array",
    "as_count_array",
    "check_counts",
    "check_problem_counts",
    "check_positive_scalar",
    "check_probability_scalar",
    "broadcast",
    "check_int",
    "check_confidence",
    "check_choice",
    "check_k_above_n",
    "as_generator",
    "check_n_jobs",
]


def _describe_bad(name: str, values: NDArray, mask: NDArray, what: str) -> str:
    bad = np.asarray(values)[mask]
    shown = ", ".join(repr(v.item()) for v in bad.ravel()[:3])
    more = "" if bad.size <= 3 else f" (and {bad.size - 3} more)"
    return f"{name} must be {what}; got {shown}{more}"


def as_float_array(
    x: ArrayLike, name: str, *, finite: bool = True
) -> NDArray[np.float64]:
    """Convert ``x`` to a (finite) float64 array or raise.

    Parameters
    ----------
    x : array_like
        Real numbers.
    name : str
        Argument name used in error messages.
    finite : bool, default True
        Refuse NaN and infinities; with False they pass (for callers that
        leave such points out and count them).

    Returns
    -------
    numpy.ndarray
        ``x`` as float64.

    Raises
    ------
    TypeError
        If ``x`` is not numeric (strings, objects, complex numbers).
    ValueError
        If ``finite`` and ``x`` contains NaN or infinite values.
    """
    try:
        arr = np.asarray(x)
    except ValueError:  # numpy: "inhomogeneous shape"
        raise ValueError(
            f"{name} must be a rectangular array of numbers; got a ragged "
            "nested sequence (rows of different lengths); pad or split it"
        ) from None
    if arr.dtype.kind == "O":
        _refuse_objects(arr, name)
    # Kinds: signed and unsigned integers, floats (not bool, complex, ...).
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be real numbers (int or float); got dtype {arr.dtype}"
        )
    arr = arr.astype(np.float64)
    if not finite:
        return arr
    ok = np.isfinite(arr)
    if not ok.all():
        raise ValueError(_describe_bad(name, arr, ~ok, "finite (no NaN or inf)"))
    return arr


def _refuse_objects(arr: NDArray, name: str) -> None:
    """Raise a TypeError naming the first entry of an object array."""
    detail = "convert it with numpy.asarray(x, dtype=float)"
    for value in arr.ravel():
        if value is None or value is pd.NA or value is pd.NaT:
            detail = (f"it holds a missing value ({value!r}); drop or fill the "
                      "missing entries first")
            break
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            detail = f"it holds {value!r} of type {type(value).__name__}"
            break
    raise TypeError(
        f"{name} must be real numbers (int or float); got dtype object: "
        f"{detail}"
    )


def check_aligned(**args: object) -> None:
    """Refuse pandas arguments whose indexes differ.

    numpy pairs entries by position. Two pandas objects with different
    indexes (other labels, or the same labels in another order) would
    then be paired silently wrongly, so they are refused; equal indexes,
    numpy arrays, lists and scalars pass.

    Parameters
    ----------
    **args : object
        Arguments by name.

    Raises
    ------
    ValueError
        If two pandas Series or DataFrames have unequal indexes.
    """
    indexed = [(k, v.index) for k, v in args.items()
               if isinstance(v, pd.Series | pd.DataFrame)]
    for (name_a, ia), (name_b, ib) in zip(indexed, indexed[1:], strict=False):
        if ia.equals(ib):
            continue
        if len(ia) == len(ib) and set(ia) == set(ib):
            what = "the same labels in a different order"
        else:
            only = [x for x in ia if x not in set(ib)][:3] or [
                x for x in ib if x not in set(ia)][:3]
            what = f"different labels (e.g. {only})"
        raise ValueError(
            f"{name_a} and {name_b} are pandas objects with {what}; entries "
            "are paired by position, so this would pair the wrong rows. Align "
            f"them first ({name_b} = {name_b}.reindex({name_a}.index)) or pass "
            "numpy arrays"
        )


def check_tidy_frame(
    frame: object,
    name: str,
    columns: tuple[str, ...],
    key: tuple[str, ...],
    *,
    unique: bool = True,
) -> pd.DataFrame:
    """Validate a tidy DataFrame: columns present, keys not missing, unique.

    Parameters
    ----------
    frame : object
        Candidate DataFrame.
    name : str
        Argument name used in error messages.
    columns : tuple of str
        Required columns.
    key : tuple of str
        Columns that identify a row: never missing (NaN, None), and (if
        ``unique``) no two rows share a key.
    unique : bool, default True
        Refuse rows that share a key.

    Returns
    -------
    pandas.DataFrame
        ``frame``, unchanged.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame.
    ValueError
        If a column is missing, a key is missing in some row, or rows
        share a key; the message names the rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame; got {type(frame).__name__}"
        )
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} must have columns {', '.join(map(repr, columns))}; "
            f"missing {missing}"
        )
    for col in key:
        na = frame[col].isna().to_numpy()
        if na.any():
            rows = list(frame.index[na][:5])
            more = "" if na.sum() <= 5 else f" (and {na.sum() - 5} more)"
            raise ValueError(
                f"{name}[{col!r}] is missing (NaN or None) in rows with index "
                f"{rows}{more}; every row needs a {col}: label or drop them"
            )
    dup = frame.duplicated(list(key), keep=False).to_numpy()
    if unique and dup.any():
        keys = frame.loc[dup, list(key)].drop_duplicates()
        shown = [tuple(r) for r in keys.head(3).itertuples(index=False)]
        more = "" if len(keys) <= 3 else f" (and {len(keys) - 3} more)"
        raise ValueError(
            f"{name} has duplicate ({', '.join(key)}) rows: {shown}{more}, "
            f"{int(dup.sum())} rows in all; each must appear once: drop the "
            "duplicates or combine their counts"
        )
    return frame


def as_count_array(x: ArrayLike, name: str, minimum: int = 0) -> NDArray[np.int64]:
    """Convert ``x`` to an int64 array of whole numbers ``>= minimum``.

    Floats are accepted when they hold whole numbers (the upstream data
    stores counts as float32).

    Parameters
    ----------
    x : array_like
        Counts.
    name : str
        Argument name used in error messages.
    minimum : int, default 0
        Smallest allowed value.

    Returns
    -------
    numpy.ndarray
        ``x`` as int64.

    Raises
    ------
    TypeError
        If ``x`` is not numeric.
    ValueError
        If ``x`` holds NaN, infinities, non-integers or values below
        ``minimum``.
    """
    arr = as_float_array(x, name)
    whole = arr == np.round(arr)
    if not whole.all():
        raise ValueError(_describe_bad(name, arr, ~whole, "whole numbers"))
    if np.any(np.abs(arr) > 2.0**53):
        raise ValueError(f"{name} must be below 2**53 in absolute value")
    low = arr < minimum
    if low.any():
        raise ValueError(_describe_bad(name, arr, low, f">= {minimum}"))
    return arr.astype(np.int64)


def broadcast(**arrays: NDArray) -> tuple[NDArray, ...]:
    """Broadcast named arrays, with an error naming their shapes.

    Parameters
    ----------
    **arrays : numpy.ndarray
        Arrays to broadcast, by argument name.

    Returns
    -------
    tuple of numpy.ndarray
        The broadcast arrays, in the order given.

    Raises
    ------
    ValueError
        If the shapes do not broadcast together.
    """
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(
            f"shapes do not broadcast together: {shapes}; use equal shapes, "
            "scalars, or shapes that numpy broadcasting allows"
        ) from None


def check_counts(
    n: ArrayLike, c: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Validate attempt counts ``n`` and success counts ``c``.

    Parameters
    ----------
    n : array_like of int
        Attempts per problem, ``n >= 1``.
    c : array_like of int
        Successes per problem, ``0 <= c <= n``.

    Returns
    -------
    n, c : numpy.ndarray
        Broadcast int64 arrays.

    Raises
    ------
    ValueError
        If a count is negative, not whole, NaN, ``n < 1``, ``c > n``, the
        shapes do not broadcast, or ``n`` and ``c`` are pandas objects
        with different indexes.
    """
    check_aligned(n=n, c=c)
    n_arr = as_count_array(n, "n", minimum=1)
    c_arr = as_count_array(c, "c", minimum=0)
    n_arr, c_arr = broadcast(n=n_arr, c=c_arr)
    over = c_arr > n_arr
    if over.any():
        i = np.flatnonzero(over.ravel())[0]
        raise ValueError(
            "c must satisfy 0 <= c <= n (successes cannot exceed attempts); "
            f"got c={c_arr.ravel()[i]} > n={n_arr.ravel()[i]}"
        )
    return n_arr, c_arr


def check_problem_counts(
    n: ArrayLike, c: ArrayLike
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Validate per-problem counts of a benchmark of at least two problems.

    Parameters
    ----------
    n : array_like of int
        Attempts per problem (a scalar is broadcast against ``c``).
    c : array_like of int
        Successes per problem.

    Returns
    -------
    n, c : numpy.ndarray
        1-D int64 arrays of equal length >= 2.

    Raises
    ------
    ValueError
        On invalid counts (see :func:`check_counts`), or if the counts are
        not 1-D with at least two problems.
    """
    n_arr, c_arr = check_counts(n, c)
    if n_arr.ndim != 1 or n_arr.size < 2:
        raise ValueError(
            "n and c must be 1-D with one entry per problem and at least two "
            f"problems (a scalar n is broadcast); got shape {n_arr.shape}"
        )
    return n_arr, c_arr


def check_positive_scalar(x: object, name: str, *, upper: float | None = None) -> float:
    """Return ``x`` as a float if it is a finite number > 0 (and <= upper).

    Parameters
    ----------
    x : object
        Candidate value.
    name : str
        Argument name used in error messages.
    upper : float, optional
        Inclusive upper bound.

    Returns
    -------
    float
        The validated value.

    Raises
    ------
    TypeError
        If ``x`` is not a real number.
    ValueError
        If ``x`` is not finite, not positive or above ``upper``.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real | np.number):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}")
    value = float(x)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {x!r}")
    if upper is not None and value > upper:
        raise ValueError(f"{name} must be <= {upper}; got {x!r}")
    return value


def check_probability_scalar(x: object, name: str) -> float:
    """Return ``x`` as a float if it lies in (0, 1].

    Parameters
    ----------
    x : object
        Candidate value.
    name : str
        Argument name used in error messages.

    Returns
    -------
    float
        The validated value.

    Raises
    ------
    TypeError
        If ``x`` is not a real number.
    ValueError
        If ``x`` is outside (0, 1].
    """
    return check_positive_scalar(x, name, upper=1.0)


def check_int(x: object, name: str, minimum: int = 1) -> int:
    """Return ``x`` as an int if it is a whole number >= ``minimum``.

    Parameters
    ----------
    x : object
        Candidate value (``bool`` is refused).
    name : str
        Argument name used in error messages.
    minimum : int, default 1
        Smallest allowed value.

    Returns
    -------
    int
        The validated value.

    Raises
    ------
    TypeError
        If ``x`` is not an integer.
    ValueError
        If ``x < minimum``.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}; got {type(x).__name__} {x!r}"
        )
    if int(x) < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {x}")
    return int(x)


def check_confidence(confidence: object) -> float:
    """Return a coverage probability in ``(0, 1)`` as a float.

    Parameters
    ----------
    confidence : object
        Candidate value, e.g. 0.95.

    Returns
    -------
    float
        The validated value.

    Raises
    ------
    TypeError
        If ``confidence`` is not a real number.
    ValueError
        If it is outside ``(0, 1)``.
    """
    if isinstance(confidence, bool) or not isinstance(
        confidence, numbers.Real | np.number
    ):
        raise TypeError(
            f"confidence must be a number in (0, 1); got {confidence!r}"
        )
    value = float(confidence)
    if not 0.0 < value < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    return value


def check_choice(value: object, name: str, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``.

    Parameters
    ----------
    value : object
        Candidate value.
    name : str
        Argument name used in error messages.
    allowed : tuple of str
        The allowed values.

    Returns
    -------
    str
        The validated value.

    Raises
    ------
    ValueError
        If ``value`` is not in ``allowed``.
    """
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}"
        )
    return value


#: Rules for budgets ``k`` above a problem's attempts ``n``.
K_ABOVE_N_RULES: tuple[str, ...] = ("raise", "success-seen")


def check_k_above_n(k_above_n: object) -> str:
    """Return the ``k > n`` rule if it is ``"raise"`` or ``"success-seen"``.

    Parameters
    ----------
    k_above_n : object
        Candidate rule.

    Returns
    -------
    str
        The validated rule.

    Raises
    ------
    ValueError
        If it is another value.
    """
    return check_choice(k_above_n, "k_above_n", K_ABOVE_N_RULES)


def as_generator(rng: object, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a seed or a generator.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        A generator (used as is, advanced in place) or a non-negative
        integer seed. ``None`` is refused: the book seeds everything.
    name : str, default "rng"
        Argument name used in error messages.

    Returns
    -------
    numpy.random.Generator
        The generator.

    Raises
    ------
    TypeError
        If ``rng`` is neither a generator nor an integer.
    ValueError
        If ``rng`` is a negative integer.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if int(rng) < 0:
            label = name if name.endswith("seed") else f"{name} seed"
            raise ValueError(f"{label} must be >= 0; got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator or a non-negative int seed; "
        f"got {rng!r}"
    )


def check_n_jobs(n_jobs: object) -> int:
    """Return ``n_jobs`` if it is a joblib number of jobs (not 0).

    Parameters
    ----------
    n_jobs : object
        Candidate: ``>= 1`` processes, or negative as in joblib.

    Returns
    -------
    int
        The validated value.

    Raises
    ------
    TypeError
        If ``n_jobs`` is not an integer.
    ValueError
        If it is 0.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer):
        raise TypeError(f"n_jobs must be an integer; got {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError("n_jobs must be >= 1, or negative as in joblib; got 0")
    return int(n_jobs)
