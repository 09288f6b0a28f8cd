"""Tidy counts: one row per (model, problem) with columns ``model, n, c``.

The tables of :mod:`llmonkeys.datasets` are tidy counts. These private
helpers validate such a frame, split it by model and give result tables
the model order of the input; :func:`sorted_attempts` validates a
per-attempt frame (``problem, attempt, success``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pandas.api.typing import DataFrameGroupBy

from llmonkeys._validation import check_counts, check_tidy_frame

__all__ = [
    "check_tidy_counts",
    "groups_by_model",
    "in_model_order",
    "ordered_categories",
    "sorted_attempts",
]


def sorted_attempts(attempts: pd.DataFrame) -> tuple[pd.DataFrame, DataFrameGroupBy]:
    """Validate a per-attempt frame; return it sorted and grouped by problem.

    Parameters
    ----------
    attempts : pandas.DataFrame
        One row per attempt: ``problem``, ``attempt`` (0-based index) and
        ``success``.

    Returns
    -------
    frame : pandas.DataFrame
        ``attempts`` sorted by problem and attempt (stable).
    groups : pandas.core.groupby.DataFrameGroupBy
        ``frame`` grouped by problem, problems sorted.

    Raises
    ------
    ValueError
        If a column is missing, or a problem's attempts are not numbered
        ``0, 1, ..., n - 1``.
    """
    missing = {"problem", "attempt", "success"} - set(attempts.columns)
    if missing:
        raise ValueError(
            "attempts must have columns 'problem', 'attempt', 'success'; "
            f"missing {sorted(missing)}"
        )
    frame = attempts.sort_values(["problem", "attempt"], kind="stable")
    groups = frame.groupby("problem", sort=True)
    if not np.array_equal(frame["attempt"].to_numpy(), groups.cumcount().to_numpy()):
        raise ValueError(
            "each problem's attempts must be numbered 0, 1, ..., n - 1 "
            "without gaps or duplicates"
        )
    return frame, groups


def check_tidy_counts(
    counts: object, *, require_problem: bool = False
) -> pd.DataFrame:
    """Return ``counts`` if it is a non-empty frame of valid tidy counts.

    Parameters
    ----------
    counts : object
        Candidate frame with columns ``model``, ``n``, ``c`` and, when
        ``require_problem`` (or when present), ``problem``.
    require_problem : bool, default False
        Require a ``problem`` column.

    Returns
    -------
    pandas.DataFrame
        ``counts`` itself.

    Raises
    ------
    TypeError
        If it is not a data frame.
    ValueError
        If it lacks a column, is empty, a row's ``model`` (or ``problem``)
        is missing, two rows share a (model, problem), or a model's counts
        are invalid (the message names the model).
    """
    has_problem = require_problem or (
        isinstance(counts, pd.DataFrame) and "problem" in counts.columns)
    columns = ("model", "problem", "n", "c") if has_problem else ("model", "n", "c")
    key = ("model", "problem") if has_problem else ("model",)
    frame = check_tidy_frame(counts, "counts", columns, key=key,
                             unique=has_problem)
    if frame.empty:
        raise ValueError("counts is empty; need at least one model with problems")
    for model, sub in frame.groupby("model", observed=True, sort=True):
        try:
            check_counts(sub["n"].to_numpy(), sub["c"].to_numpy())
        except (ValueError, TypeError) as err:
            raise type(err)(f"model {model!r}: {err}") from None
    return frame


def groups_by_model(
    counts: pd.DataFrame, *, minimum: int = 2
) -> list[tuple[str, NDArray, NDArray]]:
    """Return ``(model, n, c)`` per model, in model order, sorted by problem.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts; rows are sorted by ``problem`` within a model when
        that column exists, so that models sharing problems line up.
    minimum : int, default 2
        Fewest problems a model may have.

    Returns
    -------
    list of tuple
        ``(model, n, c)`` with ``n``, ``c`` int64 arrays.

    Raises
    ------
    ValueError
        If a model has fewer than ``minimum`` problems.
    """
    out = []
    for model, sub in counts.groupby("model", observed=True, sort=True):
        if "problem" in sub.columns:
            sub = sub.sort_values("problem", kind="stable")
        n, c = check_counts(sub["n"].to_numpy(), sub["c"].to_numpy())
        if n.size < minimum:
            raise ValueError(
                f"model {model!r} has {n.size} problem(s); at least {minimum} "
                "are needed to fit a law of success probabilities"
            )
        out.append((str(model), n, c))
    return out


def in_model_order(frame: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame['model']`` the categorical dtype of ``counts`` if any.

    Parameters
    ----------
    frame : pandas.DataFrame
        A result table with a ``model`` column (changed in place).
    counts : pandas.DataFrame
        The tidy counts it was computed from.

    Returns
    -------
    pandas.DataFrame
        ``frame``.
    """
    if isinstance(counts["model"].dtype, pd.CategoricalDtype):
        frame["model"] = frame["model"].astype(counts["model"].dtype)
    return frame


def ordered_categories(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Make ``columns`` ordered categoricals, in order of first appearance.

    Parameters
    ----------
    frame : pandas.DataFrame
        A result table (changed in place).
    *columns : str
        Columns to convert; categorical columns are left as they are.

    Returns
    -------
    pandas.DataFrame
        ``frame``.
    """
    for col in columns:
        if not isinstance(frame[col].dtype, pd.CategoricalDtype):
            cats = list(dict.fromkeys(frame[col].astype(str)))
            frame[col] = pd.Categorical(frame[col].astype(str), categories=cats,
                                        ordered=True)
    return frame
