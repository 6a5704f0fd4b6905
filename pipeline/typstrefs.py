"""Typst's labels and references, as ``pandoc -f typst -t markdown`` writes them.

Typst names a heading, a figure or a table with a label after it (``== Ice <ice>``)
and refers to it with ``@ice``, which it prints as the heading's number or
name.  pandoc writes the label as an empty span at the start of the paragraph
after the heading (``[]{#ice} Never put ...``), or as a paragraph of its own after
a table, and the reference as a link that reads as the label in brackets
(``[\\[ice\\]](#ice){.ref}``), so a handout printed "See [ice]".  Here the
reference reads as the heading's words or the table's caption (the empty span
stays, where the link leads); one to a label the handout does not have reads as
the label, with a warning at its line.
"""

from __future__ import annotations

import itertools
from typing import Any

from .errors import Problems
from .model import Manuscript
from .source_lines import nth_line_containing
from .tree import Node, rewrite, str_inlines, stringify, walk

NAMED = ("Header", "Table", "Figure")  # what a label after it names


def _label(block: Node) -> str | None:
    """The id of an empty span that opens ``block`` (a paragraph), if any."""
    if block["t"] not in ("Para", "Plain") or not block["c"]:
        return None
    first = block["c"][0]
    if first["t"] != "Span" or first["c"][1] or first["c"][0][1] or first["c"][0][2]:
        return None
    return first["c"][0][0] or None


def _labels(blocks: list[Node], names: dict[str, list[Node]]) -> None:
    """Into ``names``: each label that opens a block right after a heading, a table or a
    figure, with the words it reads as (pandoc's own id for a heading stays as it is)."""
    for before, block in itertools.pairwise(blocks):
        label = _label(block)
        if label and before["t"] in NAMED:
            names.setdefault(label, _words(before))
        if block["t"] in ("Div", "BlockQuote"):
            _labels(block["c"][1] if block["t"] == "Div" else block["c"], names)


def _ident(block: Node) -> str:
    return block["c"][1][0] if block["t"] == "Header" else block["c"][0][0]


def _words(block: Node) -> list[Node]:
    if block["t"] == "Header":
        return block["c"][2]
    caption = block["c"][1][1]  # a table's or a figure's caption: its blocks
    return caption[0]["c"] if caption and caption[0]["t"] in ("Plain", "Para") else []


def read_typst_references(manuscript: Manuscript, blocks: list[Node],
                          problems: Problems) -> list[Node]:
    """``blocks`` with Typst's labels on what they name and references reading as it."""
    if "{.ref}" not in manuscript.body:
        return blocks

    names = {_ident(n): _words(n) for n in walk(blocks) if n["t"] in NAMED and _ident(n)}
    _labels(blocks, names)
    seen: dict[str, int] = {}

    def reference(node: Node) -> Any:
        attr, words, (target, title) = node["c"]
        label = target[1:]
        if "ref" not in attr[1] or not target.startswith("#") \
                or stringify(words) != f"[{label}]":
            return None
        if label in names and stringify(names[label]).strip():
            kept = [n for n in names[label] if n["t"] not in ("Note", "Link")]
            return {"t": "Link", "c": [attr, kept, [target, title]]}
        seen[label] = seen.get(label, 0) + 1
        problems.warn(manuscript.path, nth_line_containing(manuscript, f"](#{label})", seen[label]),
                      f"'@{label}' (a Typst reference) names nothing in the handout that has "
                      "words: it reads as its label; put <label> right after a heading or a "
                      "figure", code="typst-reference")
        return {"t": "Link", "c": [attr, str_inlines(label), [target, title]]}

    return rewrite(blocks, reference, ("Link",))
