"""Footnotes for print: any block content, at the foot of the page that calls it.

WeasyPrint floats an element with ``float: footnote`` to the page foot and
leaves its call where the element was, so the note must stay inside the
calling paragraph.  An HTML parser closes a paragraph at the first block
element (``<ul>``, ``<pre>``, ``<p>``), so each block of a note becomes a
``<span>`` whose class (``fn-p``, ``fn-ul``, ``fn-li`` ...) print.css
displays as the block it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .blocks import LIST_STYLES
from .tree import Node, transform

Inlines = Callable[[list[Node]], list[Node]]


def _span(cls: str, content: list[Node], attrs: list[list[str]] | None = None,
          ident: str = "", classes: list[str] | None = None) -> Node:
    return {"t": "Span", "c": [[ident, [cls, *(classes or [])], attrs or []], content]}


def note_for_print(blocks: list[Node], inlines: Inlines) -> Node:
    """A footnote's blocks as one inline Span (class ``footnote``) that keeps their structure.

    ``inlines`` rewrites the inline content the same way as the body around
    the note (links shown with their address on paper, ...).
    """
    return _span("footnote", _blocks(blocks, inlines))


def _blocks(blocks: list[Node], inlines: Inlines) -> list[Node]:
    out: list[Node] = []
    for block in blocks:
        out.extend(_block(block, inlines))
    return out


def _block(block: Node, inlines: Inlines) -> list[Node]:
    t, c = block["t"], block.get("c")
    if t in ("Para", "Plain"):
        return [_span("fn-p", inlines(c))]
    if t == "Header":
        return [_span("fn-p", [{"t": "Strong", "c": inlines(c[2])}], ident=c[1][0])]
    if t == "LineBlock":
        lines: list[Node] = []
        for line in c:
            if lines:
                lines.append({"t": "LineBreak"})
            lines.extend(inlines(line))
        return [_span("fn-p", lines)]
    if t == "CodeBlock":
        return [_span("fn-pre", [{"t": "Code", "c": [c[0], c[1]]}])]
    if t == "BulletList":
        return [_span("fn-ul", [_span("fn-li", _blocks(item, inlines)) for item in c])]
    if t == "OrderedList":
        (start, style, _delimiter), items = c
        css = f"list-style-type: {LIST_STYLES.get(style['t'], 'decimal')}"
        if start != 1:
            css += f"; counter-reset: list-item {start - 1}"
        return [_span("fn-ol", [_span("fn-li", _blocks(item, inlines)) for item in items],
                      [["style", css]])]
    if t == "DefinitionList":
        entries: list[Node] = []
        for term, definitions in c:
            entries.append(_span("fn-dt", inlines(term)))
            entries.extend(_span("fn-dd", _blocks(d, inlines)) for d in definitions)
        return [_span("fn-dl", entries)]
    if t == "BlockQuote":
        return [_span("fn-blockquote", _blocks(c, inlines))]
    if t == "Div":
        (ident, classes, kv), content = c
        return [_span("fn-div", _blocks(content, inlines), kv, ident, classes)]
    if t == "HorizontalRule":
        return [_span("fn-hr", [])]
    if t == "RawBlock":
        return [{"t": "RawInline", "c": c}]
    if t == "Figure":
        (ident, classes, kv), caption, content = c
        return [_span("fn-figure", _blocks(content, inlines) + _blocks(caption[1], inlines),
                      kv, ident, classes)]
    if t == "Table":
        return [_table(c, inlines)]
    return []


def _table(c: list[Any], inlines: Inlines) -> Node:
    (ident, classes, kv), caption, _specs, head, bodies, foot = c
    rows: list[Node] = []

    def add(row_list: list[Any], header: bool) -> None:
        for _attr, cells in row_list:
            rows.append(_span("fn-tr", [
                _span("fn-th" if header else "fn-td", _blocks(cell[4], inlines))
                for cell in cells]))

    add(head[1], True)
    for body in bodies:
        add(body[2], True)
        add(body[3], False)
    add(foot[1], False)
    parts = _blocks(caption[1], inlines)
    return _span("fn-figure", [*([_span("fn-caption", parts)] if parts else []),
                               _span("fn-table", rows, kv, ident, classes)])


def transform_inlines(fn: Callable[[Node], Any]) -> Inlines:
    """An ``inlines`` rewriter from a node rewriter (see :func:`pipeline.tree.transform`)."""
    return lambda items: transform(items, fn)
