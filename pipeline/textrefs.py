"""bookdown's text references: ``(ref:label) Some *text*.`` defined once, used by its label.

An R Markdown book writes a long or formatted figure caption as a paragraph of
its own that starts with ``(ref:label)``, and names it where the caption goes
(``![(ref:label)](chart.png)``, a table's caption, any text).  bookdown puts the
text in place of each ``(ref:label)`` and leaves the defining paragraph out;
pandoc's Markdown knows neither, so both would be printed as written.  They
are read as bookdown reads them; a label that nothing defines stays as written,
with a warning at its line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from .errors import Problems
from .model import Manuscript
from .tree import Node, rewrite, walk

LABEL = re.compile(r"\(ref:([\w.-]+)\)")
DEFINITION = re.compile(r"\(ref:[\w.-]+\)")
# What a body holds when pandoc's text of it may have "(ref:": the word and its colon (which a
# backslash may escape), or an entity (which may write any character).
MARK = re.compile(r"ref\\?:|&#?\w+;")


def _definition(node: Node) -> tuple[str, list[Node]] | None:
    """The label and text a paragraph defines, if it is a text reference's definition."""
    if node["t"] != "Para" or len(node["c"]) < 3:
        return None
    first, space = node["c"][0], node["c"][1]
    if first["t"] != "Str" or not DEFINITION.fullmatch(first["c"]) \
            or space["t"] not in ("Space", "SoftBreak"):
        return None
    return first["c"][5:-1], list(node["c"][2:])


def read_text_references(manuscript: Manuscript, ast: Mapping[str, Any],
                         problems: Problems) -> dict[str, Any]:
    """The AST with each ``(ref:label)`` replaced by its text and the definitions left out."""
    if not MARK.search(manuscript.body) \
            or not any(n["t"] == "Str" and "(ref:" in n["c"] for n in walk(ast["blocks"])):
        return dict(ast)
    texts: dict[str, list[Node]] = {}
    for node in walk(ast["blocks"]):
        found = _definition(node)
        if found is not None:
            texts.setdefault(*found)
    seen: dict[str, int] = {}

    def replace(node: Node) -> Any:
        if node["t"] == "Para":
            return [] if _definition(node) is not None else None
        if "(ref:" not in node["c"]:
            return None
        out: list[Node] = []
        last = 0
        for match in LABEL.finditer(node["c"]):
            text = texts.get(match.group(1))
            if text is None:
                from .source_lines import nth_line_outside_code

                seen[match.group(0)] = seen.get(match.group(0), 0) + 1
                line = nth_line_outside_code(manuscript, match.group(0), seen[match.group(0)])
                problems.warn(manuscript.path, line,
                              f"bookdown's text reference '{match.group(0)}' is defined "
                              f"nowhere: it is shown as text; define it in a paragraph of its "
                              f"own, '{match.group(0)} The text.'", code="cross-reference")
                continue
            if match.start() > last:
                out.append({"t": "Str", "c": node["c"][last:match.start()]})
            out += copy.deepcopy(text)  # each place its own nodes: the citations number them
            last = match.end()
        if not out:
            return None
        if last < len(node["c"]):
            out.append({"t": "Str", "c": node["c"][last:]})
        return out

    return {**ast, "blocks": rewrite(list(ast["blocks"]), replace, only=("Para", "Str"))}
