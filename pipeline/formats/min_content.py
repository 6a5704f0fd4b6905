"""A table that may break words anywhere measured in time linear in its text.

When a table is too wide for the page, :mod:`.fit` lays it out again with
``overflow-wrap: anywhere``, so that its columns may shrink below their
longest word.  To find a cell's narrowest width (its min-content width)
WeasyPrint (70) splits the cell's text into the lines it would have at width
0, one call per line; with ``anywhere`` every character is a line, and each
call lays out *the whole rest of the text* in Pango before keeping its first
character.  A cell of n characters costs n layouts of up to n characters:
a 60-row table of 450-character cells with one long address took 44 s of
CPU to lay out again, a 3,000-character word in a cell minutes.

Here, while widths are measured (and only there: the lines drawn on the page
are split as before), such a split at width 0 is first made on the text's
opening characters: at width 0 the line is the first character (or a space
and a character), decided by the characters up to the next one.  When the
split ends inside those characters it is the split of the whole text;
otherwise the whole text is split as before.  A split that ends within the
first three characters, all plain (Latin, Greek, Cyrillic, punctuation,
spaces: no marks, joiners or scripts that join their letters), is also
remembered by them, the style's font and what breaks its lines: a cell measures a few hundred
distinct openings, not each of its characters.  Widths,
and so every page, are unchanged.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from .libraries import weasyprint_patchable

HEAD = 32  # characters tried first: the first line and the character after it
# What else decides a split, beside the font and its size
BREAKING = ("letter_spacing", "word_spacing", "font_kerning", "word_break", "overflow_wrap",
            "hyphens", "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone")
OPENING = 3  # characters a remembered split is known by: it ends before the last of them
# A remembered split (the first line's length, where the next starts, the first line's
# width), by the font and the text's opening characters.
_SPLITS: dict[tuple[str, str], tuple[int, int, float]] = {}
_KEPT = 100_000  # openings remembered at most; then forgotten and measured again


@functools.cache
def install() -> bool:
    """Measure such splits on the text's head (once per process); False on another WeasyPrint."""
    from weasyprint.layout import preferred
    from weasyprint.text.line_break import _font_style_cache_key

    if not weasyprint_patchable():
        return False
    original = preferred.split_first_line

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                         justification_spacing: float, is_line_start: bool = True,
                         minimum: bool = False) -> Any:
        if max_width != 0 or len(text) < 2 or not breaks_anywhere(style, is_line_start):
            return original(text, style, context, max_width, justification_spacing,
                            is_line_start, minimum)
        opening = text[:OPENING]
        key = None
        if (len(text) > OPENING and style["white_space"] == "normal"
                and all(ch == " " or _plain(ch) for ch in opening)):
            font = _font_style_cache_key(style, include_size=True) + repr(
                (is_line_start, *(style[name] for name in BREAKING)))
            key = (font, opening)
            kept = _SPLITS.get(key)
            if kept is not None:  # as measured for a text opening so in the same font
                length, resume, width = kept
                return None, length, resume, width, None, None
        head = text[:HEAD]
        split = original(head, style, context, max_width, justification_spacing,
                         is_line_start, minimum) if len(text) > HEAD else None
        if split is None or split[2] is None or split[2] >= len(head.encode()):
            split = original(text, style, context, max_width, justification_spacing,
                             is_line_start, minimum)
        if key is not None and split[2] is not None and split[2] < len(opening.encode()):
            if len(_SPLITS) >= _KEPT:
                _SPLITS.clear()
            _SPLITS[key] = (split[1], split[2], split[3])
        return split

    split_first_line.original = original  # type: ignore[attr-defined]
    preferred.split_first_line = split_first_line
    return True


def breaks_anywhere(style: Any, is_line_start: bool) -> bool:
    """Whether WeasyPrint breaks a too-long first line at any character (its own rule)."""
    return style["white_space"] in ("normal", "pre-wrap", "pre-line") and (
        style["word_break"] == "break-all"
        or (is_line_start and style["overflow_wrap"] == "anywhere"))


@functools.lru_cache(maxsize=4096)
def _plain(character: str) -> bool:
    """A character that is one cluster alone and shaped alone: no mark, joiner or space,
    from a script whose letters do not join (Latin, Greek, Cyrillic) or punctuation."""
    code = ord(character)
    if not (code < 0x0590 or 0x1E00 <= code < 0x2C00) or 0xD800 <= code:
        return False
    return unicodedata.category(character)[0] in "LNPS"
