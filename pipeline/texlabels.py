"""LaTeX's formula labels and equation references, as a paper turned to Markdown keeps them.

``pandoc -t markdown paper.tex`` keeps ``\\label{eq:x}`` inside a display formula, which
pandoc's Markdown reader then drops with the formula's number, and writes ``\\eqref{eq:x}``
as a link reading ``[eq:x]``, marked ``{reference-type="eqref" reference="eq:x"}``.  A
formula holding one label is labelled as pandoc-crossref's ``$$ ... $$ {#eq:x}`` is
(numbered, "(1)" beside it, see :mod:`.crossrefs`), and such a link to it reads its number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .crossrefs import EQUATION, number_link
from .fences import fenced
from .tree import Node, rewrite, walk

LABEL = re.compile(r"\\label\{([^{}\n]+)\}")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def labelled_formulas(text: str) -> str:
    """``text`` with each display formula holding one ``\\label{x}`` written as a formula
    labelled ``x`` (``[$$ ... $$]{#x .equation}``, see :mod:`.crossrefs`), line for line.

    ``pandoc -t markdown paper.tex`` keeps a formula's ``\\label`` inside it, where
    pandoc's Markdown reader drops it with the formula's number.
    """
    if "\\label" not in text:
        return text
    lines = text.split("\n")
    shown = [" " * len(line) if code else CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
             for line, code in zip(lines, fenced(lines), strict=True)]  # code masked
    opened: int | None = None  # the line whose $$ opened the formula the line is in
    for index in range(len(shown)):  # a line's label is cut before its $$ are found
        count = shown[index].count("$$")
        if count == 0 or opened is None and count % 2 == 1:
            opened = index if count and opened is None else opened
            continue
        start = index if opened is None else opened
        opened = None
        labels = [m for i in range(start, index + 1) for m in LABEL.finditer(shown[i])]
        if len(labels) != 1 or "$$" not in shown[start]:
            continue
        at = next(i for i in range(start, index + 1) if LABEL.search(shown[i]))
        lines[at] = lines[at][:labels[0].start()] + lines[at][labels[0].end():]
        shown[at] = shown[at][:labels[0].start()] + shown[at][labels[0].end():]
        first = shown[start].index("$$")
        last = shown[index].rindex("$$") + 2
        lines[index] = (f"{lines[index][:last]}]{{#{labels[0].group(1)} .{EQUATION}}}"
                        f"{lines[index][last:]}")
        lines[start] = f"{lines[start][:first]}[{lines[start][first:]}"
    return "\n".join(lines)


def equation_references(ast: Mapping[str, Any], body: str) -> dict[str, Any]:
    """The AST with each link pandoc's LaTeX reader made of ``\\eqref{x}`` or ``\\ref{x}``
    to a labelled formula reading its number ("(1)" for ``\\eqref``), not "[x]"."""
    if "reference-type" not in body:
        return dict(ast)
    labels = {n["c"][0][0] for n in walk(ast["blocks"])
              if n["t"] == "Span" and EQUATION in n["c"][0][1]}

    def numbered(node: Node) -> Any:
        target = node["c"][2][0][1:]
        kind = dict(node["c"][0][2]).get("reference-type")
        if target not in labels or kind not in ("ref", "eqref"):
            return None
        link = number_link(target, target)
        return [{"t": "Str", "c": "("}, link, {"t": "Str", "c": ")"}] if kind == "eqref" \
            else link

    return {**ast, "blocks": rewrite(list(ast["blocks"]), numbered, ("Link",))} if labels \
        else dict(ast)
