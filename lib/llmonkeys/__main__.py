"""Command line of :mod:`llmonkeys`: ``python -m llmonkeys fetch``."""

from __future__ import annotations

import sys

from llmonkeys.datasets import DataFileError, cache_dir, fetch_all


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments; ``["fetch"]`` fetches and verifies every data file.

    Returns
    -------
    int
        Exit status: 0 on success, 1 on a data error, 2 on bad usage.
    """
    args = sys.argv[1:] if argv is None else argv
    if args != ["fetch"]:
        print("usage: python -m llmonkeys fetch", file=sys.stderr)
        return 2
    try:
        paths = fetch_all()
    except DataFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(paths)} data files verified in {cache_dir()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
