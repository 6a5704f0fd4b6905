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
whole string with three regular expressions, matches each command's numbers
with another, and makes one stream call per segment, each writing its
numbers afresh; ``install_paths`` reads a path of absolute ``M``, ``L``,
``Q``, ``C`` and ``Z`` commands (what the math typesetter writes: see
``cubic_glyph_paths`` in ``pipeline/ziamath_patches.py``) in one pass and
writes it into the content stream as one piece, copying each number that is
already written as pydyf would write it: the same stream operators with the
same numbers.  Any other path, and a path with markers (which read its
vertices), is left to WeasyPrint, except that a path with numbers after a
closepath (which WeasyPrint reads for ever) is cut there, as SVG's error
handling draws it.
"""

from __future__ import annotations

import functools
import re
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


PATH_TOKEN = re.compile(r"[MLQCZ]|-?\d+(?:\.\d+)?")
# a path WeasyPrint reads as these tokens: a command first, never a number after Z
PLAIN_PATH = re.compile(r"\s*[MLQC](?:[MLQCZ]|-?\d+(?:\.\d+)?|\s)*")
NUMBER_AFTER_Z = re.compile(r"Z\s*-?\d")
# numbers straight after a closepath: an error in SVG, where WeasyPrint 70 never ends
NUMBERS_AFTER_CLOSE = re.compile(r"[zZ][\s,]*[-+.\d]")
OPERANDS = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0}
MARKERS = ("marker-start", "marker-mid", "marker-end")
# a number pydyf writes as it is: no trailing zeros, at most 6 decimals, no "-0", 15 digits
CANONICAL = re.compile(r"(?!-0(?:\.0*)?$)-?(?:0|[1-9]\d{0,8})(?:\.\d{0,5}[1-9])?")
# a number of a path that is not so: leading or trailing zeros, "-0", 7 decimals, 10 digits
NOT_CANONICAL = re.compile(r"(?<![\d.])-?0\d|\.\d*0(?!\d)|\.\d{7}|\d{10}|\.(?!\d)"
                           r"|(?<![\d.])-0(?:\.0*)?(?![\d.])")


def pdf_number(value: float) -> str:
    """``value`` as pydyf writes a float into a content stream."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:f}".rstrip("0")


def _written(token: str) -> str:
    """A number of the path as pydyf writes it: the token itself when that is the same."""
    if CANONICAL.fullmatch(token):
        return token
    return pdf_number(float(token))


def is_plain_path(string: str) -> bool:
    """Whether ``string`` is a path :func:`path_operators` writes: absolute M, L, Q, C, Z."""
    return PLAIN_PATH.fullmatch(string) is not None and not NUMBER_AFTER_Z.search(string)


def path_operators(string: str) -> bytes:
    """``string``, a plain path (:func:`is_plain_path`), as WeasyPrint's ``path`` writes it.

    The same stream operators with the same numbers, as one piece of a
    content stream rather than one call a segment; a number already written
    as pydyf would write it is copied, not read and written again.
    """
    tokens = PATH_TOKEN.findall(string)
    if not NOT_CANONICAL.search(string):
        numbers = tokens
    else:
        numbers = [token if token in OPERANDS else _written(token) for token in tokens]
    ops = ["0 0 m"]
    current = ("0", "0")
    first: tuple[str, str] | None = None
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
        if last is None or last == "Z" or last == "M":
            first = None
        if first is None and letter != "M" and letter != "Z":
            first = current
        if letter == "C":
            ops.append(" ".join(numbers[index:index + 6]) + " c")
            current = (numbers[index + 4], numbers[index + 5])
        elif letter == "M" or letter == "L":
            current = (numbers[index], numbers[index + 1])
            ops.append(f"{current[0]} {current[1]} {'m' if letter == 'M' else 'l'}")
        elif letter == "Q":
            x1, y1 = float(current[0]), float(current[1])
            x2, y2 = float(tokens[index]), float(tokens[index + 1])
            x3, y3 = float(tokens[index + 2]), float(tokens[index + 3])
            current = (numbers[index + 2], numbers[index + 3])
            ops.append(" ".join((
                pdf_number(x2 * 2 / 3 + x1 / 3), pdf_number(y2 * 2 / 3 + y1 / 3),
                pdf_number(x2 * 2 / 3 + x3 / 3), pdf_number(y2 * 2 / 3 + y3 / 3),
                current[0], current[1], "c")))
        elif first:
            ops.append("h")
            current = first
        index += needed
        last = letter
    return "\n".join(ops).encode("ascii")


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
        marked = any(name in node.attrib for name in MARKERS) or node.get("marker")
        if not marked and is_plain_path(string):
            svg.stream.stream.append(path_operators(string))
            return None
        broken = NUMBERS_AFTER_CLOSE.search(string)
        if broken:  # WeasyPrint would loop for ever; SVG draws a path up to its error
            node.attrib["d"] = string[:broken.start() + 1]
        return original(svg, node, font_size)

    path.plain_paths_first = True  # type: ignore[attr-defined]
    path.original = original  # type: ignore[attr-defined]
    TAGS["path"] = path
    return True
