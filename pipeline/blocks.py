"""Block structure both writers need, decided once on the edition's AST.

- Ordered lists with parenthesised markers (``(a)``, ``1)``) sit in a Div whose
  classes name the delimiter and the numbering style, for the CSS that draws
  such markers (HTML has no attribute for them).
- The reference list goes where the manuscript's ``::: {#refs}`` div is, under
  the heading just before it; a manuscript's own empty "References" section
  is reused rather than followed by a second one.
- Identifiers, raw HTML's included, are unique and never one the writers give
  their own parts (pandoc's ``footnotes`` section, the handout's ``disclaimer`` ...).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .tree import Node, attr_of, rewrite, stringify, transform, walk

LIST_STYLES = {"Decimal": "decimal", "DefaultStyle": "decimal", "Example": "decimal",
               "LowerAlpha": "lower-alpha", "UpperAlpha": "upper-alpha",
               "LowerRoman": "lower-roman", "UpperRoman": "upper-roman"}
DELIMITERS = {"OneParen": "list-one-paren", "TwoParens": "list-two-parens"}
# Identifiers the writers and templates use for parts they add themselves.
RESERVED_IDS = {"footnotes", "title-block", "review-banner", "disclaimer", "colophon"}
RESERVED_PATTERN = re.compile(r"^(fn|fnref)\d+$")
RAW_ID = re.compile(r'(<[^<>]*?\sid=)"([^"]*)"')


def _is_raw_html(node: Node) -> bool:
    return node["t"] in ("RawBlock", "RawInline") and node["c"][0].lower() in (
        "html", "html4", "html5")


LISTS = ("OrderedList",)


def mark_list_delimiters(blocks: list[Node]) -> list[Node]:
    """Ordered lists with ``)`` or ``()`` markers wrapped in a Div that says so."""

    def wrap(node: Node) -> Any:
        if node["t"] != "OrderedList":
            return None
        (_start, style, delimiter), items = node["c"]
        inner = {"t": "OrderedList", "c": [node["c"][0], rewrite(items, wrap, LISTS)]}
        kind = DELIMITERS.get(delimiter["t"])
        if kind is None:
            return inner
        classes = [kind, "list-" + LIST_STYLES.get(style["t"], "decimal")]
        return {"t": "Div", "c": [["", classes, []], [inner]]}

    return rewrite(blocks, wrap, LISTS)


def place_references(blocks: list[Node], references: list[Node], title: str) -> list[Node]:
    """``blocks`` with the reference list (heading, Div) put where the manuscript wants it."""
    if not references:
        return transform(blocks, lambda n: [] if _is_refs(n) and not n["c"][1] else None)
    heading, div = references
    placed = [False]

    def put(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for node in items:
            if not placed[0] and _is_refs(node):
                placed[0] = True
                attr = node["c"][0]
                classes = list(dict.fromkeys(div["c"][0][1] + attr[1]))
                new_div = {"t": "Div", "c": [["refs", classes, attr[2]], div["c"][1]]}
                if out and out[-1]["t"] == "Header":
                    out[-1] = _as_references_heading(out[-1])
                    out.append(new_div)
                else:
                    out.extend([heading, new_div])
                continue
            if node["t"] in ("Div", "BlockQuote") and not placed[0]:
                node = _map_blocks(node, put)
            out.append(node)
        return out

    result = put(list(blocks))
    if placed[0]:
        return result
    own = _own_references_heading(result, title)
    if own is not None:
        result[own] = _as_references_heading(result[own])
        result.insert(own + 1, div)
        return result
    return result + [heading, div]


def _is_refs(node: Node) -> bool:
    return node["t"] == "Div" and node["c"][0][0] == "refs"


def _map_blocks(node: Node, fn: Any) -> Node:
    if node["t"] == "Div":
        return {"t": "Div", "c": [node["c"][0], fn(node["c"][1])]}
    return {"t": node["t"], "c": fn(node["c"])}


def _as_references_heading(header: Node) -> Node:
    level, (_, classes, kv), inlines = header["c"]
    return {"t": "Header", "c": [level, ["references", classes, kv], inlines]}


def _own_references_heading(blocks: list[Node], title: str) -> int | None:
    """The index of an empty top-level section titled like the reference list, if any."""
    for index, node in enumerate(blocks):
        if node["t"] != "Header":
            continue
        text = stringify(node["c"][2]).strip().lower()
        if text not in (title.strip().lower(), "references", "bibliography") \
                and node["c"][1][0] not in ("references", "bibliography"):
            continue
        following = blocks[index + 1:]
        end = next((i for i, b in enumerate(following)
                    if b["t"] == "Header" and b["c"][0] <= node["c"][0]), len(following))
        if not stringify(following[:end]).strip():
            return index
    return None


# The nodes that may carry an identifier (``tree.attr_of``) or raw HTML with one.
WITH_IDS = ("Div", "Span", "CodeBlock", "Code", "Header", "Table", "Figure", "Image", "Link",
            "RawBlock", "RawInline")
LINKS = ("Link",)


def unique_ids(blocks: list[Node]) -> list[Node]:
    """Identifiers made unique, none taken from the writers' own; links follow a renamed one."""
    seen: set[str] = set()
    renamed: dict[str, str] = {}
    taken: set[str] = set()  # every identifier the blocks have: gathered at the first clash

    def fresh(ident: str) -> str:
        if not taken:
            taken.update(_taken_ids(blocks))
        n = 1
        while f"{ident}-{n}" in taken or f"{ident}-{n}" in seen:
            n += 1
        return f"{ident}-{n}"

    def rename_raw(match: re.Match[str]) -> str:
        ident = html.unescape(match.group(2))
        if ident in seen or ident in RESERVED_IDS or RESERVED_PATTERN.match(ident):
            ident = fresh(ident)
        seen.add(ident)
        return f'{match.group(1)}"{html.escape(ident)}"'

    def rename(node: Node) -> Any:
        if _is_raw_html(node):  # raw HTML's ids, as the cleaning wrote them (id="...")
            text = RAW_ID.sub(rename_raw, node["c"][1])
            return None if text == node["c"][1] else {"t": node["t"], "c": [node["c"][0], text]}
        attr = attr_of(node)
        if not attr or not attr[0]:
            return None
        ident = attr[0]
        if ident in seen or ident in RESERVED_IDS or RESERVED_PATTERN.match(ident):
            new = fresh(ident)
            if ident not in seen:
                renamed[ident] = new
            ident = new
        seen.add(ident)
        if ident == attr[0]:
            return None
        return _with_id(node, ident, rename)

    result = rewrite(blocks, rename, WITH_IDS)  # what keeps its identifier is shared
    if not renamed:
        return result

    def relink(node: Node) -> Any:
        if node["t"] != "Link" or not node["c"][2][0].startswith("#"):
            return None
        target = renamed.get(node["c"][2][0][1:])
        if target is None:
            return None
        return {"t": "Link", "c": [node["c"][0], transform(node["c"][1], relink, LINKS),
                                   [f"#{target}", node["c"][2][1]]]}

    return rewrite(result, relink, LINKS)


def _taken_ids(blocks: list[Node]) -> set[str]:
    """The identifiers of ``blocks`` as written: elements' and raw HTML's."""
    taken = {""}  # never empty: gathered once
    for node in walk(blocks):
        if (attr := attr_of(node)) and attr[0]:
            taken.add(attr[0])
        elif _is_raw_html(node):
            taken.update(m.group(2) for m in RAW_ID.finditer(node["c"][1]))
    return taken


def _with_id(node: Node, ident: str, fn: Any) -> Node:
    c = node["c"]
    if node["t"] == "Header":
        return {"t": "Header", "c": [c[0], [ident, c[1][1], c[1][2]], transform(c[2], fn)]}
    first = c[0]
    return {"t": node["t"], "c": [[ident, first[1], first[2]]] + transform(c[1:], fn)}
