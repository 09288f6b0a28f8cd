"""Record every chapter's glued values and compare two records.

A restructure of the library must leave every number the book prints
unchanged. This script executes each chapter of ``_toc.yml`` (converted
to a temporary notebook, never into the repository), collects the
outputs of ``myst_nb.glue`` (their ``text/plain`` and ``text/html``
forms; figures by a hash of their PNG) and writes them as JSON. Two
records are compared key by key.

Usage::

    # record this checkout's glue and compare it with scripts/glue_baseline.json
    # (the glue of commit 1c79a7d, before the library was restructured)
    python scripts/compare_glue.py check [stems]
    # record the glue of a checkout (its lib/ first on the path)
    python scripts/compare_glue.py record OUT.json [--root DIR] [stems]
    # compare two records; exit status 1 when a value differs
    python scripts/compare_glue.py diff BEFORE.json AFTER.json

To record the baseline of another commit, export it
(``git archive <commit> | tar -x -C /tmp/base``) and pass
``--root /tmp/base``: its ``lib`` then comes first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scripts" / "glue_baseline.json"
PREFIX = "application/papermill.record/"
#: Keys of wall-clock timings (they vary from run to run and machine to
#: machine): reported, not counted as differences.
VOLATILE = re.compile(r"(_ms|_seconds|seconds_|_speedup|speedup_)")
#: The random table id pandas' ``Styler`` writes into its HTML
#: (``<table id="T_06bb2">``, ``#T_06bb2_row0_col1``): new on every run.
STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}(?![0-9a-f])")


def normalised(record: dict[str, str]) -> dict[str, str]:
    """Return a glued value with the Styler table ids of its HTML blanked.

    >>> normalised({"text/html": '<table id="T_06bb2"><td id="T_06bb2_row0">'})
    {'text/html': '<table id="T_"><td id="T__row0">'}
    """
    if "text/html" not in record:
        return record
    return {**record, "text/html": STYLER_ID.sub("T_", record["text/html"])}


def chapters(root: Path) -> list[Path]:
    """Return the chapters with code listed in ``root/_toc.yml``."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    stems: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                stems.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    paths = [root / f"{s}.md" for s in stems]
    return [p for p in paths if p.exists() and "{code-cell}" in p.read_text()]


def glued(nb: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """Return ``{key: {mime: value}}`` for every glue output of ``nb``."""
    out: dict[str, dict[str, str]] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            data = {
                mime.removeprefix(PREFIX): value
                for mime, value in output.get("data", {}).items()
            }
            record: dict[str, str] = {}
            for mime in ("text/plain", "text/html", "text/latex"):
                if mime in data:
                    record[mime] = data[mime]
            if "image/png" in data:
                png = data["image/png"].encode()
                record["image/png"] = hashlib.sha256(png).hexdigest()[:16]
                record.pop("text/plain", None)  # "<Figure size ...>"
            out[scrap["name"]] = record
    return out


def record(root: Path, stems: set[str], target: Path) -> list[str]:
    """Execute the chapters of ``root``, write their glue; return failures."""
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root / "lib"), env_path) if p
    )
    result: dict[str, dict[str, dict[str, str]]] = {}
    failed: list[str] = []
    if target.exists():
        result = json.loads(target.read_text())
    for md in chapters(root):
        if stems and md.stem not in stems:
            continue
        start = time.time()
        nb = jupytext.read(md)
        with tempfile.TemporaryDirectory(prefix="llmonkeys-glue-") as tmp:
            client = NotebookClient(
                nb, timeout=1800, kernel_name="python3",
                resources={"metadata": {"path": tmp}},
            )
            try:
                client.execute()
            except CellExecutionError as err:
                failed.append(md.stem)
                print(f"{md.stem}: FAILED\n{str(err)[:2000]}", flush=True)
                continue
        result[md.stem] = glued(nb)
        target.write_text(json.dumps(result, indent=1, sort_keys=True))
        print(f"{md.stem}: {len(result[md.stem])} glued values "
              f"({time.time() - start:.0f} s)", flush=True)
    return failed


def diff(before: Path, after: Path) -> int:
    """Print the differences between two records; return their count."""
    a = json.loads(before.read_text())
    b = json.loads(after.read_text())
    changes = 0
    total = 0
    for chapter in sorted(set(a) ^ set(b)):
        print(f"{chapter}: recorded in {'before' if chapter in a else 'after'} only")
        changes += 1
    for chapter in sorted(set(a) & set(b)):
        ka = {key: normalised(value) for key, value in a[chapter].items()}
        kb = {key: normalised(value) for key, value in b[chapter].items()}
        for key in sorted(set(ka) | set(kb)):
            total += 1
            if key not in kb:
                print(f"{chapter}/{key}: removed")
            elif key not in ka:
                print(f"{chapter}/{key}: added")
            elif ka[key] != kb[key] and VOLATILE.search(f"_{key}_"):
                print(f"{chapter}/{key}: a timing, {ka[key].get('text/plain')} -> "
                      f"{kb[key].get('text/plain')} (not counted)")
                continue
            elif ka[key] != kb[key]:
                for mime in sorted(set(ka[key]) | set(kb[key])):
                    va, vb = ka[key].get(mime), kb[key].get(mime)
                    if va != vb:
                        print(f"{chapter}/{key} [{mime}]:\n  before: "
                              f"{str(va)[:300]!r}\n  after:  {str(vb)[:300]!r}")
            else:
                continue
            changes += 1
    print(f"{total} glued values in {len(set(a) & set(b))} chapters recorded "
          f"in both; {changes} differences")
    return changes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="execute chapters, write their glue")
    rec.add_argument("output", type=Path)
    rec.add_argument("--root", type=Path, default=ROOT)
    rec.add_argument("stems", nargs="*")
    chk = sub.add_parser("check", help="record this checkout, diff with baseline")
    chk.add_argument("--baseline", type=Path, default=BASELINE)
    chk.add_argument("stems", nargs="*")
    dif = sub.add_parser("diff", help="compare two records")
    dif.add_argument("before", type=Path)
    dif.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        failed = record(args.root.resolve(), set(args.stems), args.output)
        return 1 if failed else 0
    if args.command == "check":
        with tempfile.TemporaryDirectory(prefix="llmonkeys-glue-") as tmp:
            after = Path(tmp) / "glue.json"
            failed = record(ROOT, set(args.stems), after)
            before = json.loads(args.baseline.read_text())
            if args.stems:
                before = {k: v for k, v in before.items() if k in args.stems}
            only = Path(tmp) / "baseline.json"
            only.write_text(json.dumps(before))
            return 1 if failed or diff(only, after) else 0
    return 1 if diff(args.before, args.after) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
