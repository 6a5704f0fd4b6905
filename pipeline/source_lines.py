"""Where a piece of text is written in a manuscript's body: the line of its nth occurrence.

Warnings about what pandoc read are placed by finding the text again in the
source, counting occurrences so the second of two alike is reported at its own line.
"""

from __future__ import annotations

import re

from .model import Manuscript

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
NOT_PROSE = re.compile(r"(`+).+?\1|\$[^$]+\$")  # code spans and math on a line


def nth_line(manuscript: Manuscript, written: str, nth: int) -> int | None:
    """The line where the ``nth`` occurrence of ``written``, spaced as the source is, starts.

    pandoc's pieces of a drawing come back with the white space between its
    tags (and blank text in them) left out.
    """
    pattern = re.escape(written).replace(r"\ ", r"\s+").replace("><", r">\s*<")
    starts = [m.start() for m in re.finditer(pattern, manuscript.body)]
    if len(starts) < nth:
        return None
    return manuscript.body_line + manuscript.body.count("\n", 0, starts[nth - 1])


def nth_line_containing(manuscript: Manuscript, text: str, nth: int) -> int | None:
    """The line of the ``nth`` line of the body that contains ``text``."""
    lines = [k for k, line in enumerate(manuscript.body.split("\n")) if text in line]
    return manuscript.body_line + lines[nth - 1] if len(lines) >= nth else None


def nth_line_outside_code(manuscript: Manuscript, text: str, nth: int) -> int | None:
    """The line of the ``nth`` occurrence of ``text`` outside code and math, if any."""
    fence: str | None = None
    found = 0
    for offset, line in enumerate(manuscript.body.split("\n")):
        opener = FENCE.match(line)
        if opener and (fence is None or opener.group(1).startswith(fence)):
            fence = None if fence else opener.group(1)
            continue
        if fence is None:
            found += NOT_PROSE.sub("", line).count(text)
            if found >= nth:
                return manuscript.body_line + offset
    return None
