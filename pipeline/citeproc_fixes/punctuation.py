"""Punctuation where two pieces of output meet."""

from __future__ import annotations

import re
from typing import Any

from ..citeproc_marks import CLOSE, OUTER_SUFFIX, QUOTE_CLOSE, QUOTE_STYLE, QUOTED_SUFFIX_END
from ..citeproc_output import MERGE, SWAP_IN, merge_punctuation
from .registry import patch


def _last_visible(text: str) -> int:
    """Index of the last character that is not a mark (a closing quote counts as text)."""
    i = len(text) - 1
    while i >= 0 and "\ue000" <= text[i] <= "\ue0ff" and text[i] != QUOTE_CLOSE:
        i -= 1
    return i


def seam(left: str, right: str) -> tuple[int | None, int]:
    """Where two pieces meet: (index of a left character to drop, right characters to drop).

    citeproc-js merges the punctuation ending one piece with the punctuation
    starting the next ('?' and '.' make '?', ':' and '!' make '!', ';' and ';'
    make ';'); formatting marks between them are looked through.
    """
    if not left or not right:
        return None, 0
    i = _last_visible(left)
    if i < 0:
        return None, 0
    a, b = left[i], right[0]
    if a == " " and b == " ":
        return None, 1
    if a not in MERGE or b not in MERGE:
        return None, 0
    merged = merge_punctuation(a, b)
    if merged == a:
        return None, 1
    if merged == b:
        return i, 0
    return None, 0


def _tail(value: Any, pieces: type) -> str:
    """The end of ``value``'s text, from its last visible character on (all of it if none).

    Only that end decides a seam; a text of many pieces is not joined whole.
    """
    if not isinstance(value, pieces):
        return str(value)
    tail = ""
    for piece in reversed(value):
        tail = str(piece) + tail
        if _last_visible(tail) >= 0:
            break
    return tail


def _first(value: Any, pieces: type) -> str:
    """The first character of ``value``'s text ('' when it is empty)."""
    if isinstance(value, str):
        return value[:1]
    if not isinstance(value, pieces):
        return str(value)[:1]
    for piece in value:
        text = piece if isinstance(piece, str) else str(piece)
        if text:
            return text[:1]
    return ""


_JOINING = frozenset(MERGE) | {" "}  # what starts a piece that may merge with the one before


def _seam_at_end(left: Any, right: Any, pieces: type) -> tuple[int | None, int]:
    """:func:`seam` of two pieces of output, reading only their ends."""
    first = _first(right, pieces)
    if first not in _JOINING:  # a letter, a digit, a mark: nothing merges
        return None, 0
    tail = _tail(left, pieces)
    drop_left, drop_right = seam(tail, first)
    if drop_left is not None and isinstance(left, pieces):
        drop_left += len(str(left)) - len(tail)
    return drop_left, drop_right


@patch
def seam_punctuation() -> None:
    """Punctuation meeting at a seam is merged as citeproc-js merges it.

    citeproc-py only drops a repeated mark ('..'), and not across formatting,
    so a title ending in '?' followed by the style's '.' printed 'phenomenon?.',
    'Doe Co.' in bold followed by '.' printed 'Doe Co..', and ';' meeting '!'
    printed ';!'.  Fixtures: punctuation_FullMonty*, punctuation_FieldDuplicates,
    bugreports_AsmJournals, bugreports_ContentPunctuationDuplicate1.
    """
    from citeproc import model
    from citeproc import string as cstring

    pieces = cstring.MixedString

    def normalize_seam(left: Any, other: Any) -> Any:
        if isinstance(other, str) and other[:1] not in _JOINING or left == "":
            return other  # the common cases, at once
        _drop_left, drop_right = _seam_at_end(left, other, pieces)
        return cstring._strip_first_char(other) if drop_right else other

    def without_char(value: Any, index: int) -> Any:
        """``value`` (a MixedString) without the character at ``index`` of its text."""
        segments, position = list(value), 0
        for n, segment in enumerate(segments):
            text = str(segment)
            if position + len(text) > index:
                segments[n] = cstring.String(text[:index - position] + text[index - position + 1:])
                return cstring.MixedString(segments)
            position += len(text)
        return value

    def add(self: Any, other: Any) -> Any:
        if isinstance(other, str):
            if not other:
                return self
            if other[0] not in _JOINING:  # nothing merges
                return cstring.MixedString(list.__add__(self, cstring.MixedString([other])))
        elif other == []:
            return self
        drop_left, drop_right = _seam_at_end(self, other, pieces)
        if drop_right:
            other = cstring._strip_first_char(other)
            if other == "" or other == []:
                return self
        left = without_char(self, drop_left) if drop_left is not None else self
        try:
            return cstring.MixedString(list.__add__(left, other))
        except TypeError:
            return cstring.MixedString(list.__add__(left, cstring.MixedString([other])))

    cstring.normalize_seam = normalize_seam
    model.normalize_seam = normalize_seam
    cstring.MixedString.__add__ = add


_ENDING = ".,;:!?"
_MARK = re.compile("[\ue000-\ue0ff]")


def _plain_quotation(text: str) -> bool:
    """Whether ``text`` is a quotation of plain text (no formatting, no protected case)."""
    return text[:1] == QUOTE_STYLE and text[-1:] == QUOTE_CLOSE and not _MARK.search(text, 1,
                                                                                    len(text) - 1)


@patch
def outer_punctuation_before_a_quoted_suffix() -> None:
    """A quoted element's own suffix and the punctuation of what encloses it are marked.

    citeproc-js puts the punctuation ending a macro or group ahead of the own
    suffix of the quoted text it ends with ('“Title.,”' for a title quoted with
    suffix ',' in a macro with suffix '.') where the title is plain text (with
    formatting or protected case in it, it keeps '“Title,.”'); citeproc-py's
    text ('“Title”,.') no longer tells the two apart, so both are marked for
    ``pipeline.citeproc_output`` to order.
    """
    from citeproc import model

    original = model.Affixed.wrap

    def wrap(self: Any, string: Any) -> Any:
        suffix = self.get("suffix") if string is not None and hasattr(self, "get") else None
        if not suffix:
            return original(self, string)
        if self.get("quotes") == "true" and all(ch in _ENDING for ch in suffix) \
                and _plain_quotation(str(string)):
            marked = suffix + QUOTED_SUFFIX_END
        elif suffix[0] in SWAP_IN and str(string).rstrip(CLOSE).endswith(QUOTED_SUFFIX_END):
            marked = OUTER_SUFFIX + suffix
        else:
            return original(self, string)
        self.set("suffix", marked)
        try:
            return original(self, string)
        finally:
            self.set("suffix", suffix)

    model.Affixed.wrap = wrap
