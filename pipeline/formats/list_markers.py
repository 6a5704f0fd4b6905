"""A list item's marker written where it is read: just before the item's text.

WeasyPrint (70) lays an outside marker (``list-style-position: outside``, the
print style's) out as an absolutely positioned box, and so paints it, as CSS
paints positioned boxes, after everything else in the page's stacking
context: every bullet and every number ("1.", "a.") is written at the end of
the page's content stream.  A reader that copies the page, or extracts its
text, gets the steps of a procedure without their numbers and a column of
"1. a. b. 2. 3." at the foot of the page.  The marker is painted instead with
the in-flow blocks, in document order, at the place its layout gave it: the
page looks the same (a marker never overlaps anything), and its text comes
first in its item.
"""

from __future__ import annotations

import functools

from .libraries import weasyprint_patchable


@functools.cache
def install() -> bool:
    """Paint outside list markers in document order; False on a WeasyPrint it was not made for."""
    from weasyprint import stacking

    if not weasyprint_patchable():
        return False
    dispatch = stacking._dispatch

    def in_order(box, page, child_contexts, blocks, floats, blocks_and_cells):  # type: ignore[no-untyped-def]
        style = box.style
        if not (getattr(box, "is_outside_marker", False) and style["z_index"] == "auto"
                and style["opacity"] >= 1 and not style["transform"]
                and style["overflow"] == "visible"):
            return dispatch(box, page, child_contexts, blocks, floats, blocks_and_cells)
        index = len(blocks)
        inner: dict = {}
        box = stacking._dispatch_children(box, page, child_contexts, blocks, floats, inner)
        blocks.insert(index, box)
        blocks_and_cells[box] = inner
        return box

    stacking._dispatch = in_order
    return True
