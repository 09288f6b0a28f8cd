"""Run nbval on every chapter listed in _toc.yml.

Chapters are jupytext MyST files; nbval collects only .ipynb, so each chapter
is converted into a temporary folder (never into the repository) and
``pytest --nbval-lax`` executes them there. A chapter with code that is not
collected, or any cell that raises (check cells included), fails the run.

With ``--cache=DIR`` (CI, ``make test``), each chapter that passes is also
stored with its outputs in the jupyter-cache ``DIR`` that the book build reads
(``scripts/nbval_cache_plugin.py``), so ``make book`` afterwards does not
execute it again: CI executes each chapter once.

Usage: python scripts/nbval_chapters.py [--cache=DIR] [pytest options] [chapter stems]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from book_toc import code_chapters  # noqa: E402


def main(argv: list[str]) -> int:
    only = {a for a in argv if not a.startswith("-")}
    cache = next((a.split("=", 1)[1] for a in argv if a.startswith("--cache=")), "")
    options = [a for a in argv if a.startswith("-") and not a.startswith("--cache=")]
    chapters = [p for p in code_chapters() if not only or p.stem in only]
    if only - {p.stem for p in chapters}:
        print(f"unknown chapters: {sorted(only - {p.stem for p in chapters})}")
        return 2
    with tempfile.TemporaryDirectory(prefix="llmonkeys-nbval-") as tmp:
        notebooks = []
        for md in chapters:
            nb = jupytext.read(md)
            nb.metadata["llmonkeys_source"] = str(md.resolve())
            target = Path(tmp) / f"{md.stem}.ipynb"
            jupytext.write(nb, target)
            notebooks.append(str(target))
        names = ", ".join(p.stem for p in chapters)
        print(f"nbval: {len(notebooks)} chapters: {names}")
        cmd = [
            sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider",
            "--nbval-cell-timeout=900", "-o", "filterwarnings=", "--rootdir", tmp,
            *options, *notebooks,
        ]
        env = dict(os.environ)
        if cache:
            env["LLMONKEYS_NBVAL_CACHE"] = str(Path(cache).resolve())
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(ROOT / "scripts"), env.get("PYTHONPATH", "")) if p
            )
            cmd[3:3] = ["-p", "nbval_cache_plugin"]
        result = subprocess.run(cmd, cwd=tmp, check=False, env=env)
        return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
