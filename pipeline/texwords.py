"""TeX commands in running text that pandoc's LaTeX reader reads as words, read so.

A paper turned from LaTeX (``pandoc -t markdown paper.tex``), or an author used to
LaTeX, leaves commands in the text: ``\\textsc{who}``, ``\\emph{x}``,
``\\SI{5}{\\milli\\litre}``, ``\\num{1e3}``, ``\\url{...}``, ``\\cite{key}``,
``\\citet{key}``.  pandoc's Markdown keeps each as raw TeX, which no handout format
shows, so its words were lost ("use doses").  Each such command is read by pandoc's
LaTeX reader instead (one run for the whole body): where it reads words, formatting,
a formula, a web address or a citation, these take the command's place; anything else
(``\\ref``, ``\\label``, a command it does not know) stays raw TeX, left out with a
warning at its line (see :mod:`.raw`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .pandoc import PandocFailure, convert_text
from .raw import MATH_ENVIRONMENT, PAGE_BREAK, TEX_FORMATS, is_macro_definition, is_tex_command
from .tree import Node, rewrite, walk

WORDS = frozenset({"Str", "Space", "SoftBreak", "Emph", "Strong", "SmallCaps", "Superscript",
                   "Subscript", "Strikeout", "Underline", "Code", "Quoted", "Math", "Cite"})
# what a formula, a quotation or a citation holds besides words
PARTS = frozenset({"InlineMath", "DisplayMath", "SingleQuote", "DoubleQuote", "NormalCitation",
                   "AuthorInText", "SuppressAuthor"})
MOST = 500  # commands read in one run (a paper leaves tens; 2,000 take pandoc 2.5 s)
SEPARATOR = "\ue000"  # a paragraph of its own between two commands read in one run


def _raw_commands(blocks: list[Node]) -> list[str]:
    found: dict[str, None] = {}  # in the order met, each once
    for node in walk(blocks):
        if node["t"] == "RawInline" and node["c"][0].lower() in TEX_FORMATS \
                and node["c"][1] not in found and is_tex_command(node["c"][1]) \
                and not _read_by_raw(node["c"][1].strip()):
            found[node["c"][1]] = None
    return list(found)


def _read_by_raw(text: str) -> bool:
    """Whether :mod:`.raw` reads ``text`` itself: a page break, a display formula, macros."""
    return bool(PAGE_BREAK.match(text) or MATH_ENVIRONMENT.fullmatch(text)
                or is_macro_definition(text))


def _readable(inlines: list[Node]) -> bool:
    """Whether ``inlines`` are words a handout shows (a link only to a web address)."""
    nodes = walk(inlines)
    return any(n["t"] in ("Str", "Math", "Cite", "Link") for n in nodes) and all(
        node["t"] in WORDS or node["t"] in PARTS
        or node["t"] == "Link" and not node["c"][2][0].startswith("#") for node in nodes)


def _as_markdown_cite(node: Node) -> Node:
    """A Cite of the LaTeX reader with the text pandoc's Markdown reader would give it."""
    citations = node["c"][0]
    keys = "; ".join(f"@{c['citationId']}" for c in citations)
    text = keys if citations[0]["citationMode"]["t"] == "AuthorInText" else f"[{keys}]"
    return {"t": "Cite", "c": [citations, [{"t": "Str", "c": text}]]}


def read_tex_words(ast: Mapping[str, Any], body: str) -> dict[str, Any]:
    """The AST with each raw TeX command pandoc's LaTeX reader reads as words replaced by
    them (see the module); the AST as it was when there is none."""
    if "\\" not in body:
        return dict(ast)
    commands = _raw_commands(ast["blocks"])[:MOST]
    if not commands:
        return dict(ast)
    try:
        read = json.loads(convert_text("latex+raw_tex", "json",
                                       f"\n\n{SEPARATOR}\n\n".join(commands)))
    except (PandocFailure, ValueError):
        return dict(ast)  # left raw: reported as raw TeX, as before
    parts: list[list[Node]] = [[]]
    for block in read["blocks"]:
        if block["c"] == [{"t": "Str", "c": SEPARATOR}]:
            parts.append([])
        elif block["t"] in ("Para", "Plain"):
            parts[-1].extend(block["c"])
        else:
            parts[-1].append({"t": "Unreadable"})
    if len(parts) != len(commands):
        return dict(ast)
    parts = [rewrite(part, _as_markdown_cite, ("Cite",)) for part in parts]
    words = {command: part for command, part in zip(commands, parts, strict=True)
             if _readable(part)}
    if not words:
        return dict(ast)

    def replace(node: Node) -> Any:
        if node["c"][0].lower() in TEX_FORMATS and node["c"][1] in words:
            return words[node["c"][1]]
        return None

    return {**ast, "blocks": rewrite(list(ast["blocks"]), replace, ("RawInline",))}
