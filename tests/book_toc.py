"""Read the book's table of contents (shared by tests and scripts)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[Path]:
    """Return the .md files listed in _toc.yml, root first, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [ROOT / (n if n.endswith(".md") else f"{n}.md") for n in names]


def code_chapters() -> list[Path]:
    """Return the chapters of the toc that hold code cells."""
    return [p for p in toc_files() if "{code-cell}" in p.read_text()]
