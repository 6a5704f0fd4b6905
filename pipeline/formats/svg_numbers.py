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
MARKERS = ("marker-start", "marker-mid", "marker-end")
# a number pydyf writes as it is: no trailing zeros, at most 6 decimals, no "-0", 15 digits
CANONICAL = re.compile(r"(?!-0(?:\.0*)?$)-?(?:0|[1-9]\d{0,8})(?:\.\d{0,5}[1-9])?")


def _number(value: float) -> bytes:
    """``value`` as pydyf writes a float into a content stream."""
    if value.is_integer():
        return b"%d" % value
    return (b"%f" % value).rstrip(b"0")


def _written(token: str) -> bytes:
    """A number of the path as pydyf writes it: the token itself when that is the same."""
    if CANONICAL.fullmatch(token):
        return token.encode("ascii")
    return _number(float(token))


def _draw_plain_path(svg: Any, node: Any, string: str) -> None:
    """Draw ``string``, a path of absolute M, L, Q and Z only, as WeasyPrint's ``path`` would.

    The same stream operators with the same numbers, written as one piece of
    the content stream rather than one call a segment; the vertices (which
    only markers read) are collected when the path has markers.
    """
    if any(name in node.attrib for name in MARKERS) or node.get("marker"):
        return _draw_marked_path(svg, node, string)
    tokens = PATH_TOKEN.findall(string)
    ops = [b"0 0 m"]
    current_x = current_y = 0.0
    first: tuple[float, float] | None = None
    last = None
    index, count = 0, len(tokens)
    letter = "M"
    while index < count:
        token = tokens[index]
        if token in OPERANDS:
            letter = token
            index += 1
        elif letter == "M":
            letter = "L"
        needed = OPERANDS[letter]
        if index + needed > count:
            break  # WeasyPrint stops at an incomplete command too
        if last in (None, "Z") and letter != "M":
            first = (current_x, current_y)
        if last in (None, "M", "Z"):
            first = None
        if letter not in ("M", "Z") and first is None:
            first = (current_x, current_y)
        if letter == "M" or letter == "L":
            x, y = tokens[index], tokens[index + 1]
            ops.append(b"%s %s %s" % (_written(x), _written(y), b"m" if letter == "M" else b"l"))
            current_x, current_y = float(x), float(y)
        elif letter == "Q":
            x2, y2 = float(tokens[index]), float(tokens[index + 1])
            x3, y3 = float(tokens[index + 2]), float(tokens[index + 3])
            ops.append(b" ".join((
                _number(x2 * 2 / 3 + current_x / 3), _number(y2 * 2 / 3 + current_y / 3),
                _number(x2 * 2 / 3 + x3 / 3), _number(y2 * 2 / 3 + y3 / 3),
                _written(tokens[index + 2]), _written(tokens[index + 3]), b"c")))
            current_x, current_y = x3, y3
        elif first:
            ops.append(b"h")
            current_x, current_y = first
        index += needed
        last = letter
    svg.stream.stream.append(b"\n".join(ops))


def _draw_marked_path(svg: Any, node: Any, string: str) -> None:
    """:func:`_draw_plain_path` one stream call a segment, with the vertices markers need."""
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
