"""Turn the book's executed notebooks into notebooks a reader can run.

The book glues every number into its prose with myst-nb roles such as
``{glue:text}`key:.3f` ``; Jupyter does not know these roles, so a chapter
opened as a notebook would show the role instead of the number. The
functions here rewrite an *executed* notebook (its code outputs hold the
glued values) so that its Markdown shows the values themselves:

- ``{glue}`key` ``, ``{glue:}`key` ``, ``{glue:text}`key:fmt` `` and
  ``{glue:md}`key` `` become the formatted value;
- a ``{glue:figure}`` or ``{glue:}`` directive becomes the glued image,
  attached to the Markdown cell, with its caption;
- ``strip_solutions`` removes every ``solution-start`` ... ``solution-end``
  block (Markdown and code), for the student edition.

Used by the Sphinx extension ``llmonkeys_site`` (downloadable ``.ipynb`` on
every chapter page) and by ``scripts/make_notebooks.py`` (``make notebooks``).
"""

from __future__ import annotations

import base64
import copy
import re
from pathlib import Path
from typing import Any

from myst_nb.core.variables import format_plain_text

GLUE_PREFIX = "application/papermill.record/"

# ``{glue}`key` ``, ``{glue:}`key` ``, ``{glue:text}`key:fmt` ``, ``{glue:md}`key` ``
GLUE_ROLE = re.compile(r"\{glue(?::(?:text|md|any)?)?\}`([^`]+)`")
# ```{glue:figure} key ... ``` (also ``{glue}``, ``{glue:}``, ``{glue:any}``)
GLUE_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{glue(?::(?:figure|any|math|md))?\}[ \t]+(?P<key>\S+)"
    r"[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.MULTILINE)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}[ \t]*\n\1[ \t]*$", re.M)
SOLUTION_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\}.*?^(?P=fence)[ \t]*$\n?", re.M | re.S
)
COLAB_SETUP = (
    "# Colab only: install the book's library (and its pinned dependencies)\n"
    "import sys\n"
    "if 'google.colab' in sys.modules:\n"
    "    %pip install --quiet 'llmonkeys @ git+{repo}'\n"
)


def executed_notebook(source: Path, cache_path: Path) -> dict[str, Any]:
    """Return chapter ``source`` (MyST) with the outputs of its executed run.

    The outputs come from the book's jupyter-cache (filled by ``make book``
    or ``make test``), matched on the code of the chapter as it is now, so a
    stale or missing execution is an error, never an outdated notebook.

    Raises
    ------
    LookupError
        If the cache holds no execution of the chapter's current code.
    """
    import jupytext
    from jupyter_cache import get_cache

    nb = jupytext.read(source)
    try:
        _, merged = get_cache(str(cache_path)).merge_match_into_notebook(nb)
    except KeyError:
        raise LookupError(
            f"{source}: no executed run of its current code in {cache_path}; "
            "run `make book` first"
        ) from None
    return merged


def glued_values(nb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return ``{key: mime bundle}`` of every value glued in ``nb``."""
    values: dict[str, dict[str, Any]] = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if "name" not in meta:
                continue
            prefix = meta.get("mime_prefix", GLUE_PREFIX)
            values[meta["name"]] = {
                k[len(prefix) :]: v
                for k, v in out.get("data", {}).items()
                if k.startswith(prefix)
            }
    return values


def _text(bundle: dict[str, Any], fmt: str) -> str:
    if "text/markdown" in bundle and not fmt:
        return _join(bundle["text/markdown"])
    return format_plain_text(_join(bundle.get("text/plain", "")), fmt)


def _join(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def render_glue(nb: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``nb`` whose Markdown shows its glued values.

    Raises
    ------
    KeyError
        If the Markdown uses a key that no cell of ``nb`` glued.
    """
    nb = copy.deepcopy(nb)
    values = glued_values(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = _join(cell["source"])
        attachments: dict[str, Any] = {}

        def directive(match: re.Match[str], attachments=attachments) -> str:
            key = match["key"]
            bundle = values[key]
            caption = "\n".join(
                line
                for line in match["body"].splitlines()
                if not line.startswith(":")
            ).strip()
            for mime, ext in (("image/png", "png"), ("image/svg+xml", "svg")):
                if mime in bundle:
                    name = f"{key}.{ext}"
                    data = bundle[mime]
                    if ext == "svg" and not isinstance(data, str):
                        data = base64.b64encode(_join(data).encode()).decode()
                    attachments[name] = {mime: _join(data)}
                    alt = caption.replace("\n", " ").replace("[", "(").replace("]", ")")
                    text = f"![{alt}](attachment:{name})"
                    return f"{text}\n\n*{caption}*" if caption else text
            if "text/html" in bundle:
                html = _join(bundle["text/html"])
                return f"{html}\n\n*{caption}*" if caption else html
            return _text(bundle, "")

        source = GLUE_DIRECTIVE.sub(directive, source)

        def role(match: re.Match[str]) -> str:
            key, _, fmt = match[1].partition(":")
            return _text(values[key], fmt)

        source = GLUE_ROLE.sub(role, source)
        cell["source"] = source
        if attachments:
            cell["attachments"] = {**cell.get("attachments", {}), **attachments}
    return nb


# MyST roles other than glue, read as plain Markdown in a notebook.
ROLE = re.compile(r"\{(cite:p|cite:t|ref|eq|numref|prf:ref|doc)\}`([^`]+)`")
# A MyST directive fence: ```{name} argument, options, body, ```
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,})\{(?P<name>[a-z:-]+)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
HEADINGS = {
    "exercise": "Exercise", "exercise-start": "Exercise",
    "solution": "Solution", "solution-start": "Solution",
    "prf:definition": "Definition", "prf:theorem": "Theorem",
    "prf:proposition": "Proposition", "prf:corollary": "Corollary",
    "prf:lemma": "Lemma", "prf:remark": "Remark", "prf:proof": "Proof",
}


def citation_labels(bib: Path) -> dict[str, tuple[str, str]]:
    """Return ``{key: (authors, year)}`` for the entries of a BibTeX file."""
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(bib)).entries.items():
        names = [" ".join(p.last_names) for p in entry.persons.get("author", [])]
        who = f"{names[0]} et al." if len(names) > 2 else " and ".join(names)
        who = who.replace("{", "").replace("}", "")
        labels[key] = (who or key, entry.fields.get("year", "n.d."))
    return labels


def render_myst(nb: dict[str, Any], bib: Path) -> dict[str, Any]:
    """Return a copy of ``nb`` whose Markdown reads without MyST.

    Citations become "Author et al. (2024)" or "(Author et al., 2024)";
    cross-references become their label or text; directives such as
    ``{prf:theorem}`` become a bold heading followed by their body.
    """
    nb = copy.deepcopy(nb)
    labels = citation_labels(bib)

    def role(match: re.Match[str]) -> str:
        kind, text = match[1], match[2]
        if kind.startswith("cite"):
            refs = [labels.get(k.strip(), (k.strip(), "")) for k in text.split(",")]
            if kind == "cite:t":
                return "; ".join(f"{who} ({year})" for who, year in refs)
            return "(" + "; ".join(f"{who}, {year}" for who, year in refs) + ")"
        title = re.match(r"(.*?)\s*<([^>]+)>$", text)
        if title:
            return title[1]
        return f"({text})" if kind == "eq" else text

    def directive(match: re.Match[str]) -> str:
        name, arg = match["name"], match["arg"].strip()
        lines = match["body"].splitlines()
        while lines and lines[0].startswith(":"):
            lines.pop(0)
        body = "\n".join(lines).strip()
        if name.endswith("-end"):
            return ""
        if name == "math":
            return f"$$\n{body}\n$$"
        heading = HEADINGS.get(name, name.split(":")[-1].capitalize())
        if name.startswith("solution"):
            arg = ""  # the label of the exercise it solves
        heading = f"**{heading}{' (' + arg + ')' if arg else ''}.**"
        return f"{heading} {body}" if body else heading

    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = DIRECTIVE.sub(directive, _join(cell["source"]))
            # MyST's labelled display maths "$$ ... $$ (label)" as a tag.
            source = re.sub(r"\n\$\$ *\(([^)\n]+)\)", r"\n\\tag{\1}\n$$", source)
            cell["source"] = ROLE.sub(role, source).strip()
    return nb


def strip_solutions(nb: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``nb`` without its solutions (student edition).

    Removes every ``{solution-start}`` ... ``{solution-end}`` block, the code
    cells inside it included, and every one-piece ``{solution}`` block.
    """
    nb = copy.deepcopy(nb)
    cells = []
    inside = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            if not inside:
                cells.append(cell)
            continue
        text = _join(cell["source"])
        kept = []
        pos = 0
        while pos <= len(text):
            if inside:
                end = SOLUTION_END.search(text, pos)
                if end is None:
                    pos = len(text) + 1
                    break
                inside = False
                pos = end.end()
            else:
                start = SOLUTION_START.search(text, pos)
                if start is None:
                    kept.append(text[pos:])
                    break
                kept.append(text[pos : start.start()])
                inside = True
                pos = start.end()
        text = SOLUTION_BLOCK.sub("", "".join(kept)).strip()
        if text:
            cell["source"] = text
            cells.append(cell)
    nb["cells"] = cells
    return nb


def add_colab_setup(nb: dict[str, Any], repository_url: str) -> dict[str, Any]:
    """Return a copy of ``nb`` that installs ``llmonkeys`` first on Colab."""
    nb = copy.deepcopy(nb)
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "colab-setup",
        "metadata": {"tags": ["remove-cell"]},
        "outputs": [],
        "source": COLAB_SETUP.format(repo=repository_url),
    }
    nb["cells"].insert(0, cell)
    return nb


def reader_notebook(
    nb: dict[str, Any],
    *,
    student: bool = False,
    repository_url: str = "",
    bib: Path | None = None,
) -> dict[str, Any]:
    """Return the notebook a reader downloads: glue rendered, optional edits."""
    out = render_glue(nb)
    if student:
        out = strip_solutions(out)
    if bib is not None:
        out = render_myst(out, bib)
    if repository_url:
        out = add_colab_setup(out, repository_url)
    return out
