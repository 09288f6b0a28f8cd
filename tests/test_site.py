"""The book's site extension and notebook export (``_ext/``).

- the student edition removes every solution (start/end form included, with
  its code) where sphinx-exercise's ``hide_solutions`` crashes;
- the reader notebook shows glued values in its prose and, in the student
  edition, no solution.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book_toc import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
from notebook_export import render_glue, render_myst, strip_solutions  # noqa: E402

PAGE = """\
# Tiny

```{exercise-start}
:label: tiny-ex1
```
Compute the answer to everything.
```{exercise-end}
```

```{solution-start} tiny-ex1
:class: dropdown
```
The SECRET-ANSWER is 42.

```python
print("SECRET-CODE")
```
```{solution-end}
```

```{exercise} Second
:label: tiny-ex2
Say hello.
```

```{solution} tiny-ex2
SECRET-SHORT hello.
```

After the exercises.
"""

CONF = f"""\
import sys
sys.path.insert(0, {str(ROOT / "_ext")!r})
extensions = ["myst_nb", "sphinx_exercise", "llmonkeys_site"]
myst_enable_extensions = ["colon_fence"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
"""


def build(tmp_path: Path, edition: str) -> str:
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.md").write_text(PAGE)
    env = {**os.environ, "LLMONKEYS_EDITION": edition}
    out = tmp_path / "_build" / edition
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html",
         str(tmp_path), str(out)],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    return (out / "index.html").read_text()


def test_student_edition_removes_every_solution(tmp_path):
    html = build(tmp_path, "student")
    assert "Compute the answer" in html and "Say hello" in html
    assert "After the exercises" in html
    for secret in ("SECRET-ANSWER", "SECRET-CODE", "SECRET-SHORT"):
        assert secret not in html


def test_full_edition_keeps_solutions(tmp_path):
    html = build(tmp_path, "full")
    for secret in ("SECRET-ANSWER", "SECRET-CODE", "SECRET-SHORT"):
        assert secret in html


def test_unknown_edition_is_an_error(monkeypatch):
    from llmonkeys_site import edition

    monkeypatch.setenv("LLMONKEYS_EDITION", "teacher")
    with pytest.raises(ValueError, match="allowed: full, student"):
        edition()


def glued(key: str, value: str, fig: str | None = None):
    data = {"application/papermill.record/text/plain": value}
    if fig:
        data["application/papermill.record/image/png"] = fig
    return nbformat.v4.new_output(
        "display_data", data=data,
        metadata={"scrapbook": {"name": key,
                                "mime_prefix": "application/papermill.record/"}},
    )


def notebook():
    code = nbformat.v4.new_code_cell("glue(...)")
    code.outputs = [glued("rate", "0.123456"), glued("n", "'7'"),
                    glued("fig_a", "'<Figure>'", fig="iVBORw0KGgo=")]
    return nbformat.v4.new_notebook(cells=[
        code,
        nbformat.v4.new_markdown_cell(
            "A rate of {glue:text}`rate:.2f` over {glue:}`n` models, "
            "{glue}`n` again.\n\n```{glue:figure} fig_a\n:name: fig-a\n\n"
            "The caption.\n```\n"),
        nbformat.v4.new_markdown_cell(
            "Before.\n\n```{solution-start} ex1\n:class: dropdown\n```\n\nHidden."),
        nbformat.v4.new_code_cell("secret = 1"),
        nbformat.v4.new_markdown_cell(
            "Still hidden.\n```{solution-end}\n```\n\nAfter."),
    ])


def test_render_glue_puts_values_in_prose():
    out = render_glue(notebook())
    text = out.cells[1].source
    assert "A rate of 0.12 over 7 models, 7 again." in text
    assert "{glue" not in text
    assert "![The caption.](attachment:fig_a.png)" in text
    assert out.cells[1].attachments["fig_a.png"] == {"image/png": "iVBORw0KGgo="}


def test_render_glue_unknown_key_is_an_error():
    nb = notebook()
    nb.cells[1].source = "{glue:text}`missing`"
    with pytest.raises(KeyError, match="missing"):
        render_glue(nb)


def test_strip_solutions_removes_prose_and_code():
    out = strip_solutions(notebook())
    sources = [c.source for c in out.cells]
    assert "Before." in sources and "After." in sources
    assert not any("hidden" in s.lower() or "secret" in s for s in sources)
    assert len(out.cells) == 4


def test_render_myst_reads_as_plain_markdown():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "As {cite:t}`efron1979bootstrap` showed {cite:p}`akaike1974new`, see "
        "{eq}`eq-x` and {ref}`the chapter <ch-puzzle>`.\n\n"
        "```{prf:theorem} Big\n:label: thm-big\n\nIt holds.\n```\n\n"
        "$$\nx = 1\n$$ (eq-x)\n")])
    text = render_myst(nb, ROOT / "references.bib").cells[0].source
    assert "Efron (1979) showed (Akaike, 1974), see (eq-x) and the chapter." in text
    assert "**Theorem (Big).** It holds." in text
    assert "\\tag{eq-x}" in text
    assert "{" + "cite" not in text and "```" not in text
