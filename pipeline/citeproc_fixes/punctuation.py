"""Punctuation where two pieces of output meet."""

from __future__ import annotations

from typing import Any

from .registry import patch

# formatting marks that may sit between two pieces of text (see citations.py)
_MARK_CHARS = "".join(chr(c) for c in range(0xE000, 0xE008)) + "\ue0f0\ue0f1"


@patch
def seam_punctuation() -> None:
    """No period after a question or exclamation mark where two pieces meet.

    citeproc-py only drops a repeated mark ('..'), so a title ending in '?'
    followed by the style's '.' printed 'phenomenon?.'.  Formatting marks
    around the seam are looked through.
    """
    from citeproc import model
    from citeproc import string as cstring

    original = cstring.normalize_seam

    def normalize_seam(left: Any, other: Any) -> Any:
        before = str(left).rstrip(_MARK_CHARS)
        after = str(other)
        if before and after[:1] == "." and before[-1] in "?!":
            return cstring._strip_first_char(other)
        return original(left, other)

    cstring.normalize_seam = normalize_seam
    model.normalize_seam = normalize_seam
