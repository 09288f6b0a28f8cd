"""Tidy counts: one row per (model, problem) with columns ``model, n, c``.

The tables of :mod:`llmonkeys.datasets` are tidy counts. These private
helpers validate such a frame, split it by model and give result tables
the model order of the input.
"""

from __future__ import annotations

import pandas as pd
from numpy.typing import NDArray

from llmonkeys._validation import check_counts

__all__ = [
    "check_tidy_counts",
    "groups_by_model",
    "in_model_order",
    "ordered_categories",
]


def check_tidy_counts(counts: object) -> pd.DataFrame:
    """Return ``counts`` if it is a non-empty frame of valid tidy counts.

    Parameters
    ----------
    counts : object
        Candidate frame with columns ``model``, ``n``, ``c``.

    Returns
    -------
    pandas.DataFrame
        ``counts`` itself.

    Raises
    ------
    ValueError
        If it is not a data frame, lacks a column, is empty, or holds
        invalid counts.
    """
    if not isinstance(counts, pd.DataFrame):
        raise ValueError(
            "counts must be a pandas DataFrame with columns 'model', 'n', 'c'; "
            f"got {type(counts).__name__}"
        )
    missing = {"model", "n", "c"} - set(counts.columns)
    if missing:
        raise ValueError(
            f"counts must have columns 'model', 'n', 'c'; missing {sorted(missing)}"
        )
    if counts.empty:
        raise ValueError("counts is empty; need at least one model with problems")
    check_counts(counts["n"].to_numpy(), counts["c"].to_numpy())
    return counts


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
