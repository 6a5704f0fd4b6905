"""No line of one hyphenated word before an inline element that moves to the next line.

When an inline element (``<code>``, ``<em>``, a link) does not fit at the end of
a line, WeasyPrint (70) lays the text before it out again one pixel narrower to
find the last break before the element.  That text ends in the space before the
element; Pango lets the space hang, so the text fits, but WeasyPrint measures
the line with the space, finds it too wide, and hyphenates the text's *first*
word: "Gener‐" alone on a line, "ate a bash completion script ..." on the next.

Here such a split is refused: when the text without its trailing spaces fits the
width, the whole text is kept on the line, and the narrowing goes on until the
line breaks at a space, as it does when nothing is hyphenated.  Lines that are
hyphenated for any other reason are left as they are.
"""

from __future__ import annotations

import functools
from typing import Any

from .libraries import weasyprint_patchable


@functools.cache
def install() -> bool:
    """Refuse the split above (once per process); False on a WeasyPrint it was not made for."""
    from weasyprint.layout import inline

    if not weasyprint_patchable():
        return False
    original = inline.split_first_line

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                         justification_spacing: float, is_line_start: bool = True,
                         minimum: bool = False) -> Any:
        split = original(text, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
        if (max_width is None or split[2] is None or not text.endswith(" ")
                or not split[0].text.endswith(style["hyphenate_character"])):
            return split
        stripped = text.rstrip(" ")
        alone = original(stripped, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
        if alone[2] is not None or alone[3] > max_width:
            return split  # the words do not fit: the hyphenation stands
        return original(text, style, context, None, justification_spacing, is_line_start,
                        minimum)

    split_first_line.original = original  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line
    return True
