"""Which lines of a manuscript's text are fenced code, before pandoc reads it."""

from __future__ import annotations

import re

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
