"""The one place where ziamath, the math typesetter of the print edition, is changed.

``skip_unstretched_rows``: before laying out a row, ziamath lays out a copy of
every child once more, only to learn how tall the row is without its
stretchy operators (``Mrow._get_height_nostretch``), so that a ``\\left(``
or a stretchy bar can grow to it.  Rows nest, so a formula of depth *d* is
laid out about 2^d times.  Only a stretchy ``<mo>`` reads that height
(``rowymin``/``rowymax`` in ``nodes/moperator.py``); a row with none below it
gets a zero height without the extra layout, and draws the same paths (checked
by ``tests/test_math.py``).

``shallow_parent_style``: every node reads its parent's style through
``dataclasses.asdict``, which deep-copies it, nested variant and all; the
style reader only looks up the parent's plain values (colour, size, script
level, display style), so a shallow mapping of its fields gives the same
style at a fraction of the cost.

Written for ziamath 0.13; another release is left as it is (slower, never
wrong).
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
import xml.etree.ElementTree as ET
from typing import Any

WRITTEN_FOR = "0.13"


def _may_stretch(element: ET.Element, operators: Any) -> bool:
    """Whether ``element`` or anything below it is an operator ziamath may stretch."""
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag == "mfenced":
            return True
        text = "".join(node.itertext()).strip()
        if tag == "mo" or (tag == "mi" and text in operators.names):
            stretchy = node.get("stretchy")
            if stretchy is not None:
                if stretchy != "false":
                    return True
                continue
            if any(operators.get_params(text, form).get("stretchy", "false") != "false"
                   for form in ("prefix", "infix", "postfix")):
                return True
            if "minsize" in node.attrib or "maxsize" in node.attrib:
                return True
    return False


def _shallow_fields(instance: Any) -> dict[str, Any]:
    """A dataclass's fields as a mapping, values as they are (``asdict`` copies them)."""
    return {f.name: getattr(instance, f.name) for f in dataclasses.fields(instance)}


@functools.cache
def ziamath() -> Any:
    """ziamath, imported quietly (its import warns on Python 3.11+), with the patch applied.

    Glyphs are written as plain paths, not SVG 2 ``<symbol>``/``<use>`` pairs:
    WeasyPrint copies a symbol's tree for every use, which makes drawing a
    page of formulas about a third slower.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath as module
        from ziamath import operators, styles
        from ziamath.nodes.mrow import Mrow
    module.config.svg2 = False
    original = Mrow._get_height_nostretch
    if module.__version__ == WRITTEN_FOR and not getattr(original, "skips_unstretched", False):

        def height_nostretch(self: Any, line: list[ET.Element], **kwargs: Any) -> Any:
            if not any(_may_stretch(child, operators) for child in line):
                return 0.0, 0.0
            return original(self, line, **kwargs)

        height_nostretch.skips_unstretched = True  # type: ignore[attr-defined]
        height_nostretch.original = original  # type: ignore[attr-defined]
        Mrow._get_height_nostretch = height_nostretch
        styles.asdict = _shallow_fields
    return module
