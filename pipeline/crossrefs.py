"""Cross-references to figures, tables and sections, as Quarto and pandoc-crossref write them.

``@fig-tug`` (Quarto) or ``@fig:tug`` (pandoc-crossref) names the figure whose id is
``fig-tug`` (``![Caption](a.png){#fig-tug}``); ``@tbl-x`` a table captioned
``: Caption {#tbl-x}``; ``@sec-x`` a heading ``## Title {#sec-x}``.  pandoc reads each as
a citation.  :func:`mark_cross_references` turns those whose target the body has into
links (before citations are looked up, so none is an error); :func:`number_cross_references`
numbers one edition's figures and tables in order, as Quarto does, starting each caption
``Figure 1: `` and writing the link ``Figure 1`` (``[-@fig-x]``: ``1``); a section's link
reads as its heading.  A display formula labelled after its closing ``$$`` (``{#eq-x}``,
``{#eq:x}``, MyST's ``(label)``: :mod:`.myst` writes it in a span of the class ``equation``)
is numbered the same way, "(1)" beside it, and ``@eq-x`` reads "Equation 1".  A name with
no such target stays a citation, and is an error that says so (see :mod:`.citations`).

bookdown's ``\\@ref(fig:x)`` stands for the number of the figure whose caption starts
``(\\#fig:x)`` (a table's ``(\\#tab:x)``), and ``\\@ref(id)`` for a heading's: each is such
a link too, numbered the same way (:func:`bookdown_ids`, :func:`number_link`; a heading's
link reads as the heading, since a handout numbers no section).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .tree import Node, str_inlines, transform, walk

PREFIX = re.compile(r"^(fig|tbl|sec)[-:]")
TABLE_IDS = ("tbl-", "tbl:", "tab:")  # Quarto's, pandoc-crossref's, bookdown's
LABEL = re.compile(r"^\(#((?:fig|tab):[\w.-]+)\)")  # bookdown's, first in a caption
# What a body holds when pandoc's text of it may have such a label: '#fig:' or '#tab:' (its
# colon perhaps escaped), or an entity (which may write any character).
LABEL_WRITTEN = re.compile(r"#(?:fig|tab)\\?:|&#?\w+;")
LINK_CLASS = "cross-reference"
NUMBER_ONLY = "cross-reference-number"  # [-@fig-x]: the number alone
MARKS = frozenset((LINK_CLASS, NUMBER_ONLY))  # the classes of a cross-reference still to write
TARGET_KINDS = {"Figure": "fig", "Table": "tbl", "Header": "sec"}
KINDS = {"fig": ("Figure", "figure_n"), "tbl": ("Table", "table_n"),
         "eq": ("Equation", "equation_n")}
EQUATION = "equation"  # the class of the span that names a display formula ({#eq-x} after it)


def _named(blocks: list[Node]) -> Iterator[tuple[str, str]]:
    """(kind, id) of each figure, table, heading and labelled formula of ``blocks``: what a
    reference may name."""
    for node in walk(blocks):
        kind = TARGET_KINDS.get(node["t"])
        if kind is not None:
            yield kind, (node["c"][1] if kind == "sec" else node["c"][0])[0]
        elif node["t"] == "Span" and EQUATION in node["c"][0][1] and node["c"][0][0]:
            yield "eq", node["c"][0][0]


def _targets(blocks: list[Node]) -> dict[str, str]:
    """The ids that a Quarto cross-reference may name: each with its kind's prefix (a
    formula's label, as MyST writes it, may have none)."""
    return {ident: kind for kind, ident in _named(blocks)
            if kind == "eq" or (match := PREFIX.match(ident)) and match.group(1) == kind}


def target_ids(blocks: list[Node]) -> frozenset[str]:
    """The ids of the figures, tables and headings of ``blocks``."""
    return frozenset(ident for _kind, ident in _named(blocks))


def bookdown_ids(blocks: list[Node], body: str) -> list[Node]:
    """``blocks`` with each figure or table whose caption starts with bookdown's label
    (``(\\#fig:x)``) and has no id of its own given that label as its id.

    ``body``, the text ``blocks`` were read from, is searched first: a body
    without a label is not walked.
    """
    if not LABEL_WRITTEN.search(body):
        return blocks

    def labelled(node: Node) -> Any:
        caption = node["c"][1][1]
        first = caption[0]["c"] if caption and caption[0]["t"] in ("Plain", "Para") else []
        match = LABEL.match(first[0]["c"]) if first and first[0]["t"] == "Str" else None
        if node["c"][0][0] or match is None:
            return None
        return {"t": node["t"], "c": [[match.group(1), *node["c"][0][1:]], *node["c"][1:]]}

    return transform(blocks, labelled, ("Figure", "Table"))


def number_link(ident: str, written: str) -> Node:
    """A link that reads as the number of the figure or table ``ident`` (else as its heading)."""
    return {"t": "Link", "c": [["", [NUMBER_ONLY], []], [{"t": "Str", "c": written}],
                               [f"#{ident}", ""]]}


def mark_cross_references(ast: Mapping[str, Any]) -> dict[str, Any]:
    """The AST with each citation of a figure, table or section the body has as a link."""
    targets = _targets(list(ast["blocks"]))
    if not targets:
        return dict(ast)

    def target(key: str) -> str:
        """The id ``key`` names: Quarto's ``@Fig-x`` (a sentence's first word) is ``fig-x``."""
        return key if key in targets else key[:1].lower() + key[1:]

    def link(node: Node) -> Any:
        if node["t"] != "Cite" or not any(target(c["citationId"]) in targets
                                          for c in node["c"][0]):
            return None
        out: list[Node] = []
        rest: list[dict[str, Any]] = []
        for citation in node["c"][0]:
            key = target(citation["citationId"])
            if key not in targets:
                rest.append(citation)
                continue
            if out:
                out += [{"t": "Str", "c": ","}, {"t": "Space"}]
            classes = [NUMBER_ONLY if citation["citationMode"]["t"] == "SuppressAuthor"
                       else LINK_CLASS]
            prefix, suffix = citation["citationPrefix"], citation["citationSuffix"]
            out += [*prefix, *([{"t": "Space"}] if prefix else []),
                    {"t": "Link", "c": [["", classes, []], [{"t": "Str", "c": f"@{key}"}],
                                        [f"#{key}", ""]]},
                    *suffix]
        if rest:
            out += [{"t": "Space"}, {"t": "Cite", "c": [rest, node["c"][1]]}]
        return out

    return {**ast, "blocks": transform(list(ast["blocks"]), link, ("Cite",))}


def number_cross_references(blocks: list[Node], words: Mapping[str, str],
                            nodes: Sequence[Node] | None = None) -> list[Node]:
    """One edition's blocks with its figures and tables numbered and its cross-references
    written (see the module); ``blocks`` itself when there is nothing to number or write.

    ``nodes``: ``walk(blocks)`` when the caller has it (the blocks are not walked again).
    """
    numbers: dict[str, str] = {}
    kinds: dict[str, str] = {}
    headings: dict[str, list[Node]] = {}
    counts = {"fig": 0, "tbl": 0, "eq": 0}
    referred = False  # a cross-reference to write (most bodies have none)
    for node in walk(blocks) if nodes is None else nodes:
        if node["t"] == "Header" and node["c"][1][0]:
            headings[node["c"][1][0]] = node["c"][2]
        elif node["t"] in ("Figure", "Table", "Span"):
            ident = node["c"][0][0]
            kind = {"Figure": "fig", "Table": "tbl", "Span": "eq"}[node["t"]]
            if (EQUATION in node["c"][0][1] and ident) if kind == "eq" else ident.startswith(
                    ("fig-", "fig:") if kind == "fig" else TABLE_IDS):
                counts[kind] += 1
                numbers[ident], kinds[ident] = str(counts[kind]), kind
        elif node["t"] == "Link" and not referred:
            referred = not MARKS.isdisjoint(node["c"][0][1])
    if not numbers and not referred:
        return blocks

    def tagged(node: Node) -> Any:  # a labelled formula shows its number, as \tag{1} does
        ident = node["c"][0][0]
        if EQUATION not in node["c"][0][1] or ident not in numbers:
            return None
        tag = {"t": "Span", "c": [["", ["math-tag"], []], str_inlines(f"({numbers[ident]})")]}
        return {"t": "Span", "c": [node["c"][0], [tag, *node["c"][1]]]}

    def captioned(node: Node) -> Any:
        ident = node["c"][0][0]
        if ident not in numbers:
            return None
        name = _name(kinds[ident], numbers[ident], words)
        short, caption = node["c"][1]
        first = caption[0] if caption else {"t": "Plain", "c": []}
        label = [*str_inlines(f"{name}:"), *([{"t": "Space"}] if first["c"] else [])]
        caption = [{**first, "c": label + first["c"]}, *caption[1:]]
        return {"t": node["t"], "c": [node["c"][0], [short, caption], *node["c"][2:]]}

    def written(node: Node) -> Any:
        if not set(node["c"][0][1]) & {LINK_CLASS, NUMBER_ONLY}:
            return None
        ident = node["c"][2][0][1:]
        if ident in numbers:
            text = numbers[ident] if NUMBER_ONLY in node["c"][0][1] \
                else _name(kinds[ident], numbers[ident], words)
            inlines = str_inlines(text)
        elif ident in headings:
            inlines = headings[ident]
        else:
            return None  # in another edition only: the link checks say so
        return {"t": "Link", "c": [["", [], []], inlines, node["c"][2]]}

    if referred:
        blocks = transform(blocks, written, ("Link",))
    if numbers:
        blocks = transform(blocks, captioned, ("Figure", "Table"))
    return transform(blocks, tagged, ("Span",)) if counts["eq"] else blocks


def _name(kind: str, number: str, words: Mapping[str, str]) -> str:
    default, key = KINDS[kind]
    return words.get(key, default + " {n}").format(n=number)

