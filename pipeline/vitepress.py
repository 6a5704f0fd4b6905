"""VitePress's and VuePress's imports of other files, and their page variables, read before pandoc.

- A code import (VitePress's ``<<< @/snippets/dose.js{2} [dose.js]``, VuePress's
  ``@[code](./dose.js)`` and ``@[code js{1-3}](...)``) shows a file of the site as code;
  a handout includes no file so: the line is left out with a warning at it saying to
  paste the code in a fenced block.
- A Markdown include (``<!--@include: ./parts/dosing.md-->``) is an HTML comment to
  pandoc, so its text would be lost without a word: a warning at its line says to write
  ``{{< include file.md >}}``.
- ``{{ $frontmatter.title }}`` is the front matter's value, read as Quarto's
  ``{{< meta title >}}`` is.

Every cut keeps its line break, so every other line keeps its number; fenced code keeps
these marks as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import fenced
from .model import Manuscript

CODE_IMPORT = re.compile(r"^ {0,3}(?:<<<[ \t]+\S.*|@\[code(?:[ \t][^\]\n]*)?\]\([^)\n]+\)[ \t]*)$")
INCLUDE = re.compile(r"<!--[ \t]*@include:[ \t]*([^\n]*?)[ \t]*-->")
FRONTMATTER = re.compile(r"\{\{[ \t]*\$frontmatter\.([A-Za-z_][\w-]*)[ \t]*\}\}")
MARKS = ("<<<", "@[code", "$frontmatter")


def as_pandoc(text: str) -> str:
    """``text`` without VitePress's code imports, its page variables as Quarto's meta."""
    if not any(mark in text for mark in MARKS):
        return text
    lines = text.split("\n")
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code:
            continue
        if CODE_IMPORT.match(line):
            lines[index] = ""
        elif "$frontmatter" in line:
            lines[index] = FRONTMATTER.sub(lambda m: f"{{{{< meta {m.group(1)} >}}}}", line)
    return "\n".join(lines)


def vitepress_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each code import and Markdown include, which are left out."""
    body = manuscript.body
    if "<<<" not in body and "@[code" not in body and "@include:" not in body:
        return
    lines = body.split("\n")
    for offset, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code:
            continue
        where = manuscript.body_line + offset
        if CODE_IMPORT.match(line):
            problems.warn(manuscript.path, where,
                          f"'{line.strip()}' imports a file as code (VitePress, VuePress), "
                          "which a handout does not do: it is left out; paste the code in a "
                          "fenced block (```js ... ```)", code="snippet")
        for include in INCLUDE.finditer(line):
            problems.warn(manuscript.path, where,
                          f"'{include.group(0)}' includes a file (VitePress), but to pandoc's "
                          "Markdown it is a comment, which no file shows: write {{< include "
                          f"{include.group(1) or 'file.md'} >}}}} on a line of its own",
                          code="snippet")
