r"""Tables for the page: intervals as text, paired differences.

:func:`markdown_table` writes a table as a Markdown pipe table, so that
a chapter can glue it (``{glue:md}``) inside a numbered ``{table}``
block. :func:`interval_table` formats estimates with their intervals as
``"0.114 [0.093, 0.137]"`` in a pivoted table, the one formatter of the
book's interval tables. :func:`paired_differences` pairs each method's
values with a reference method's on the same units (bootstrap
replicates, subsamples), the first step of every paired comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from llmonkeys._validation import check_int

__all__ = [
    "markdown_table",
    "interval_table",
    "paired_differences",
]


def interval_table(
    summary: pd.DataFrame,
    *,
    value: str,
    low: str = "low",
    high: str = "high",
    index: str = "method",
    columns: str = "budget",
    digits: int = 3,
    reference: Mapping[str, float] | None = None,
    reference_name: str = "reference",
) -> pd.DataFrame:
    """Pivot a summary into a table of ``value [low, high]`` strings.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per cell, e.g. the first output of
        :func:`~llmonkeys.exponents.bootstrap_exponents` (``value=
        "estimate"``, ``index="model"``, ``columns="method"``).
    value, low, high : str
        Columns of the estimate and its interval.
    index, columns : str
        Columns giving the rows and the columns of the table.
    digits : int, default 3
        Decimals shown.
    reference : mapping of str to float, optional
        Row label to a quoted value (e.g. a paper's), shown in an extra
        column; rows without one show an em dash.
    reference_name : str, default "reference"
        Header of that column.

    Returns
    -------
    pandas.DataFrame
        Strings such as ``"0.114 [0.093, 0.137]"``; rows in the order of
        ``index`` (categorical order kept), columns in order of first
        appearance in ``summary``.

    Raises
    ------
    ValueError
        If a column is missing or ``digits`` is negative.

    Examples
    --------
    >>> s = pd.DataFrame({"method": ["a"], "budget": [10], "mean": [0.5],
    ...                   "low": [0.25], "high": [0.75]})
    >>> interval_table(s, value="mean", digits=2).loc["a", 10]
    '0.50 [0.25, 0.75]'
    """
    if not isinstance(summary, pd.DataFrame):
        raise ValueError(f"summary must be a DataFrame; got {type(summary).__name__}")
    missing = {value, low, high, index, columns} - set(summary.columns)
    if missing:
        raise ValueError(f"summary has no columns {sorted(missing)}")
    digits = check_int(digits, "digits", minimum=0)
    fmt = f"{{:.{digits}f}}"
    text = [
        f"{fmt.format(v)} [{fmt.format(lo)}, {fmt.format(hi)}]"
        for v, lo, hi in zip(summary[value], summary[low], summary[high],
                             strict=True)
    ]
    order = list(dict.fromkeys(summary[columns]))
    table = summary.assign(_text=text).pivot(index=index, columns=columns,
                                             values="_text")[order]
    table.columns.name = None
    table.index.name = index
    if reference is not None:
        table[reference_name] = [
            fmt.format(reference[str(r)]) if str(r) in reference else "\u2014"
            for r in table.index
        ]
    return table


def paired_differences(
    frame: pd.DataFrame,
    *,
    value: str,
    reference: str,
    units: Sequence[str],
    method: str = "method",
) -> pd.DataFrame:
    """Difference of each method's value from a reference's, unit by unit.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table: one row per (unit, method), e.g. bootstrap replicates
        (``units=["model", "replicate"]``) or backtest subsamples.
    value : str
        Column compared.
    reference : str
        The method subtracted.
    units : sequence of str
        Columns naming a unit; the methods are paired within a unit.
    method : str, default "method"
        Column naming the method.

    Returns
    -------
    pandas.DataFrame
        Columns ``units``, ``method`` (each method other than the
        reference, in column order of the pivot) and ``difference``
        (``method - reference``; NaN where either is missing), one row
        per unit and method, units in sorted (categorical) order.

    Raises
    ------
    ValueError
        If a column is missing, ``reference`` is not among the methods,
        or a (unit, method) pair occurs twice.

    Examples
    --------
    >>> f = pd.DataFrame({"unit": [0, 0, 1, 1], "method": list("abab"),
    ...                   "v": [1.0, 3.0, 2.0, 2.5]})
    >>> d = paired_differences(f, value="v", reference="a", units=["unit"])
    >>> d["difference"].tolist()
    [2.0, 0.5]
    """
    units = list(units)
    missing = {value, method, *units} - set(frame.columns)
    if missing:
        raise ValueError(f"frame has no columns {sorted(missing)}")
    present = [str(m) for m in dict.fromkeys(frame[method])]
    if reference not in present:
        raise ValueError(
            f"reference {reference!r} is not among the methods {sorted(present)}"
        )
    wide = frame.pivot(index=units, columns=method, values=value)
    parts = []
    for other in [m for m in wide.columns if m != reference]:
        d = (wide[other] - wide[reference]).rename("difference").reset_index()
        d.insert(len(units), method, other)
        parts.append(d)
    return pd.concat(parts, ignore_index=True)


def _cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", r"\|")


def markdown_table(table: object, *, index: bool = True) -> str:
    r"""Write a table as a Markdown pipe table, formatted as pandas shows it.

    Glued with ``glue(key, IPython.display.Markdown(...))`` and pasted by
    ``{glue:md}`` inside a ``{table}`` block, the table is a real table on
    the page: numbered "Table N", cited with ``{numref}``, scrollable on a
    phone. The numbers are those pandas would show (a ``Styler``'s own
    formats, else pandas' column formatting); the data are not changed.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.io.formats.style.Styler
        The table; column levels of a MultiIndex are joined by spaces.
    index : bool, default True
        Write the index as the first column (unless a ``Styler`` hides
        it).

    Returns
    -------
    str
        The pipe table, one line per row, header first.

    Raises
    ------
    TypeError
        If ``table`` is neither a DataFrame nor a Styler.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"b": [0.25, 1.5]},
    ...                                   index=pd.Index(["x", "y"], name="m"))))
    | m | b |
    |---|---|
    | x | 0.25 |
    | y | 1.50 |
    """
    from pandas.io.formats.style import Styler

    if isinstance(table, Styler):
        frame = table.data
        lines = table.to_string(delimiter="\x1f").splitlines()
        rows = [line.split("\x1f") for line in lines[len(lines) - len(frame):]]
        hidden = bool(getattr(table, "hide_index_", [False])[0]) if hasattr(
            table, "hide_index_") else False
        if hidden or not index:
            rows = [row[-frame.shape[1]:] for row in rows]
            has_index = False
        else:
            has_index = True
    elif isinstance(table, pd.DataFrame):
        frame = table
        from pandas.io.formats.format import format_array

        columns = [[s.strip() for s in format_array(frame.iloc[:, j]._values, None)]
                   for j in range(frame.shape[1])]
        rows = [[" ".join(map(str, label)) if isinstance(label, tuple)
                 else str(label) for label in frame.index]] if index else []
        rows = [list(r) for r in zip(*(rows + columns), strict=True)]
        has_index = index
    else:
        raise TypeError(
            f"table must be a pandas DataFrame or Styler; got {type(table).__name__}"
        )
    header = [
        " ".join(str(level) for level in (c if isinstance(c, tuple) else (c,)))
        for c in frame.columns
    ]
    if has_index:
        names = [n for n in frame.index.names if n is not None]
        header = [" ".join(map(str, names))] + header
        width = frame.shape[1]
        rows = [[" ".join(r[: len(r) - width])] + r[len(r) - width:] for r in rows]
    out = ["| " + " | ".join(_cell(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(out)
