"""Obsidian's comments (``%%a note to myself%%``, or ``%%`` lines around a block), left out.

Obsidian shows nothing of what stands between two ``%%``: authors keep
private notes there (a patient's name, a reviewer's remark).  pandoc's
Markdown has no such comment and would print the text in every format, so
each comment is left out before pandoc reads the text, its lines kept as
empty lines so that every other line keeps its number, and
:func:`comment_problems` warns at its first line.  ``%%`` in a fenced code
block or in inline code is code and stays as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import cut_keeping_lines, fenced
from .model import Manuscript
from .percent import MARKER  # a notebook's cell marker ("# %%"): no comment crosses it

CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
COMMENT = re.compile(r"%%(?:(?!%%).)*?%%", re.DOTALL)
BARRIER = "\0"  # stands for a line of code while comments are found: none crosses it


def _masked(text: str) -> str:
    """``text`` with its code blanked out (fenced lines a barrier, inline code spaces)."""
    lines = text.split("\n")
    masked = "\n".join(BARRIER * len(line) if code or MARKER.match(line) else line
                       for line, code in zip(lines, fenced(lines), strict=True))
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), masked)


def _comments(text: str) -> list[tuple[int, int]]:
    """The start and end of each comment of ``text``, outside code."""
    if "%%" not in text:
        return []
    return [(m.start(), m.end()) for m in COMMENT.finditer(_masked(text))
            if BARRIER not in m.group(0)]


def without_comments(text: str) -> str:
    """``text`` with each Obsidian comment left out, its line breaks kept."""
    found = _comments(text)
    return cut_keeping_lines(text, found) if found else text


def comment_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the first line of each Obsidian comment: it is left out."""
    body = manuscript.body
    for start, _end in _comments(body):
        problems.warn(manuscript.path, manuscript.body_line + body.count("\n", 0, start),
                      "'%%...%%' is an Obsidian comment, which pandoc's Markdown does not "
                      "have: it is left out of the handout; for a note to the editors write "
                      "an HTML comment <!-- ... -->, which no file shows", code="comment")
