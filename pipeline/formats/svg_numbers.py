"""Faster SVG coordinates for WeasyPrint, with the same drawing.

WeasyPrint reads every coordinate of an SVG path through ``size()``, which
imports its unit table and enters an exception-suppressing context before it
tries the plain number a coordinate almost always is.  A formula of the print
edition is SVG paths (``pipeline/math.py``) with hundreds of coordinates, so
that overhead is about a third of drawing a page of formulas.  The replacement
``SVG.point`` tries the plain numbers first and hands anything else (units,
percentages, empty values) to WeasyPrint's own method: the PDF is the same,
byte for byte (checked by ``tests/test_math.py``).  Written for WeasyPrint 70.
"""

from __future__ import annotations

import functools
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
