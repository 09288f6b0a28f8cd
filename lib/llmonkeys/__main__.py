"""``python -m llmonkeys``: the command line of :mod:`llmonkeys.cli`."""

from llmonkeys.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
