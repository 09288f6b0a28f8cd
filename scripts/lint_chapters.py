"""Lint the code of every chapter with ruff, reporting chapter line numbers.

Chapters are jupytext MyST notebooks; ruff reads Python files. The code
cells of each chapter listed in ``_toc.yml`` are written, in order, to a
temporary ``<chapter>.py`` (one ``# %%`` cell marker per cell, cell options
such as ``:tags:`` left out), ruff checks those files with the project's
configuration plus the rules below, and every finding is reported at its
line in ``chapters/<chapter>.md``.

Rules added or dropped for notebooks:

* ``E402`` (imports not at the top) and ``B018`` (a bare expression: the
  last line of a cell is displayed) do not apply to notebooks;
* ``D`` (docstrings) is for the library; a helper of a few lines in a
  chapter sits next to the formula it computes, which is its documentation.

Usage: python scripts/lint_chapters.py [chapter stems]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from book_toc import code_chapters  # noqa: E402

CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", re.S | re.M)
IGNORE = ["E402", "B018", "D"]


def cells_as_script(md: Path) -> tuple[str, list[int]]:
    """Return a chapter's code as a script and, per script line, its md line."""
    text = md.read_text()
    lines: list[str] = []
    origin: list[int] = []
    for match in CELL.finditer(text):
        first = text.count("\n", 0, match.start(1)) + 1
        body = match.group(1).split("\n")
        i = 0
        # Cell options: ":key: value" lines, then one blank line.
        while i < len(body) and body[i].startswith(":"):
            i += 1
        if i and i < len(body) and not body[i].strip():
            i += 1
        lines.append("# %%")
        origin.append(first)
        for j in range(i, len(body)):
            lines.append(body[j])
            origin.append(first + j)
        while lines and not lines[-1].strip():
            lines.pop()
            origin.pop()
        lines.append("")
        origin.append(origin[-1])
    return "\n".join(lines) + "\n", origin


def main(argv: list[str]) -> int:
    only = set(argv)
    chapters = [p for p in code_chapters() if not only or p.stem in only]
    with tempfile.TemporaryDirectory(prefix="llmonkeys-lint-") as tmp:
        origins = {}
        for md in chapters:
            script, origin = cells_as_script(md)
            (Path(tmp) / f"{md.stem}.py").write_text(script)
            origins[md.stem] = (md, origin)
        cmd = [
            str(Path(sys.executable).parent / "ruff"), "check",
            "--config", str(ROOT / "pyproject.toml"),
            "--extend-ignore", ",".join(IGNORE),
            "--output-format", "json", "--no-cache", tmp,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        try:
            findings = json.loads(out.stdout or "[]")
        except json.JSONDecodeError:
            print(out.stdout, out.stderr)
            return 2
    for f in sorted(findings, key=lambda f: (f["filename"], f["location"]["row"])):
        md, origin = origins[Path(f["filename"]).stem]
        row = origin[f["location"]["row"] - 1]
        print(f"{md.relative_to(ROOT)}:{row}:{f['location']['column']}: "
              f"{f['code']} {f['message']}")
    flagged = sorted({Path(f["filename"]).stem for f in findings},
                     key=[p.stem for p in chapters].index)
    summary = f"chapter lint: {len(findings)} findings in {len(chapters)} chapters"
    if flagged:
        summary += f"; in {len(flagged)} of them: {', '.join(flagged)}"
    print(summary)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
