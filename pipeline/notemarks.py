"""Marks a reader follows: citations to their references and back, footnote symbols.

- In the EPUB each citation mark links to its entry in the reference list
  (``doc-biblioref``), and each entry links back to where it is first cited
  (``doc-backlink``); pandoc points the links into the right chapter file.
- With a numeric superscript citation style (AMA, Vancouver ...), a
  superscript digit is a reference: footnotes are then marked with symbols,
  as the AMA Manual of Style does: *, †, ‡, §, ‖, ¶, then doubled (**, ††...).
  The PDF draws them through ``@counter-style footnote-symbols`` in
  print.css; the EPUB's notes are rewritten here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from .tree import Node, transform, walk

SYMBOLS = ("*", "\u2020", "\u2021", "\u00a7", "\u2016", "\u00b6")
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def footnote_symbol(n: int) -> str:
    """The ``n``-th footnote mark (from 1): *, †, ‡, §, ‖, ¶, **, ††, ..."""
    return SYMBOLS[(n - 1) % len(SYMBOLS)] * ((n - 1) // len(SYMBOLS) + 1)


def superscript_citations(ast: Mapping[str, Any]) -> bool:
    """Whether the edition's citation marks are superscript (a numeric superscript style)."""
    for node in walk(ast["blocks"]):
        if _cited_keys(node):
            return any(n["t"] == "Superscript" for n in walk(node["c"][1]))
    return False


def _cited_keys(node: Node) -> list[str]:
    """The keys of a formatted citation mark (a ``citation`` span), else nothing."""
    if node["t"] != "Span" or "citation" not in node["c"][0][1]:
        return []
    cites = dict(node["c"][0][2]).get("data-cites", "")
    return cites.split()


def link_citations(blocks: list[Node], back_label: str) -> list[Node]:
    """Citation marks linked to their entries (``#ref-KEY``) and the entries back to them."""
    first: dict[str, str] = {}
    count = 0

    def cite(node: Node) -> Any:
        nonlocal count
        keys = _cited_keys(node)
        if not keys or not node["c"][1]:
            return None
        count += 1
        ident = f"cite-{count}"
        for key in keys:
            first.setdefault(key, ident)
        link = {"t": "Link", "c": [[ident, ["citation-link"], [["role", "doc-biblioref"]]],
                                   node["c"][1], [f"#ref-{keys[0]}", ""]]}
        return {"t": "Span", "c": [node["c"][0], [link]]}

    blocks = transform(blocks, cite)

    def entry(node: Node) -> Any:
        if node["t"] != "Div" or not node["c"][0][0].startswith("ref-"):
            return None
        target = first.get(node["c"][0][0][4:])
        inner = node["c"][1]
        if target is None or not inner or inner[-1]["t"] not in ("Para", "Plain"):
            return None
        back = {"t": "Link", "c": [["", ["ref-backlink"], [["role", "doc-backlink"],
                                                           ["aria-label", back_label]]],
                                   [{"t": "Str", "c": "\u21a9"}], [f"#{target}", ""]]}
        last = {"t": inner[-1]["t"], "c": [*inner[-1]["c"], {"t": "Space"}, back]}
        return {"t": "Div", "c": [node["c"][0], [*inner[:-1], last]]}

    return transform(blocks, entry)


def symbol_footnotes(xhtml: bytes) -> bytes:
    """pandoc's EPUB notes with symbols for numbers: the calls, and a mark before each note."""
    if b"footnote-ref" not in xhtml:
        return xhtml
    tree = etree.parse(io.BytesIO(xhtml))
    number: dict[str, str] = {}
    for link in tree.getroot().iter(f"{{{XHTML_NS}}}a"):
        if "footnote-ref" in (link.get("class") or "").split():
            target = (link.get("href") or "").rsplit("#", 1)[-1]
            text = "".join(link.itertext()).strip()
            if not re.fullmatch(r"\d+", text):
                continue
            mark = footnote_symbol(int(text))
            number[target] = mark
            for child in list(link):
                link.remove(child)
            link.text = mark
            if link.getparent().tag != f"{{{XHTML_NS}}}sup":
                sup = etree.Element(f"{{{XHTML_NS}}}sup")
                sup.tail, link.tail = link.tail, None
                link.addprevious(sup)
                sup.append(link)
    for aside in tree.getroot().iter(f"{{{XHTML_NS}}}aside", f"{{{XHTML_NS}}}li"):
        mark = number.get(aside.get("id") or "")
        first = next(iter(aside), None)
        if mark is None or first is None or first.tag != f"{{{XHTML_NS}}}p":
            continue
        label = etree.Element(f"{{{XHTML_NS}}}span", {"class": "footnote-mark"})
        label.text = mark
        label.tail = "\u00a0" + (first.text or "")
        first.text = None
        first.insert(0, label)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
