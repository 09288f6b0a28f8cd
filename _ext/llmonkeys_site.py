"""Sphinx extension for the book's site: editions, offline maths, notebooks.

- **Student edition.** With ``LLMONKEYS_EDITION=student`` in the environment
  (``make student``), every solution (``{solution}`` and the
  ``{solution-start}`` ... ``{solution-end}`` form, code cells included) is
  removed from the page. sphinx-exercise's own ``hide_solutions: true``
  crashes on the start/end form (``unknown node type: solution_end_node``),
  so this transform runs just before sphinx-exercise merges the gated nodes.
  The solutions' code still executes in every build, so they stay correct.
- **Offline MathJax.** MathJax 3 comes from the PyPI package
  ``django-static-mathjax`` (pinned in requirements.txt); its ``es5`` folder is
  copied into ``_static/mathjax`` and ``mathjax_path`` points there, so the
  built HTML reads without a network.
- **Notebooks a reader can run.** The ``.ipynb`` that the theme offers for
  download on each chapter page is rewritten so that its prose shows the
  glued numbers (see ``notebook_export``; solutions stripped in the student
  edition); a Colab button opens that notebook from the published site's
  branch (``llmonkeys_pages_branch``), since Colab cannot open a MyST ``.md``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "tests"))  # book_toc
from notebook_export import executed_notebook, reader_notebook  # noqa: E402

LOGGER = logging.getLogger(__name__)
EDITION_ENV = "LLMONKEYS_EDITION"
EDITIONS = ("full", "student")


def edition() -> str:
    """Return the edition named by ``LLMONKEYS_EDITION`` (default ``full``)."""
    value = os.environ.get(EDITION_ENV, "full").strip() or "full"
    if value not in EDITIONS:
        raise ValueError(f"{EDITION_ENV}={value!r}; allowed: {', '.join(EDITIONS)}")
    return value


class RemoveSolutions(SphinxTransform):
    """Remove every solution from the doctree (student edition only)."""

    # sphinx-exercise checks the gated structure at priority 1 and merges
    # solution-start/-end at 10; removing them in between avoids both crashes
    # and orphaned content.
    default_priority = 5

    def apply(self, **kwargs: Any) -> None:
        """Remove the solutions when building the student edition."""
        if self.config.llmonkeys_edition != "student":
            return
        from sphinx_exercise.nodes import (
            solution_end_node,
            solution_node,
            solution_start_node,
        )

        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)
        for start in list(self.document.findall(solution_start_node)):
            parent = start.parent
            index = parent.index(start)
            doomed = [start]
            for sibling in parent.children[index + 1 :]:
                doomed.append(sibling)
                if isinstance(sibling, solution_end_node):
                    break
            else:
                raise ValueError(
                    f"{self.env.docname}: solution-start "
                    f"{start.get('label', '')!r} has no solution-end"
                )
            for node in doomed:
                parent.remove(node)
        registry = getattr(self.env, "sphinx_exercise_gated_registry", {})
        registry.pop(self.env.docname, None)


def caption_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each figure without alt text its caption as alt text.

    Without it the HTML alt text is the image's file path. A caption
    describes what a figure shows, so it is a fair default until each
    figure gets alt text of its own.
    """
    for figure in doctree.findall(nodes.figure):
        captions = list(figure.findall(nodes.caption))
        if not captions:
            continue
        text = " ".join(captions[0].astext().split())
        for image in figure.findall(nodes.image):
            if not image.get("alt"):
                image["alt"] = text


EXERCISE = re.compile(
    r"^(`{3,}|:{3,})\{exercise(?:-start)?\}[ \t]*(?P<title>[^\n]*)\n"
    r"(?:[ \t]*:[a-z-]+:[^\n]*\n)*?[ \t]*:label:[ \t]*(?P<label>\S+)",
    re.MULTILINE,
)
EXERCISE_INDEX = "<!-- exercise-index -->"


def exercise_index(app: Sphinx, docname: str, source: list[str]) -> None:
    """Fill the exercise index page: every exercise of the book, linked.

    The page holds the marker ``<!-- exercise-index -->``; each chapter's
    exercises (label and title, read from its source) replace it, as
    ``{numref}`` links, so the numbers are the book's own. The page is
    rebuilt whenever a chapter changes.
    """
    if EXERCISE_INDEX not in source[0]:
        return
    from book_toc import toc_files  # tests/book_toc.py: the one toc reader

    srcdir = Path(app.srcdir)
    lines = []
    for path in toc_files():
        doc = path.relative_to(srcdir).with_suffix("").as_posix()
        if doc == docname or not path.is_file():
            continue
        app.env.note_dependency(str(path))
        found = EXERCISE.findall(path.read_text())
        if not found:
            continue
        lines.append(f"\n## {{doc}}`/{doc}`\n")
        for _, title, label in found:
            link = f"{{numref}}`Exercise %s <{label}>`"
            lines.append(f"- {link}" + (f": {title.strip()}" if title.strip() else ""))
    source[0] = source[0].replace(EXERCISE_INDEX, "\n".join(lines) + "\n")


def mathjax_dir() -> Path:
    """Return the folder of the pinned MathJax 3 ``es5`` build."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "MathJax is not installed: `pip install -r requirements.txt` "
            "brings it (PyPI package django-static-mathjax)"
        )
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static/mathjax/es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise RuntimeError(f"no MathJax es5 build in {es5}")
    return es5


def config_inited(app: Sphinx, config: Any) -> None:
    """Point MathJax at the local copy; share one execution cache."""
    config.llmonkeys_edition = edition()
    mathjax_dir()  # fail early, with the fix, when it is missing
    config.mathjax_path = "mathjax/tex-mml-chtml.js"
    if not config.nb_execution_cache_path:
        # One cache for every edition and builder (html, student, singlehtml),
        # so that a chapter is executed once whatever is built.
        cache = Path(app.srcdir) / "_build" / ".jupyter_cache"
        config.nb_execution_cache_path = str(cache)


def singlehtml_visitors(app: Sphinx) -> None:
    """Let the singlehtml builder (``make pdf``) render every HTML node.

    sphinx-proof registers its nodes for the html builder only; singlehtml
    writes the same HTML, so it reuses those visitors.
    """
    handlers = app.registry.translation_handlers
    for node, pair in list(handlers.get("html", {}).items()):
        handlers.setdefault("singlehtml", {}).setdefault(node, pair)


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy MathJax into the built site's ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if not (target / "tex-mml-chtml.js").is_file():
        shutil.copytree(mathjax_dir(), target, dirs_exist_ok=True)


def add_colab_button(app: Sphinx, pagename: str, templatename: str,
                     context: dict[str, Any], doctree: Any) -> None:
    """Add a Colab link to the launch menu of every notebook page."""
    if not context.get("ipynb_source"):
        return
    repo = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    branch = app.config.llmonkeys_pages_branch
    if not repo.startswith("https://github.com/") or not branch:
        return
    org_repo = repo.removeprefix("https://github.com/")
    url = (
        "https://colab.research.google.com/github/"
        f"{org_repo}/blob/{branch}/_sources/{context['ipynb_source']}"
    )
    for button in context.get("header_buttons", []):
        if button.get("label") == "launch-buttons" and not any(
            b.get("text") == "Colab" for b in button["buttons"]
        ):
            button["buttons"].append(
                {
                    "type": "link",
                    "text": "Colab",
                    "tooltip": "Open the executed notebook in Colab",
                    "icon": "_static/images/logo_colab.png",
                    "url": url,
                }
            )


def tidy_page(app: Sphinx, pagename: str, templatename: str,
               context: dict[str, Any], doctree: Any) -> None:
    """Load no Thebe: the book offers Binder and Colab instead.

    Jupyter Book always loads sphinx-thebe, which adds its configuration
    script twice (a JavaScript error on every page) and fetches Thebe from a
    CDN; with no live-code button nothing uses it.
    """
    def keep(asset: Any) -> bool:
        name = str(getattr(asset, "filename", asset) or "")
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        return "thebe" not in name and "THEBE_JS_URL" not in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if keep(a)]
    # sphinx-book-theme leaves pydata's default colour mode empty, which
    # pydata-sphinx-theme reports as a console error on a first visit.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    # A rendered traceback names files by the builder's absolute path.
    if "body" in context:
        context["body"] = context["body"].replace(str(Path(app.srcdir)) + "/", "")


def rewrite_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Render the glued values into every downloadable ``.ipynb``."""
    if exception is not None or app.builder.format != "html":
        return
    repo = app.config.html_theme_options.get("repository_url", "")
    student = app.config.llmonkeys_edition == "student"
    cache = Path(app.config.nb_execution_cache_path)
    sources = Path(app.outdir) / "_sources"
    for path in sorted(sources.rglob("*.ipynb")):
        # myst-nb writes the notebook it read, without outputs, for the
        # theme to copy here: take the outputs from the execution cache.
        source = Path(app.srcdir) / path.relative_to(sources).with_suffix(".md")
        nb = executed_notebook(source, cache)
        out = reader_notebook(
            nb, student=student, repository_url=repo,
            bib=Path(app.srcdir) / "references.bib",
        )
        out.setdefault("metadata", {})["llmonkeys"] = {
            "reader_notebook": True,
            "edition": app.config.llmonkeys_edition,
        }
        text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
        path.write_text(text.replace(str(Path(app.srcdir)) + "/", ""))


def author_year_style() -> None:
    """Register the pybtex style ``authoryear``: labels read "Akaike, 1974".

    The text cites author-year (``bibtex_reference_style: author_year``); the
    bibliography's labels match it instead of numbering [1]-[14]. Entries
    are sorted by author, year and title, and show their DOI, arXiv
    identifier or URL as links (pybtex's ``unsrt`` formatting).
    """
    from pybtex.plugin import find_plugin, register_plugin
    from pybtex.style.formatting.unsrt import Style as Unsrt
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor")
                names = [" ".join(p.last_names) for p in people or []]
                if len(names) > 2:
                    who = f"{names[0]} et al."
                else:
                    who = " and ".join(names) or entry.key
                who = who.replace("{", "").replace("}", "")
                yield f"{who}, {entry.fields.get('year', 'n.d.')}"

    class AuthorYear(Unsrt):
        default_label_style = "authoryear"
        default_sorting_style = "author_year_title"

    try:
        find_plugin("pybtex.style.formatting", "authoryear")
    except Exception:  # noqa: BLE001 - pybtex raises its own PluginNotFound
        register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
        register_plugin("pybtex.style.formatting", "authoryear", AuthorYear)


def round_author_year_citations() -> None:
    """Register ``author_year_round``: "(Efron, 1979)" and "Efron (1979)".

    sphinxcontrib-bibtex's ``author_year`` style uses square brackets; the
    book's prose reads with round ones, as author-year citations usually do.
    """
    import dataclasses

    import sphinxcontrib.bibtex.plugin as bibtex_plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import (
        AuthorYearReferenceStyle,
    )

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")")

    @dataclasses.dataclass
    class RoundAuthorYear(AuthorYearReferenceStyle):
        bracket_parenthetical: BracketStyle = dataclasses.field(
            default_factory=round_brackets
        )
        bracket_textual: BracketStyle = dataclasses.field(
            default_factory=round_brackets
        )
        bracket_author: BracketStyle = dataclasses.field(
            default_factory=round_brackets
        )
        bracket_label: BracketStyle = dataclasses.field(
            default_factory=round_brackets
        )
        bracket_year: BracketStyle = dataclasses.field(
            default_factory=round_brackets
        )

    group = "sphinxcontrib.bibtex.style.referencing"
    try:
        bibtex_plugin.find_plugin(group, "author_year_round")
    except ImportError:
        bibtex_plugin.register_plugin(group, "author_year_round", RoundAuthorYear)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension."""
    author_year_style()
    round_author_year_citations()
    app.add_config_value("llmonkeys_edition", "full", "env", [str])
    app.add_config_value("llmonkeys_pages_branch", "gh-pages", "html", [str])
    app.add_transform(RemoveSolutions)
    app.connect("config-inited", config_inited, priority=400)
    app.connect("builder-inited", singlehtml_visitors, priority=400)
    app.connect("doctree-resolved", caption_alt_text)
    app.connect("source-read", exercise_index)
    app.connect("html-page-context", add_colab_button, priority=510)
    app.connect("html-page-context", tidy_page, priority=900)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", rewrite_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
