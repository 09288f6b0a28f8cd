"""The book's structure: every chapter is in the toc and runs under nbval."""

from __future__ import annotations

import subprocess

import jupytext
import pytest
import yaml

from book_toc import ROOT, code_chapters, toc_files


def test_toc_files_exist():
    missing = [p for p in toc_files() if not p.is_file()]
    assert not missing, f"_toc.yml lists missing files: {missing}"


def test_every_chapter_is_in_toc():
    listed = {p.resolve() for p in toc_files()}
    chapters = {p.resolve() for p in (ROOT / "chapters").glob("*.md")}
    assert chapters - listed == set(), "chapters missing from _toc.yml"


@pytest.mark.parametrize("path", code_chapters(), ids=lambda p: p.stem)
def test_chapter_is_a_jupytext_notebook(path):
    text = path.read_text()
    header = yaml.safe_load(text.split("---")[1])
    assert header["jupytext"]["text_representation"]["format_name"] == "myst"
    assert header["kernelspec"]["name"] == "python3"
    nb = jupytext.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a code chapter must have code cells"
    source = "\n".join(c.source for c in code)
    assert "glue(" in source, "a chapter glues its numbers into the prose"
    assert "assert" in source, "a chapter checks its claims"
    assert "np.random.seed" not in source, "use a seeded Generator"


def test_nbval_runner_collects_every_code_chapter():
    """A chapter with code that nbval would not run is a failing test."""
    from importlib import util

    spec = util.spec_from_file_location("runner", ROOT / "scripts/nbval_chapters.py")
    runner = util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    listed = [p for p in toc_files() if "{code-cell}" in p.read_text()]
    assert runner.code_chapters() == listed


def test_no_notebooks_or_data_tracked():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    bad = [f for f in tracked if f.endswith((".ipynb", ".parquet", ".jsonl"))]
    assert not bad, f"tracked notebooks or upstream data: {bad}"


def test_references_sorted_and_keys_well_formed():
    import re

    keys = re.findall(r"@\w+\{([^,]+),", (ROOT / "references.bib").read_text())
    assert keys == sorted(keys)
    assert all(re.fullmatch(r"[a-z]+\d{4}[a-z]+", k) for k in keys), keys


def test_every_reference_links_to_its_source():
    """Each entry has a DOI, an arXiv identifier or a URL (issue 15, item 10)."""
    import re

    text = (ROOT / "references.bib").read_text()
    entries = re.split(r"\n(?=@)", text.strip())
    missing = [
        re.match(r"@\w+\{([^,]+),", e).group(1)
        for e in entries
        if not re.search(r"^\s*(doi|eprint|url)\s*=", e, re.MULTILINE)
    ]
    assert not missing, f"references without DOI, arXiv or URL: {missing}"


@pytest.mark.parametrize("path", code_chapters(), ids=lambda p: p.stem)
def test_every_glued_figure_has_alt_text(path):
    """A figure's alt text says what it shows (issue 15, item 3)."""
    import re

    blocks = re.findall(r"```\{glue:figure\} (\S+)\n((?::[^\n]*\n)*)", path.read_text())
    missing = [key for key, options in blocks if ":alt:" not in options]
    assert not missing, f"{path.stem}: glued figures without :alt: {missing}"
