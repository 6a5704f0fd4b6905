"""A grid table whose rows do not line up: a warning at its first line.

pandoc reads a grid table by the columns of its ``+`` and ``|``; where a row is
one character longer than the border above it, or a ``|`` stands where the
border has no ``+``, it reads part of the table as text (``====`` printed, a
row read as a heading) or prints the ``|`` in a cell, and says nothing.  Each
line of a grid table is as wide as its first border (a wide character, as
in Chinese, counting two), each ``|`` of a row stands under or over a ``+`` of
the border next to it, and each ``+`` of a border inside the table over or
under a ``|`` or ``+``.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import Problems
from .fences import fenced
from .model import Manuscript

BORDER = re.compile(r"^ {0,3}\+(?:[-=:]+\+)+[ \t]*$")
ROW = re.compile(r"^ {0,3}[|+]")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0
               if unicodedata.combining(ch) else 1 for ch in text)


def _columns(line: str, marks: str) -> set[int]:
    """The display columns of ``marks`` in ``line``."""
    found: set[int] = set()
    column = 0
    for ch in line:
        if ch in marks:
            found.add(column)
        column += _width(ch)
    return found


def _separators(line: str) -> str:
    """``line`` with each '|' that is a cell's text (``a|b``, not `` | ``) a space."""
    return re.sub(r"(?<=[^\s|])\|(?=.)|(?<=.)\|(?=[^\s|])", " ", line)


def _tables(lines: list[str], code: list[bool]) -> list[tuple[int, list[str]]]:
    """Each grid table outside code: its first line's index and its lines."""
    tables: list[tuple[int, list[str]]] = []
    index = 0
    while index < len(lines):
        if code[index] or not BORDER.match(lines[index]):
            index += 1
            continue
        start = index
        while index < len(lines) and lines[index].strip() and ROW.match(lines[index]):
            index += 1
        tables.append((start, [line.rstrip() for line in lines[start:index]]))
    return tables


def _misaligned(table: list[str]) -> int | None:
    """The offset in ``table`` of its first line out of line, or None."""
    width = _width(table[0].lstrip(" "))
    indent = len(table[0]) - len(table[0].lstrip(" "))
    borders = [BORDER.match(line) is not None for line in table]
    for offset, line in enumerate(table):
        if _width(line[indent:]) != width or not line[indent:].endswith(("|", "+")):
            return offset
        if borders[offset]:
            continue
        pipes = _columns(_separators(line[indent:]), "|")
        above = next((table[k] for k in range(offset - 1, -1, -1) if borders[k]), None)
        below = next((table[k] for k in range(offset + 1, len(table)) if borders[k]), None)
        corners = set().union(*(_columns(b[indent:], "+") for b in (above, below) if b))
        if not pipes <= corners:
            return offset
    return None


def grid_table_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each grid table whose rows do not line up (see the module)."""
    body = manuscript.body
    if "+-" not in body and "+=" not in body:
        return
    lines = body.split("\n")
    for start, table in _tables(lines, fenced(lines)):
        offset = _misaligned(table)
        if offset is None:
            continue
        problems.warn(manuscript.path, manuscript.body_line + start + offset,
                      "this line of a grid table does not line up with the table's first "
                      f"border (line {manuscript.body_line + start}): pandoc then reads part of "
                      "the table as text or prints its '|' in a cell; make every line as wide "
                      "as the border, with each '|' under a '+' of the border above it",
                      code="grid-table")
