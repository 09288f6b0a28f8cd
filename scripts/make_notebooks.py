"""Write one executed .ipynb per chapter, with the glued numbers in its prose.

Reads each chapter of _toc.yml that has code, takes its outputs from the
book's execution cache (``make book`` or ``make test`` fill it), renders
every ``{glue}`` role and ``{glue:figure}`` into the Markdown
(``_ext/notebook_export.py``) and writes ``<out>/<chapter>.ipynb``. With
``--student`` the solutions are removed. Fails if a glue role is left, or a
solution in the student edition.

Usage: python scripts/make_notebooks.py [--out DIR] [--student]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "_ext"))
from notebook_export import executed_notebook, reader_notebook  # noqa: E402

from book_toc import code_chapters  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "notebooks")
    parser.add_argument("--student", action="store_true")
    parser.add_argument(
        "--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache"
    )
    args = parser.parse_args(argv)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config.get("repository", {}).get("url", "")
    args.out.mkdir(parents=True, exist_ok=True)
    for md in code_chapters():
        nb = reader_notebook(
            executed_notebook(md, args.cache), student=args.student,
            repository_url=repo, bib=ROOT / "references.bib",
        )
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        text = text.replace(str(ROOT) + "/", "")
        if "{glue" in text or "{cite" in text or "{prf:" in text:
            raise SystemExit(f"{md.name}: a MyST role is left in the notebook")
        if args.student and "solution-start" in text:
            raise SystemExit(f"{md.name}: a solution is left in the student notebook")
        target = args.out / f"{md.stem}.ipynb"
        target.write_text(text)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
