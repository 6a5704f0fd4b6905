"""A manuscript's text before pandoc reads it: which lines are fenced code; spans cut out."""

from __future__ import annotations

import re
from collections.abc import Iterable

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def fenced(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block, its fences included.

    A block closes at a line of its fence's character at least as long as the
    opening fence, as pandoc reads it; an unclosed block runs to the end.
    """
    inside: list[bool] = []
    fence: str | None = None
    for line in lines:
        if fence is not None:
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = None
            inside.append(True)
            continue
        opener = FENCE.match(line)
        if opener:
            fence = opener.group(1)
        inside.append(bool(opener))
    return inside


def cut_keeping_lines(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` without each ``(start, end)`` span (in order; one inside the last cut is
    skipped), each replaced by its line breaks, so every later line keeps its number."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:
            continue
        out += [text[last:start], "\n" * text.count("\n", start, end)]
        last = end
    out.append(text[last:])
    return "".join(out)
