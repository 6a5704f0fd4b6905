"""Tables that fit the page: a wide table is laid out again, smaller, never cut off.

WeasyPrint draws a table wider than the page past the page's edge, where
nobody can read it (clinical content lost without a word).  After the first
layout, each table whose boxes reach past the page's content box is marked
``data-fit`` and the document is laid out again: ``print.css`` sets such a
table in smaller type and lets its cells break a long word anywhere
(``overflow-wrap: anywhere``), which lets the table's columns shrink to fit.
A table that still does not fit (an image or a formula in a cell) is a
warning at its line.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import WARNING, Problem, display_path
from ..model import CitedDocument

TABLE_TAG = re.compile(r"<!--.*?-->|<table\b", re.DOTALL)
TOLERANCE = 0.5  # points: rounding in the layout


def overflowing_tables(document: Any, root: Any) -> dict[int, Any]:
    """The ``<table>`` elements (by index in ``root``, document order) drawn past the page."""
    from weasyprint.formatting_structure import boxes

    tables = [e for e in root.iter() if isinstance(e.tag, str) and _local(e.tag) == "table"]
    index = {id(e): i for i, e in enumerate(tables)}
    found: dict[int, Any] = {}
    for page in document.pages:
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            if not isinstance(box, boxes.TableBox) or id(box.element) not in index:
                continue
            reach = max((b.position_x + b.margin_width() for b in box.descendants()
                         if getattr(b, "width", None) is not None), default=0)
            if reach > right + TOLERANCE:
                found[index[id(box.element)]] = box.element
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def mark_to_fit(html: str, indexes: set[int]) -> str:
    """``html`` with the ``<table>`` elements at ``indexes`` (document order) marked data-fit."""
    count = -1

    def mark(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0).startswith("<!--"):
            return match.group(0)
        count += 1
        return '<table data-fit=""' if count in indexes else match.group(0)

    return TABLE_TAG.sub(mark, html)


def table_problems(doc: CitedDocument, tables: dict[int, Any]) -> list[Problem]:
    """A warning, at the table's line, for each table that does not fit even when marked."""
    from ..body import source_line

    problems = []
    for element in tables.values():
        cell = next((e for e in element.iter() if isinstance(e.tag, str)
                     and _local(e.tag) in ("th", "td") and "".join(e.itertext()).strip()), None)
        text = " ".join("".join(cell.itertext()).split()) if cell is not None else ""
        line = (source_line(doc.manuscript, text, near="|")
                or source_line(doc.manuscript, text.split(" ")[0] if text else "", near="|"))
        problems.append(Problem(
            display_path(doc.manuscript.path), line,
            "this table is too wide for the page even in small type: its right side is cut "
            "off in the PDF; give it fewer columns or split it", WARNING, "wide-table"))
    return problems
