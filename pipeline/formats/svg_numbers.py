"""Faster SVG coordinates and paths for WeasyPrint, with the same drawing.

WeasyPrint reads every coordinate of an SVG path through ``size()``, which
imports its unit table and enters an exception-suppressing context before it
tries the plain number a coordinate almost always is.  A formula of the print
edition is SVG paths (``pipeline/math.py``) with hundreds of coordinates, so
that overhead is about a third of drawing a page of formulas.  The replacement
``SVG.point`` tries the plain numbers first and hands anything else (units,
percentages, empty values) to WeasyPrint's own method: the PDF is the same,
byte for byte (checked by ``tests/test_math.py``).  Written for WeasyPrint 70.

The path parser itself spaces out every command letter, normalises the
whole string with three regular expressions and matches each command's
numbers with another; ``install_paths`` reads a path of absolute ``M``,
``L``, ``Q`` and ``Z`` commands (what the math typesetter writes) in one
pass, with the same stream operators and vertices, and leaves any other path
to WeasyPrint, except that a path with numbers after a closepath (which
WeasyPrint reads for ever) is cut there, as SVG's error handling draws it.
"""

from __future__ import annotations

import functools
import re
from math import atan2, pi
from typing import Any


@functools.cache
def install() -> bool:
    """Give WeasyPrint's ``SVG.point`` a fast path for plain numbers (once per process)."""
    try:
        from weasyprint.svg import SVG
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original = SVG.point
    if getattr(original, "plain_numbers_first", False):
        return False

    def point(self: Any, x: Any, y: Any, font_size: float) -> tuple[float, float]:
        try:
            return float(x), float(y)
        except (TypeError, ValueError):
            return original(self, x, y, font_size)

    point.plain_numbers_first = True  # type: ignore[attr-defined]
    point.original = original  # type: ignore[attr-defined]
    SVG.point = point
    return True


PATH_TOKEN = re.compile(r"[MLQZ]|-?\d+(?:\.\d+)?")
# a path WeasyPrint reads as these tokens: a command first, never a number after Z
PLAIN_PATH = re.compile(r"\s*[MLQ](?:[MLQZ]|-?\d+(?:\.\d+)?|\s)*")
NUMBER_AFTER_Z = re.compile(r"Z\s*-?\d")
# numbers straight after a closepath: an error in SVG, where WeasyPrint 70 never ends
NUMBERS_AFTER_CLOSE = re.compile(r"[zZ][\s,]*[-+.\d]")
OPERANDS = {"M": 2, "L": 2, "Q": 4, "Z": 0}


def _draw_plain_path(svg: Any, node: Any, string: str) -> None:
    """Draw ``string``, a path of absolute M, L, Q and Z only, as WeasyPrint's ``path`` would.

    The same stream operators with the same numbers, and the same vertices
    (for markers), in the order WeasyPrint's parser gives them.
    """
    stream, vertices = svg.stream, node.vertices
    tokens = PATH_TOKEN.findall(string)
    current = (0.0, 0.0)
    stream.move_to(*current)
    last = None
    first = None
    index, count = 0, len(tokens)
    letter = "M"
    while index < count:
        token = tokens[index]
        if token in OPERANDS:
            letter = token
            index += 1
        else:
            letter = "L" if letter == "M" else letter
        needed = OPERANDS[letter]
        values = [float(value) for value in tokens[index:index + needed]]
        if len(values) < needed:
            return  # WeasyPrint stops at an incomplete command too
        index += needed
        if last in (None, "Z") and letter != "M":
            vertices.append(current)
            first = current
        if last in (None, "M", "Z"):
            first = None
        if letter not in ("M", "Z") and first is None:
            first = current
        if letter == "M":
            if last and last != "Z":
                vertices.append(None)
            stream.move_to(*values)
            current = (values[0], values[1])
        elif letter == "L":
            x, y = values
            angle = atan2(y - current[1], x - current[0])
            vertices.append((pi - angle, angle))
            stream.line_to(x, y)
            current = (x, y)
        elif letter == "Q":
            x1, y1 = current
            x2, y2, x3, y3 = values
            stream.curve_to(x2 * 2 / 3 + x1 / 3, y2 * 2 / 3 + y1 / 3,
                            x2 * 2 / 3 + x3 / 3, y2 * 2 / 3 + y3 / 3, x3, y3)
            vertices.append((0, 0))
            current = (x3, y3)
        elif first:
            vertices.append(None)
            stream.close()
            current = first
        if letter != "Z":
            vertices.append(current)
        last = letter


@functools.cache
def install_paths() -> bool:
    """Give WeasyPrint's SVG ``path`` a fast path for absolute M, L, Q, Z paths (once)."""
    try:
        from weasyprint.svg import TAGS
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original = TAGS["path"]
    if getattr(original, "plain_paths_first", False):
        return False

    def path(svg: Any, node: Any, font_size: float) -> None:
        string = node.get("d", "")
        if PLAIN_PATH.fullmatch(string) and not NUMBER_AFTER_Z.search(string):
            return _draw_plain_path(svg, node, string)
        broken = NUMBERS_AFTER_CLOSE.search(string)
        if broken:  # WeasyPrint would loop for ever; SVG draws a path up to its error
            node.attrib["d"] = string[:broken.start() + 1]
        return original(svg, node, font_size)

    path.plain_paths_first = True  # type: ignore[attr-defined]
    path.original = original  # type: ignore[attr-defined]
    TAGS["path"] = path
    return True
