"""A Jupytext percent script (``# %%`` cells) given as a manuscript: read as its notebook.

Jupytext, VS Code and Spyder mark a script's cells with ``# %%`` lines:
``# %% [markdown]`` opens a cell of Markdown, each line commented out (``# text``),
any other ``# %%`` a cell of code.  Read as Markdown, each marker would be a heading
"%%" and the Markdown cells headings of their own.  A body whose first line that is
not blank is such a marker is read as the notebook: the Markdown cells' text without
its ``# ``, each code cell a fenced Python code block, line for line; :func:`percent_problems` says so once, at the first marker.  A marker elsewhere
in a manuscript is left out with a warning (it would be a heading "%%"), and no
Obsidian comment (``%%...%%``) is read across it.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import fenced
from .model import Manuscript

MARKER = re.compile(r"^#[ \t]*%%(?:[ \t].*)?$")
MARKDOWN = re.compile(r"\[(?:markdown|md)\]", re.IGNORECASE)


def is_script(text: str) -> bool:
    """Whether ``text`` is a percent script: its first line that is not blank is a marker."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return MARKER.match(first) is not None


def as_notebook(text: str, language: str = "python") -> str:
    """``text`` read as a percent script's notebook, line for line; other text with its
    markers as blank lines."""
    if "%%" not in text:
        return text
    lines = text.split("\n")
    if not is_script(text):
        return "\n".join("" if MARKER.match(line) and not code else line
                         for line, code in zip(lines, fenced(lines), strict=True))
    out: list[str] = []
    cell = ""  # "markdown", "code", or "" before the first marker
    for line in lines:
        if MARKER.match(line):
            if cell == "code":
                _close(out)
            cell = "markdown" if MARKDOWN.search(line) else "code"
            out.append("" if cell == "markdown" else f"```{language}")
        elif cell == "markdown":
            out.append(re.sub(r"^#[ \t]?", "", line) if line.startswith("#") else line)
        else:
            out.append(line)
    if cell == "code":
        _close(out)
    return "\n".join(out)


def _close(out: list[str]) -> None:
    """The closing fence of a code cell on the first blank line that ends it, else added."""
    blanks = 0
    while blanks < len(out) - 1 and not out[-1 - blanks].strip():
        blanks += 1
    if blanks:
        out[len(out) - blanks] = "```"
    else:
        out.append("```")


def percent_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the first cell marker: a script's notebook is read, a stray marker left out."""
    lines = manuscript.body.split("\n")
    if "%%" not in manuscript.body:
        return
    markers = [i for i, (line, code) in enumerate(zip(lines, fenced(lines), strict=True))
               if not code and MARKER.match(line)]
    if not markers:
        return
    where = manuscript.body_line + markers[0]
    if is_script(manuscript.body):
        problems.warn(manuscript.path, where,
                      "the manuscript is a Jupytext percent script ('# %%' cells): it is read "
                      "as its notebook, its code cells shown as code and never run; for a "
                      "manuscript of your own, convert it once with 'jupytext --to md'",
                      code="notebook")
        return
    problems.warn(manuscript.path, where,
                  f"'{lines[markers[0]].strip()}' is a cell marker of a Jupytext percent "
                  "script: it is left out" + ("" if len(markers) == 1 else ", as is the one after"
                                              " it" if len(markers) == 2 else
                                              f", as are the {len(markers) - 1} after it"),
                  code="notebook")
