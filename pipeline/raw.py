"""Raw HTML and raw TeX in the body, made into what both outputs can show.

Raw HTML is read together with the Markdown around it, cleaned and written
back as XHTML (see :mod:`.rawhtml`): scripts, forms, event handlers and the
like are left out with a warning at their line.  ``\\newpage``,
``\\pagebreak`` and ``\\clearpage`` become page breaks; any other raw TeX is
a warning at its line and left out of every output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .body import source_line
from .errors import Problems
from .model import Manuscript
from .rawhtml import (
    BLOCK_HOLDERS,
    Cleaning,
    clean,
    local,
    parse_fragment,
    to_xhtml,
    unwrap_or_drop,
)
from .tree import Node

HTML_FORMATS = {"html", "html4", "html5"}
TEX_FORMATS = {"tex", "latex"}
RAW = {"RawBlock", "RawInline"}
BLOCKS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList",
          "BulletList", "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}
PAGE_BREAK = re.compile(r"^\\(newpage|pagebreak|clearpage|cleardoublepage)(\[\d\])?(\{\})?$")
PLACEHOLDER = re.compile("\ue10a(\\d+)\ue10b")


def page_break() -> Node:
    """An empty block that starts a new page in print (class ``page-break``)."""
    return {"t": "Div", "c": [["", ["page-break"], []], []]}


def clean_raw_markup(manuscript: Manuscript, ast: Mapping[str, Any],
                     problems: Problems) -> dict[str, Any]:
    """The AST with raw TeX resolved and raw HTML normalised and cleaned."""
    cleaner = _Cleaner(manuscript, problems)
    return {**ast, "blocks": cleaner.visit(list(ast["blocks"]))}


class _Cleaner:
    def __init__(self, manuscript: Manuscript, problems: Problems):
        self.manuscript = manuscript
        self.problems = problems

    def warn(self, needle: str | list[str], message: str, code: str) -> None:
        needles = [needle] if isinstance(needle, str) else needle
        line = next((found for n in needles if (found := source_line(self.manuscript, n))),
                    None)
        self.problems.warn(self.manuscript.path, line, message, code=code)

    def visit(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.visit(v) for k, v in value.items()}
        if not isinstance(value, list):
            return value
        items = [self.visit(v) for v in value]
        if items and all(isinstance(i, dict) and "t" in i for i in items):
            inline = items[0]["t"] not in BLOCKS
            items = self._html(self._tex(items), inline)
        return items

    def _tex(self, items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for node in items:
            if node["t"] not in RAW or node["c"][0].lower() not in TEX_FORMATS:
                out.append(node)
                continue
            text = node["c"][1].strip()
            if PAGE_BREAK.match(text) and node["t"] == "RawBlock":
                out.append(page_break())
            elif PAGE_BREAK.match(text):
                self.warn(text, f"'{text}' inside a paragraph is left out: put it on a line of "
                          "its own to start a new page", "raw-tex")
            else:
                shown = text if len(text) <= 40 else text[:37] + "..."
                self.warn(text.split("\n")[0][:40], f"raw TeX '{shown}' is left out of the "
                          "handout: only \\newpage, \\pagebreak and \\clearpage are understood "
                          "(write $...$ for math)", "raw-tex")
        return out

    def _html(self, items: list[Node], inline: bool) -> list[Node]:
        raws = {i for i, n in enumerate(items)
                if n["t"] in RAW and n["c"][0].lower() in HTML_FORMATS}
        if not raws:
            return items
        fragments = [items[i]["c"][1] for i in sorted(raws)]
        source = "".join(items[i]["c"][1] if i in raws else f"\ue10a{i}\ue10b"
                         for i in range(len(items)))
        root = parse_fragment(source, inline)
        report = Cleaning()
        clean(root, inline, report)
        if not inline:
            _unwrap_around_blocks(root, items, report)
        pieces = PLACEHOLDER.split(to_xhtml(root))
        order = [int(p) for p in pieces[1::2]]
        if order != sorted(set(order)) or raws & set(order):
            self.warn(fragments[0].strip()[:40], "raw HTML that cannot be kept in order with "
                      "the text around it is left out", "raw-html")
            return [n for i, n in enumerate(items) if i not in raws]
        for what, why in report.removed:
            self.warn(_needle(fragments, what), f"raw HTML {what} is left out: {why}",
                      "raw-html")
        kind = "RawInline" if inline else "RawBlock"
        out: list[Node] = []
        for k, piece in enumerate(pieces):
            if k % 2:
                out.append(items[int(piece)])
            elif piece.strip() or (inline and piece):
                out.append({"t": kind, "c": ["html", piece]})
        return out


def _needle(fragments: list[str], what: str) -> list[str]:
    """Text to find the line of ``what`` (``<tag>`` or ``attr=``) by, surest first."""
    name = what.strip("<>=")
    pattern = re.compile((r"<\s*" + re.escape(name) + r"\b") if what.startswith("<")
                         else (r"\s" + re.escape(name) + r"\s*="), re.IGNORECASE)
    found = next((f for f in fragments if pattern.search(f)), fragments[0])
    match = pattern.search(found)
    start = match.start() if match else 0
    return [found[start:start + 40].strip() or found.strip()[:40], found.strip()[:20],
            what.rstrip(">").rstrip("=")]


def _unwrap_around_blocks(root: Any, items: list[Node], report: Cleaning) -> None:
    """Raw elements that would hold a heading, or a block they cannot hold, lose their tags.

    pandoc makes sections from headings and writes paragraphs as ``<p>``: a
    heading inside raw ``<details>`` or a paragraph inside raw ``<p>`` would
    make XHTML that is not well-formed or not valid.
    """
    changed = True
    while changed:
        changed = False
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter())[1:]:
            found = [items[int(i)]["t"] for i in PLACEHOLDER.findall("".join(element.itertext()))]
            name = local(element)
            if "Header" in found:
                why = ("a heading cannot sit inside it; use a fenced div (:::) instead "
                       "(its content is kept)")
            elif any(t != "Plain" for t in found) and name not in BLOCK_HOLDERS:
                why = "it cannot hold the paragraphs or lists inside it (its content is kept)"
            else:
                continue
            report.note(f"<{name}>", why)
            unwrap_or_drop(parents[element], element, keep_children=True)
            changed = True
            break
