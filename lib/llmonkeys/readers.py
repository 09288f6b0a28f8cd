r"""Read a researcher's evaluation results: per-problem counts or attempts.

Two layouts are read, with column names given when they differ:

*Counts* (:func:`read_counts`)
    A tidy table, CSV or Parquet, one row per problem (per model): a
    problem id, ``n`` attempts and ``c`` successes, optionally a model.
*Attempts* (:func:`read_attempts`)
    One record per attempt, JSONL or CSV, with a problem id and a
    pass/fail field, e.g. the ``*_results.jsonl`` file that human-eval
    writes (fields ``task_id`` and ``passed``). Records are
    taken in the order sampled (file order, or an attempt-index column),
    so the first success of every problem is known (see
    :func:`counts_from_attempts`).

Nothing is guessed silently. A file that cannot be read as asked raises
:class:`ResultsFileError`, whose message names the file, the line (or
row) and column, and what was expected: missing columns, non-integer or
negative counts, ``c > n``, a problem listed twice (which is also what a
file mixing several models without a model column looks like), an empty
file, invalid JSON, a pass/fail value that is neither true nor false.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COUNT_SUFFIXES",
    "ATTEMPT_SUFFIXES",
    "ResultsFileError",
    "Columns",
    "read_counts",
    "read_attempts",
    "read_results",
    "counts_from_attempts",
    "write_attempts",
]

#: File suffixes read as per-problem counts (CSV is read as either).
COUNT_SUFFIXES: tuple[str, ...] = (".csv", ".parquet", ".pq")
#: File suffixes read as per-attempt records.
ATTEMPT_SUFFIXES: tuple[str, ...] = (".jsonl", ".csv")

_TRUE = frozenset(["true", "1", "1.0"])
_FALSE = frozenset(["false", "0", "0.0"])


class ResultsFileError(ValueError):
    """A results file that cannot be read as asked.

    The message reads ``FILE: WHERE: WHAT WAS EXPECTED``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    where : str
        Line, row or column (``""`` for the whole file).
    message : str
        What was wrong and what was expected.
    """

    def __init__(self, path: str | Path, where: str, message: str) -> None:
        self.path = str(path)
        self.where = where
        self.message = message
        place = f"{self.path}: {where}" if where else self.path
        super().__init__(f"{place}: {message}")


@dataclass(frozen=True)
class Columns:
    """Names of the columns (or JSON fields) of a results file.

    Attributes
    ----------
    problem : str or None
        Problem id. ``None``: ``"problem"`` for counts, ``"task_id"``
        for attempts (human-eval's name).
    n, c : str
        Attempts and successes (counts only).
    passed : str
        Pass/fail of one attempt (attempts only): true/false or 1/0.
    model : str or None
        Model name. ``None``: the column ``"model"`` if the file has
        one, else the file holds one model, named after the file.
    attempt : str or None
        Index of each attempt in the order sampled (attempts only).
        ``None``: the order of the records in the file.
    """

    problem: str | None = None
    n: str = "n"
    c: str = "c"
    passed: str = "passed"
    model: str | None = None
    attempt: str | None = None


def _csv_line(index: int) -> str:
    # The header is line 1, so data row i (0-based) is on line i + 2.
    return f"line {index + 2}"


def _parquet_row(index: int) -> str:
    return f"row {index + 1}"


def _locator(kind: str) -> Callable[[int], str]:
    return _csv_line if kind == "csv" else _parquet_row


def _read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV (every value as text) or a Parquet file."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path), "parquet"
        except (OSError, ValueError) as err:
            raise ResultsFileError(
                path, "", f"not a readable Parquet file ({err})"
            ) from None
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ResultsFileError(
            path, "", "empty file: expected a header line and one row per "
            "problem (or attempt)"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ResultsFileError(path, "", f"not a readable CSV file ({err})") from None
    return table, "csv"


def _check_exists(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise ResultsFileError(p, "", "no such file")
    return p


def _require(path: Path, table: pd.DataFrame, names: dict[str, str]) -> None:
    missing = [f"{col!r} ({what})" for what, col in names.items()
               if col not in table.columns]
    if missing:
        found = ", ".join(map(repr, map(str, table.columns))) or "none"
        raise ResultsFileError(
            path, "header", f"missing column {', '.join(missing)}; the file has "
            f"columns {found}. Name the right ones with the column options "
            "(--problem-column, --n-column, --c-column, --pass-column, "
            "--model-column)"
        )


def _model_column(path: Path, table: pd.DataFrame, model: str | None) -> pd.Series:
    if model is None:
        if "model" in table.columns:
            return table["model"].astype(str)
        return pd.Series(path.stem, index=table.index, dtype=object)
    _require(path, table, {"model": model})
    return table[model].astype(str)


def _whole_numbers(
    path: Path,
    where: Callable[[int], str],
    values: pd.Series,
    column: str,
    minimum: int,
) -> np.ndarray:
    """Parse a column of counts: whole numbers ``>= minimum``, located errors."""
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(num) | (num != np.round(num)) | (num < minimum)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ResultsFileError(
            path, f"{where(i)}, column {column!r}",
            f"expected a whole number >= {minimum}; got {values.iloc[i]!r}"
        )
    return num.astype(np.int64)


def _check_duplicates(
    path: Path,
    where: Callable[[int], str],
    keys: pd.DataFrame,
    what: str,
    explicit_model: bool,
) -> None:
    dup = keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    first = int(np.flatnonzero(dup)[0])
    row = keys.iloc[first]
    same = np.flatnonzero(dup & (keys == row).all(axis=1).to_numpy())
    lines = " and ".join(where(int(i)) for i in same[:2])
    hint = ("" if explicit_model else
            "; if the file holds several models, name its model column "
            "(--model-column)")
    raise ResultsFileError(
        path, lines, f"{what} {', '.join(map(str, row.tolist()))!s} appears "
        f"more than once: one {what.split(' ')[0]} per model expected{hint}"
    )


def read_counts(path: str | Path, columns: Columns | None = None) -> pd.DataFrame:
    r"""Read per-problem counts from a CSV or Parquet file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv``, ``.parquet`` or ``.pq`` file with one row per problem
        (and model).
    columns : Columns, optional
        Column names; by default ``problem``, ``n``, ``c`` and, if
        present, ``model``.

    Returns
    -------
    pandas.DataFrame
        Columns ``model`` (str), ``problem`` (str), ``n`` and ``c``
        (int64), in file order.

    Raises
    ------
    ResultsFileError
        If the file is missing, empty or unreadable, a column is missing,
        a count is not a whole number (``n >= 1``, ``c >= 0``),
        ``c > n``, or a problem appears twice for one model.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "counts.csv"
    >>> _ = path.write_text("problem,n,c\nq1,10,3\nq2,10,0\n")
    >>> read_counts(path)[["problem", "n", "c"]].to_numpy().tolist()
    [['q1', 10, 3], ['q2', 10, 0]]
    """
    cols = columns or Columns()
    p = _check_exists(path)
    table, kind = _read_table(p)
    problem = cols.problem or "problem"
    _require(p, table, {"problem id": problem, "attempts": cols.n,
                        "successes": cols.c})
    if table.empty:
        raise ResultsFileError(p, "", "empty file: no rows after the header")
    where = _locator(kind)
    n = _whole_numbers(p, where, table[cols.n], cols.n, 1)
    c = _whole_numbers(p, where, table[cols.c], cols.c, 0)
    over = np.flatnonzero(c > n)
    if over.size:
        i = int(over[0])
        raise ResultsFileError(
            p, where(i), f"{cols.c} = {c[i]} > {cols.n} = {n[i]}: "
            "successes cannot exceed attempts"
        )
    out = pd.DataFrame({"model": _model_column(p, table, cols.model).to_numpy(),
                        "problem": table[problem].astype(str).to_numpy(),
                        "n": n, "c": c})
    _check_duplicates(p, where, out[["model", "problem"]], "problem",
                      cols.model is not None or "model" in table.columns)
    return out


def _parse_jsonl(path: Path) -> tuple[list[dict], list[int]]:
    """Parse JSON lines into objects and their 1-based line numbers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbers = [i for i, line in enumerate(lines) if line.strip()]
    if not numbers:
        raise ResultsFileError(
            path, "", "empty file: expected one JSON object per line, one line "
            "per attempt"
        )
    try:  # fast path: one parse of the whole file
        records = json.loads("[" + ",".join(lines[i] for i in numbers) + "]")
    except json.JSONDecodeError:
        records = None
    if records is None or not all(isinstance(r, dict) for r in records):
        for i in numbers:  # slow path, to say where
            try:
                record = json.loads(lines[i])
            except json.JSONDecodeError as err:
                raise ResultsFileError(
                    path, f"line {i + 1}, column {err.colno}",
                    f"not valid JSON ({err.msg}); expected one JSON object "
                    "per line"
                ) from None
            if not isinstance(record, dict):
                raise ResultsFileError(
                    path, f"line {i + 1}",
                    f"expected a JSON object; got {type(record).__name__}"
                )
    return records, [i + 1 for i in numbers]


def _fields(
    path: Path, records: list[dict], lines: list[int], fields: list[str]
) -> pd.DataFrame:
    """Return the wanted fields of every record; a missing one names its line."""
    try:
        return pd.DataFrame({f: pd.Series([r[f] for r in records], dtype=object)
                             for f in fields})
    except KeyError:
        pass
    for record, line in zip(records, lines, strict=True):
        for f in fields:
            if f not in record:
                have = ", ".join(map(repr, record)) or "none"
                raise ResultsFileError(
                    path, f"line {line}", f"no field {f!r} (the line has "
                    f"{have}); name the right one with the column options "
                    "(--problem-column, --pass-column, --model-column)"
                )
    raise AssertionError("unreachable")  # pragma: no cover


def _pass_values(
    path: Path, where: Callable[[int], str], values: pd.Series, field: str
) -> np.ndarray:
    """Pass/fail values as bool: true/false or 1/0, errors located."""
    raw = values.tolist()
    if all(type(v) is bool for v in raw):
        return np.asarray(raw, dtype=bool)
    out = np.empty(len(raw), dtype=bool)
    for i, v in enumerate(raw):
        text = str(v).strip().lower()
        if text in _TRUE:
            out[i] = True
        elif text in _FALSE:
            out[i] = False
        else:
            raise ResultsFileError(
                path, f"{where(i)}, field {field!r}",
                f"expected true/false (or 1/0); got {v!r}"
            )
    return out


def read_attempts(path: str | Path, columns: Columns | None = None) -> pd.DataFrame:
    r"""Read per-attempt records from a JSONL or CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.jsonl`` file (one JSON object per line) or a ``.csv`` file,
        one record per attempt, in the order sampled unless
        ``columns.attempt`` names an attempt index.
    columns : Columns, optional
        Field names; by default ``task_id`` and ``passed`` (human-eval's
        ``*_results.jsonl``) and ``model`` if a record has one (then every
        record must).

    Returns
    -------
    pandas.DataFrame
        One row per attempt: ``model``, ``problem`` (str), ``attempt``
        (0-based index in the order sampled, per model and problem) and
        ``success`` (bool), sorted by model, problem and attempt.

    Raises
    ------
    ResultsFileError
        If the file is missing or empty, a line is not a JSON object, a
        field is missing, a pass/fail value is not true/false or 1/0, or
        an attempt index is repeated or not a whole number.

    Notes
    -----
    Without a model field, the attempts of several models on the same
    problems look like more attempts of one model; only an attempt index
    (repeated for the same problem) shows the mix. Name the model field
    when a file holds several models.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "samples_results.jsonl"
    >>> _ = path.write_text('{"task_id": "t/0", "passed": false}\n'
    ...                     '{"task_id": "t/0", "passed": true}\n')
    >>> read_attempts(path)[["attempt", "success"]].to_numpy().tolist()
    [[0, False], [1, True]]
    """
    cols = columns or Columns()
    p = _check_exists(path)
    problem = cols.problem or "task_id"
    suffix = p.suffix.lower()
    wanted = {"problem id": problem, "pass/fail": cols.passed}
    if cols.attempt is not None:
        wanted["attempt index"] = cols.attempt
    if suffix == ".jsonl":
        records, lines = _parse_jsonl(p)
        table = _fields(p, records, lines, list(dict.fromkeys(wanted.values())))
        model_field = cols.model
        if model_field is None and any("model" in r for r in records):
            model_field = "model"  # then every line must have one
        if model_field is None:
            model = pd.Series(p.stem, index=table.index, dtype=object)
        else:
            model = _fields(p, records, lines, [model_field])[model_field].astype(str)

        def where(i: int) -> str:
            return f"line {lines[i]}"
    elif suffix == ".csv":
        table, kind = _read_table(p)
        _require(p, table, wanted)
        if table.empty:
            raise ResultsFileError(p, "", "empty file: no rows after the header")
        model = _model_column(p, table, cols.model)
        where = _csv_line
    else:
        raise ResultsFileError(
            p, "", f"unknown file type {suffix!r}: attempts are read from "
            ".jsonl or .csv"
        )
    success = _pass_values(p, where, table[cols.passed], cols.passed)
    out = pd.DataFrame({"model": model.to_numpy(),
                        "problem": table[problem].astype(str).to_numpy(),
                        "success": success})
    if cols.attempt is None:
        out["attempt"] = out.groupby(["model", "problem"], sort=False).cumcount()
    else:
        out["attempt"] = _whole_numbers(p, where, table[cols.attempt],
                                        cols.attempt, 0)
        _check_duplicates(p, where, out[["model", "problem", "attempt"]],
                          "attempt (model, problem, index)", cols.model is not None)
    out = out.sort_values(["model", "problem", "attempt"], kind="stable",
                          ignore_index=True)
    return out[["model", "problem", "attempt", "success"]]


def counts_from_attempts(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per-problem counts and first-success times from attempt records.

    Parameters
    ----------
    attempts : pandas.DataFrame
        As returned by :func:`read_attempts`: ``model``, ``problem``,
        ``attempt`` (0-based, in the order sampled) and ``success``.

    Returns
    -------
    pandas.DataFrame
        One row per (model, problem): ``model``, ``problem``, ``n``,
        ``c`` and ``first_success`` (1-based index of the first success
        in the order sampled, 0 if none).

    Raises
    ------
    ValueError
        If a column is missing or a problem's attempt indices are not
        ``0, 1, ..., n - 1``.

    Examples
    --------
    >>> df = pd.DataFrame({"model": "m", "problem": ["a", "a", "b"],
    ...                    "attempt": [0, 1, 0],
    ...                    "success": [False, True, False]})
    >>> counts_from_attempts(df)[["n", "c", "first_success"]].to_numpy().tolist()
    [[2, 1, 2], [1, 0, 0]]
    """
    missing = {"model", "problem", "attempt", "success"} - set(attempts.columns)
    if missing:
        raise ValueError(f"attempts lack columns {sorted(missing)}")
    df = attempts.sort_values(["model", "problem", "attempt"], kind="stable")
    g = df.groupby(["model", "problem"], sort=True, observed=True)
    if not np.array_equal(df["attempt"].to_numpy(), g.cumcount().to_numpy()):
        bad = df.loc[df["attempt"].to_numpy() != g.cumcount().to_numpy()].iloc[0]
        raise ValueError(
            f"attempt indices of model {bad['model']!r}, problem "
            f"{bad['problem']!r} are not 0, 1, ..., n - 1 (gap at {bad['attempt']})"
        )
    success = df["success"].to_numpy(dtype=bool)
    rank = np.where(success, df["attempt"].to_numpy() + 1, 0)
    first = pd.Series(np.where(success, rank, np.iinfo(np.int64).max),
                      index=df.index).groupby([df["model"], df["problem"]]).min()
    out = pd.DataFrame({"n": g.size(), "c": g["success"].sum().astype(np.int64)})
    out["first_success"] = first.where(first < np.iinfo(np.int64).max, 0)
    return out.reset_index().astype({"n": np.int64, "first_success": np.int64})


def read_results(
    path: str | Path,
    columns: Columns | None = None,
    *,
    layout: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """Read counts or attempts, by file type and header, and say which.

    Parameters
    ----------
    path : str or pathlib.Path
        A results file.
    columns : Columns, optional
        Column names (see :class:`Columns`).
    layout : {"counts", "attempts"}, optional
        How to read the file. By default ``.jsonl`` is attempts,
        ``.parquet``/``.pq`` is counts, and a ``.csv`` is counts if its
        header has the ``n`` and ``c`` columns, attempts if it has the
        pass/fail column (an error if it has both or neither).

    Returns
    -------
    counts : pandas.DataFrame
        One row per (model, problem): ``model``, ``problem``, ``n``,
        ``c``, and ``first_success`` for attempts (absent for counts).
    layout : str
        ``"counts"`` or ``"attempts"``: how the file was read.

    Raises
    ------
    ResultsFileError
        As :func:`read_counts` and :func:`read_attempts`, or if the layout
        cannot be told from the file.
    ValueError
        If ``layout`` is not ``"counts"``, ``"attempts"`` or ``None``.
    """
    cols = columns or Columns()
    p = _check_exists(path)
    if layout not in (None, "counts", "attempts"):
        raise ValueError(f"layout must be 'counts' or 'attempts'; got {layout!r}")
    suffix = p.suffix.lower()
    if layout is None:
        if suffix == ".jsonl":
            layout = "attempts"
        elif suffix in (".parquet", ".pq"):
            layout = "counts"
        elif suffix == ".csv":
            header, _ = _read_table_header(p)
            has_counts = {cols.n, cols.c} <= set(header)
            has_pass = cols.passed in header
            if has_counts == has_pass:
                raise ResultsFileError(
                    p, "header", "cannot tell counts from attempts: expected "
                    f"columns {cols.n!r} and {cols.c!r} (counts) or "
                    f"{cols.passed!r} (attempts), not "
                    f"{'both' if has_pass else 'neither'}; found "
                    f"{', '.join(map(repr, header)) or 'no columns'}"
                )
            layout = "counts" if has_counts else "attempts"
        else:
            raise ResultsFileError(
                p, "", f"unknown file type {suffix!r}: expected .csv, .parquet, "
                ".pq (counts) or .jsonl, .csv (attempts)"
            )
    if layout == "counts":
        return read_counts(p, cols), layout
    return counts_from_attempts(read_attempts(p, cols)), layout


def _read_table_header(path: Path) -> tuple[list[str], str]:
    try:
        header = pd.read_csv(path, nrows=0, dtype=str).columns
    except pd.errors.EmptyDataError:
        raise ResultsFileError(
            path, "", "empty file: expected a header line and one row per "
            "problem (or attempt)"
        ) from None
    return [str(h) for h in header], "csv"


def write_attempts(
    counts: pd.DataFrame,
    path: str | Path,
    rng: np.random.Generator,
    *,
    problem_prefix: str = "",
) -> Path:
    """Write counts as per-attempt JSONL, in a random order of attempts.

    Each problem's ``c`` successes are placed at random among its ``n``
    attempts (a uniform random order, which is what independent
    attempts with a common success probability give), one line per
    attempt: ``{"task_id": ..., "passed": ...}`` and ``"model"`` if
    ``counts`` has that column; human-eval's ``*_results.jsonl`` layout.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``problem``, ``n``, ``c`` and optionally ``model``.
    path : str or pathlib.Path
        File to write (``.jsonl``).
    rng : numpy.random.Generator
        Generator of the order of the attempts.
    problem_prefix : str, default ""
        Prepended to every problem id (e.g. ``"MATH/"``).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> df = pd.DataFrame({"problem": [7], "n": [3], "c": [1]})
    >>> out = write_attempts(df, Path(tempfile.mkdtemp()) / "a.jsonl",
    ...                      np.random.default_rng(0))
    >>> read_attempts(out)["success"].sum()
    np.int64(1)
    """
    out = Path(path)
    models = counts["model"].astype(str).tolist() if "model" in counts else None
    with out.open("w", encoding="utf-8") as handle:
        for i, (problem, n, c) in enumerate(
                zip(counts["problem"], counts["n"], counts["c"], strict=True)):
            passed = np.zeros(int(n), dtype=bool)
            passed[:int(c)] = True
            rng.shuffle(passed)
            head = "{" + (f'"model": {json.dumps(models[i])}, ' if models else "")
            task = json.dumps(problem_prefix + str(problem))
            head += f'"task_id": {task}, "passed": '
            handle.write("".join(f"{head}{'true' if x else 'false'}}}\n"
                                 for x in passed))
    return out
