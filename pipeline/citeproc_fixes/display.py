"""``display`` and ``second-field-align``: the areas of a reference list entry."""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..citeproc_marks import CLOSE, DISPLAY, OPEN
from .registry import patch, printed_children

_BRANCHES = frozenset({"choose", "if", "else-if", "else"})


def _in_layout(element: Any) -> bool:
    """Whether ``element`` is printed by the layout itself, not by a group or macro in it."""
    parent = element.getparent()
    while parent is not None and etree.QName(parent).localname in _BRANCHES:
        parent = parent.getparent()
    return parent is not None and etree.QName(parent).localname == "layout"


@patch
def display_areas() -> None:
    """An element's ``display`` (block, left-margin, right-inline, indent) marks its area.

    citeproc-py ignores ``display``: an author heading (``block``), a year in
    the margin and the abstract set ``indent`` ran together in one line
    ('John Aloysius Doe1999Aaaaa').  The element's output, affixes included,
    is marked as its area; the reference list lays the areas out.  As in
    citeproc-js, only an element the layout prints itself (a child of the layout,
    or of a ``choose`` there) has an area: one in a group or a macro is printed
    inline, never a block cut out of the middle of its line.
    Fixtures: display_AuthorAsHeading, display_DisplayBlock.
    """
    from citeproc import model

    original = model.Affixed.wrap

    def wrap(self: Any, string: Any) -> Any:
        text = original(self, string)
        display = self.get("display") if hasattr(self, "get") else None
        if text is None or display not in DISPLAY or not str(text) or not _in_layout(self):
            return text
        return OPEN[display] + text + CLOSE

    model.Affixed.wrap = wrap


@patch
def second_field_align() -> None:
    """With ``second-field-align``, an entry's first field is its margin, the rest beside it.

    citeproc-py ignores the option, so '[1]' and the reference ran together
    with nothing to align them.  As in citeproc-js, the first child of the
    layout that prints anything is the ``left-margin`` area (with its affixes)
    and the rest the ``right-inline`` area.  Fixtures: display_SecondFieldAlign*,
    magic_SecondFieldAlign, bugreports_AutomaticallyDeleteItemsFails.
    """
    from citeproc import model
    from citeproc.string import join

    original = model.Layout.render_children

    def render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        parent = self.getparent()
        if not isinstance(parent, model.Bibliography) or not parent.get("second-field-align"):
            return original(self, item, delimiter, **kwargs)
        output = list(printed_children(self, item, delimiter, **kwargs))
        if not output:
            return None
        first = OPEN["left-margin"] + output[0] + CLOSE
        if len(output) == 1:
            return first
        rest = str(join(output[1:], delimiter))
        spaces = rest[len(rest.rstrip(" ")):]  # a trailing space goes after the area
        return first + OPEN["right-inline"] + rest.rstrip(" ") + CLOSE + spaces

    model.Layout.render_children = render_children
