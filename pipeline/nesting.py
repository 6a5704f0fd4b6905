"""Where a Markdown body nests too deeply: the line a "too deep" message points at.

pandoc reads any depth, but its JSON then nests past what the stages walk, so
the body is refused as a whole (:func:`pipeline.body.parse_body`).  This scan
of the source finds the first line inside more than ``limit`` block quotes,
list items and fenced divs, as an editor counts them: ``>`` markers, list
items indented under the one before, and ``:::`` fences not yet closed.
"""

from __future__ import annotations

import re

QUOTES = re.compile(r"^[ \t]{0,3}((?:>[ \t]?)+)")
LIST_ITEM = re.compile(r"^([ \t]*)(?:[-+*]|\d{1,9}[.)]|[a-zA-Z#][.)])[ \t]+\S")
DIV_FENCE = re.compile(r"^[ \t]*(:{3,})[ \t]*(\S*)")
HTML_OPEN = re.compile(r"<(?:div|blockquote|section|article|aside|details|ul|ol|li|dl|dd)\b",
                       re.IGNORECASE)
HTML_CLOSE = re.compile(r"</(?:div|blockquote|section|article|aside|details|ul|ol|li|dl|dd)\s*>",
                        re.IGNORECASE)


def deepest_line(body: str, limit: int) -> int | None:
    """The 1-based line of ``body`` first nested more than ``limit`` levels, or None."""
    divs = html = 0
    items: list[int] = []  # the indents of the list items the line is inside
    for number, line in enumerate(body.split("\n"), 1):
        quotes = QUOTES.match(line)
        depth = quotes.group(1).count(">") if quotes else 0
        rest = line[quotes.end():] if quotes else line
        fence = DIV_FENCE.match(rest)
        if fence:
            divs = divs + 1 if fence.group(2) else max(divs - 1, 0)
        item = LIST_ITEM.match(rest)
        if item:
            indent = len(item.group(1).expandtabs(4))
            while items and items[-1] >= indent:
                items.pop()
            items.append(indent)
        elif rest.strip() and not rest.startswith((" ", "\t")):
            items.clear()  # a paragraph at the margin ends the lists
        opened = len(HTML_OPEN.findall(rest))
        if depth + divs + len(items) + html + opened > limit:
            return number
        html = max(html + opened - len(HTML_CLOSE.findall(rest)), 0)
    return None
