"""Every page of the built book, in a real browser, at a desktop and a phone width.

Opens each HTML page of the site (``_build/html`` unless ``LLMONKEYS_SITE``
names another built site) in headless Chromium (Debian's ``chromium`` and
``chromium-driver``), served from 127.0.0.1, at 1280 and 390 px, and fails
on: a MathJax error or unrendered TeX, an equation, table or image wider than
its column without a visible scroll box, a page wider than the viewport, a
broken image, a JavaScript console error or failed request, a literal
``{glue}`` (or other MyST) role. Builds nothing: run ``make book`` first,
then ``make pagetest``.
"""

from __future__ import annotations

import pytest

from .site import WIDTHS, pages, site_dir

PAGES = pages(site_dir())


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(browser, page, width):
    problems = browser.check(page, width)
    assert not problems, f"{page} at {width} px:\n  " + "\n  ".join(problems)


def test_site_has_pages():
    """The site is built and holds the book's chapters (not an empty run)."""
    assert "index.html" in PAGES
    assert len([p for p in PAGES if p.startswith("chapters/")]) >= 2


def test_mathjax_is_served_by_the_site():
    """MathJax comes from the site itself, so the book reads offline."""
    html = (site_dir() / "chapters" / "index.html").read_text()
    assert "_static/mathjax/tex-mml-chtml.js" in html
    assert "cdn.jsdelivr" not in html
    assert (site_dir() / "_static/mathjax/tex-mml-chtml.js").is_file()


def test_thebe_loaded_at_most_once():
    for page in PAGES:
        html = (site_dir() / page).read_text()
        assert html.count("thebe.js") + html.count("thebe-lite") <= 1, page


def test_no_builder_paths_in_pages():
    """No absolute path of the machine that built the book leaks into a page."""
    root = str(site_dir().resolve().parents[1])
    for page in PAGES:
        assert root not in (site_dir() / page).read_text(), page


def test_exercise_index_lists_every_exercise():
    """The exercise index links each exercise of every chapter in the toc."""
    import re

    from book_toc import code_chapters

    defined = sum(
        len(re.findall(r"^```\{exercise(?:-start)?\}", p.read_text(), re.M))
        for p in code_chapters()
    )
    html = (site_dir() / "chapters" / "exercises.html").read_text()
    linked = re.findall(r'<a class="reference internal" href="[^"]+#[^"]+">'
                        r'<span class="std std-numref">Exercise \d+', html)
    assert defined > 0 and len(linked) == defined


def test_chapters_are_runnable_from_the_page():
    """Each code chapter offers Binder, Colab and an executed .ipynb download
    whose prose shows the glued numbers (no literal glue roles)."""
    import json
    import re

    from book_toc import ROOT, code_chapters

    for md in code_chapters():
        rel = md.relative_to(ROOT).with_suffix("")
        html = (site_dir() / f"{rel}.html").read_text()
        assert html.count('href="https://mybinder.org/') == 1, rel
        assert html.count('href="https://colab.research.google.com/') == 1, rel
        assert re.search(rf'href="[^"]*_sources/{rel}\.ipynb"', html), rel
        nb = json.loads((site_dir() / "_sources" / f"{rel}.ipynb").read_text())
        prose = "".join("".join(c["source"]) for c in nb["cells"]
                        if c["cell_type"] == "markdown")
        outputs = sum(len(c.get("outputs", [])) for c in nb["cells"])
        assert "{glue" not in prose and outputs > 0, rel
